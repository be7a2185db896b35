"""What residents register for notices (the profile form), and erasing their data.

Thin adapters: each reads the tracker, calls the profile desk or the erasure on the worker thread, and sends
what it says.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..dialogue import Reply
from ..profile_desk import FORM_SLOTS, HELPER_SLOTS, ProfileForm
from ..profile_desk.form import FOLLOW
from ..profile_desk.wording import Words
from ..residents.erasure import Erasure
from ._base import WorkerAction
from ._form import DeskAction, FormAsk, FormStart, FormValidation, LinkedAction, form_language, turn_of
from ._tracker import send

__all__ = ["profile_actions"]

log = logging.getLogger("madoguchi")
# what a menu button tapped halfway through the form goes on to do, once the form has ended
FOLLOW_UP = {
    "my_bookings": "action_my_bookings",
    "notice_settings": "action_notice_settings",
    "notices_stop": "action_notices_stop",
    "erase_my_data": "action_erase_ask",
    "human_handoff": "action_handoff",
    "ask_question": "action_answer_faq",
    "faq": "action_answer_faq",
    "follow": "action_welcome",
}
ERASE, CONFIRM = "action_erase_my_data", "/erase_my_data_confirm"


SLOTS = (*FORM_SLOTS, *HELPER_SLOTS)


def _state(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in SLOTS}


class ActionProfileDone(LinkedAction):
    """After the form: the summary, or what the menu button tapped halfway asks (run here, in this turn)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        done = [SlotSet(name, None) for name in HELPER_SLOTS if tracker.get_slot(name) is not None]
        outcome = tracker.get_slot("profile_outcome") or ""
        if outcome.startswith(FOLLOW):
            follow = self.others.get(FOLLOW_UP.get(outcome.removeprefix(FOLLOW), ""))
            if follow is not None:
                return [*done, *await follow.run(dispatcher, tracker, domain)]
        reply = await self.call(
            self.desk.finish, _state(tracker), address=tracker.sender_id, language=form_language(tracker)
        )
        if reply is not None:
            send(dispatcher, reply)
        return done


class ActionProfileStray(LinkedAction):
    """A profile button tapped after the form ended: show the settings, where every item can be changed."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if turn_of(tracker).intent == "profile_stop":
            send(dispatcher, Reply(Words(form_language(tracker))("okay")))
            return []
        settings = self.others.get("action_notice_settings")
        return await settings.run(dispatcher, tracker, domain) if settings else []


class ErasureAction(DeskAction):
    """「データを削除」: ask, erase or keep. Erasing also deletes the conversation once Rasa has stored this turn."""

    def __init__(self, desk: Erasure, *, action: str, step: str, worker: Executor | None = None) -> None:
        super().__init__(desk, action=action, worker=worker)
        self.step = step
        self._pending: set[asyncio.Task[None]] = set()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        step = self.step
        if step == "confirm" and not _asked_to_erase(tracker):
            step = "ask"  # an old 削除する button, or 「削除する」 typed out of the blue: ask first
        reply = await self.call(getattr(self.desk, step), tracker.sender_id, language=form_language(tracker))
        send(dispatcher, reply)
        if step == "confirm" and self.desk.conversations is not None:
            task = asyncio.create_task(self._forget_when_saved(tracker.sender_id))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        return []

    async def _forget_when_saved(self, sender: str, *, timeout: float = 60.0, every: float = 0.2) -> None:
        """Rasa writes this turn's events back after the action has run: delete them once they are there."""
        conversations = self.desk.conversations
        for _ in range(int(timeout / every)):
            await asyncio.sleep(every)
            if await self.call(conversations.saved, sender, action=self.action):
                await self.call(conversations.forget, sender)
                return
        log.warning("erasure: the conversation was not stored within %.0f s; it was not deleted again", timeout)


def _asked_to_erase(tracker: Tracker) -> bool:
    """Did the bot's last message before the resident's latest one offer the 削除する button?"""
    events = list(reversed(tracker.events))
    start = next((i for i, e in enumerate(events) if e.get("event") == "user"), len(events))
    said: dict[str, Any] = next((e for e in events[start + 1 :] if e.get("event") == "bot"), {})
    buttons = (said.get("data") or {}).get("buttons") or ()
    return any(b.get("payload") == CONFIRM for b in buttons)


ERASURE_STEPS = {"action_erase_ask": "ask", ERASE: "confirm", "action_erase_cancel": "cancel"}


def profile_actions(form: ProfileForm, erasure: Erasure, *, worker: Executor | None = None) -> list[WorkerAction]:
    """The profile form's and the erasure's actions (`LinkedAction`s need `others` filled in)."""
    return [
        FormStart(form, action="action_profile_start", worker=worker),
        FormValidation(form, action="validate_notice_profile_form", slots=SLOTS, worker=worker),
        *(FormAsk(form, slot=slot, slots=SLOTS, worker=worker) for slot in FORM_SLOTS),
        ActionProfileDone(form, action="action_profile_done", worker=worker),
        ActionProfileStray(form, action="action_profile_stray", worker=worker),
        *(ErasureAction(erasure, action=name, step=step, worker=worker) for name, step in ERASURE_STEPS.items()),
    ]
