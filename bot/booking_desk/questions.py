"""Asking for each slot of the booking form: the question, with buttons or date cards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..dialogue import Button, Reply, payload
from .base import KINDS, DeskBase
from .wording import Words, person_lines, slot_card

__all__ = ["Questions"]

CARDS_AT_ONCE = 5


class Questions(DeskBase):
    def _ask_kind(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        kinds = {t.code: t for t in self.bookings.session_types()}
        buttons = [
            Button(words.kind_name(kinds[code]), f"/{intent}") for intent, code in KINDS.items() if code in kinds
        ]
        return Reply(words("ask_kind"), tuple(buttons))

    def _ask_slot_id(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        kind = self.bookings.session_type(state["booking_kind"])
        day = state.get("booking_day")
        slots = self._upcoming(state["booking_kind"], since=day)
        if not slots:  # nothing from that day on: the nearest ones before it
            slots = self._upcoming(state["booking_kind"], since=None)
        shown = slots[:CARDS_AT_ONCE]
        venues = {v.id: v for v in self.bookings.venues()}
        cards = [slot_card(s, venues.get(s.venue_id), words) for s in shown]
        text = words("ask_day", kind=words.kind_name(kind))
        if kind and kind.description and words.language == "ja" and not day:
            text = f"{kind.name}: {kind.description}\n\n{text}"
        buttons = []
        if len(slots) > len(shown):
            buttons.append(words.button("more_days", payload("choose_day", day=shown[-1].starts_at)))
        return Reply(text, tuple(buttons), {"cards": cards})

    def _ask_person(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        known = self.bookings.people_booked_by(address, limit=2)
        buttons = [Button(words("honorific", name=b.name), payload("choose_person", person=b.id)) for b in known]
        if not any(not b.contact_name for b in known):
            buttons.append(words.button("self", payload("choose_person", person="self")))
        buttons.append(words.button("other" if not known else "other_short", payload("choose_person", person="other")))
        return Reply(words("ask_person"), tuple(buttons))

    def _ask_name(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        return Reply(words("ask_name_self" if state.get("booking_person") == "self" else "ask_name"))

    def _ask_reading(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        return Reply(words("ask_reading"), (words.button("skip", "/booking_skip"),))

    def _ask_phone(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        if state.get("booking_person") == "other":
            return Reply(words("ask_phone_other"), (words.button("same_as_contact", "/booking_same_phone"),))
        return Reply(words("ask_phone_self"))

    def _ask_contact_name(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        return Reply(words("ask_contact_name"))

    def _ask_contact_phone(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        return Reply(words("ask_contact_phone"))

    def _ask_confirm(self, state: Mapping[str, Any], *, address: str, words: Words) -> Reply:
        slot = self.bookings.slot(int(state["booking_slot_id"]))
        lines = [words("confirm"), "", *self._details(slot, words)]
        lines += person_lines({k.removeprefix("booking_"): v or "" for k, v in state.items()}, words)
        if not slot.seats_left:
            lines += ["", words("waitlist_note")]
        buttons = (words.button("book", "/booking_confirm"), words.button("change_day", "/booking_change"))
        return Reply("\n".join(lines), buttons)
