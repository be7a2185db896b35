"""Settings for the app process, read once from the environment into a frozen object."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path

__all__ = ["Settings"]


def _secret(path: Path) -> str:
    """A per-deployment random key, made once and kept beside the database."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    home: Path
    db_path: Path
    rasa_url: str
    host: str
    port: int
    embedding_model: str  # a sentence-transformers folder, or "hashing" for the model-free fake
    torch_threads: int
    action_token: str  # empty: the action endpoint only answers loopback clients
    municipality: str  # empty, or the 全国地方公共団体コード a single-municipality deployment serves
    secret_key: str
    log_level: str
    line_channel_secret: str  # LINE is served when this and the access token are set
    line_channel_access_token: str
    line_api_base_url: str
    line_api_data_base_url: str  # rich menu images go to LINE's data host
    richmenu_font: str  # the Japanese font `madoguchi line richmenu image` draws with; empty: one of this machine
    telegram_bot_token: str  # Telegram is served when this is set
    telegram_webhook_secret: str  # checked against X-Telegram-Bot-Api-Secret-Token
    telegram_api_base_url: str
    reminder_at: time  # booking reminders go out the day before the session at this time (Tokyo)
    tracker_db: Path  # Rasa's conversation store (SQLite): erasing a resident's data deletes their conversation
    areas_file: Path | None  # the areas residents choose from (bot/attributes.py); None: bot/data/areas.yml
    notice_rate: float  # notice requests a second to LINE and Telegram (LINE allows 200 multicasts a second)
    notice_timeout: float  # seconds for one notice request; a slower one is retried with its retry key
    staff_test_addresses: tuple[str, ...]  # where `madoguchi notices test` sends ("line:U…", "tg:123")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("MADOGUCHI_HOME", "var")).resolve()
        return cls(
            home=home,
            db_path=Path(env.get("MADOGUCHI_DB", str(home / "madoguchi.db"))),
            rasa_url=env.get("MADOGUCHI_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            host=env.get("MADOGUCHI_HOST", "127.0.0.1"),
            port=int(env.get("MADOGUCHI_PORT", "8000")),
            embedding_model=env.get("MADOGUCHI_EMBEDDING_MODEL", str(home / "models" / "e5-small-st")),
            torch_threads=int(env.get("MADOGUCHI_TORCH_THREADS", "1")),
            action_token=env.get("MADOGUCHI_ACTION_TOKEN", ""),
            municipality=env.get("MADOGUCHI_MUNICIPALITY", ""),
            secret_key=env.get("MADOGUCHI_SECRET_KEY") or _secret(home / "secret.key"),
            log_level=env.get("MADOGUCHI_LOG_LEVEL", "INFO"),
            line_channel_secret=env.get("LINE_CHANNEL_SECRET", ""),
            line_channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN", ""),
            line_api_base_url=env.get("LINE_API_BASE_URL", "https://api.line.me"),
            line_api_data_base_url=env.get(
                "LINE_API_DATA_BASE_URL", env.get("LINE_API_BASE_URL", "https://api-data.line.me")
            ),
            richmenu_font=env.get("MADOGUCHI_FONT", ""),
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org"),
            reminder_at=time.fromisoformat(env.get("MADOGUCHI_REMINDER_AT", "10:00").zfill(5)),
            tracker_db=Path(env.get("MADOGUCHI_TRACKER_DB") or home / "tracker.db"),
            areas_file=Path(env["MADOGUCHI_AREAS"]) if env.get("MADOGUCHI_AREAS") else None,
            notice_rate=float(env.get("MADOGUCHI_NOTICE_RATE", "40")),
            notice_timeout=float(env.get("MADOGUCHI_NOTICE_TIMEOUT", "20")),
            staff_test_addresses=tuple(
                a.strip() for a in env.get("MADOGUCHI_STAFF_TEST_ADDRESSES", "").split(",") if a.strip()
            ),
        )
