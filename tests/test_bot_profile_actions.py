"""The profile and erasure actions as Rasa calls them: a real CollectingDispatcher and tracker, no Rasa."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import build_actions
from bot.booking_desk import BookingForm, MyBookings
from bot.bookings import Bookings
from bot.profile_desk import ProfileForm
from bot.residents import Residents
from bot.residents.consent import ConsentDesk
from bot.residents.erasure import Erasure

ROOT = Path(__file__).parent.parent
LINE = "line:U" + "e" * 32


@pytest.fixture
def actions(db, assistant, logbook):
    residents, bookings = Residents(db), Bookings(db)
    profile = ProfileForm(residents)
    built = build_actions(
        assistant,
        consent=ConsentDesk(residents, profile=profile),
        booking_form=BookingForm(bookings, clock=bookings.clock),
        my_bookings=MyBookings(bookings, clock=bookings.clock),
        profile=profile,
        erasure=Erasure(residents, logbook=logbook),
    )
    return {action.name(): action for action in built}


def tracker(text: str, intent: str, *, slots: dict | None = None, entities=(), before: tuple = ()) -> Tracker:
    """The latest message, after the `before` events (what the bot said last, say)."""
    message = {"text": text, "intent": {"name": intent}, "entities": list(entities)}
    user = {"event": "user", "text": text, "parse_data": message}
    events = [*before, {"event": "action", "name": "action_listen"}, user]
    return Tracker(LINE, slots or {}, message, events, False, None, {}, "action_listen")


async def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_every_action_the_domain_names_is_served(actions):
    named = set()
    for path in (ROOT / "intents" / "domain").glob("*.yml"):
        named |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or ())
    assert named - set(actions) == set()


async def test_the_validation_always_names_the_next_slot_so_rasa_never_rejects(actions):
    await run(actions["action_notice_consent"], tracker("/notice_consent", "notice_consent"))
    _, events = await run(actions["validate_notice_profile_form"], tracker("/notice_consent", "notice_consent"))
    assert events[-1] == {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "profile_age_band"}
    slots = {"requested_slot": "profile_age_band"}
    messages, events = await run(actions["validate_notice_profile_form"], tracker("おなかすいた", "greet", slots=slots))
    assert messages[0]["text"] == "ボタンから選んでください。"
    assert [(e["name"], e["value"]) for e in events] == [
        ("profile_age_band", None),
        ("requested_slot", "profile_age_band"),
    ]


async def test_a_menu_button_halfway_runs_its_own_action_in_the_same_turn(actions):
    slots = {"profile_outcome": "follow:human_handoff", "requested_slot": None}
    messages, events = await run(
        actions["action_profile_done"], tracker("/human_handoff", "human_handoff", slots=slots)
    )
    assert "職員" in messages[0]["text"]
    assert {"event": "slot", "timestamp": None, "name": "profile_outcome", "value": None} in events


async def test_an_erase_confirmation_without_the_question_before_asks_first(actions):
    messages, _ = await run(actions["action_erase_my_data"], tracker("/erase_my_data_confirm", "erase_my_data_confirm"))
    assert "削除しますか" in messages[0]["text"]
    asked = {
        "event": "bot",
        "text": "…削除しますか？",
        "data": {"buttons": [{"title": "削除する", "payload": "/erase_my_data_confirm"}]},
    }
    messages, _ = await run(
        actions["action_erase_my_data"],
        tracker("/erase_my_data_confirm", "erase_my_data_confirm", before=({"event": "user"}, asked)),
    )
    assert messages[0]["text"].startswith("削除しました")
