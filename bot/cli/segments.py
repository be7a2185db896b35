"""`madoguchi segments ...`: named filters over what residents registered, and how many each reaches.

madoguchi segments add 子育て世帯 --where household=child --where area=kojimachi,fujimi
madoguchi segments count --where age_band=70s,80plus
"""

from __future__ import annotations

import click

from ..notices import parse_where, validate
from ..settings import Settings
from ._notices import filter_text, reach_text, refusals, store_of
from ._output import echo_json

__all__ = ["segments"]


@click.group()
def segments() -> None:
    """Segments: named filters over what residents registered (any of the values, all of the attributes)."""


@segments.command("add")
@click.argument("name")
@click.option("--where", "where", multiple=True, help="attribute=code,code (repeat for more attributes)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def segments_add(settings: Settings, name: str, where: tuple[str, ...], as_json: bool) -> None:
    """Add a segment, or change the filter of the one of that name; no --where: everyone who agreed."""
    with refusals():
        store = store_of(settings)
        segment = store.save_segment(name, parse_where(where))
        reach = store.reach(segment.filter)
    if as_json:
        echo_json({**segment.to_dict(), "reach": reach.to_dict()})
        return
    click.echo(f"{segment.id:>4}  {segment.name}  {filter_text(segment.filter)}  → {reach.total:,} 人")


@segments.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def segments_list(settings: Settings, as_json: bool) -> None:
    """Every segment with the number of residents it reaches now."""
    store = store_of(settings)
    rows = [(s, store.reach(s.filter)) for s in store.segments()]
    if as_json:
        echo_json([{**s.to_dict(), "reach": r.to_dict()} for s, r in rows])
        return
    for s, r in rows:
        click.echo(f"{s.id:>4}  {s.name}  {filter_text(s.filter)}  → {r.total:,} 人")
    if not rows:
        click.echo("セグメントはありません（`madoguchi segments add` で作れます）")


@segments.command("count")
@click.argument("name", required=False)
@click.option("--where", "where", multiple=True, help="count a filter without saving it")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def segments_count(settings: Settings, name: str | None, where: tuple[str, ...], as_json: bool) -> None:
    """How many residents a segment (or a --where filter) reaches now: consented, following, matching."""
    with refusals():
        store = store_of(settings)
        segment = store.segment(name).filter if name else validate(parse_where(where), store.vocabulary)
        reach = store.reach(segment)
    if as_json:
        echo_json(reach.to_dict())
        return
    click.echo(reach_text(reach.total, reach.by_channel, reach.by_language))
