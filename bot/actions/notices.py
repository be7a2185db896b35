"""Welcome on follow, and signing up for notices (consent first) or stopping them."""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from ..dialogue import language_of
from ..residents.consent import ConsentDesk
from ._base import WorkerAction
from ._tracker import changed_slots, chosen_language, send, text_of


class ConsentAction(WorkerAction):
    """One step of the consent desk; `step` names the `ConsentDesk` method it calls."""

    def __init__(self, desk: ConsentDesk, *, action: str, step: str, worker: Executor | None = None) -> None:
        super().__init__(worker=worker)
        self.desk, self.action, self.step = desk, action, step

    def name(self) -> str:
        return self.action

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(text_of(tracker), chosen_language(tracker))
        reply = await self.call(getattr(self.desk, self.step), tracker.sender_id, language=language)
        send(dispatcher, reply)
        return changed_slots(tracker, language=language)


STEPS = {
    "action_welcome": "welcome",
    "action_notice_settings": "settings",
    "action_notice_consent": "agree",
    "action_notice_decline": "decline",
    "action_notices_stop": "stop",
}


def consent_actions(desk: ConsentDesk, *, worker: Executor | None = None) -> list[ConsentAction]:
    return [ConsentAction(desk, action=name, step=step, worker=worker) for name, step in STEPS.items()]
