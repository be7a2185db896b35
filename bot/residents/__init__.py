"""Residents: their chat addresses, the attributes they registered, consent, CSV import/export and erasure.

`consent` (the consent desk) and `erasure` (「データを削除」) are imported from their modules.
"""

from .attributes import ATTRIBUTES, Attribute, Choice, load_areas, vocabulary
from .store import CONSENT_VERSION, PUSH_CHANNELS, Resident, Residents

__all__ = [
    "ATTRIBUTES",
    "CONSENT_VERSION",
    "PUSH_CHANNELS",
    "Attribute",
    "Choice",
    "Resident",
    "Residents",
    "load_areas",
    "vocabulary",
]
