"""Residents who can be reached: their channel addresses, whether they still follow us, and their consent.

An address is what Rasa calls the sender: ``line:<userId>`` or ``tg:<chat id>``. A resident may have more than
one. Nothing is pushed to an address that unfollowed or blocked the bot, nor to a resident without consent.
"""

from __future__ import annotations

from collections.abc import Sequence
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


@migrations()
def m002_profile_and_attributes(db: Database) -> None:
    """What a resident registers for notices: language and quiet hours on the resident, and attributes (one row
    per chosen value, see bot/attributes.py) that segments filter on in SQL."""
    db["residents"].add_column("language", str)  # type: ignore[union-attr]  # ja, easy, en; null: not chosen
    db["residents"].add_column("quiet_start", str)  # type: ignore[union-attr]  # "21:00" Tokyo; null: any time
    db["residents"].add_column("quiet_end", str)  # type: ignore[union-attr]  # "08:00"
    db["residents"].add_column("updated_at", str)  # type: ignore[union-attr]
    db["resident_attributes"].create(  # type: ignore[union-attr]
        {"resident_id": int, "name": str, "value": str},
        pk=("resident_id", "name", "value"),
        foreign_keys=[("resident_id", "residents", "id")],
    )
    db["resident_attributes"].create_index(["name", "value", "resident_id"])  # type: ignore[union-attr]


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
    language: str | None = None  # ja, easy, en; None: not chosen
    quiet_start: str | None = None  # no notices from this time (Tokyo) ...
    quiet_end: str | None = None  # ... until this one; None: any time

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
        return self._resident(resident_id)

    def _resident(self, resident_id: int) -> Resident:
        row = self.db.execute(
            "select consent_version, consented_at, language, quiet_start, quiet_end from residents where id = ?",
            [resident_id],
        ).fetchone()
        active = self.db.execute(
            "select address from resident_addresses where resident_id = ? and active = 1 order by address",
            [resident_id],
        ).fetchall()
        return Resident(resident_id, tuple(a for (a,) in active), *row)

    def everyone(self) -> list[tuple[Resident, tuple[str, ...]]]:
        """Every resident with all their addresses (active or not), oldest first."""
        rows = self.db.execute(
            "select resident_id, group_concat(address, ' ') from"
            " (select resident_id, address from resident_addresses order by address) group by resident_id"
            " order by resident_id"
        ).fetchall()
        return [(self._resident(int(rid)), tuple(addresses.split(" "))) for rid, addresses in rows]

    def addresses_of(self, address: str) -> tuple[str, ...]:
        """Every address of the resident behind `address`, active or not; none for an unknown address."""
        rows = self.db.execute(
            "select address from resident_addresses where resident_id ="
            " (select resident_id from resident_addresses where address = ?) order by address",
            [address],
        ).fetchall()
        return tuple(a for (a,) in rows)

    def erase(self, address: str) -> tuple[str, ...]:
        """Delete the resident behind `address`: the row, every address and attribute. Returns the addresses."""
        resident_id = self._resident_id(address)
        if resident_id is None:
            return ()
        addresses = self.addresses_of(address)
        with self.db.conn:
            for table in ("resident_attributes", "resident_addresses"):
                self.db.execute(f"delete from {table} where resident_id = ?", [resident_id])
            self.db.execute("delete from residents where id = ?", [resident_id])
        return addresses

    def deactivate(self, address: str) -> None:
        """The resident unfollowed or blocked the bot on this address: nothing more is pushed there."""
        with self.db.conn:
            self.db.execute(
                "update resident_addresses set active = 0, changed_at = ? where address = ? and active = 1",
                [_now(), address],
            )

    def consent(self, address: str, *, version: str = CONSENT_VERSION, at: str | None = None) -> Resident:
        """Record the resident's agreement to the wording `version`, now (or `at`, for an imported list)."""
        resident_id = self.enrol(address)
        with self.db.conn:
            self.db.execute(
                "update residents set consent_version = ?, consented_at = ?, stopped_at = null where id = ?",
                [version, at or _now(), resident_id],
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

    # -- what the resident registered for notices ---------------------------------------------------

    def set_attribute(self, address: str, name: str, values: Sequence[str]) -> None:
        """Replace the resident's values of one attribute (bot/attributes.py names and codes)."""
        resident_id = self.enrol(address)
        with self.db.conn:
            self.db.execute("delete from resident_attributes where resident_id = ? and name = ?", [resident_id, name])
            self.db.conn.executemany(
                "insert or ignore into resident_attributes (resident_id, name, value) values (?, ?, ?)",
                [(resident_id, name, value) for value in values],
            )
            self.db.execute("update residents set updated_at = ? where id = ?", [_now(), resident_id])

    def attributes(self, address: str) -> dict[str, tuple[str, ...]]:
        resident_id = self._resident_id(address)
        if resident_id is None:
            return {}
        rows = self.db.execute(
            "select name, value from resident_attributes where resident_id = ? order by name, value", [resident_id]
        ).fetchall()
        out: dict[str, tuple[str, ...]] = {}
        for name, value in rows:
            out[name] = (*out.get(name, ()), value)
        return out

    def set_language(self, address: str, language: str | None) -> None:
        resident_id = self.enrol(address)
        with self.db.conn:
            self.db.execute(
                "update residents set language = ?, updated_at = ? where id = ?", [language, _now(), resident_id]
            )

    def set_quiet_hours(self, address: str, start: str | None, end: str | None) -> None:
        """No notices between `start` and `end` (Tokyo, "21:00"–"08:00"), except emergencies; None: any time."""
        resident_id = self.enrol(address)
        with self.db.conn:
            self.db.execute(
                "update residents set quiet_start = ?, quiet_end = ?, updated_at = ? where id = ?",
                [start, end, _now(), resident_id],
            )

    def reachable(self, address: str) -> bool:
        """May a notice be pushed to this address: active, a push channel, and the resident has consented."""
        row = self.db.execute(
            "select 1 from resident_addresses a join residents r on r.id = a.resident_id"
            " where a.address = ? and a.active = 1 and r.consent_version is not null",
            [address],
        ).fetchone()
        return row is not None and channel_of(address) in PUSH_CHANNELS
