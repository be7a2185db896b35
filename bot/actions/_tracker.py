"""Reading what the actions need from a Rasa tracker, and sending a `Reply`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ..dialogue import Reply


def text_of(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value else None


def metadata(tracker: Tracker) -> dict[str, Any]:
    meta = tracker.latest_message.get("metadata")
    if not meta:
        meta = next((e.get("metadata") for e in reversed(tracker.events) if e.get("event") == "user"), None)
    return dict(meta or {})


def channel_of(tracker: Tracker) -> str:
    meta = metadata(tracker)
    if meta.get("channel"):
        return str(meta["channel"])
    prefix, sep, _ = tracker.sender_id.partition(":")
    return prefix if sep else (tracker.get_latest_input_channel() or "rest")


def chosen_language(tracker: Tracker) -> str | None:
    return metadata(tracker).get("language") or tracker.get_slot("language")


def changed_slots(tracker: Tracker, **values: Any) -> list[dict[str, Any]]:
    """SlotSet events for the slots whose value changes, and no others.

    Rasa validates every returned event against a large JSON schema, which is a fair share of a turn's CPU.
    """
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    message = reply.as_message()
    dispatcher.utter_message(text=message["text"], buttons=message.get("buttons"), json_message=message.get("custom"))
