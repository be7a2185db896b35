"""Booking in the chat: the form's start, validation, questions and end, and a resident's own bookings.

Thin adapters: each reads the tracker into a `Turn` and the form's slots, calls the booking desk on the
worker thread, and sends what it says.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..booking_desk import FORM_SLOTS, HELPER_SLOTS, BookingForm, MyBookings
from ..booking_desk.form import FOLLOW
from ._base import WorkerAction
from ._form import DeskAction, FormAsk, FormStart, FormValidation, LinkedAction, form_language, turn_of
from ._tracker import send

__all__ = ["booking_actions"]

# what a menu button tapped halfway through the form goes on to do, once the form has ended
FOLLOW_UP = {
    "my_bookings": "action_my_bookings",
    "notice_settings": "action_notice_settings",
    "human_handoff": "action_handoff",
    "cancel_booking": "action_booking_cancel_ask",
    "cancel_booking_confirm": "action_booking_cancel",
    "move_booking": "action_booking_move_ask",
    "move_booking_to": "action_booking_move",
    "ask_question": "action_answer_faq",
    "faq": "action_answer_faq",
    "follow": "action_welcome",
}


SLOTS = (*FORM_SLOTS, *HELPER_SLOTS)


def state_of(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in SLOTS}


class ActionBookingDone(LinkedAction):
    """After the form: book, or say it stopped, or do what the button the resident tapped halfway asks."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        outcome = tracker.get_slot("booking_outcome") or ""
        if outcome.startswith(FOLLOW):
            follow = self.others.get(FOLLOW_UP.get(outcome.removeprefix(FOLLOW), ""))
            events = await follow.run(dispatcher, tracker, domain) if follow else []
            return [SlotSet("booking_outcome", None), *events]
        values, reply = await self.call(
            self.desk.finish, state_of(tracker), address=tracker.sender_id, language=form_language(tracker)
        )
        send(dispatcher, reply)
        return [SlotSet(name, value) for name, value in values.items()]


class ActionBookingStray(DeskAction):
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reply = await self.call(self.desk.stray, state_of(tracker), turn_of(tracker), language=form_language(tracker))
        send(dispatcher, reply)
        return []


class MyBookingsAction(DeskAction):
    """One step of managing one's bookings; `step` names the `MyBookings` method."""

    def __init__(
        self, desk: MyBookings, *, action: str, step: str, changed: Callable[[], None], worker: Executor | None = None
    ) -> None:
        super().__init__(desk, action=action, worker=worker)
        self.step, self.changed = step, changed

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = turn_of(tracker)
        args: list[Any] = [tracker.sender_id]
        if self.step != "list":
            args.append(turn.entities.get("booking_id"))
        if self.step == "move":
            args.append(turn.entities.get("slot_id"))
        reply = await self.call(getattr(self.desk, self.step), *args, language=form_language(tracker))
        send(dispatcher, reply)
        if self.step in ("cancel", "move"):
            self.changed()  # a seat may have come free: the courier tells the next person now
        return []


MANAGE_STEPS = {
    "action_my_bookings": "list",
    "action_booking_cancel_ask": "ask_cancel",
    "action_booking_cancel": "cancel",
    "action_booking_move_ask": "ask_move",
    "action_booking_move": "move",
}


def booking_actions(
    form: BookingForm,
    mine: MyBookings,
    *,
    changed: Callable[[], None] = lambda: None,
    worker: Executor | None = None,
) -> list[WorkerAction]:
    return [
        FormStart(form, action="action_booking_start", worker=worker),
        FormValidation(form, action="validate_booking_form", slots=SLOTS, worker=worker),
        *(FormAsk(form, slot=slot, slots=SLOTS, worker=worker) for slot in FORM_SLOTS),
        ActionBookingDone(form, action="action_booking_done", worker=worker),
        ActionBookingStray(form, action="action_booking_stray", worker=worker),
        *(
            MyBookingsAction(mine, action=name, step=step, changed=changed, worker=worker)
            for name, step in MANAGE_STEPS.items()
        ),
    ]
