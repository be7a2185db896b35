"""Residents who can be reached: their channel addresses, whether they still follow us, and their consent.

An address is what Rasa calls the sender: ``line:<userId>`` or ``tg:<chat id>``. A resident may have more than
one. Nothing is pushed to an address that unfollowed or blocked the bot, nor to a resident without consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database, Migrations

__all__ = ["CONSENT_VERSION", "PUSH_CHANNELS", "Resident", "Residents"]

# Bump when the wording residents agree to (bot/replies: notice consent) changes; consent records the version.
CONSENT_VERSION = "2026-11-notices-v1"
PUSH_CHANNELS = ("line", "tg")  # channels madoguchi can send to unprompted; the web chat cannot

migrations = Migrations("residents")


@migrations()
def m001_create_residents(db: Database) -> None:
    db["residents"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "created_at": str,
            "consent_version": str,  # null: never agreed, or withdrew
            "consented_at": str,
            "stopped_at": str,  # when the resident last said 配信停止
        },
        pk="id",
    )
    db["resident_addresses"].create(  # type: ignore[union-attr]
        {"address": str, "resident_id": int, "channel": str, "active": int, "changed_at": str},
        pk="address",
        foreign_keys=[("resident_id", "residents", "id")],
    )
    db["resident_addresses"].create_index(["resident_id"])  # type: ignore[union-attr]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def channel_of(address: str) -> str:
    prefix, sep, _ = address.partition(":")
    return prefix if sep else ""


@dataclass(frozen=True)
class Resident:
    id: int
    addresses: tuple[str, ...]  # the active ones
    consent_version: str | None
    consented_at: str | None

    @property
    def consented(self) -> bool:
        return self.consent_version is not None


class Residents:
    def __init__(self, db: Database) -> None:
        self.db = db
        migrations.apply(db)

    def _resident_id(self, address: str) -> int | None:
        row = self.db.execute("select resident_id from resident_addresses where address = ?", [address]).fetchone()
        return int(row[0]) if row else None

    def enrol(self, address: str) -> int:
        """The resident behind an address, created on first contact; the address becomes active again."""
        with self.db.conn:
            resident_id = self._resident_id(address)
            if resident_id is None:
                cursor = self.db.execute("insert into residents (created_at) values (?)", [_now()])
                resident_id = int(cursor.lastrowid or 0)
            self.db.execute(
                "insert into resident_addresses (address, resident_id, channel, active, changed_at) values (?, ?, ?, 1, ?)"
                " on conflict(address) do update set active = 1, changed_at = excluded.changed_at where active = 0",
                [address, resident_id, channel_of(address), _now()],
            )
        return resident_id

    def get(self, address: str) -> Resident | None:
        resident_id = self._resident_id(address)
        if resident_id is None:
            return None
        row = self.db.execute(
            "select consent_version, consented_at from residents where id = ?", [resident_id]
        ).fetchone()
        active = self.db.execute(
            "select address from resident_addresses where resident_id = ? and active = 1 order by address",
            [resident_id],
        ).fetchall()
        return Resident(resident_id, tuple(a for (a,) in active), row[0], row[1])

    def deactivate(self, address: str) -> None:
        """The resident unfollowed or blocked the bot on this address: nothing more is pushed there."""
        with self.db.conn:
            self.db.execute(
                "update resident_addresses set active = 0, changed_at = ? where address = ? and active = 1",
                [_now(), address],
            )

    def consent(self, address: str, *, version: str = CONSENT_VERSION) -> Resident:
        """Record the resident's agreement to the wording `version`, now."""
        resident_id = self.enrol(address)
        with self.db.conn:
            self.db.execute(
                "update residents set consent_version = ?, consented_at = ?, stopped_at = null where id = ?",
                [version, _now(), resident_id],
            )
        resident = self.get(address)
        assert resident is not None
        return resident

    def withdraw(self, address: str) -> None:
        """配信停止: no more notices until the resident agrees again."""
        resident_id = self._resident_id(address)
        if resident_id is None:
            return
        with self.db.conn:
            self.db.execute(
                "update residents set consent_version = null, consented_at = null, stopped_at = ? where id = ?",
                [_now(), resident_id],
            )

    def active(self, address: str) -> bool:
        """Has this address not unfollowed or blocked the bot? (Unknown addresses count as active.)"""
        row = self.db.execute("select active from resident_addresses where address = ?", [address]).fetchone()
        return row is None or bool(row[0])

    def reachable(self, address: str) -> bool:
        """May a notice be pushed to this address: active, a push channel, and the resident has consented."""
        row = self.db.execute(
            "select 1 from resident_addresses a join residents r on r.id = a.resident_id"
            " where a.address = ? and a.active = 1 and r.consent_version is not null",
            [address],
        ).fetchone()
        return row is not None and channel_of(address) in PUSH_CHANNELS
