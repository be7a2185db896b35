"""The booking form's rules: what each answer means, what to ask next, and the booking at the end.

Rasa runs the form (`booking_form`); its validation action hands each message here with the slot being asked,
and gets back the slots to set and the next one to ask. Every answer is either taken or re-asked with a clear
reason, never a dead end; 「やめる」 ends the form at any step, and a menu button tapped halfway leaves it for
what the button asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..bookings import Booking, BookingError
from ..dialogue import Reply, Step, Turn
from .answers import Answers
from .base import FOLLOW, FORM_SLOTS, HELPER_SLOTS, KINDS, LEAVING, NO_SLOTS, STOPPED, plain
from .questions import Questions
from .wording import Words, status_line

__all__ = ["FORM_SLOTS", "BookingForm", "Step", "Turn"]

_STOP = re.compile(
    r"やめ(る|ます|たい|て|とく)|止め(る|ます)|中止|もういい|^(終わり|おわり|キャンセル|stop|cancel|quit)$"
)


class BookingForm(Answers, Questions):
    """The booking form: its answers (`Answers`) and questions (`Questions`) over one calendar."""

    # -- the form's life ---------------------------------------------------------------------------

    def start(self, turn: Turn) -> dict[str, Any]:
        """Fresh values for a new booking; the kind from the menu button, a slot from an old card's button."""
        values: dict[str, Any] = dict.fromkeys((*FORM_SLOTS, *HELPER_SLOTS))
        values["booking_kind"] = KINDS.get(turn.intent) or self._kind_named(turn.entities.get("booking_kind"))
        if turn.intent == "choose_slot":
            slot = self._bookable(turn.entities.get("slot_id"), kind=None)
            if slot is not None:
                values.update(booking_kind=slot.type_code, booking_slot_id=str(slot.id))
        return values

    def take(self, state: Mapping[str, Any], turn: Turn, *, asking: str | None, address: str, language: str) -> Step:
        """Take the answer to `asking` (None when the form starts) and say what to ask next."""
        words = Words(language)
        leaving = self._leaving(turn)
        if leaving:
            return Step({"booking_outcome": leaving}, None)
        values: dict[str, Any] = {}
        say: list[Reply] = []
        if turn.intent in KINDS and asking is not None:  # the other menu button, halfway
            values = {"booking_kind": KINDS[turn.intent], "booking_slot_id": None, "booking_day": None}
            values["booking_confirm"] = None
        elif asking is not None:
            taker = getattr(self, "_take_" + asking.removeprefix("booking_"))
            values, say = taker({**state}, turn, address=address, words=words)
            values.setdefault(asking, None)
        state = {**state, **values}
        ask = self._next(state)
        if ask == "booking_slot_id" and not self._upcoming(state["booking_kind"], since=None):
            return Step({**values, "booking_outcome": NO_SLOTS}, None, tuple(say))
        return Step(values, ask, tuple(say))

    def ask(self, slot: str, state: Mapping[str, Any], *, address: str, language: str) -> Reply:
        words = Words(language)
        stop = words.button("stop", "/booking_stop")
        asker = getattr(self, "_ask_" + slot.removeprefix("booking_"))
        reply: Reply = asker(state, address=address, words=words)
        return Reply(reply.text, (*reply.buttons, stop), reply.custom)

    def finish(self, state: Mapping[str, Any], *, address: str, language: str) -> tuple[dict[str, Any], Reply]:
        """Book what the form gathered (or say why not); the booking's id goes into `booking_id`."""
        words = Words(language)
        outcome = state.get("booking_outcome") or ""
        if outcome == STOPPED:
            return {}, Reply(words("stopped"), words.menu())
        if outcome == NO_SLOTS:
            kind = words.kind_name(self.bookings.session_type(state.get("booking_kind") or ""))
            return {}, Reply(words("no_slots", kind=kind), words.menu()[2:])
        if state.get("booking_confirm") != "yes" or not state.get("booking_slot_id"):
            return {}, Reply(words("stray"), words.menu())
        if state.get("booking_id"):  # the 予約する button tapped twice
            booking = self.bookings.booking(int(state["booking_id"]))
            return {}, Reply(words("booked_again", id=booking.id), words.menu()[2:3])
        try:
            booking = self.bookings.book(
                int(state["booking_slot_id"]),
                name=state["booking_name"],
                phone=state["booking_phone"],
                reading=state.get("booking_reading") or "",
                contact_name=state.get("booking_contact_name") or "",
                contact_phone=state.get("booking_contact_phone") or "",
                booked_by=address,
            )
        except BookingError as exc:
            return {}, Reply(words("refused", reason=str(exc)), words.menu())
        return {"booking_id": str(booking.id)}, self.booked(booking, words)

    def stray(self, state: Mapping[str, Any], turn: Turn, *, language: str) -> Reply:
        """A form button tapped after the form has ended: a second 予約する finds the booking it made."""
        words = Words(language)
        if turn.intent == "booking_confirm" and state.get("booking_id"):
            return Reply(words("booked_again", id=state["booking_id"]), words.menu()[2:3])
        if turn.intent == "booking_stop":
            return Reply(words("okay"), words.menu())
        return Reply(words("stray"), words.menu())

    def booked(self, booking: Booking, words: Words) -> Reply:
        slot = self.bookings.slot(booking.slot_id)
        kind = self.bookings.session_type(slot.type_code)
        venue = self.bookings.venue(slot.venue_id)
        lines = [status_line(booking, words), "", *self._details(slot, words)]
        if venue and venue.access_notes:
            lines.append(words("access_label") + venue.access_notes)
        if venue and venue.accessibility:
            lines.append(words("accessibility_label") + venue.accessibility)
        if kind and kind.what_to_bring:
            lines.append(words("bring_label") + kind.what_to_bring)
        lines += ["", words("reminder_note"), words("how_to_cancel")] if booking.status == "confirmed" else []
        return Reply("\n".join(lines), (words.button("my_bookings", "/my_bookings"),))

    # -- what comes next ---------------------------------------------------------------------------

    @staticmethod
    def _next(state: Mapping[str, Any]) -> str | None:
        order = ["booking_kind", "booking_slot_id", "booking_person"]
        person = state.get("booking_person")
        if person == "self":
            order += ["booking_name", "booking_reading", "booking_phone"]
        elif person == "other":
            order += ["booking_name", "booking_reading", "booking_contact_name", "booking_contact_phone"]
            order += ["booking_phone"]
        order.append("booking_confirm")
        return next((slot for slot in order if state.get(slot) is None), None)

    def _leaving(self, turn: Turn) -> str | None:
        said = plain(turn.text).casefold()
        if turn.intent == "booking_stop" or (_STOP.search(said) and "キャンセル待ち" not in said):
            return STOPPED
        if turn.intent in LEAVING and (turn.text.startswith("/") or said == "よくある質問"):
            return FOLLOW + turn.intent
        return None
