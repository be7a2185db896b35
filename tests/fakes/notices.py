"""What the notice tests share: a clock to move, residents on LINE, a scheduler on the fake LINE platform."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.notices import NoticeScheduler, NoticeStore, Outbox, Sender, Version
from bot.residents import Residents
from bot.wiring import LineNotices
from channels.line_multicast import LineMulticaster
from channels.outbound import Retry

from .residents import Synthetic, line_user

MULTICAST = "/v2/bot/message/multicast"
NOON = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
VERSIONS = {
    "ja": Version("ja", "健診のお知らせです。", (("予約する", "/book_class"),), "https://example.jp/kenshin"),
    "en": Version("en", "Health check notice.", (("Book", "/book_class"),)),
}


class Clock:
    def __init__(self, now: datetime = NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def line_residents(count: int, *, start: int = 1, **kwargs) -> list[Synthetic]:
    return [Synthetic(n, f"line:{line_user(n)}", **kwargs) for n in range(start, start + count)]


def scheduler(db, api, *, clock=None, timeout=5.0, **sender) -> NoticeScheduler:
    clock = clock or Clock()
    store = NoticeStore(db, clock=clock)
    outbox = Outbox(db, clock=clock)
    line = LineNotices(LineMulticaster(api, timeout=timeout)) if api else None
    retry = {k: sender.pop(k) for k in ("attempts", "backoff", "sleep") if k in sender}
    sender = {"rate": 200.0, "retry": Retry(**{"attempts": 5, "backoff": 0.01, **retry}), **sender}
    deactivate = Residents(db).deactivate
    return NoticeScheduler(store, outbox, Sender(outbox, line=line, deactivate=deactivate, **sender), clock=clock)


def notice(s: NoticeScheduler, *, segment=None, emergency=False, versions=VERSIONS) -> int:
    s.store.save_segment("みんな", segment or {})
    created = s.store.create("健診", segment="みんな", versions=versions, emergency=emergency)
    s.store.schedule(created.id)
    return created.id


def users(people: list[Synthetic]) -> set[str]:
    return {p.user for p in people}
