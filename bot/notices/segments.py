"""Segments: who a notice is for, as a small declarative filter over what residents registered.

A filter maps attribute names to the codes wanted: a resident matches when, for every attribute named, they
registered at least one of its codes (any of the values, all of the attributes). ``{}`` is everyone who agreed
to notices. Filters are checked against the vocabulary of bot/attributes.py and compiled to SQL, so a count
over 300,000 residents never loads them into Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..residents import Attribute

__all__ = ["Filter", "SegmentError", "filter_sql", "parse_where", "reachable_sql", "validate"]

Filter = dict[str, tuple[str, ...]]  # attribute name → the codes any of which matches
PUSH_CHANNELS = ("line", "tg")


class SegmentError(ValueError):
    """A filter that names an attribute or a code the vocabulary does not have."""


def validate(raw: Mapping[str, Any], vocabulary: Mapping[str, Attribute]) -> Filter:
    """The filter with its codes checked, sorted and deduplicated; raises SegmentError otherwise."""
    out: Filter = {}
    for name, values in raw.items():
        attribute = vocabulary.get(name)
        if attribute is None:
            raise SegmentError(f"「{name}」という属性はありません（使えるもの: {', '.join(sorted(vocabulary))}）。")
        codes = (values,) if isinstance(values, str) else tuple(str(v) for v in values)
        unknown = [c for c in codes if c not in attribute.codes()]
        if unknown or not codes:
            raise SegmentError(
                f"{attribute.ja}（{name}）に「{', '.join(unknown) or '（空）'}」はありません"
                f"（使えるもの: {', '.join(attribute.codes())}）。"
            )
        out[name] = tuple(sorted(set(codes)))
    return dict(sorted(out.items()))


def parse_where(items: Sequence[str]) -> dict[str, list[str]]:
    """`--where area=kojimachi,fujimi --where household=child` → a raw filter (validated separately)."""
    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip():
            raise SegmentError(f"「{item}」は 属性=値,値 の形で書いてください（例: household=child）。")
        out.setdefault(name.strip(), []).extend(v.strip() for v in values.split(",") if v.strip())
    return out


def filter_sql(segment: Filter) -> tuple[str, list[str]]:
    """The filter as a SQL condition on the resident `r`, with its parameters."""
    clauses: list[str] = []
    params: list[str] = []
    for name, codes in segment.items():
        marks = ", ".join("?" for _ in codes)
        if name == "language":  # kept on the resident, not as an attribute row; unset reads as Japanese
            clauses.append(f"coalesce(r.language, 'ja') in ({marks})")
            params += codes
            continue
        clauses.append(
            f"exists (select 1 from resident_attributes where resident_id = r.id and name = ? and value in ({marks}))"
        )
        params += [name, *codes]
    return " and ".join(clauses) or "1", params


def reachable_sql(segment: Filter) -> tuple[str, list[str]]:
    """Residents a notice may reach, one row each: (resident id, the address to use, its channel, language,
    quiet start, quiet end). Consent given, an active LINE or Telegram address (LINE first), and the filter."""
    condition, params = filter_sql(segment)
    sql = f"""
        select r.id as resident_id, a.address, substr(a.address, 1, instr(a.address, ':') - 1) as channel,
               coalesce(r.language, 'ja') as language, r.quiet_start, r.quiet_end
        from residents r
        join (select resident_id, min(address) as address from resident_addresses
              where active = 1 and channel in ('line', 'tg') group by resident_id) a on a.resident_id = r.id
        where r.consent_version is not null and {condition}
    """
    return sql, params
