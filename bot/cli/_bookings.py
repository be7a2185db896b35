"""What `madoguchi slots`, `bookings` and `venues` share: the store, refusals as errors, date options, roster lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

import click

from ..bookings import STATUS_JA, Booking, BookingError, Bookings
from ..settings import Settings
from ..wiring import Stores

__all__ = ["booking_line", "open_store", "parse_clock", "parse_day", "parse_when", "refusals"]


def open_store(settings: Settings) -> Bookings:
    return Stores.open(settings).bookings


@contextmanager
def refusals() -> Iterator[None]:
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


parse_when = _parse("日時", lambda v: datetime.strptime(v, "%Y-%m-%d %H:%M"), "2026-12-03 10:00")
parse_day = _parse("日付", date.fromisoformat, "2026-12-03")
parse_clock = _parse("時刻", lambda v: time.fromisoformat(v.zfill(5)), "10:00")


def booking_line(booking: Booking) -> str:
    place = f" {booking.waitlist_position}番目" if booking.status == "waitlisted" else ""
    contact = f"（連絡先: {booking.contact_name} {booking.contact_phone}）" if booking.contact_name else ""
    return f"{booking.id:>5}  {STATUS_JA[booking.status]}{place}  {booking.name}  {booking.phone}{contact}"
