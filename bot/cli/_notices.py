"""What `madoguchi notices` and `madoguchi segments` share: the store, refusals as errors, how counts read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from ..notices import NoticeError, NoticeStore, SegmentError
from ..settings import Settings
from ..wiring import Stores

__all__ = ["COUNT_JA", "TOKYO", "filter_text", "reach_text", "refusals", "store_of", "tokyo_time"]

TOKYO = ZoneInfo("Asia/Tokyo")
CHANNEL_JA = {"line": "LINE", "tg": "Telegram"}
COUNT_JA = {"sent": "送信済み", "failed": "失敗", "blocked": "ブロック", "unfollowed": "友だち解除",
            "withdrawn": "配信停止", "pending": "待ち", "sending": "送信中", "waiting_for_morning": "うち朝まで待つ人"}  # fmt: skip


def store_of(settings: Settings) -> NoticeStore:
    return Stores.open(settings).notices


@contextmanager
def refusals() -> Iterator[None]:
    """Staff's mistakes (an unknown segment, a notice already sent) become one clear line and exit status 1."""
    try:
        yield
    except (NoticeError, SegmentError) as exc:
        raise click.ClickException(str(exc)) from exc


def tokyo_time(utc: str | None) -> str:
    if not utc:
        return "-"
    return datetime.fromisoformat(utc + "+00:00").astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def filter_text(segment: dict[str, tuple[str, ...]]) -> str:
    return " かつ ".join(f"{k}={'|'.join(v)}" for k, v in segment.items()) or "（同意した全員）"


def reach_text(total: int, by_channel: Mapping[str, int], by_language: Mapping[str, int]) -> str:
    channels = " / ".join(f"{CHANNEL_JA.get(k, k)} {v:,}" for k, v in sorted(by_channel.items()))
    languages = " / ".join(f"{k} {v:,}" for k, v in sorted(by_language.items()))
    return f"{total:,} 人（{channels or '-'}; 言語 {languages or '-'}）"
