"""Booking smartphone classes (スマホ教室) and application support (申請サポート): slots, seats and the waitlist."""

from .export import STATUS_JA, roster_csv
from .models import (
    ATTENDED,
    CANCELLED,
    CONFIRMED,
    NO_SHOW,
    WAITLISTED,
    Booking,
    BookingError,
    Cancellation,
    CapacityBelowBookings,
    SessionType,
    Slot,
    UnknownBooking,
    UnknownSlot,
    Venue,
    japanese_when,
)
from .people import PhoneNumberError, normalise_phone
from .schedule import is_closed, session_days
from .store import TOKYO, Bookings
from .venues import save_venue

__all__ = [
    "ATTENDED",
    "CANCELLED",
    "CONFIRMED",
    "NO_SHOW",
    "STATUS_JA",
    "TOKYO",
    "WAITLISTED",
    "Booking",
    "BookingError",
    "Bookings",
    "Cancellation",
    "CapacityBelowBookings",
    "PhoneNumberError",
    "SessionType",
    "Slot",
    "UnknownBooking",
    "UnknownSlot",
    "Venue",
    "is_closed",
    "japanese_when",
    "normalise_phone",
    "roster_csv",
    "save_venue",
    "session_days",
]
