"""Synthetic residents written straight into the residents tables (executemany), for tests and benchmarks."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.residents import CONSENT_VERSION, Attribute, Residents

CHUNK = 20_000


@dataclass(frozen=True)
class Synthetic:
    id: int
    address: str  # "line:U…" or "tg:123"
    consented: bool = True
    active: bool = True
    language: str | None = None
    quiet: tuple[str, str] | None = None
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    extra_addresses: tuple[str, ...] = ()  # more active addresses of the same resident (a resident is sent once)

    @property
    def user(self) -> str:
        return self.address.partition(":")[2]


def line_user(n: int) -> str:
    return f"U{n:032x}"


def add_residents(db: Database, residents: Iterable[Synthetic]) -> None:
    Residents(db)
    stamp = "2026-11-01T00:00:00+00:00"
    it = iter(residents)
    while chunk := list(itertools.islice(it, CHUNK)):
        with db.conn:
            db.conn.executemany(
                "insert into residents (id, created_at, consent_version, consented_at, language, quiet_start, quiet_end)"
                " values (?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.id, stamp, CONSENT_VERSION if r.consented else None, stamp if r.consented else None,
                     r.language, *(r.quiet or (None, None)))
                    for r in chunk
                ],
            )  # fmt: skip
            db.conn.executemany(
                "insert into resident_addresses (address, resident_id, channel, active, changed_at) values (?, ?, ?, ?, ?)",
                [
                    (a, r.id, a.partition(":")[0], int(r.active if a == r.address else 1), stamp)
                    for r in chunk
                    for a in (r.address, *r.extra_addresses)
                ],
            )
            db.conn.executemany(
                "insert into resident_attributes (resident_id, name, value) values (?, ?, ?)",
                [(r.id, name, v) for r in chunk for name, values in r.attributes.items() for v in values],
            )


def random_resident(rng: random.Random, n: int, vocabulary: Mapping[str, Attribute]) -> Synthetic:
    """Anyone: maybe no consent, maybe unfollowed, LINE or Telegram, some attributes registered, some not."""
    attributes = {}
    for name, attribute in vocabulary.items():
        if name == "language" or rng.random() < 0.3:
            continue
        k = rng.randint(1, 2) if attribute.multi else 1
        attributes[name] = tuple(sorted(rng.sample(attribute.codes(), k)))
    address = f"tg:{100000 + n}" if rng.random() < 0.2 else f"line:{line_user(n)}"
    return Synthetic(
        n,
        address,
        consented=rng.random() < 0.8,
        active=rng.random() < 0.85,
        language=rng.choice([None, "ja", "easy", "en"]),
        attributes=attributes,
    )
