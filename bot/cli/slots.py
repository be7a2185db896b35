"""`madoguchi slots ...`: staff create sessions (one, or every week between two days), change seats, cancel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import click

from ..bookings import Booking, Bookings, Slot, japanese_when, save_venue, session_days
from ..settings import Settings
from ._bookings import booking_line, open_store, parse_clock, parse_day, parse_when, refusals
from ._output import echo_json

__all__ = ["slots"]


def _slot_line(slot: Slot, venues: dict[int, str]) -> str:
    state = "中止" if slot.cancelled else f"残り {slot.seats_left} 席 / 定員 {slot.capacity}"
    waiting = f"、キャンセル待ち {slot.waitlisted} 人" if slot.waitlisted else ""
    return f"{slot.id:>4}  {japanese_when(slot.starts_at)}  {slot.type_code}  {venues.get(slot.venue_id, '?')}  {state}{waiting}"


def _slot_dict(slot: Slot) -> dict[str, Any]:
    return {**slot.to_dict(), "seats_left": slot.seats_left}


@click.group()
def slots() -> None:
    """Sessions (スマホ教室, 申請サポート) and their seats."""


def _slot_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--type", "type_code", default="smartphone", show_default=True, help="smartphone / support"),
        click.option(
            "--venue",
            required=True,
            help="venue name (created if new; `madoguchi venues add` sets its address and access notes)",
        ),
        click.option("--address", default=None, help="the venue's address, when it is new or changed"),
        click.option("--minutes", default=90, show_default=True, type=click.IntRange(1)),
        click.option("--capacity", required=True, type=click.IntRange(1)),
        click.option("--notes", default="", help="language and accessibility notes"),
        click.option("--json", "as_json", is_flag=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@slots.command("add")
@click.option("--start", required=True, callback=parse_when, help='"2026-12-03 10:00" (Tokyo time)')
@_slot_options
@click.pass_obj
def slots_add(settings: Settings, start: datetime, venue: str, address: str | None, as_json: bool, **slot: Any) -> None:
    """Add one session."""
    store = open_store(settings)
    with refusals():
        venue_id = save_venue(store, venue, address=address).id
        made = store.add_slot(slot.pop("type_code"), starts_at=start, venue_id=venue_id, **slot)
    _report_slots(store, [made], [], as_json=as_json)


@slots.command("generate")
@click.option("--from", "first", required=True, callback=parse_day, help="first day, 2026-12-01")
@click.option("--until", "last", required=True, callback=parse_day, help="last day (inclusive)")
@click.option("--at", "at", required=True, callback=parse_clock, help="start time, 10:00")
@click.option("--every", "every_days", default=7, show_default=True, type=click.IntRange(1), help="days apart")
@_slot_options
@click.pass_obj
def slots_generate(
    settings: Settings, first: date, last: date, at: time, every_days: int, venue: str, address: str | None,
    as_json: bool, **slot: Any,
) -> None:  # fmt: skip
    """Add a session every week (or --every N days) between two days, skipping holidays and 12/29–1/3."""
    store = open_store(settings)
    with refusals():
        try:
            days, skipped = session_days(first, last, every_days=every_days)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        venue_id, type_code = save_venue(store, venue, address=address).id, slot.pop("type_code")
        made = [store.add_slot(type_code, starts_at=datetime.combine(d, at), venue_id=venue_id, **slot) for d in days]
    _report_slots(store, made, skipped, as_json=as_json)


def _report_slots(store: Bookings, made: list[Slot], skipped: list[date], *, as_json: bool) -> None:
    if as_json:
        echo_json({"added": [_slot_dict(s) for s in made], "skipped": [d.isoformat() for d in skipped]})
        return
    venues = {v.id: v.name for v in store.venues()}
    for slot in made:
        click.echo(_slot_line(slot, venues))
    click.echo(f"{len(made)} 枠を追加しました")
    if skipped:
        click.echo("休日のため飛ばした日: " + "、".join(f"{d.month}月{d.day}日" for d in skipped))


@slots.command("list")
@click.option("--type", "type_code", default=None)
@click.option("--since", callback=parse_day, default=None, help="from this day (default: today)")
@click.option("--all", "include_cancelled", is_flag=True, help="include cancelled sessions")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def slots_list(
    settings: Settings, type_code: str | None, since: date | None, include_cancelled: bool, as_json: bool
) -> None:
    """The sessions from today (or --since), with seats left."""
    store = open_store(settings)
    start = datetime.combine(since or date.today(), time())
    found = store.slots(since=start, type_code=type_code, include_cancelled=include_cancelled)
    if as_json:
        echo_json([_slot_dict(s) for s in found])
        return
    venues = {v.id: v.name for v in store.venues()}
    for slot in found:
        click.echo(_slot_line(slot, venues))
    if not found:
        click.echo("枠はありません")


@slots.command("capacity")
@click.argument("slot_id", type=int)
@click.argument("capacity", type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def slots_capacity(settings: Settings, slot_id: int, capacity: int, as_json: bool) -> None:
    """Change a session's seats; waitlisted people fill new seats in order."""
    store = open_store(settings)
    with refusals():
        promoted = store.set_capacity(slot_id, capacity)
    _report_people(promoted, "キャンセル待ちから予約になった方（お知らせしてください）", as_json=as_json)


@slots.command("cancel")
@click.argument("slot_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def slots_cancel(settings: Settings, slot_id: int, as_json: bool) -> None:
    """Cancel a session and its bookings; lists the people to tell."""
    with refusals():
        affected = open_store(settings).cancel_slot(slot_id)
    _report_people(affected, f"枠 {slot_id} を中止しました。お知らせが必要な方", as_json=as_json)


def _report_people(people: list[Booking], title: str, *, as_json: bool) -> None:
    if as_json:
        echo_json([b.to_dict() for b in people])
        return
    click.echo(f"{title}: {len(people)} 人")
    for booking in people:
        click.echo(booking_line(booking))
