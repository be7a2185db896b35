"""The adapters every madoguchi form shares (booking, notice profile): start, validate, ask, and go on.

A form's desk decides everything: `start(turn)` gives fresh slot values, `take(state, turn, asking=...)` takes
an answer and names the next slot (the validation always sets a slot and `requested_slot`, so Rasa never
rejects the form and never falls back mid-way), `ask(slot, state)` words the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..dialogue import Turn, language_of
from ._base import WorkerAction
from ._tracker import chosen_language, send, text_of

__all__ = ["DeskAction", "FormAsk", "FormStart", "FormValidation", "LinkedAction", "form_language", "turn_of"]


def turn_of(tracker: Tracker) -> Turn:
    """The resident's latest message: its text (or a button's payload), intent and entities."""
    message = tracker.latest_message or {}
    entities = {str(e.get("entity")): str(e.get("value")) for e in message.get("entities") or () if e.get("entity")}
    return Turn(text_of(tracker), str((message.get("intent") or {}).get("name") or ""), entities)


def form_language(tracker: Tracker) -> str:
    return language_of(text_of(tracker), chosen_language(tracker))


class DeskAction(WorkerAction):
    """An action named `action` that calls one desk."""

    def __init__(self, desk: Any, *, action: str, worker: Executor | None = None) -> None:
        super().__init__(worker=worker)
        self.desk, self.action = desk, action

    def name(self) -> str:
        return self.action


class LinkedAction(DeskAction):
    """An action that may go on with another in the same turn (`others`: every action, by name, filled in by
    `build_actions`); a FollowupAction would need one more rule per action for Rasa to listen again after it."""

    def __init__(self, desk: Any, *, action: str, worker: Executor | None = None) -> None:
        super().__init__(desk, action=action, worker=worker)
        self.others: dict[str, Action] = {}


class _FormAction(DeskAction):
    def __init__(self, desk: Any, *, action: str, slots: Sequence[str], worker: Executor | None = None) -> None:
        super().__init__(desk, action=action, worker=worker)
        self.slots = tuple(slots)

    def state_of(self, tracker: Tracker) -> dict[str, Any]:
        return {name: tracker.get_slot(name) for name in self.slots}


class FormStart(DeskAction):
    """Before the form: the desk's fresh values (the last run's answers cleared, the button's choice taken)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        values = await self.call(self.desk.start, turn_of(tracker))
        return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


class FormValidation(_FormAction):
    """`validate_<form>`: takes each answer, says why when it cannot, and names the next slot."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        step = await self.call(
            self.desk.take,
            self.state_of(tracker),
            turn_of(tracker),
            asking=tracker.get_slot("requested_slot"),
            address=tracker.sender_id,
            language=form_language(tracker),
        )
        for reply in step.say:
            send(dispatcher, reply)
        return [*(SlotSet(name, value) for name, value in step.values.items()), SlotSet("requested_slot", step.ask)]


class FormAsk(_FormAction):
    """`action_ask_<slot>`: the question for one slot, with its buttons or cards."""

    def __init__(self, desk: Any, *, slot: str, slots: Sequence[str], worker: Executor | None = None) -> None:
        super().__init__(desk, action=f"action_ask_{slot}", slots=slots, worker=worker)
        self.slot = slot

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reply = await self.call(
            self.desk.ask, self.slot, self.state_of(tracker), address=tracker.sender_id, language=form_language(tracker)
        )
        send(dispatcher, reply)
        return []
