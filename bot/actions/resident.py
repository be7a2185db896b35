"""What the resident thought of an answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..dialogue import language_of
from ._base import AssistantAction
from ._tracker import chosen_language, send, text_of

_HELPFUL = {"affirm": True, "deny": False}


class ActionRecordFeedback(AssistantAction):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        text = text_of(tracker)
        helpful = _HELPFUL.get(intent)
        language = chosen_language(tracker) or language_of(text, None)
        reply = await self.call(
            self.assistant.feedback,
            sender=tracker.sender_id,
            faq_id=tracker.get_slot("last_faq_id") or "",
            question=tracker.get_slot("last_question") or "",
            helpful=helpful,
            comment="" if text.startswith("/") else text,
            language=language,
        )
        send(dispatcher, reply)
        return [SlotSet("last_faq_id", None)] if helpful is not None else []
