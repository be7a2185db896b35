"""Booking in the chat over Rasa's REST channel: how long each step of the form takes, end to end.

Residents book one after another (the menu, a typed date, who attends, name, reading, phone, confirm), and
then open their bookings; every request is timed from the resident's side. Run by `bench.load` on its stack.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bot.bookings import CONFIRMED, TOKYO, WAITLISTED, Bookings
from bot.stack import Stack
from knowledge import open_database

RESIDENTS = 40


def _add_slots(db_path: Path) -> tuple[Bookings, list[int]]:
    calendar = Bookings(open_database(db_path))
    venue = calendar.add_venue("区民センター", address="千代田区1-1")
    first = datetime.now(TOKYO).replace(tzinfo=None, hour=10, minute=0, second=0, microsecond=0) + timedelta(days=9)
    slots = [
        calendar.add_slot(
            "smartphone", starts_at=first + timedelta(days=d), minutes=90, venue_id=venue.id, capacity=15
        ).id
        for d in (0, 7)
    ]
    return calendar, slots


def run(stack: Stack, db_path: Path, *, residents: int = RESIDENTS) -> dict[str, object]:
    calendar, slots = _add_slots(db_path)
    day = datetime.fromisoformat(calendar.slot(slots[0]).starts_at)
    took: list[float] = []
    slowest = (0.0, "")
    failed = 0
    with httpx.Client(timeout=30) as client:
        for n in range(residents):
            steps = ["スマホ教室を予約したい", f"{day.month}月{day.day}日", '/choose_person{"person":"self"}',
                     f"区民 {n}号", "くみん", f"090-0000-{n:04d}", "/booking_confirm", "/my_bookings"]  # fmt: skip
            for text in steps:
                started = time.perf_counter()
                r = client.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                json={"sender": f"bench-book-{n}", "message": text})  # fmt: skip
                took.append((time.perf_counter() - started) * 1000)
                slowest = max(slowest, (took[-1], text))
                failed += r.status_code != 200 or not r.json()
    roster = calendar.bookings(slots[0])
    ordered = sorted(took)
    return {
        "residents": residents,
        "steps": len(took),
        "failed_steps": failed,
        "confirmed": sum(b.status == CONFIRMED for b in roster),
        "waitlisted": sum(b.status == WAITLISTED for b in roster),
        "step_p50_ms": round(ordered[len(ordered) // 2], 1),
        "step_p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "step_max_ms": round(ordered[-1], 1),
        "slowest_step": slowest[1],
    }
