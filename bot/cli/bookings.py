"""`madoguchi bookings ...`: staff take bookings by phone, cancel them, record attendance and export the roster."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..bookings import ATTENDED, NO_SHOW, roster_csv
from ..settings import Settings
from ._bookings import booking_line, open_store, refusals
from ._output import echo_json

__all__ = ["bookings"]


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
    with refusals():
        roster = open_store(settings).bookings(slot_id, include_cancelled=include_cancelled)
    if as_json:
        echo_json([b.to_dict() for b in roster])
        return
    for booking in roster:
        click.echo(booking_line(booking))
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
    with refusals():
        booking = open_store(settings).book(slot_id, **person)  # taken by phone: no channel address
    if as_json:
        echo_json(booking.to_dict())
        return
    click.echo(booking_line(booking))


@bookings.command("cancel")
@click.argument("booking_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bookings_cancel(settings: Settings, booking_id: int, as_json: bool) -> None:
    """Cancel a booking; the first on the waitlist gets the seat (shown, so they can be told)."""
    with refusals():
        result = open_store(settings).cancel(booking_id)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(f"取り消しました: {booking_line(result.booking)}")
    if result.promoted:
        click.echo(f"キャンセル待ちから予約になりました（お知らせしてください）: {booking_line(result.promoted)}")


@bookings.command("attend")
@click.argument("booking_id", type=int)
@click.option("--no-show", is_flag=True, help="record that they did not come")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bookings_attend(settings: Settings, booking_id: int, no_show: bool, as_json: bool) -> None:
    """Record attendance."""
    with refusals():
        booking = open_store(settings).mark(booking_id, status=NO_SHOW if no_show else ATTENDED)
    if as_json:
        echo_json(booking.to_dict())
        return
    click.echo(booking_line(booking))


@bookings.command("export")
@click.option("--slot", "slot_id", required=True, type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@click.pass_obj
def bookings_export(settings: Settings, slot_id: int, output: Path | None) -> None:
    """The roster as CSV for Excel (UTF-8 with BOM, Japanese headers)."""
    with refusals():
        data = roster_csv(open_store(settings).bookings(slot_id, include_cancelled=True))
    if output:
        output.write_bytes(data)
        click.echo(f"{output} に書き出しました", err=True)
    else:
        sys.stdout.buffer.write(data)
