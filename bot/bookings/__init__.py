"""Booking smartphone classes (スマホ教室) and application support (申請サポート): slots, seats and the waitlist."""

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

__all__ = [
    "ATTENDED",
    "CANCELLED",
    "CONFIRMED",
    "NO_SHOW",
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
    "session_days",
]
