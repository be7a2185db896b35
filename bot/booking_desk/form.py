"""The booking form's rules: what each answer means, what to ask next, and the booking at the end.

Rasa runs the form (`booking_form`); its validation action hands each message here with the slot being asked,
and gets back the slots to set and the next one to ask. Every answer is either taken or re-asked with a clear
reason, never a dead end; 「やめる」 ends the form at any step, and a menu button tapped halfway leaves it for
what the button asks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..bookings import Booking, BookingError, Bookings, PhoneNumberError, Slot, normalise_phone
from ..bookings.dates import parse_day
from ..replies import Button, Reply
from .wording import Words, payload, person_lines, place, slot_card, status_line, when_and_length

__all__ = ["FORM_SLOTS", "BookingForm", "Step", "Turn"]

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
CARDS_AT_ONCE = 5
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
_STOP = re.compile(
    r"やめ(る|ます|たい|て|とく)|止め(る|ます)|中止|もういい|^(終わり|おわり|キャンセル|stop|cancel|quit)$"
)
_KANA = re.compile(r"[ぁ-ゖァ-ヺー・\s]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'\-]*")
_NOT_A_NAME = re.compile(r"\d|[?？!！@/#]|(ます|たい|ですか|ますか)$|予約|教室|申請")


@dataclass(frozen=True)
class Turn:
    """What the resident just sent: their text (or a button's payload), its intent and entities."""

    text: str
    intent: str = ""
    entities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    values: dict[str, Any]  # slots to set; the asked slot is always among them (None: ask again)
    ask: str | None  # the next slot to ask; None ends the form
    say: tuple[Reply, ...] = ()  # said before the question: why an answer was not taken


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip("。.!！ 　")


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


class BookingForm:
    def __init__(self, bookings: Bookings, *, clock: Callable[[], datetime]) -> None:
        self.bookings = bookings
        self.clock = clock

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
        plain = _plain(turn.text).casefold()
        if turn.intent == "booking_stop" or (_STOP.search(plain) and "キャンセル待ち" not in plain):
            return STOPPED
        if turn.intent in LEAVING and (turn.text.startswith("/") or plain == "よくある質問"):
            return FOLLOW + turn.intent
        return None

    # -- taking answers ----------------------------------------------------------------------------

    def _take_kind(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        kind = KINDS.get(turn.intent) or self._kind_named(turn.entities.get("booking_kind") or _plain(turn.text))
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
        plain = _plain(turn.text)
        if chosen.isdigit():
            known = {str(b.id): b for b in self.bookings.people_booked_by(address)}
            if chosen in known:
                return self._person_from(known[chosen]), []
        elif chosen in ("self", "other"):
            return {"booking_person": chosen}, []
        if re.search(r"自分|本人|わたし|私|ぼく|僕|\bme\b|myself", plain, re.IGNORECASE):
            return {"booking_person": "self"}, []
        if re.search(r"家族|ほか|他|代理|父|母|夫|妻|親|someone|other", plain, re.IGNORECASE):
            return {"booking_person": "other"}, []
        return {}, [Reply(words("ask_person_again"))]

    def _take_name(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        name = self._name(turn.text)
        if name is None:
            return {}, [Reply(words("bad_name"))]
        values: dict[str, Any] = {"booking_name": name}
        if _KANA.fullmatch(name):
            values["booking_reading"] = _katakana(name)
        elif _LATIN.fullmatch(name):
            values["booking_reading"] = ""
        return values, []

    def _take_reading(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        if turn.intent == "booking_skip" or _plain(turn.text) in ("とばす", "skip", "わからない"):
            return {"booking_reading": ""}, []
        reading = re.sub(r"\s+", " ", _plain(turn.text))
        if not reading or not _KANA.fullmatch(reading) or len(reading) > 40:
            return {}, [Reply(words("bad_reading"))]
        return {"booking_reading": _katakana(reading)}, []

    def _take_phone(self, state: dict[str, Any], turn: Turn, *, address: str, words: Words) -> Any:
        same = turn.intent == "booking_same_phone" or _plain(turn.text) in ("同じ", "連絡先と同じ", "わからない")
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
        plain = _plain(turn.text)
        if turn.intent in ("booking_confirm", "affirm") or plain in ("予約する", "はい", "お願いします", "book", "yes"):
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
        name = re.sub(r"\s+", " ", _plain(text)).removesuffix("です").removesuffix("さま").removesuffix("様").strip()
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

    # -- asking ------------------------------------------------------------------------------------

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
