"""The app's own stores and the FAQ assistant, built from `Settings`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from sqlite_utils import Database

from knowledge import (
    HashingEmbedder,
    KnowledgeStore,
    Searcher,
    SentenceTransformerEmbedder,
    open_database,
    read_sources,
)
from knowledge.search import HASHING_CONFIG

from ..bookings import Bookings
from ..console import Accounts, Audit
from ..faq import Assistant, Logbook
from ..notices import NoticeStore, Outbox
from ..residents import Residents, load_areas, vocabulary
from ..residents.erasure import Conversations, Erasure
from ..settings import Settings

__all__ = ["Stores", "build_assistant", "notice_store"]


def build_assistant(settings: Settings, *, db: Database | None = None) -> Assistant:
    """The FAQ assistant over the knowledge base: the e5 model, or the model-free fake when set to "hashing"."""
    db = db or open_database(settings.db_path)
    hashing = settings.embedding_model == "hashing"
    embedder = (
        HashingEmbedder()
        if hashing
        else SentenceTransformerEmbedder(settings.embedding_model, threads=settings.torch_threads)
    )
    searcher = Searcher(KnowledgeStore(db), embedder=embedder, config=HASHING_CONFIG if hashing else None)
    logbook = Logbook(db, secret_key=settings.secret_key)
    return Assistant(
        searcher=searcher, logbook=logbook, sources=read_sources(), default_municipality=settings.municipality
    )


def notice_store(db: Database, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> NoticeStore:
    """The notices with the deployment's vocabulary (its areas included)."""
    areas = load_areas(settings.municipality, path=settings.areas_file)
    return NoticeStore(db, vocabulary=vocabulary(areas), **({"clock": clock} if clock else {}))


class Stores:
    """The app's own stores over one SQLite connection, each built when first used (one thread uses them)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings

    @classmethod
    def open(cls, settings: Settings) -> Stores:
        return cls(open_database(settings.db_path), settings)

    @cached_property
    def knowledge(self) -> KnowledgeStore:
        return KnowledgeStore(self.db)

    @cached_property
    def residents(self) -> Residents:
        return Residents(self.db)

    @cached_property
    def bookings(self) -> Bookings:
        return Bookings(self.db, reminder_at=self.settings.reminder_at)

    @cached_property
    def notices(self) -> NoticeStore:
        return notice_store(self.db, self.settings)

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self.db, clock=self.notices.clock)

    @cached_property
    def logbook(self) -> Logbook:
        return Logbook(self.db, secret_key=self.settings.secret_key)

    @cached_property
    def erasure(self) -> Erasure:
        """「データを削除」: the resident, their logged questions and their Rasa conversation."""
        return Erasure(self.residents, logbook=self.logbook, conversations=Conversations(self.settings.tracker_db))

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.db)

    @cached_property
    def audit(self) -> Audit:
        return Audit(self.db)
