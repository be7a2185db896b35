"""LINE end to end: signed webhooks into the real app, Rasa in the middle, replies at the fake LINE platform."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from tests.fakes import line_webhook as hook

pytestmark = pytest.mark.e2e
REPLY, PUSH, LOADING = "/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/chat/loading/start"


def post(stack, raw: bytes, signature: str | None = None) -> httpx.Response:
    headers = {
        "content-type": "application/json",
        "x-line-signature": hook.sign(raw) if signature is None else signature,
    }
    return httpx.post(f"{stack.app_url}/line/webhook", content=raw, headers=headers, timeout=10)


def replies_to(platform, token: str) -> list:
    return [r for r in platform.sent(REPLY) if r.body and r.body.get("replyToken") == token]


def wait_reply(platform, token: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := replies_to(platform, token):
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no reply for {token}")


def test_question_gets_a_valid_reply_with_the_answer(stack, line_platform):
    event = hook.text_event(hook.user_id(1), "コンビニで住民票って何時まで取れる？")
    started = time.monotonic()
    assert post(stack, hook.body(event)).status_code == 200
    assert time.monotonic() - started < 2
    reply = wait_reply(line_platform, event["replyToken"])
    assert reply.errors == []
    text = "\n".join(m["text"] for m in reply.body["messages"])
    assert "23" in text and "【出典】" in text
    labels = [i["action"]["label"] for i in reply.body["messages"][-1]["quickReply"]["items"]]
    assert "解決しました" in labels
    assert any(r.body == {"chatId": hook.user_id(1), "loadingSeconds": 10} for r in line_platform.sent(LOADING))


def test_bad_signature_is_refused_and_nothing_is_sent(stack, line_platform):
    before = len(line_platform.requests)
    raw = hook.body(hook.text_event(hook.user_id(2), "住民票"))
    assert post(stack, raw, signature=hook.sign(raw, "wrong-secret")).status_code == 400
    assert post(stack, raw, signature="").status_code == 400
    time.sleep(1)
    assert len(line_platform.requests) == before


def test_redelivered_event_is_answered_once(stack, line_platform):
    event = hook.text_event(hook.user_id(3), "こんにちは")
    raw = hook.body(event)
    post(stack, raw)
    post(stack, raw)
    wait_reply(line_platform, event["replyToken"])
    time.sleep(1.5)
    assert len(replies_to(line_platform, event["replyToken"])) == 1


def test_expired_reply_token_falls_back_to_push(stack, line_platform):
    event = hook.text_event(hook.user_id(4), "こんにちは")
    line_platform.expired_tokens.add(event["replyToken"])
    post(stack, hook.body(event))
    deadline = time.monotonic() + 15  # other tests of the session push too: wait for this resident's
    while not (pushes := [p for p in line_platform.sent(PUSH) if p.body["to"] == hook.user_id(4)]):
        assert time.monotonic() < deadline, "no push"
        time.sleep(0.05)
    push = pushes[0]
    assert push.errors == [] and push.body["messages"]


def test_postback_reaches_rasa_as_its_payload(stack, line_platform):
    event = hook.postback_event(hook.user_id(5), "/human_handoff")
    post(stack, hook.body(event))
    reply = wait_reply(line_platform, event["replyToken"])
    assert "職員" in "".join(m["text"] for m in reply.body["messages"])


def test_sticker_gets_a_polite_text_answer(stack, line_platform):
    event = hook.sticker_event(hook.user_id(6))
    post(stack, hook.body(event))
    reply = wait_reply(line_platform, event["replyToken"])
    assert "文字で送ってください" in reply.body["messages"][0]["text"]


@pytest.mark.parametrize("raw", [b"{not json", b'{"destination": "x"}', b"[]"])
def test_malformed_body_with_a_valid_signature_is_a_400(stack, raw):
    assert post(stack, raw).status_code == 400


def test_oversized_body_is_refused(stack):
    raw = b'{"events": [], "x": "' + b"a" * 1_100_000 + b'"}'
    assert post(stack, raw).status_code == 413


def test_long_message_and_emoji_are_answered(stack, line_platform):
    long_event = hook.text_event(hook.user_id(7), "住民票 " + "あ" * 10_000)
    emoji_event = hook.text_event(hook.user_id(8), "🙏🙏")
    post(stack, hook.body(long_event, emoji_event))
    for event in (long_event, emoji_event):
        assert wait_reply(line_platform, event["replyToken"]).errors == []


def test_fifty_concurrent_conversations_are_all_answered(stack, line_platform):
    events = [hook.text_event(hook.user_id(100 + i), "マイナンバーカードで何ができますか") for i in range(50)]
    with httpx.Client(timeout=10) as client:
        for event in events:
            raw = hook.body(event)
            client.post(f"{stack.app_url}/line/webhook", content=raw,
                        headers={"content-type": "application/json", "x-line-signature": hook.sign(raw)})  # fmt: skip
    for event in events:
        assert wait_reply(line_platform, event["replyToken"], timeout=60).errors == []


def texts(reply) -> str:
    return "\n".join(m.get("text", "") for m in reply.body["messages"])


def labels(reply) -> list[str]:
    return [i["action"]["label"] for i in reply.body["messages"][-1].get("quickReply", {}).get("items", [])]


def address_row(stack, user: str):
    with sqlite3.connect(stack.home / "madoguchi.db") as db:
        return db.execute(
            "select a.active, r.consent_version from resident_addresses a join residents r on r.id = a.resident_id"
            " where a.address = ?",
            [f"line:{user}"],
        ).fetchone()


def wait_row(stack, user: str, expected, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while (row := address_row(stack, user)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return row


def test_follow_welcomes_and_offers_notices_consent_first(stack, line_platform):
    user = hook.user_id(20)
    event = hook.follow_event(user)
    post(stack, hook.body(event))
    reply = wait_reply(line_platform, event["replyToken"])
    assert reply.errors == [] and "友だち追加ありがとうございます" in texts(reply)
    assert labels(reply) == ["お知らせ設定", "あとで"]
    assert wait_row(stack, user, (1, None)) == (1, None)  # known, active, not signed up

    settings = hook.postback_event(user, "/notice_settings")
    post(stack, hook.body(settings))
    reply = wait_reply(line_platform, settings["replyToken"])
    assert "【保存するもの】" in texts(reply) and labels(reply) == ["同意する", "同意しない"]

    consent = hook.postback_event(user, "/notice_consent")
    post(stack, hook.body(consent))
    assert "登録しました" in texts(wait_reply(line_platform, consent["replyToken"]))
    assert wait_row(stack, user, (1, "2026-11-notices-v1"))[1] == "2026-11-notices-v1"


def test_unfollow_marks_the_resident_inactive(stack, line_platform):
    user = hook.user_id(21)
    follow = hook.follow_event(user)
    post(stack, hook.body(follow))
    wait_reply(line_platform, follow["replyToken"])
    post(stack, hook.body(hook.unfollow_event(user)))
    assert wait_row(stack, user, (0, None)) == (0, None)


def test_typed_stop_withdraws_consent(stack, line_platform):
    user = hook.user_id(22)
    for data in ("/notice_consent", "配信停止"):
        event = hook.postback_event(user, data) if data.startswith("/") else hook.text_event(user, data)
        post(stack, hook.body(event))
        reply = wait_reply(line_platform, event["replyToken"])
    assert "停止しました" in texts(reply)
    assert wait_row(stack, user, (1, None)) == (1, None)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("よくある質問", "よくあるご質問"),
        ("/book_class", "スマホ教室"),  # the dates, or that none are open now
        ("/book_support", "申請サポート"),
        ("/my_bookings", "予約はありません"),
        ("/notice_settings", "同意して登録しますか"),
        ("/human_handoff", "職員"),
    ],
)
def test_every_rich_menu_button_gets_an_answer(stack, line_platform, data, expected):
    event = hook.postback_event(hook.user_id(30), data)
    post(stack, hook.body(event))
    reply = wait_reply(line_platform, event["replyToken"])
    assert reply.errors == [] and expected in texts(reply)
