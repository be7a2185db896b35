"""The composition root: every store, desk, channel and sender a process runs, built once from `Settings`.

`create_app` (bot/app.py) and the CLI commands (bot/cli/) take what they need from here and hand it in;
nothing else opens the database file, builds a channel or turns a reply into channel messages.
"""

from .app import AppParts, Worker, build_app
from .outbound import LineNotices, TelegramNotices, messages_of, notice_scheduler, open_pushers, push_via, pushers
from .stores import Stores, build_assistant, notice_store

__all__ = [
    "AppParts",
    "LineNotices",
    "Stores",
    "TelegramNotices",
    "Worker",
    "build_app",
    "build_assistant",
    "messages_of",
    "notice_scheduler",
    "notice_store",
    "open_pushers",
    "push_via",
    "pushers",
]
