"""What the booking desk's parts share: the form's slots, a resident's turn, a step, and the calendar view."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from ..bookings import BookingError, Bookings, Slot
from ..dialogue import Step, Turn
from .wording import Words, place, when_and_length

__all__ = ["FORM_SLOTS", "HELPER_SLOTS", "DeskBase", "Step", "Turn"]

FORM_SLOTS = (
    "booking_kind",
    "booking_slot_id",
    "booking_person",
    "booking_name",
    "booking_reading",
    "booking_phone",
    "booking_contact_name",
    "booking_contact_phone",
    "booking_confirm",
)
HELPER_SLOTS = ("booking_day", "booking_outcome", "booking_id")
STOPPED, NO_SLOTS, FOLLOW = "stopped", "no_slots", "follow:"
KINDS = {"book_class": "smartphone", "book_support": "support"}
# a button from elsewhere tapped halfway: leave the form and do what it asks
LEAVING = {
    "my_bookings",
    "notice_settings",
    "human_handoff",
    "cancel_booking",
    "cancel_booking_confirm",
    "move_booking",
    "move_booking_to",
    "ask_question",
    "faq",
    "follow",
}


def plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip("。.!！ 　")


def katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


class DeskBase:
    def __init__(self, bookings: Bookings, *, clock: Callable[[], datetime]) -> None:
        self.bookings = bookings
        self.clock = clock

    # -- the calendar ------------------------------------------------------------------------------

    def _details(self, slot: Slot, words: Words) -> list[str]:
        kind = self.bookings.session_type(slot.type_code)
        return [
            words("kind_label") + words.kind_name(kind),
            words("when_label") + when_and_length(slot, words),
            words("place_label") + place(self.bookings.venue(slot.venue_id)),
        ]

    def _upcoming(self, kind: str, *, since: str | None) -> list[Slot]:
        """The kind's open slots from `since` (a day: from its start; a slot's start: after it), or from now."""
        now = self.clock().replace(tzinfo=None)
        slots = self.bookings.slots(since=now, type_code=kind)
        if since and "T" in since:
            return [s for s in slots if s.starts_at > since]
        if since:
            return [s for s in slots if s.starts_at >= since]
        return slots

    def _bookable(self, slot_id: str | None, *, kind: str | None) -> Slot | None:
        if not slot_id or not str(slot_id).isdigit():
            return None
        try:
            slot = self.bookings.slot(int(slot_id))
        except BookingError:
            return None
        now = self.clock().replace(tzinfo=None).isoformat(timespec="minutes")
        if slot.cancelled or slot.starts_at <= now or (kind and slot.type_code != kind):
            return None
        return slot

    def _kind_named(self, text: str | None) -> str | None:
        if not text:
            return None
        if text in ("smartphone", "support"):
            return text
        if re.search(r"スマホ|スマートフォン|携帯|smartphone|phone", text, re.IGNORECASE):
            return "smartphone"
        if re.search(r"申請|サポート|手伝|マイナ|support|application|help", text, re.IGNORECASE):
            return "support"
        return None
