"""Rasa custom actions: thin adapters from a tracker to the `Assistant` and back to the dispatcher."""

from __future__ import annotations

from rasa_sdk import Action

from ..assistant import Assistant
from .answer import ActionAnswerFaq, ActionHandoff
from .resident import ActionRecordFeedback, ActionSetMunicipality

__all__ = ["ActionAnswerFaq", "ActionHandoff", "ActionRecordFeedback", "ActionSetMunicipality", "build_actions"]


def build_actions(assistant: Assistant) -> list[Action]:
    """Every custom action the domain names, wired to one assistant."""
    return [
        ActionAnswerFaq(assistant),
        ActionHandoff(assistant),
        ActionSetMunicipality(assistant),
        ActionRecordFeedback(assistant),
    ]
