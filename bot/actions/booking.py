"""Booking in the chat: the form's start, validation, questions and end, and a resident's own bookings.

Thin adapters: each reads the tracker into a `Turn` and the form's slots, calls the booking desk on the
worker thread, and sends what it says.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..assistant import Assistant
from ..booking_desk import FORM_SLOTS, HELPER_SLOTS, BookingForm, MyBookings, Turn
from ..booking_desk.form import FOLLOW
from ._base import WorkerAction
from ._tracker import language_of, send, text_of

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


def turn_of(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    entities = {str(e.get("entity")): str(e.get("value")) for e in message.get("entities") or () if e.get("entity")}
    return Turn(text_of(tracker), str((message.get("intent") or {}).get("name") or ""), entities)


def state_of(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in (*FORM_SLOTS, *HELPER_SLOTS)}


def _language(tracker: Tracker) -> str:
    return Assistant.language_of(text_of(tracker), language_of(tracker))


class _DeskAction(WorkerAction):
    def __init__(self, desk: Any, *, action: str, worker: Executor | None = None) -> None:
        super().__init__(worker=worker)
        self.desk, self.action = desk, action

    def name(self) -> str:
        return self.action


class ActionBookingStart(_DeskAction):
    """Clear the last booking's answers; take the kind from the button (or a slot from an old card)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        values = await self.call(self.desk.start, turn_of(tracker))
        return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


class ValidateBookingForm(_DeskAction):
    """The booking form's validation action: takes each answer, says why when it cannot, picks the next slot."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        step = await self.call(
            self.desk.take,
            state_of(tracker),
            turn_of(tracker),
            asking=tracker.get_slot("requested_slot"),
            address=tracker.sender_id,
            language=_language(tracker),
        )
        for reply in step.say:
            send(dispatcher, reply)
        return [*(SlotSet(name, value) for name, value in step.values.items()), SlotSet("requested_slot", step.ask)]


class AskBooking(_DeskAction):
    """`action_ask_booking_<slot>`: the question for one slot, with its buttons or cards."""

    def __init__(self, desk: BookingForm, *, slot: str, worker: Executor | None = None) -> None:
        super().__init__(desk, action=f"action_ask_{slot}", worker=worker)
        self.slot = slot

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reply = await self.call(
            self.desk.ask, self.slot, state_of(tracker), address=tracker.sender_id, language=_language(tracker)
        )
        send(dispatcher, reply)
        return []


class ActionBookingDone(_DeskAction):
    """After the form: book, or say it stopped, or do what the button the resident tapped halfway asks.

    The button's own action runs here, in this turn (`others`, filled by `booking_actions`), rather than as a
    FollowupAction: that would need one more rule per button for Rasa to listen again afterwards.
    """

    def __init__(self, desk: BookingForm, *, action: str, worker: Executor | None = None) -> None:
        super().__init__(desk, action=action, worker=worker)
        self.others: dict[str, Action] = {}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        outcome = tracker.get_slot("booking_outcome") or ""
        if outcome.startswith(FOLLOW):
            follow = self.others.get(FOLLOW_UP.get(outcome.removeprefix(FOLLOW), ""))
            events = await follow.run(dispatcher, tracker, domain) if follow else []
            return [SlotSet("booking_outcome", None), *events]
        values, reply = await self.call(
            self.desk.finish, state_of(tracker), address=tracker.sender_id, language=_language(tracker)
        )
        send(dispatcher, reply)
        return [SlotSet(name, value) for name, value in values.items()]


class ActionBookingStray(_DeskAction):
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reply = await self.call(self.desk.stray, state_of(tracker), turn_of(tracker), language=_language(tracker))
        send(dispatcher, reply)
        return []


class MyBookingsAction(_DeskAction):
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
        reply = await self.call(getattr(self.desk, self.step), *args, language=_language(tracker))
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
        ActionBookingStart(form, action="action_booking_start", worker=worker),
        ValidateBookingForm(form, action="validate_booking_form", worker=worker),
        *(AskBooking(form, slot=slot, worker=worker) for slot in FORM_SLOTS),
        ActionBookingDone(form, action="action_booking_done", worker=worker),
        ActionBookingStray(form, action="action_booking_stray", worker=worker),
        *(
            MyBookingsAction(mine, action=name, step=step, changed=changed, worker=worker)
            for name, step in MANAGE_STEPS.items()
        ),
    ]
