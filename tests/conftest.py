from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.assistant import Assistant
from bot.logbook import Logbook
from knowledge import (
    HashingEmbedder,
    KnowledgeStore,
    Searcher,
    open_database,
    read_seed_municipalities,
    read_sources,
)
from knowledge.loader import parse_entry

DATA = Path(__file__).parent / "data"
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
    return Searcher(store, embedder=HashingEmbedder())


@pytest.fixture
def logbook(db):
    return Logbook(db, secret_key="test-key")


@pytest.fixture
def assistant(searcher, logbook):
    return Assistant(searcher=searcher, logbook=logbook, sources=read_sources())
