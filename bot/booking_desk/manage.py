"""A resident's own bookings: the list, and cancelling or moving one in two taps.

Each booking card carries its id in its buttons; every step checks that the booking was made from the
resident's own channel address, so a typed or forged id reaches nobody else's booking.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..bookings import CANCELLED, WAITLISTED, Booking, BookingError, Bookings, Slot
from ..dialogue import Button, Reply, payload
from .wording import Words, place, slot_card, when_and_length

__all__ = ["MyBookings"]

_WORDS = {
    "ja": {
        "none": "いま、予約はありません。",
        "some": "ご予約は {n} 件です。",
        "confirmed": "予約済み（予約番号 {id}）",
        "waitlisted": "キャンセル待ち {position}番目（予約番号 {id}）",
        "cancel": "取り消す",
        "move": "日にちを変える",
        "ask_cancel": "{what} を取り消しますか？",
        "keep": "取り消さない",
        "cancelled": "取り消しました。\n{what}",
        "already_cancelled": "この予約は、もう取り消されています。",
        "unknown": "その予約は見つかりませんでした。「予約の確認・変更」から選んでください。",
        "ask_move": "{what} を、どの日に変えますか？（席のある回だけを表示しています）",
        "no_other": "ほかに席のある回がありません。窓口か電話でご相談ください。",
        "move_here": "この日に変える",
        "moved": "日にちを変えました。\n{what}",
        "refused": "変えられませんでした。{reason}",
        "for": "{name} さま",
    },
    "en": {
        "none": "You have no bookings now.",
        "some": "You have {n} booking(s).",
        "confirmed": "Booked (number {id})",
        "waitlisted": "Waiting list, number {position} (booking {id})",
        "cancel": "Cancel",
        "move": "Change the day",
        "ask_cancel": "Cancel {what}?",
        "keep": "Keep it",
        "cancelled": "Cancelled.\n{what}",
        "already_cancelled": "This booking has already been cancelled.",
        "unknown": "I could not find that booking. Please choose from “My bookings”.",
        "ask_move": "Which day would you like instead of {what}? (Only sessions with seats are shown.)",
        "no_other": "There is no other session with seats. Please ask at the counter or by phone.",
        "move_here": "Move to this day",
        "moved": "The day is changed.\n{what}",
        "refused": "I could not change it. {reason}",
        "for": "for {name}",
    },
}


class MyBookings:
    def __init__(self, bookings: Bookings, *, clock: Callable[[], datetime]) -> None:
        self.bookings = bookings
        self.clock = clock

    def _words(self, language: str) -> tuple[Words, dict[str, str]]:
        words = Words(language)
        return words, _WORDS[words.language]

    def list(self, address: str, *, language: str) -> Reply:
        words, text = self._words(language)
        mine = self.bookings.bookings_by(address, since=self._now())
        if not mine:
            return Reply(text["none"], words.menu()[:2])
        cards = [self._card(b, words, text) for b in mine[:10]]
        return Reply(text["some"].format(n=len(mine)), (), {"cards": cards})

    def ask_cancel(self, address: str, booking_id: str | None, *, language: str) -> Reply:
        words, text = self._words(language)
        if not booking_id:  # typed 「取り消したい」: which one?
            return self.list(address, language=language)
        booking = self._own(address, booking_id)
        if booking is None:
            return Reply(text["unknown"], words.menu()[2:3])
        if booking.status == CANCELLED:
            return Reply(text["already_cancelled"], words.menu()[2:3])
        yes = payload("cancel_booking_confirm", booking_id=booking.id)
        return Reply(
            text["ask_cancel"].format(what=self._what(booking, words, text)),
            (Button(text["cancel"], yes), Button(text["keep"], "/my_bookings")),
        )

    def cancel(self, address: str, booking_id: str | None, *, language: str) -> Reply:
        words, text = self._words(language)
        booking = self._own(address, booking_id)
        if booking is None:
            return Reply(text["unknown"], words.menu()[2:3])
        if booking.status == CANCELLED:
            return Reply(text["already_cancelled"], words.menu()[2:3])
        self.bookings.cancel(booking.id)  # the first waitlisted person is told by the courier
        return Reply(text["cancelled"].format(what=self._what(booking, words, text)), words.menu()[:3])

    def ask_move(self, address: str, booking_id: str | None, *, language: str) -> Reply:
        words, text = self._words(language)
        if not booking_id:
            return self.list(address, language=language)
        booking = self._own(address, booking_id)
        if booking is None or booking.status == CANCELLED:
            return Reply(text["unknown"] if booking is None else text["already_cancelled"], words.menu()[2:3])
        slot = self.bookings.slot(booking.slot_id)
        others = [
            s
            for s in self.bookings.slots(since=self._now(), type_code=slot.type_code)
            if s.id != slot.id and s.seats_left
        ][:5]
        if not others:
            return Reply(text["no_other"], (words.button("handoff", "/human_handoff"),))
        venues = {v.id: v for v in self.bookings.venues()}
        cards = []
        for other in others:
            move = payload("move_booking_to", booking_id=booking.id, slot_id=other.id)
            button = Button(text["move_here"], move)
            cards.append(slot_card(other, venues.get(other.venue_id), words, button=button))
        return Reply(text["ask_move"].format(what=self._what(booking, words, text)), (), {"cards": cards})

    def move(self, address: str, booking_id: str | None, slot_id: str | None, *, language: str) -> Reply:
        words, text = self._words(language)
        booking = self._own(address, booking_id)
        if booking is None or not (slot_id or "").isdigit():
            return Reply(text["unknown"], words.menu()[2:3])
        try:
            moved = self.bookings.move(booking.id, int(slot_id or 0)).booking
        except BookingError as exc:
            return Reply(text["refused"].format(reason=exc), words.menu()[2:3])
        return Reply(text["moved"].format(what=self._what(moved, words, text)), words.menu()[2:3])

    # -- helpers -----------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock().replace(tzinfo=None)

    def _own(self, address: str, booking_id: str | None) -> Booking | None:
        if not booking_id or not str(booking_id).isdigit():
            return None
        try:
            booking = self.bookings.booking(int(booking_id))
        except BookingError:
            return None
        return booking if booking.booked_by == address else None

    def _what(self, booking: Booking, words: Words, text: dict[str, str]) -> str:
        slot = self.bookings.slot(booking.slot_id)
        kind = words.kind_name(self.bookings.session_type(slot.type_code))
        return f"{when_and_length(slot, words)} {kind}（{text['for'].format(name=booking.name)}）"

    def _card(self, booking: Booking, words: Words, text: dict[str, str]) -> dict[str, object]:
        slot: Slot = self.bookings.slot(booking.slot_id)
        kind = words.kind_name(self.bookings.session_type(slot.type_code))
        state = text["waitlisted" if booking.status == WAITLISTED else "confirmed"]
        lines = [
            kind,
            place(self.bookings.venue(slot.venue_id)),
            text["for"].format(name=booking.name),
            state.format(id=booking.id, position=booking.waitlist_position),
        ]
        buttons = [
            {"title": text["move"], "payload": payload("move_booking", booking_id=booking.id)},
            {"title": text["cancel"], "payload": payload("cancel_booking", booking_id=booking.id)},
        ]
        return {"title": when_and_length(slot, words), "lines": [line for line in lines if line], "buttons": buttons}
