"""Rasa custom actions: thin adapters from a tracker to the `Assistant` and back to the dispatcher."""

from __future__ import annotations

from concurrent.futures import Executor

from rasa_sdk import Action

from ..assistant import Assistant
from ..consent import ConsentDesk
from .answer import ActionAnswerFaq, ActionHandoff
from .notices import consent_actions
from .resident import ActionRecordFeedback, ActionSetMunicipality

__all__ = ["ActionAnswerFaq", "ActionHandoff", "ActionRecordFeedback", "ActionSetMunicipality", "build_actions"]


def build_actions(assistant: Assistant, *, consent: ConsentDesk, worker: Executor | None = None) -> list[Action]:
    """Every custom action the domain names, wired to one assistant and one consent desk."""
    return [
        ActionAnswerFaq(assistant, worker=worker),
        ActionHandoff(assistant, worker=worker),
        ActionSetMunicipality(assistant, worker=worker),
        ActionRecordFeedback(assistant, worker=worker),
        *consent_actions(consent, worker=worker),
    ]
