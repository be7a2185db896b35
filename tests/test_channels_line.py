"""LINE message mapping and the webhook door, without Rasa: every body checked against LINE's OpenAPI spec."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from linebot.v3.messaging import ReplyMessageRequest

from channels.line import line_router, to_line_messages
from channels.messages import Button, OutMessage
from tests.fakes.line_platform import _limit_errors
from tests.fakes.openapi import CONTRACTS, OpenApiValidator

SPEC = OpenApiValidator(CONTRACTS / "messaging-api.yml")


def reply_body(messages: list[OutMessage]) -> dict:
    request = ReplyMessageRequest(replyToken="t", messages=to_line_messages(messages))
    return request.to_dict()


def assert_valid(body: dict) -> None:
    assert SPEC.request_errors("POST", "/v2/bot/message/reply", body) + _limit_errors(body) == []


def test_text_with_buttons_becomes_a_message_with_quick_replies():
    body = reply_body(
        [OutMessage("答えです", (Button("解決しました", "/affirm"), Button("よくある質問", "よくある質問")))]
    )
    assert_valid(body)
    items = body["messages"][0]["quickReply"]["items"]
    assert items[0]["action"] == {
        "type": "postback",
        "label": "解決しました",
        "data": "/affirm",
        "displayText": "解決しました",
    }
    assert items[1]["action"] == {"type": "message", "label": "よくある質問", "text": "よくある質問"}


def test_long_text_is_split_under_the_limit_and_nothing_is_lost():
    body = reply_body([OutMessage("あ" * 12_000)])
    assert_valid(body)
    assert "".join(m["text"] for m in body["messages"]) == "あ" * 12_000


def test_at_most_five_messages_and_the_rest_joined_into_the_last():
    body = reply_body([OutMessage(f"段落{i}") for i in range(8)])
    assert_valid(body)
    assert len(body["messages"]) == 5 and "段落7" in body["messages"][-1]["text"]


def test_at_most_thirteen_quick_replies_with_short_labels():
    buttons = tuple(Button(f"とても長いボタンの名前です番号{i}です", f"/x{i}") for i in range(20))
    body = reply_body([OutMessage("選んでください", buttons)])
    assert_valid(body)
    items = body["messages"][0]["quickReply"]["items"]
    assert len(items) == 13 and all(len(i["action"]["label"]) <= 20 for i in items)


SLOTS = {
    "cards": [
        {
            "title": f"12月{d}日（火）10:00",
            "lines": ["区民センター 3階", f"残り {d % 4} 席"],
            "buttons": [{"title": "この日にする", "payload": f'/choose_slot{{"slot_id": {d}}}'}],
        }
        for d in range(1, 15)
    ]
}


def test_cards_become_a_valid_flex_carousel_after_the_text():
    body = reply_body([OutMessage("空いている日です。", (Button("やめる", "/stop"),), SLOTS)])
    assert_valid(body)
    text, flex = body["messages"]
    assert text["text"] == "空いている日です。" and flex["type"] == "flex"
    bubbles = flex["contents"]["contents"]
    assert len(bubbles) == 12  # LINE's carousel limit
    assert bubbles[0]["body"]["contents"][0]["text"] == "12月1日（火）10:00"
    assert bubbles[0]["footer"]["contents"][0]["action"]["data"] == '/choose_slot{"slot_id": 1}'
    assert flex["altText"] == "空いている日です。"
    assert flex["quickReply"]["items"][0]["action"]["label"] == "やめる"  # buttons ride on the last message


def test_cards_without_text_get_an_alt_text_from_their_titles():
    cards = {"cards": [{"title": "スマホ教室"}, {"title": "申請サポート"}, {"title": ""}, "not a card"]}
    body = reply_body([OutMessage("", (), cards)])
    assert_valid(body)
    [flex] = body["messages"]
    assert flex["altText"] == "スマホ教室、申請サポート"
    assert len(flex["contents"]["contents"]) == 2


def test_cards_keep_their_place_when_the_text_needs_joining():
    body = reply_body([*(OutMessage(f"段落{i}") for i in range(8)), OutMessage("", (), SLOTS)])
    assert_valid(body)
    assert len(body["messages"]) == 5 and body["messages"][-1]["type"] == "flex"
    assert "段落7" in body["messages"][-2]["text"]


def test_the_validator_catches_an_error_inside_a_message_subtype():
    assert SPEC.request_errors("POST", "/v2/bot/message/reply", {"replyToken": "t", "messages": [{"type": "text"}]})


@pytest.fixture
def unconfigured():
    app = FastAPI()
    app.include_router(line_router(None))
    return TestClient(app)


def test_webhook_says_clearly_when_line_is_not_configured(unconfigured):
    response = unconfigured.post("/line/webhook", content=b"{}")
    assert response.status_code == 503 and "LINE_CHANNEL_SECRET" in response.json()["error"]


SHARED = CONTRACTS.parents[3] / "shared" / "contracts" / "line-openapi"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside the checkout")
@pytest.mark.parametrize("name", ["messaging-api.yml", "webhook.yml"])
def test_the_copied_specs_match_the_shared_contracts(name):
    assert (CONTRACTS / name).read_bytes() == (SHARED / name).read_bytes()
