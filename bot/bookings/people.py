"""Who a booking is for: phone numbers residents type in any width, and a key that spots the same person twice."""

from __future__ import annotations

import re
import unicodedata

from .models import BookingError

__all__ = ["PhoneNumberError", "normalise_phone", "person_key"]

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－()（）.]")
_JAPANESE = re.compile(r"0\d{9,10}")


class PhoneNumberError(BookingError):
    pass


def normalise_phone(text: str) -> str:
    """`０９０－１２３４－５６７８` → `09012345678`; anything but a Japanese number is refused."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if digits.startswith("+81"):
        digits = "0" + digits[3:].lstrip("0")
    if not _JAPANESE.fullmatch(digits):
        raise PhoneNumberError(
            f"電話番号「{text}」は使えません。0 から始まる 10 桁か 11 桁の番号を入れてください（例: 090-1234-5678）。"
        )
    return digits


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def person_key(*, name: str, phone: str) -> str:
    """The same person however the name is spaced or the phone is written."""
    return f"{normalise_phone(phone)}|{_name_key(name)}"
