"""Answering questions from the knowledge base, and handing off to people."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from ._base import AssistantAction
from ._tracker import changed_slots, channel_of, chosen_language, entity, send, text_of


class ActionAnswerFaq(AssistantAction):
    """Every free-text message that is not a form answer: routed by meaning (`Assistant.respond`)."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = text_of(tracker)
        turn = await self.call(
            self.assistant.respond,
            text,
            intent=str((tracker.latest_message.get("intent") or {}).get("name") or "nlu_fallback"),
            sender=tracker.sender_id,
            channel=channel_of(tracker),
            municipality=tracker.get_slot("municipality"),
            language=chosen_language(tracker),
            faq_id=entity(tracker, "faq_id"),
            place=entity(tracker, "municipality"),
            pending=tracker.get_slot("pending_question"),
            last_faq_id=tracker.get_slot("last_faq_id"),
            last_question=tracker.get_slot("last_question"),
        )
        send(dispatcher, turn.reply)
        question = text
        if (
            text.startswith("/")
            and turn.faq_id
            and (entry := await self.call(self.assistant.searcher.entry, turn.faq_id))
        ):
            question = entry.question  # a button press: remember the question it stands for
        return changed_slots(
            tracker,
            last_faq_id=turn.faq_id or None,
            last_question=question[:500],
            faq_id=None,
            language=turn.language,
            municipality=turn.municipality or tracker.get_slot("municipality"),
            pending_question=turn.pending,
        )


class ActionHandoff(AssistantAction):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = await self.call(
            self.assistant.handoff,
            text_of(tracker),
            sender=tracker.sender_id,
            channel=channel_of(tracker),
            municipality=tracker.get_slot("municipality"),
            language=chosen_language(tracker),
        )
        send(dispatcher, turn.reply)
        return changed_slots(tracker, language=turn.language)
