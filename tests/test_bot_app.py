"""The app process: the Rasa action endpoint, health, and the web chat relay (Rasa faked at the HTTP layer)."""

import copy
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.settings import Settings

DATA = Path(__file__).parent / "data"


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env({"MADOGUCHI_HOME": str(tmp_path), "MADOGUCHI_EMBEDDING_MODEL": "hashing"})


@pytest.fixture
def client(settings, assistant):
    with TestClient(create_app(settings, assistant=assistant)) as client:
        yield client


@pytest.fixture
def action_call():
    return json.loads((DATA / "action_call.json").read_text(encoding="utf-8"))


def test_action_endpoint_answers_from_the_knowledge_base(client, action_call):
    response = client.post("/webhook", json=action_call)
    assert response.status_code == 200
    body = response.json()
    assert "マイナンバーカードがあれば" in body["responses"][0]["text"]
    slots = {e["name"]: e["value"] for e in body["events"] if e["event"] == "slot"}
    assert slots["last_faq_id"] == "national-konbini"
    assert slots["language"] == "ja"


def test_action_endpoint_sets_the_municipality_from_an_entity(client, action_call):
    call = copy.deepcopy(action_call)
    call["next_action"] = "action_answer_faq"
    call["tracker"]["latest_message"].update(
        text="足立区です", entities=[{"entity": "municipality", "value": "131211", "start": 0, "end": 3}]
    )
    body = client.post("/webhook", json=call).json()
    assert {"event": "slot", "name": "municipality", "value": "131211"}.items() <= body["events"][0].items() or any(
        e.get("name") == "municipality" and e.get("value") == "131211" for e in body["events"]
    )


def test_unknown_action_is_a_404(client, action_call):
    response = client.post("/webhook", json={**action_call, "next_action": "action_nope"})
    assert response.status_code == 404


def test_action_endpoint_requires_the_token_when_one_is_set(tmp_path, assistant, action_call):
    settings = Settings.from_env({"MADOGUCHI_HOME": str(tmp_path), "MADOGUCHI_ACTION_TOKEN": "s3cret"})
    with TestClient(create_app(settings, assistant=assistant)) as client:
        assert client.post("/webhook", json=action_call).status_code == 403
        assert client.post("/webhook?token=s3cret", json=action_call).status_code == 200


def test_health_reports_entries(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["entries"] == 5


def test_web_chat_page_is_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "まどぐち" in page.text
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/../settings.py").status_code == 404


def test_pushes_have_no_channel_when_none_is_configured(client):
    assert client.app.state.parts.outbound.pushers == {}


async def test_pushes_go_through_line_and_telegram_when_configured(tmp_path, assistant):
    env = {"MADOGUCHI_HOME": str(tmp_path), "MADOGUCHI_EMBEDDING_MODEL": "hashing",
           "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
           "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "TELEGRAM_WEBHOOK_SECRET": "x"}  # fmt: skip
    pushers = create_app(
        Settings.from_env(env), assistant=assistant
    ).state.parts.outbound.pushers  # as uvicorn: in a loop
    assert set(pushers) == {"line", "tg"}
    await pushers["line"].api.api_client.close()
    await pushers["tg"].bot.session.close()
