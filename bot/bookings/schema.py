"""The booking tables, as named migrations."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

__all__ = ["migrations"]

migrations = Migrations("bookings")


@migrations()
def m001_create_venues_and_session_types(db: Database) -> None:
    db["venues"].create(  # type: ignore[union-attr]
        {"id": int, "name": str, "address": str, "access_notes": str, "accessibility": str}, pk="id"
    )
    db["venues"].create_index(["name"], unique=True)  # type: ignore[union-attr]
    db["session_types"].create(  # type: ignore[union-attr]
        {"code": str, "name": str, "description": str, "what_to_bring": str}, pk="code"
    )


@migrations()
def m002_create_slots(db: Database) -> None:
    db["slots"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "type_code": str,
            "starts_at": str,  # ISO local time, Asia/Tokyo
            "minutes": int,
            "venue_id": int,
            "capacity": int,
            "notes": str,
            "cancelled": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("type_code", "session_types", "code"), ("venue_id", "venues", "id")],
        not_null={"type_code", "starts_at", "minutes", "venue_id", "capacity"},
        defaults={"cancelled": 0, "notes": ""},
    )
    db["slots"].create_index(["starts_at"])  # type: ignore[union-attr]


@migrations()
def m003_create_bookings(db: Database) -> None:
    db["bookings"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "slot_id": int,
            "name": str,
            "reading": str,
            "phone": str,
            "contact_name": str,
            "contact_phone": str,
            "booked_by": str,
            "person_key": str,
            "status": str,
            "waitlist_position": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("slot_id", "slots", "id")],
        not_null={"slot_id", "name", "phone", "person_key", "status"},
    )
    db["bookings"].create_index(["slot_id", "status"])  # type: ignore[union-attr]
    db["bookings"].create_index(["booked_by"])  # type: ignore[union-attr]
    # The last guard behind the transaction: one active booking per person and slot.
    db.execute(
        "create unique index bookings_one_active_per_person on bookings (slot_id, person_key)"
        " where status != 'cancelled'"
    )


@migrations()
def m004_create_reminders(db: Database) -> None:
    db["booking_reminders"].create(  # type: ignore[union-attr]
        {"booking_id": int, "due_at": str, "sent_at": str},  # due_at: ISO local time, Asia/Tokyo
        pk="booking_id",
        foreign_keys=[("booking_id", "bookings", "id")],
    )
    db["booking_reminders"].create_index(["due_at"])  # type: ignore[union-attr]


@migrations()
def m005_seed_session_types(db: Database) -> None:
    db["session_types"].insert_all(  # type: ignore[union-attr]
        [
            {
                "code": "smartphone",
                "name": "スマホ教室",
                "description": "スマートフォンの使い方を、はじめての方にもゆっくりお教えします。電話のかけ方、写真、LINE など。",
                "what_to_bring": "お使いのスマートフォン（お持ちでない方は貸し出しがあります）",
            },
            {
                "code": "support",
                "name": "申請サポート",
                "description": "マイナンバーカードの申請や保険証の利用登録、電子申請を、職員が隣でお手伝いします。",
                "what_to_bring": "マイナンバーカード、暗証番号（4桁の数字）、お使いのスマートフォン",
            },
        ],
        ignore=True,
    )


@migrations()
def m006_booking_messages_replace_reminders(db: Database) -> None:
    """Reminders become one kind of message a booking owes its resident (also: a seat came free, a session
    was called off)."""
    db["booking_messages"].create(  # type: ignore[union-attr]
        {"booking_id": int, "kind": str, "due_at": str, "sent_at": str},  # due_at: ISO local time, Asia/Tokyo
        pk=("booking_id", "kind"),
        foreign_keys=[("booking_id", "bookings", "id")],
    )
    db["booking_messages"].create_index(["sent_at", "due_at"])  # type: ignore[union-attr]
    db.execute(
        "insert into booking_messages (booking_id, kind, due_at, sent_at)"
        " select booking_id, 'reminder', due_at, sent_at from booking_reminders"
    )
    db["booking_reminders"].drop()
