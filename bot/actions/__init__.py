"""Rasa custom actions: thin adapters from a tracker to the `Assistant` and back to the dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

from rasa_sdk import Action

from ..booking_desk import BookingForm, MyBookings
from ..faq import Assistant
from ..profile_desk import ProfileForm
from ..residents.consent import ConsentDesk
from ..residents.erasure import Erasure
from ._form import LinkedAction
from .answer import ActionAnswerFaq, ActionHandoff
from .booking import booking_actions
from .notices import consent_actions
from .profile import profile_actions
from .resident import ActionRecordFeedback

__all__ = ["ActionAnswerFaq", "ActionHandoff", "ActionRecordFeedback", "build_actions"]


def build_actions(
    assistant: Assistant,
    *,
    consent: ConsentDesk,
    booking_form: BookingForm,
    my_bookings: MyBookings,
    profile: ProfileForm,
    erasure: Erasure,
    bookings_changed: Callable[[], None] = lambda: None,
    worker: Executor | None = None,
) -> list[Action]:
    """Every custom action the domain names, wired to one assistant and its desks."""
    actions: list[Action] = [
        ActionAnswerFaq(assistant, worker=worker),
        ActionHandoff(assistant, worker=worker),
        ActionRecordFeedback(assistant, worker=worker),
        *consent_actions(consent, worker=worker),
        *booking_actions(booking_form, my_bookings, changed=bookings_changed, worker=worker),
        *profile_actions(profile, erasure, worker=worker),
    ]
    by_name = {action.name(): action for action in actions}
    for action in actions:
        if isinstance(action, LinkedAction):
            action.others = by_name  # a menu button tapped halfway through the form leads to one of these
    return actions
