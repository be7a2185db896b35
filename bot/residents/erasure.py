"""「データを削除」: a resident's data really erased, from every place madoguchi keeps it.

Gone: the resident, their addresses, what they registered and their consent; the notices sent to them; the
questions and feedback the logbook kept under their pseudonym; and their conversation in Rasa's tracker store.
A class they booked keeps its roster entry (staff need it on the day), but loses the link to their chat, so
nothing more is sent there.

Rasa writes the current turn's events back to its store after the last action has run, so the chat action
deletes the conversation once more after that (see `Conversations.saved`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..dialogue import Button, Reply
from ..faq.logbook import Logbook
from .store import Residents

__all__ = ["Conversations", "Erased", "Erasure"]

_TEXT = {
    "ja": {
        "ask": "登録した内容（年代・世帯・地域など）と、これまでのやりとりの記録を、すべて削除します。"
        "お知らせも届かなくなります。元には戻せません。\n\n削除しますか？",
        "ask_bookings": "※スマホ教室などの予約は取り消されません。職員の名簿には残りますが、"
        "このトークへの連絡（前の日のお知らせなど）は届かなくなります。",
        "yes": "削除する",
        "no": "やめる",
        "erased": "削除しました。登録した内容と、やりとりの記録は残っていません。\n"
        "また使うときは、いつでも話しかけてください。",
        "erased_bookings": "予約は職員の名簿に残っています。このトークへの連絡は届きません。"
        "行けなくなったときは、窓口に電話で連絡してください。",
        "kept": "わかりました。削除はしません。",
    },
    "en": {
        "ask": "This erases everything you registered (age group, household, area and so on) and the record of "
        "our conversations. You will receive no more notices. This cannot be undone.\n\nErase it?",
        "ask_bookings": "* Your bookings (smartphone classes and so on) are not cancelled. Staff keep them on "
        "their list, but no more messages about them (such as reminders) will come here.",
        "yes": "Erase",
        "no": "Stop",
        "erased": "Erased. Nothing you registered and no record of our conversations is kept.\n"
        "You are welcome to talk to me again at any time.",
        "erased_bookings": "Your bookings stay on the staff list, but no messages about them will come here. "
        "If you cannot come, please call the counter.",
        "kept": "All right. Nothing is erased.",
    },
}


@dataclass(frozen=True)
class Erased:
    """What was deleted, by place (for staff running `madoguchi residents delete`)."""

    addresses: tuple[str, ...]
    questions: int = 0
    feedback: int = 0
    notice_deliveries: int = 0
    bookings_unlinked: int = 0
    conversation_events: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "addresses": list(self.addresses)}


class Conversations:
    """Rasa's SQL tracker store on a SQLite file (`MADOGUCHI_TRACKER_DB`): table `events`, column `sender_id`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None
        conn = sqlite3.connect(self.path, timeout=10)
        if not _has_table(conn, "events"):
            conn.close()
            return None
        return conn

    def forget(self, sender: str) -> int:
        """Delete every event of `sender`'s conversation; how many."""
        conn = self._connect()
        if conn is None:
            return 0
        with conn:
            deleted = conn.execute("delete from events where sender_id = ?", [sender]).rowcount
        conn.close()
        return deleted

    def saved(self, sender: str, *, action: str) -> bool:
        """Has Rasa stored a turn in which `action` ran for `sender` (i.e. written the erasing turn back)?"""
        conn = self._connect()
        if conn is None:
            return False
        row = conn.execute(
            "select 1 from events where sender_id = ? and action_name = ? limit 1", [sender, action]
        ).fetchone()
        conn.close()
        return row is not None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None


def _delete_deliveries(conn: sqlite3.Connection, resident_id: int | None, addresses: tuple[str, ...]) -> int:
    """The notices sent to the resident (`notice_deliveries`, when the notices module has made it)."""
    if not _has_table(conn, "notice_deliveries"):
        return 0
    columns = {row[1] for row in conn.execute("pragma table_info(notice_deliveries)")}
    where: list[str] = []
    params: list[object] = []
    if "resident_id" in columns and resident_id is not None:
        where.append("resident_id = ?")
        params.append(resident_id)
    if "address" in columns:
        where.append(f"address in ({', '.join('?' for _ in addresses)})")
        params += addresses
    if not where:
        return 0
    return conn.execute(f"delete from notice_deliveries where {' or '.join(where)}", params).rowcount


def _texts(language: str) -> dict[str, str]:
    return _TEXT["en" if language == "en" else "ja"]


class Erasure:
    def __init__(self, residents: Residents, *, logbook: Logbook, conversations: Conversations | None = None) -> None:
        self.residents = residents
        self.logbook = logbook
        self.conversations = conversations

    def erase(self, address: str) -> Erased:
        """Delete everything kept about the resident behind `address` (every address of theirs)."""
        resident = self.residents.get(address)
        addresses = self.residents.addresses_of(address) or (address,)
        conn = self.residents.db.conn
        marks = ", ".join("?" for _ in addresses)
        unlinked = 0
        with conn:
            deliveries = _delete_deliveries(conn, resident.id if resident else None, addresses)
            if _has_table(conn, "bookings"):
                unlinked = conn.execute(
                    f"update bookings set booked_by = '' where booked_by in ({marks})", list(addresses)
                ).rowcount
        self.residents.erase(address)
        questions = feedback = events = 0
        for each in addresses:
            asked, said = self.logbook.forget(each)
            questions, feedback = questions + asked, feedback + said
            events += self.conversations.forget(each) if self.conversations else 0
        return Erased(addresses, questions, feedback, deliveries, unlinked, events)

    # -- in the chat -------------------------------------------------------------------------------

    def ask(self, address: str, *, language: str) -> Reply:
        t = _texts(language)
        text = t["ask"] + ("\n" + t["ask_bookings"] if self._has_bookings(address) else "")
        return Reply(text, (Button(t["yes"], "/erase_my_data_confirm"), Button(t["no"], "/erase_my_data_cancel")))

    def confirm(self, address: str, *, language: str) -> Reply:
        t = _texts(language)
        erased = self.erase(address)
        return Reply(t["erased"] + ("\n\n" + t["erased_bookings"] if erased.bookings_unlinked else ""))

    def cancel(self, address: str, *, language: str) -> Reply:
        return Reply(_texts(language)["kept"])

    def _has_bookings(self, address: str) -> bool:
        conn = self.residents.db.conn
        if not _has_table(conn, "bookings"):
            return False
        everyone = list(self.residents.addresses_of(address) or (address,))
        marks = ", ".join("?" for _ in everyone)
        return (
            conn.execute(f"select 1 from bookings where booked_by in ({marks}) limit 1", everyone).fetchone()
            is not None
        )
