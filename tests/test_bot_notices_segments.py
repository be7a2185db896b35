"""Segments: the SQL filter agrees with a plain Python reading of the rule, on random residents."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.notices import NoticeStore, SegmentError, parse_where, reachable_sql, validate
from bot.residents import load_areas, vocabulary
from knowledge import open_database
from tests.fakes.residents import Synthetic, add_residents, line_user

VOCABULARY = vocabulary(load_areas("131016"))
NAMES = sorted(VOCABULARY)


@st.composite
def residents(draw) -> list[Synthetic]:
    count = draw(st.integers(0, 25))
    out = []
    for n in range(1, count + 1):
        names = draw(st.lists(st.sampled_from([x for x in NAMES if x != "language"]), unique=True, max_size=4))
        attributes = {
            name: tuple(sorted(draw(st.sets(st.sampled_from(VOCABULARY[name].codes()), min_size=1, max_size=3))))
            for name in names
        }
        channel = draw(st.sampled_from(["line", "tg", "both"]))
        address = f"tg:{n}" if channel == "tg" else f"line:{line_user(n)}"
        out.append(
            Synthetic(
                n,
                address,
                consented=draw(st.booleans()),
                active=draw(st.booleans()),
                language=draw(st.sampled_from([None, "ja", "easy", "en"])),
                attributes=attributes,
                extra_addresses=(f"tg:{n}",) if channel == "both" else (),
            )
        )
    return out


filters = st.lists(st.sampled_from(NAMES), unique=True, max_size=3).flatmap(
    lambda names: st.fixed_dictionaries(
        {name: st.sets(st.sampled_from(VOCABULARY[name].codes()), min_size=1, max_size=3) for name in names}
    )
)


def reference(people: list[Synthetic], segment: dict[str, set[str]]) -> dict[int, str]:
    """Who the rule says is reached, and at which address: the brute-force reading of the docstring."""
    out = {}
    for r in people:
        active = sorted(a for a in (r.address, *r.extra_addresses) if a != r.address or r.active)
        if not r.consented or not active:
            continue
        values = {**r.attributes, "language": (r.language or "ja",)}
        if all(set(values.get(name, ())) & codes for name, codes in segment.items()):
            out[r.id] = active[0]
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=residents(), segment=filters)
def test_the_sql_segment_reaches_exactly_whom_the_rule_says(people, segment):
    db = open_database(":memory:")
    add_residents(db, people)
    sql, params = reachable_sql(validate(segment, VOCABULARY))
    found = {row[0]: row[1] for row in db.execute(sql, params)}
    assert found == reference(people, segment)
    store = NoticeStore(db, vocabulary=VOCABULARY)
    assert store.reach(validate(segment, VOCABULARY)).total == len(found)


def test_a_resident_with_line_and_telegram_is_counted_and_reached_once_on_line(db):
    add_residents(db, [Synthetic(1, f"line:{line_user(1)}", extra_addresses=("tg:1",))])
    reach = NoticeStore(db).reach({})
    assert (reach.total, dict(reach.by_channel)) == (1, {"line": 1})


def test_a_filter_naming_an_unknown_attribute_or_code_is_refused():
    with pytest.raises(SegmentError, match="属性はありません"):
        validate({"pets": ["cat"]}, VOCABULARY)
    with pytest.raises(SegmentError, match="kids"):
        validate({"household": ["kids"]}, VOCABULARY)
    with pytest.raises(SegmentError):
        parse_where(["household"])


def test_where_options_become_any_of_per_attribute_all_of_across():
    raw = parse_where(["area=kojimachi,fujimi", "household=child", "area=fujimi"])
    assert validate(raw, VOCABULARY) == {"area": ("fujimi", "kojimachi"), "household": ("child",)}


def test_a_segment_is_saved_by_name_and_replaced_when_saved_again(db):
    store = NoticeStore(db, vocabulary=VOCABULARY)
    store.save_segment("子育て", {"household": ["child"]})
    store.save_segment("子育て", {"household": ["child"], "area": ["kojimachi"]})
    assert [s.filter for s in store.segments()] == [{"area": ("kojimachi",), "household": ("child",)}]
