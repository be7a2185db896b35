"""The seed corpus checks itself: every entry complete, cited, and clean."""

from pathlib import Path

import pytest

from knowledge import STATUSES, clean, read_seed_entries, read_seed_municipalities, read_sources

SEEDS = Path(__file__).parent.parent.parent / "shared" / "seeds"
CATEGORIES = set(
    [
        "証明書・コンビニ交付",
        "マイナンバーカード",
        "オンライン申請",
        "窓口",
        "子育て",
        "健康・福祉",
        "介護・高齢者",
        "税・支払い",
        "くらし・ごみ",
        "防災",
        "デジタル・スマホ講習",
        "図書館・施設",
        "多言語・手話",
        "ライフイベント",
        "区・市の取り組み",
    ]
)
ENTRIES = read_seed_entries()


def test_at_least_150_entries_with_unique_ids():
    assert len(ENTRIES) >= 150
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_entry_is_complete_and_clean(entry):
    scopes = {m.code for m in read_seed_municipalities()} | {"national", "tokyo"}
    assert entry.municipality in scopes
    assert entry.category in CATEGORIES
    assert entry.status in STATUSES
    assert entry.as_of[:4].isdigit()
    assert len(entry.variants) >= 4
    assert entry.answer_en, "every entry has an English answer"
    assert len(entry.answer) <= 220
    assert entry.source_file in read_sources() and entry.source_lines
    for text in (entry.question, entry.answer, *entry.variants):
        assert clean(text) == text
        assert "<" not in text and "й" not in text


def test_related_entries_exist():
    ids = {e.id for e in ENTRIES}
    assert {r for e in ENTRIES for r in e.related} <= ids


@pytest.mark.skipif(not SEEDS.exists(), reason="the plans are not beside the checkout")
def test_cited_lines_exist_in_the_plans():
    lengths = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SEEDS.glob("*.txt")}
    for e in ENTRIES:
        assert all(1 <= n <= lengths[e.source_file] for n in e.source_lines), e.id


@pytest.mark.skipif(not SEEDS.exists(), reason="the plans are not beside the checkout")
def test_every_resident_relevant_section_of_the_plans_is_cited():
    """`madoguchi kb coverage`: a section no entry cites is either listed in knowledge/data/uncited/ or missing."""
    from knowledge.coverage import plan_coverage, read_exclusions
    from knowledge.loader import seed_dir

    plans = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")}
    report = plan_coverage(plans, ENTRIES, exclusions=read_exclusions(seed_dir() / "uncited"))
    uncited = {c.file: [f"{s.start}-{s.end} {s.heading}" for s in c.uncited] for c in report if c.uncited}
    assert uncited == {}


@pytest.mark.skipif(not SEEDS.exists(), reason="the plans are not beside the checkout")
def test_every_answer_keeps_the_figures_of_its_source_lines():
    """`madoguchi kb figures`: counts, dates and targets of the cited lines are in the answer, or `left_out` says why."""
    from knowledge.coverage import seed_figure_gaps
    from knowledge.loader import seed_dir

    plans = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")}
    assert seed_figure_gaps(plans, seed_dir()) == {}


def test_well_over_300_entries():
    assert len(ENTRIES) >= 320
