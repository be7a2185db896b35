"""The booking desk in the chat: the booking form's rules, and a resident's own bookings."""

from .form import FORM_SLOTS, HELPER_SLOTS, BookingForm
from .manage import MyBookings

__all__ = ["FORM_SLOTS", "HELPER_SLOTS", "BookingForm", "MyBookings"]
