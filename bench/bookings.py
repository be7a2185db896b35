"""500 booking attempts at once on a 10-seat slot, from several processes on one SQLite file.

python -m bench.bookings
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.bookings import CONFIRMED, WAITLISTED, Bookings
from knowledge import open_database

ATTEMPTS = 500
PROCESSES = 10
CAPACITY = 10


def _phone(n: int) -> str:
    return f"090{n:08d}"


def _book(path: str, slot: int, people: list[int], start: float, out: Any) -> None:
    bookings = Bookings(open_database(path))
    while time.time() < start:  # every process starts at the same moment
        time.sleep(0.001)
    took = []
    for n in people:
        began = time.perf_counter()
        bookings.book(slot, name=f"人{n}", phone=_phone(n), booked_by=f"line:U{n:032d}")
        took.append((time.perf_counter() - began) * 1000)
    out.put(took)


def run(attempts: int = ATTEMPTS, processes: int = PROCESSES) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        path = str(Path(home) / "bookings.db")
        store = Bookings(open_database(path))
        venue = store.add_venue("区民センター")
        slot = store.add_slot(
            "smartphone", starts_at=datetime(2026, 12, 3, 10), minutes=90, venue_id=venue.id, capacity=CAPACITY
        ).id
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        start = time.time() + 3.0
        workers = [
            ctx.Process(target=_book, args=(path, slot, list(range(w, attempts, processes)), start, out))
            for w in range(processes)
        ]
        for worker in workers:
            worker.start()
        took = sorted(ms for _ in workers for ms in out.get(timeout=120))
        for worker in workers:
            worker.join(timeout=60)
        roster = store.bookings(slot)
        positions = sorted(b.waitlist_position or 0 for b in roster if b.status == WAITLISTED)
        return {
            "attempts": attempts,
            "processes": processes,
            "bookings": len(roster),
            "distinct_people": len({b.phone for b in roster}),
            "confirmed": sum(b.status == CONFIRMED for b in roster),
            "waitlisted": len(positions),
            "waitlist_positions_in_order": positions == list(range(1, attempts - CAPACITY + 1)),
            "book_p50_ms": round(took[len(took) // 2], 1),
            "book_p95_ms": round(took[int(len(took) * 0.95)], 1),
        }


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
