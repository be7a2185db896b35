"""The web chat relay, with Rasa's REST channel replaced by a recording fake transport."""

import json

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from channels import RasaClient, webchat_router


class FakeRasa:
    def __init__(self, status=200):
        self.requests = []
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content))
        reply = [{"recipient_id": "x", "text": "こんにちは", "buttons": [{"title": "はい", "payload": "/affirm"}]}]
        return httpx.Response(self.status, json=reply if self.status == 200 else {})


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
def client(rasa):
    app = FastAPI()
    app.include_router(
        webchat_router(RasaClient("http://rasa", http=httpx.AsyncClient(transport=httpx.MockTransport(rasa))))
    )
    return TestClient(app)


def _post(client, message, sender="abcdef012345"):
    return client.post("/api/chat", json={"sender": sender, "message": message})


def test_message_is_relayed_with_channel_metadata(client, rasa):
    response = _post(client, "こんにちは")
    assert response.status_code == 200
    assert response.json()["messages"] == [{"text": "こんにちは", "buttons": [{"title": "はい", "payload": "/affirm"}]}]
    assert rasa.requests == [{"sender": "web:abcdef012345", "message": "こんにちは", "metadata": {"channel": "web"}}]


@pytest.mark.parametrize("message", ["", "   ", "\n"])
def test_empty_message_gets_a_clear_answer_and_never_reaches_rasa(client, rasa, message):
    response = _post(client, message)
    assert response.status_code == 422
    assert response.json()["messages"][0]["text"] == "メッセージを入力してください。"
    assert rasa.requests == []


def test_huge_message_is_refused_politely(client, rasa):
    response = _post(client, "あ" * 10_000)
    assert response.status_code == 422 and "長すぎます" in response.json()["messages"][0]["text"]
    assert rasa.requests == []


def test_emoji_only_message_is_relayed(client, rasa):
    assert _post(client, "🙂🙏").status_code == 200
    assert rasa.requests[0]["message"] == "🙂🙏"


def test_bad_sender_is_refused(client):
    assert _post(client, "こんにちは", sender="../../etc").status_code == 400


def test_malformed_json_is_a_422(client):
    response = client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_rasa_down_is_a_polite_503():
    app = FastAPI()
    down = FakeRasa(status=502)
    app.include_router(
        webchat_router(RasaClient("http://rasa", http=httpx.AsyncClient(transport=httpx.MockTransport(down))))
    )
    response = TestClient(app).post("/api/chat", json={"sender": "abcdef012345", "message": "住民票"})
    assert response.status_code == 503 and "混み合って" in response.json()["messages"][0]["text"]
