"""Which days sessions can be held: not on Japanese public holidays, nor in 年末年始 (12/29–1/3)."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["is_closed", "session_days"]


def is_closed(day: date) -> bool:
    """Offices are closed on public holidays and from 29 December to 3 January."""
    import jpholiday  # a small pure-Python table; imported here so `import bot.bookings` stays light

    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return True
    return bool(jpholiday.is_holiday(day))


def session_days(first: date, last: date | None = None, *, every_days: int = 7) -> tuple[list[date], list[date]]:
    """The open days from `first` to `last` (inclusive), `every_days` apart, and the closed ones skipped."""
    if last is None:
        last = first
    if last < first:
        raise ValueError(f"終わりの日 {last} が始まりの日 {first} より前です。")
    if every_days < 1:
        raise ValueError("間隔は 1 日以上にしてください。")
    open_days: list[date] = []
    skipped: list[date] = []
    day = first
    while day <= last:
        (skipped if is_closed(day) else open_days).append(day)
        day += timedelta(days=every_days)
    return open_days, skipped
