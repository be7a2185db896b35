"""The base of madoguchi's Rasa actions: each one is a thin adapter around one `Assistant`."""

from __future__ import annotations

from rasa_sdk import Action

from ..assistant import Assistant


class AssistantAction(Action):
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
