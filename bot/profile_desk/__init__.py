"""The notice profile desk in the chat: what a resident who agreed to notices registers, and changes later."""

from .form import FORM_SLOTS, HELPER_SLOTS, ITEMS, NIGHT, ProfileForm

__all__ = ["FORM_SLOTS", "HELPER_SLOTS", "ITEMS", "NIGHT", "ProfileForm"]
