"""`madoguchi venues ...`: the places sessions are held, with the address and access notes residents are told."""

from __future__ import annotations

import click

from ..bookings import Venue, save_venue
from ..settings import Settings
from ._bookings import open_store
from ._output import echo_json

__all__ = ["venues"]


def venue_line(venue: Venue) -> str:
    parts = [f"{venue.id:>4}", venue.name, venue.address or "（住所未登録）"]
    if venue.access_notes:
        parts.append(f"アクセス: {venue.access_notes}")
    if venue.accessibility:
        parts.append(f"バリアフリー: {venue.accessibility}")
    return "  ".join(parts)


@click.group()
def venues() -> None:
    """Venues: name, address and access notes (residents are told them when they book), accessibility."""


@venues.command("add")
@click.argument("name")
@click.option("--address", default=None, help="住所, e.g. 中央1-1-1")
@click.option("--access", "access_notes", default=None, help="how to get there, e.g. 中央駅から徒歩5分")
@click.option("--accessibility", default=None, help="e.g. 車いす可、エレベーターあり")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def venues_add(
    settings: Settings,
    name: str,
    address: str | None,
    access_notes: str | None,
    accessibility: str | None,
    as_json: bool,
) -> None:
    """Add a venue, or update the one of that name (options left out keep their value; "" clears one)."""
    if not name.strip():
        raise click.ClickException("会場名を入力してください。")
    store = open_store(settings)
    is_new = store.venue_named(name) is None
    venue = save_venue(store, name, address=address, access_notes=access_notes, accessibility=accessibility)
    if as_json:
        echo_json(venue.to_dict())
        return
    click.echo(f"{'会場を登録しました' if is_new else '会場を更新しました'}: {venue_line(venue)}")


@venues.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def venues_list(settings: Settings, as_json: bool) -> None:
    """Every venue, in the order they were added."""
    found = open_store(settings).venues()
    if as_json:
        echo_json([v.to_dict() for v in found])
        return
    for venue in found:
        click.echo(venue_line(venue))
    if not found:
        click.echo("会場はありません")
