"""Taking the resident's answers: a button's payload or typed text, each read, checked, or asked again."""

from __future__ import annotations

import re
from typing import Any

from ..bookings import Booking, PhoneNumberError, normalise_phone
from ..bookings.dates import parse_day
from ..dialogue import Reply, Turn
from .base import KINDS, DeskBase, katakana, plain
from .wording import Words

__all__ = ["Answers"]

_KANA = re.compile(r"[ぁ-ゖァ-ヺー・\s]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'\-]*")
_NOT_A_NAME = re.compile(r"\d|[?？!！@/#]|(ます|たい|ですか|ますか)$|予約|教室|申請")


class Answers(DeskBase):
    def _take_kind(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        kind = KINDS.get(turn.intent) or self._kind_named(turn.entities.get("booking_kind") or plain(turn.text))
        return {"booking_kind": kind}, ([] if kind else [Reply(words("ask_kind_again"))])

    def _take_slot_id(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        if turn.intent == "choose_day" and turn.entities.get("day"):
            return {"booking_day": turn.entities["day"]}, []
        if turn.entities.get("slot_id"):
            slot = self._bookable(turn.entities["slot_id"], kind=state["booking_kind"])
            if slot is None:
                return {}, [Reply(words("slot_gone"))]
            return {"booking_slot_id": str(slot.id), "booking_day": None}, []
        answer = parse_day(turn.text, today=self.clock().date())
        if answer.day is None:
            return {}, [Reply(words("ask_day_again"))]
        day = answer.day.isoformat()
        if answer.past or day < self.clock().date().isoformat():
            return {}, [Reply(words("day_past", day=words.day(day)))]
        that_day = [s for s in self._upcoming(state["booking_kind"], since=day) if s.starts_at.startswith(day)]
        kind = words.kind_name(self.bookings.session_type(state["booking_kind"]))
        if not that_day:
            return {"booking_day": day}, [Reply(words("day_none", day=words.day(day), kind=kind))]
        if len(that_day) > 1:
            return {"booking_day": day}, [Reply(words("day_many", day=words.day(day), count=len(that_day)))]
        return {"booking_slot_id": str(that_day[0].id), "booking_day": None}, []

    def _take_person(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        chosen = turn.entities.get("person") or ""
        said = plain(turn.text)
        if chosen.isdigit():
            known = {str(b.id): b for b in self.bookings.people_booked_by(address)}
            if chosen in known:
                return self._person_from(known[chosen]), []
        elif chosen in ("self", "other"):
            return {"booking_person": chosen}, []
        if re.search(r"自分|本人|わたし|私|ぼく|僕|\bme\b|myself", said, re.IGNORECASE):
            return {"booking_person": "self"}, []
        if re.search(r"家族|ほか|他|代理|父|母|夫|妻|親|someone|other", said, re.IGNORECASE):
            return {"booking_person": "other"}, []
        return {}, [Reply(words("ask_person_again"))]

    def _take_name(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        name = self._name(turn.text)
        if name is None:
            return {}, [Reply(words("bad_name"))]
        values: dict[str, Any] = {"booking_name": name}
        if _KANA.fullmatch(name):
            values["booking_reading"] = katakana(name)
        elif _LATIN.fullmatch(name):
            values["booking_reading"] = ""
        return values, []

    def _take_reading(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        if turn.intent == "booking_skip" or plain(turn.text) in ("とばす", "skip", "わからない"):
            return {"booking_reading": ""}, []
        reading = re.sub(r"\s+", " ", plain(turn.text))
        if not reading or not _KANA.fullmatch(reading) or len(reading) > 40:
            return {}, [Reply(words("bad_reading"))]
        return {"booking_reading": katakana(reading)}, []

    def _take_phone(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        same = turn.intent == "booking_same_phone" or plain(turn.text) in ("同じ", "連絡先と同じ", "わからない")
        if same and state.get("booking_person") == "other":
            return {"booking_phone": state.get("booking_contact_phone")}, []
        return self._phone("booking_phone", turn, words)

    def _take_contact_name(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        name = self._name(turn.text)
        return ({"booking_contact_name": name}, []) if name else ({}, [Reply(words("bad_name"))])

    def _take_contact_phone(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        return self._phone("booking_contact_phone", turn, words)

    def _take_confirm(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        if turn.intent == "booking_change":
            return {"booking_slot_id": None, "booking_day": None, "booking_confirm": None}, []
        said = plain(turn.text)
        if turn.intent in ("booking_confirm", "affirm") or said in ("予約する", "はい", "お願いします", "book", "yes"):
            return {"booking_confirm": "yes"}, []
        return {}, [Reply(words("confirm_again"))]

    def _phone(self, slot: str, turn: Turn, words: Words) -> Any:
        try:
            return {slot: normalise_phone(turn.text)}, []
        except PhoneNumberError as exc:
            reason = str(exc) if words.language == "ja" else "Please send a Japanese phone number (e.g. 090-1234-5678)."
            return {}, [Reply(reason)]

    @staticmethod
    def _name(text: str) -> str | None:
        name = re.sub(r"\s+", " ", plain(text)).removesuffix("です").removesuffix("さま").removesuffix("様").strip()
        if not name or len(name) > 30 or _NOT_A_NAME.search(name) or not re.search(r"\w", name):
            return None
        return name

    @staticmethod
    def _person_from(booking: Booking) -> dict[str, Any]:
        return {
            "booking_person": "other" if booking.contact_name else "self",
            "booking_name": booking.name,
            "booking_reading": booking.reading,
            "booking_phone": booking.phone,
            "booking_contact_name": booking.contact_name,
            "booking_contact_phone": booking.contact_phone,
        }
