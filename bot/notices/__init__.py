"""Notices: staff send each resident the notices that concern them, by segment, over LINE and Telegram.

`NoticeStore` keeps segments and notices, `Outbox` every recipient's delivery, `Sender` the batches on the wire
and `NoticeScheduler` the rounds; `wiring` builds them with the channel adapters.
"""

from __future__ import annotations

from .outbox import Batch, Outbox
from .scheduler import NoticeScheduler, Round
from .segments import Filter, SegmentError, filter_sql, parse_where, reachable_sql, validate
from .sender import ChatOut, LineOut, Pace, Sender
from .store import LANGUAGES, STATUS_JA, Notice, NoticeError, NoticeStore, Reach, Segment, Version, sql_time

__all__ = [
    "LANGUAGES",
    "STATUS_JA",
    "Batch",
    "ChatOut",
    "Filter",
    "LineOut",
    "Notice",
    "NoticeError",
    "NoticeScheduler",
    "NoticeStore",
    "Outbox",
    "Pace",
    "Reach",
    "Round",
    "Segment",
    "SegmentError",
    "Sender",
    "Version",
    "filter_sql",
    "parse_where",
    "reachable_sql",
    "sql_time",
    "validate",
]
