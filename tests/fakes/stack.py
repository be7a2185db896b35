"""A home for a test or benchmark stack: the seed knowledge base imported, LINE pointed at the fake platform."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeStore, open_database, read_seed_entries, read_seed_municipalities

from .line_platform import TOKEN, FakeLinePlatform
from .line_webhook import SECRET
from .telegram_platform import FakeTelegramPlatform
from .telegram_updates import SECRET as TELEGRAM_SECRET


def seeded_home(
    home: Path, *, e5: Path, line: FakeLinePlatform | None = None, telegram: FakeTelegramPlatform | None = None
) -> dict[str, str]:
    """Import the seed corpus into `home`'s database; return the environment for `bot.stack.Stack`."""
    store = KnowledgeStore(open_database(home / "madoguchi.db"))
    store.import_municipalities(read_seed_municipalities())
    store.import_entries(read_seed_entries())
    return {
        "MADOGUCHI_EMBEDDING_MODEL": str(e5),
        "MADOGUCHI_DB": str(home / "madoguchi.db"),
        **(
            {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": line.url}
            if line
            else {}
        ),
        **(_telegram_env(telegram) if telegram else {}),
    }


def _telegram_env(telegram: FakeTelegramPlatform) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": telegram.url,
    }
