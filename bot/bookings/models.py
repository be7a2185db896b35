"""What a booking is made of: venues, kinds of session, slots, bookings, and the errors staff and residents see."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "ACTIVE",
    "ATTENDED",
    "CANCELLED",
    "CONFIRMED",
    "NO_SHOW",
    "SEATED",
    "WAITLISTED",
    "Booking",
    "BookingError",
    "Cancellation",
    "CapacityBelowBookings",
    "SessionType",
    "Slot",
    "UnknownBooking",
    "UnknownSlot",
    "Venue",
]

CONFIRMED, WAITLISTED, CANCELLED, ATTENDED, NO_SHOW = "confirmed", "waitlisted", "cancelled", "attended", "no_show"
SEATED = (CONFIRMED, ATTENDED, NO_SHOW)  # hold one of the slot's seats
ACTIVE = (*SEATED, WAITLISTED)  # everything but a cancellation: one per person and slot


class BookingError(ValueError):
    """A request the booking rules refuse; the message is written for staff and residents."""


class UnknownSlot(BookingError):
    pass


class UnknownBooking(BookingError):
    pass


class CapacityBelowBookings(BookingError):
    pass


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Venue(_Record):
    id: int
    name: str
    address: str = ""
    access_notes: str = ""  # 「○○駅から徒歩5分」
    accessibility: str = ""  # 「車いす可、エレベーターあり」


@dataclass(frozen=True)
class SessionType(_Record):
    code: str  # smartphone / support
    name: str
    description: str = ""  # written for seniors
    what_to_bring: str = ""


@dataclass(frozen=True)
class Slot(_Record):
    id: int
    type_code: str
    starts_at: str  # ISO local time in Asia/Tokyo, minutes precision: 2026-12-03T10:00
    minutes: int
    venue_id: int
    capacity: int
    notes: str = ""  # language and accessibility notes
    cancelled: bool = False
    confirmed: int = 0  # seats taken (confirmed, attended or no-show)
    waitlisted: int = 0

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


@dataclass(frozen=True)
class Booking(_Record):
    id: int
    slot_id: int
    name: str
    phone: str  # normalised: digits only, 0 first
    status: str
    reading: str = ""  # the name in kana
    contact_name: str = ""  # when someone else booked: who to call
    contact_phone: str = ""
    booked_by: str = ""  # channel address, e.g. line:U…; empty when staff took it by phone
    waitlist_position: int | None = None
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Cancellation(_Record):
    booking: Booking
    promoted: Booking | None  # the waitlisted person who got the seat: tell them


WEEKDAYS = "月火水木金土日"


def japanese_when(starts_at: str) -> str:
    """`2026-12-03T10:00` → `12月3日(木) 10:00`."""
    moment = datetime.fromisoformat(starts_at)
    return f"{moment.month}月{moment.day}日({WEEKDAYS[moment.weekday()]}) {moment:%H:%M}"
