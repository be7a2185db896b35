"""`madoguchi slots ...` and `madoguchi bookings ...`: staff create sessions, take bookings by phone, keep the roster."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click

from knowledge import open_database

from .bookings import ATTENDED, NO_SHOW, Booking, BookingError, Bookings, Slot, japanese_when, session_days
from .cli_output import echo_json
from .settings import Settings

__all__ = ["bookings", "slots"]

STATUS_JA = {
    "confirmed": "予約",
    "waitlisted": "キャンセル待ち",
    "cancelled": "取消",
    "attended": "出席",
    "no_show": "欠席",
}
CSV_HEADERS = ["予約番号", "状態", "待ち順", "お名前", "よみがな", "電話番号", "連絡先のお名前", "連絡先の電話番号", "予約経路", "予約日時"]  # fmt: skip


def _store(settings: Settings) -> Bookings:
    return Bookings(open_database(settings.db_path))


@contextmanager
def _refusals() -> Iterator[None]:
    """The booking rules' refusals become one clear line and exit status 1."""
    try:
        yield
    except BookingError as exc:
        raise click.ClickException(str(exc)) from exc


def _parse(kind: str, parse: Callable[[str], Any], example: str) -> Callable[..., Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        if value is None:
            return None
        try:
            return parse(value.strip().replace("/", "-").replace("T", " "))
        except ValueError:
            raise click.BadParameter(f"「{value}」は{kind}として読めません（例: {example}）。") from None

    return callback


_when = _parse("日時", lambda v: datetime.strptime(v, "%Y-%m-%d %H:%M"), "2026-12-03 10:00")
_day = _parse("日付", date.fromisoformat, "2026-12-03")
_clock = _parse("時刻", lambda v: time.fromisoformat(v.zfill(5)), "10:00")


def _slot_line(slot: Slot, venues: dict[int, str]) -> str:
    state = "中止" if slot.cancelled else f"残り {slot.seats_left} 席 / 定員 {slot.capacity}"
    waiting = f"、キャンセル待ち {slot.waitlisted} 人" if slot.waitlisted else ""
    return f"{slot.id:>4}  {japanese_when(slot.starts_at)}  {slot.type_code}  {venues.get(slot.venue_id, '?')}  {state}{waiting}"


def _booking_line(booking: Booking) -> str:
    place = f" {booking.waitlist_position}番目" if booking.status == "waitlisted" else ""
    contact = f"（連絡先: {booking.contact_name} {booking.contact_phone}）" if booking.contact_name else ""
    return f"{booking.id:>5}  {STATUS_JA[booking.status]}{place}  {booking.name}  {booking.phone}{contact}"


def _slot_dict(slot: Slot) -> dict[str, Any]:
    return {**slot.to_dict(), "seats_left": slot.seats_left}


# -- slots --------------------------------------------------------------------------------------------


@click.group()
def slots() -> None:
    """Sessions (スマホ教室, 申請サポート) and their seats."""


def _slot_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--type", "type_code", default="smartphone", show_default=True, help="smartphone / support"),
        click.option("--venue", required=True, help="venue name (created if new)"),
        click.option("--address", default=None, help="the venue's address, when it is new or changed"),
        click.option("--minutes", default=90, show_default=True, type=click.IntRange(1)),
        click.option("--capacity", required=True, type=click.IntRange(1)),
        click.option("--notes", default="", help="language and accessibility notes"),
        click.option("--json", "as_json", is_flag=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _venue_id(store: Bookings, name: str, address: str | None) -> int:
    venue = store.venue_named(name)
    if venue is None or address is not None:
        kept = venue.to_dict() if venue else {}
        venue = store.add_venue(
            name,
            address=address if address is not None else kept.get("address", ""),
            access_notes=kept.get("access_notes", ""),
            accessibility=kept.get("accessibility", ""),
        )
    return venue.id


@slots.command("add")
@click.option("--start", required=True, callback=_when, help='"2026-12-03 10:00" (Tokyo time)')
@_slot_options
@click.pass_obj
def slots_add(settings: Settings, start: datetime, venue: str, address: str | None, as_json: bool, **slot: Any) -> None:
    """Add one session."""
    store = _store(settings)
    with _refusals():
        made = store.add_slot(slot.pop("type_code"), starts_at=start, venue_id=_venue_id(store, venue, address), **slot)
    _report_slots(store, [made], [], as_json=as_json)


@slots.command("generate")
@click.option("--from", "first", required=True, callback=_day, help="first day, 2026-12-01")
@click.option("--until", "last", required=True, callback=_day, help="last day (inclusive)")
@click.option("--at", "at", required=True, callback=_clock, help="start time, 10:00")
@click.option("--every", "every_days", default=7, show_default=True, type=click.IntRange(1), help="days apart")
@_slot_options
@click.pass_obj
def slots_generate(
    settings: Settings, first: date, last: date, at: time, every_days: int, venue: str, address: str | None,
    as_json: bool, **slot: Any,
) -> None:  # fmt: skip
    """Add a session every week (or --every N days) between two days, skipping holidays and 12/29–1/3."""
    store = _store(settings)
    with _refusals():
        try:
            days, skipped = session_days(first, last, every_days=every_days)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        venue_id, type_code = _venue_id(store, venue, address), slot.pop("type_code")
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
@click.option("--since", callback=_day, default=None, help="from this day (default: today)")
@click.option("--all", "include_cancelled", is_flag=True, help="include cancelled sessions")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def slots_list(
    settings: Settings, type_code: str | None, since: date | None, include_cancelled: bool, as_json: bool
) -> None:
    """The sessions from today (or --since), with seats left."""
    store = _store(settings)
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
    store = _store(settings)
    with _refusals():
        promoted = store.set_capacity(slot_id, capacity)
    _report_people(promoted, "キャンセル待ちから予約になった方（お知らせしてください）", as_json=as_json)


@slots.command("cancel")
@click.argument("slot_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def slots_cancel(settings: Settings, slot_id: int, as_json: bool) -> None:
    """Cancel a session and its bookings; lists the people to tell."""
    with _refusals():
        affected = _store(settings).cancel_slot(slot_id)
    _report_people(affected, f"枠 {slot_id} を中止しました。お知らせが必要な方", as_json=as_json)


def _report_people(people: list[Booking], title: str, *, as_json: bool) -> None:
    if as_json:
        echo_json([b.to_dict() for b in people])
        return
    click.echo(f"{title}: {len(people)} 人")
    for booking in people:
        click.echo(_booking_line(booking))


# -- bookings -----------------------------------------------------------------------------------------


@click.group()
def bookings() -> None:
    """Bookings: the roster, bookings taken by phone, cancellations, attendance, CSV for Excel."""


@bookings.command("list")
@click.option("--slot", "slot_id", required=True, type=int)
@click.option("--all", "include_cancelled", is_flag=True, help="include cancelled bookings")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bookings_list(settings: Settings, slot_id: int, include_cancelled: bool, as_json: bool) -> None:
    """The roster of one session: seats first, then the waitlist in order."""
    with _refusals():
        roster = _store(settings).bookings(slot_id, include_cancelled=include_cancelled)
    if as_json:
        echo_json([b.to_dict() for b in roster])
        return
    for booking in roster:
        click.echo(_booking_line(booking))
    if not roster:
        click.echo("予約はありません")


@bookings.command("add")
@click.option("--slot", "slot_id", required=True, type=int)
@click.option("--name", required=True, help="the attendee")
@click.option("--reading", default="", help="the name in kana")
@click.option("--phone", required=True, help="the attendee's phone")
@click.option("--contact-name", default="", help="who booked for them, to call")
@click.option("--contact-phone", default="")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bookings_add(settings: Settings, slot_id: int, as_json: bool, **person: str) -> None:
    """Add a booking taken by phone (the waitlist when full; the same person again books once)."""
    with _refusals():
        booking = _store(settings).book(slot_id, **person)  # taken by phone: no channel address
    if as_json:
        echo_json(booking.to_dict())
        return
    click.echo(_booking_line(booking))


@bookings.command("cancel")
@click.argument("booking_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bookings_cancel(settings: Settings, booking_id: int, as_json: bool) -> None:
    """Cancel a booking; the first on the waitlist gets the seat (shown, so they can be told)."""
    with _refusals():
        result = _store(settings).cancel(booking_id)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(f"取り消しました: {_booking_line(result.booking)}")
    if result.promoted:
        click.echo(f"キャンセル待ちから予約になりました（お知らせしてください）: {_booking_line(result.promoted)}")


@bookings.command("attend")
@click.argument("booking_id", type=int)
@click.option("--no-show", is_flag=True, help="record that they did not come")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bookings_attend(settings: Settings, booking_id: int, no_show: bool, as_json: bool) -> None:
    """Record attendance."""
    with _refusals():
        booking = _store(settings).mark(booking_id, status=NO_SHOW if no_show else ATTENDED)
    if as_json:
        echo_json(booking.to_dict())
        return
    click.echo(_booking_line(booking))


@bookings.command("export")
@click.option("--slot", "slot_id", required=True, type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@click.pass_obj
def bookings_export(settings: Settings, slot_id: int, output: Path | None) -> None:
    """The roster as CSV for Excel (UTF-8 with BOM, Japanese headers)."""
    with _refusals():
        data = roster_csv(_store(settings).bookings(slot_id, include_cancelled=True))
    if output:
        output.write_bytes(data)
        click.echo(f"{output} に書き出しました", err=True)
    else:
        sys.stdout.buffer.write(data)


def roster_csv(roster: list[Booking]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for b in roster:
        writer.writerow(
            [b.id, STATUS_JA[b.status], b.waitlist_position if b.status == "waitlisted" else "", b.name, b.reading,
             b.phone, b.contact_name, b.contact_phone, b.booked_by, b.created_at]
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
