"""The notices' scheduler: starts scheduled notices when their time comes and sends what is due.

The app runs `forever()` beside the booking courier; `madoguchi notices dispatch` runs `until_idle()` in the
foreground (tests, cron). A lock row keeps two processes from sending at once: it is taken for a round and
renewed while sending, and a lock whose process died is taken over at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from channels.outbound import PushError

from .outbox import Outbox
from .segments import Filter
from .sender import Sender
from .store import NoticeStore, sql_time

__all__ = ["NoticeScheduler", "Round"]

log = logging.getLogger("madoguchi.notices")
LEASE = timedelta(minutes=5)


@dataclass
class Round:
    started: list[int] = field(default_factory=list)  # notices that began sending
    finished: list[int] = field(default_factory=list)  # notices now sent
    held: dict[int, str] = field(default_factory=dict)  # notices not started, and why
    stalled: list[int] = field(default_factory=list)  # notices whose platform kept failing
    busy: bool = False  # another process holds the lock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class NoticeScheduler:
    store: NoticeStore
    outbox: Outbox
    sender: Sender
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    # -- the lock -----------------------------------------------------------------------------------

    def _lock(self) -> bool:
        db, now = self.store.db, self.clock()
        with db.conn:
            row = db.execute("select owner, pid, until from notice_dispatch_lock where name = 'dispatch'").fetchone()
            free = row is None or row[0] == self.owner or row[2] < sql_time(now) or not _alive(row[1])
            if free:
                db.execute(
                    "insert or replace into notice_dispatch_lock (name, owner, pid, until) values ('dispatch', ?, ?, ?)",
                    [self.owner, os.getpid(), sql_time(now + LEASE)],
                )
        return free

    def _unlock(self) -> None:
        with self.store.db.conn:
            self.store.db.execute(
                "delete from notice_dispatch_lock where name = 'dispatch' and owner = ?", [self.owner]
            )

    # -- rounds -------------------------------------------------------------------------------------

    async def dispatch(self) -> Round:
        """One round: start the notices whose time came, then send every due batch of those sending."""
        run = self.sender.call
        if not await run(self._lock):
            return Round(busy=True)
        try:
            done = Round()
            for notice_id in await run(self.outbox.due_notices):
                problem = await self._start(notice_id)
                if problem:
                    done.held[notice_id] = problem
                else:
                    done.started.append(notice_id)
            for notice_id in await run(self.outbox.sending_notices):
                await run(self._lock)  # renew the lease
                if not await self.sender.send_due(await run(self.store.notice, notice_id)):
                    done.stalled.append(notice_id)
                if await run(self.outbox.finish_if_done, notice_id):
                    done.finished.append(notice_id)
            return done
        finally:
            await run(self._unlock)

    async def _start(self, notice_id: int) -> str | None:
        """Take the notice's recipients; held back (with the reason kept) when LINE's quota is too small."""
        run = self.sender.call
        notice = await run(self.store.notice, notice_id)
        segment = (await run(self.store.segment, notice.segment_id)).filter
        problem = await self.quota_problem(segment)
        if problem:
            await run(self.store.set_problem, notice_id, problem)
            log.warning("notice %s held: %s", notice_id, problem)
            return problem
        count = await run(self.outbox.start, notice, segment)
        log.info("notice %s started: %d recipients", notice_id, count)
        return None

    async def quota_problem(self, segment: Filter) -> str | None:
        """Why LINE's quota this month would not cover the segment; None when it does, when the account has no
        limit, or without LINE."""
        if self.sender.line is None:
            return None
        try:
            remaining = await self.sender.line.remaining()
        except PushError as exc:  # not a reason to hold a notice (防災 least of all): the sending retries anyway
            log.warning("LINE's quota could not be checked (%s); sending without the check", exc.detail)
            return None
        if remaining is None:  # no limit (地方公共団体プラン): no need to count
            return None
        needed = (await self.sender.call(self.store.reach, segment)).by_channel.get("line", 0)
        if remaining < needed:
            return f"LINEの今月の残り通数 {remaining} 通に対して、送信先が {needed} 人です。"
        return None

    async def until_idle(self) -> Round:
        """Rounds until nothing more is due now (recipients in quiet hours wait for a later run)."""
        total = Round()
        while True:
            done = await self.dispatch()
            total.started += done.started
            total.finished += done.finished
            total.held.update(done.held)
            total.stalled += done.stalled
            total.busy = done.busy
            if done.busy or done.held or done.stalled or not (done.started or done.finished):
                return total

    def nudge(self) -> None:
        self._wake.set()

    async def forever(self, *, every: float = 30.0) -> None:
        """The app's scheduler: a round every `every` seconds, or at once when nudged."""
        while True:
            self._wake.clear()
            try:
                await self.dispatch()
            except Exception:  # a bad notice must not stop the others, nor the next round
                log.exception("sending notices failed; trying again in %s s", every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=every)
