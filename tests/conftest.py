from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.faq import Assistant, Logbook
from knowledge import (
    HashingEmbedder,
    KnowledgeStore,
    Searcher,
    open_database,
    read_seed_municipalities,
    read_sources,
)
from knowledge.loader import parse_entry
from knowledge.search import HASHING_CONFIG

DATA = Path(__file__).parent / "data"
HASHING = HASHING_CONFIG  # the thresholds of the default config are calibrated for e5
ROOT = Path(__file__).parent.parent


@pytest.fixture
def small_entries():
    return [parse_entry(item) for item in yaml.safe_load((DATA / "kb_small.yaml").read_text(encoding="utf-8"))]


@pytest.fixture
def db():
    return open_database(":memory:")


@pytest.fixture
def store(db, small_entries):
    store = KnowledgeStore(db)
    store.import_municipalities(read_seed_municipalities())
    store.import_entries(small_entries)
    return store


@pytest.fixture
def searcher(store):
    return Searcher(store, embedder=HashingEmbedder(), config=HASHING)


@pytest.fixture
def logbook(db):
    return Logbook(db, secret_key="test-key")


@pytest.fixture
def assistant(searcher, logbook):
    return Assistant(searcher=searcher, logbook=logbook, sources=read_sources())


@pytest.fixture
def fresh_telegram_platform():
    """A fake Telegram Bot API server of the test's own."""
    from tests.fakes.telegram_platform import FakeTelegramPlatform

    platform = FakeTelegramPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
def fresh_line_platform():
    """A fake LINE platform of the test's own (every request checked against the OpenAPI spec)."""
    from tests.fakes.line_platform import FakeLinePlatform

    platform = FakeLinePlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
async def line_api(fresh_line_platform):
    """The real line-bot-sdk's async API, talking to `fresh_line_platform`."""
    from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

    from tests.fakes.line_platform import TOKEN

    client = AsyncApiClient(Configuration(access_token=TOKEN, host=fresh_line_platform.url))
    yield AsyncMessagingApi(client)
    await client.close()


# -- the whole stack, for end-to-end tests (one per test session) -----------------------------------


def free_port() -> int:
    """A port nobody listens on now: two test runs (or a test run and `make run`) never collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def line_platform():
    from tests.fakes.line_platform import FakeLinePlatform

    platform = FakeLinePlatform().start()
    yield platform
    platform.stop()


@pytest.fixture(scope="session")
def telegram_platform():
    from tests.fakes.telegram_platform import FakeTelegramPlatform

    platform = FakeTelegramPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, line_platform, telegram_platform):
    from bot.stack import Stack
    from tests.fakes.stack import seeded_home

    home_dir = Path(os.environ.get("MADOGUCHI_HOME", ROOT / "var"))
    model, e5 = home_dir / "models" / "madoguchi.tar.gz", home_dir / "models" / "e5-small-st"
    if not model.exists() or not e5.exists():
        pytest.fail("run `make setup train` first: the Rasa model or the e5 folder is missing")
    home = tmp_path_factory.mktemp("home")
    env = seeded_home(home, e5=e5, line=line_platform, telegram=telegram_platform)
    with Stack(home, app_port=free_port(), rasa_port=free_port(), model=model, env=env, enable_api=True) as stack:
        yield stack
