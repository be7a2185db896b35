"""Telegram end to end: updates with the secret token into the real app, Rasa in the middle, replies at the fake
Telegram Bot API."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import httpx
import pytest

from channels.messages import NOT_TEXT
from tests.fakes import telegram_updates as tg

pytestmark = pytest.mark.e2e


def post(stack, update: dict, *, secret: str | None = tg.SECRET) -> httpx.Response:
    headers = {"content-type": "application/json", **({tg.HEADER: secret} if secret is not None else {})}
    return httpx.post(f"{stack.app_url}/telegram/webhook", content=tg.body(update), headers=headers, timeout=10)


def replies(platform, chat: int, *, timeout: float = 15.0) -> list:
    """The messages sent to `chat`, once they stop coming (a reply can be several messages)."""
    platform.wait_for("sendMessage", chat_id=chat, timeout=timeout)
    time.sleep(0.5)
    return platform.sent("sendMessage", chat_id=chat)


def rasa_events(stack, chat: int) -> int:
    """How many events Rasa's tracker store holds for the chat: 0 when Rasa never heard of it."""
    with sqlite3.connect(stack.home / "tracker.db") as db:
        if not db.execute("select 1 from sqlite_master where name = 'events'").fetchone():
            return 0
        return int(db.execute("select count(*) from events where sender_id = ?", (f"tg:{chat}",)).fetchone()[0])


def test_question_gets_the_answer_with_its_source_and_an_inline_keyboard(stack, telegram_platform):
    chat = 7_000_001
    started = time.monotonic()
    assert post(stack, tg.text_message(chat, "コンビニで住民票って何時まで取れる？")).status_code == 200
    assert time.monotonic() - started < 2
    sent = replies(telegram_platform, chat)
    assert [c.errors for c in sent] == [[] for _ in sent]
    text = "\n".join(c.params["text"] for c in sent)
    assert "23" in text and "【出典】" in text
    labels = [row[0]["text"] for row in sent[-1].params["reply_markup"]["inline_keyboard"]]
    assert "解決しました" in labels
    assert telegram_platform.sent("sendChatAction", chat_id=chat)[0].params["action"] == "typing"
    assert rasa_events(stack, chat) > 0


def test_wrong_or_missing_secret_is_refused_and_nothing_reaches_rasa_or_telegram(stack, telegram_platform):
    chat = 7_000_002
    assert post(stack, tg.text_message(chat, "住民票"), secret="wrong-secret").status_code == 401
    assert post(stack, tg.text_message(chat, "住民票"), secret=None).status_code == 401
    time.sleep(1.5)
    assert [c for c in telegram_platform.calls if c.params.get("chat_id") == chat] == []
    assert rasa_events(stack, chat) == 0


def test_redelivered_update_is_answered_once(stack, telegram_platform):
    chat = 7_000_003
    update = tg.text_message(chat, "こんにちは")
    assert [post(stack, update).status_code for _ in range(3)] == [200, 200, 200]
    replies(telegram_platform, chat)
    time.sleep(1.5)
    assert len(telegram_platform.sent("sendChatAction", chat_id=chat)) == 1


def test_button_press_reaches_rasa_and_is_answered(stack, telegram_platform):
    chat = 7_000_004
    update = tg.callback_query(chat, "/human_handoff")
    post(stack, update)
    assert "職員" in "".join(c.params["text"] for c in replies(telegram_platform, chat))
    answered = telegram_platform.sent("answerCallbackQuery")
    assert any(c.params["callback_query_id"] == update["callback_query"]["id"] and c.errors == [] for c in answered)


def test_a_question_button_from_the_menu_brings_its_answer(stack, telegram_platform):
    chat = 7_000_005
    post(stack, tg.text_message(chat, "よくある質問"))
    menu = replies(telegram_platform, chat)[-1].params["reply_markup"]["inline_keyboard"]
    data = next(row[0]["callback_data"] for row in menu if row[0]["callback_data"].startswith(("/ask_question", "#k:")))
    before = len(telegram_platform.sent("sendMessage", chat_id=chat))
    post(stack, tg.callback_query(chat, data))
    telegram_platform.wait_for("sendMessage", chat_id=chat, count=before + 1)
    time.sleep(0.5)
    answer = telegram_platform.sent("sendMessage", chat_id=chat)[before:]
    assert "【出典】" in "\n".join(c.params["text"] for c in answer)


def test_sticker_gets_the_polite_text_answer(stack, telegram_platform):
    chat = 7_000_006
    post(stack, tg.sticker(chat))
    assert [c.params["text"] for c in replies(telegram_platform, chat)] == [NOT_TEXT]
    assert rasa_events(stack, chat) == 0


def test_group_messages_are_not_answered(stack, telegram_platform):
    update = tg.group_message("住民票はコンビニで取れますか")
    assert post(stack, update).status_code == 200
    time.sleep(1.5)
    assert telegram_platform.sent("sendMessage", chat_id=update["message"]["chat"]["id"]) == []


def test_long_message_and_emoji_are_answered(stack, telegram_platform):
    long_chat, emoji_chat = 7_000_007, 7_000_008
    post(stack, tg.text_message(long_chat, "住民票 " + "あ" * 10_000))
    post(stack, tg.text_message(emoji_chat, "🙏🙏"))
    for chat in (long_chat, emoji_chat):
        assert all(c.errors == [] for c in replies(telegram_platform, chat))


def test_fifty_concurrent_chats_are_all_answered(stack, telegram_platform):
    chats = [7_100_000 + i for i in range(50)]

    async def post_all() -> list[int]:
        headers = {"content-type": "application/json", tg.HEADER: tg.SECRET}
        async with httpx.AsyncClient(base_url=stack.app_url, headers=headers, timeout=30) as client:
            updates = [tg.body(tg.text_message(chat, "マイナンバーカードで何ができますか")) for chat in chats]
            responses = await asyncio.gather(*(client.post("/telegram/webhook", content=u) for u in updates))
        return [r.status_code for r in responses]

    assert asyncio.run(post_all()) == [200] * 50
    for chat in chats:
        sent = telegram_platform.wait_for("sendMessage", chat_id=chat, timeout=90)
        assert all(c.errors == [] for c in sent)


def test_start_welcomes_and_offers_notices(stack, telegram_platform):
    chat = 7_000_100
    assert post(stack, tg.start_command(chat)).status_code == 200
    welcome = replies(telegram_platform, chat)
    assert "友だち追加ありがとうございます" in welcome[0].params["text"]
    labels = [row[0]["text"] for row in welcome[-1].params["reply_markup"]["inline_keyboard"]]
    assert labels == ["お知らせ設定", "あとで"]


def test_blocking_the_bot_marks_the_resident_inactive(stack, telegram_platform):
    chat = 7_000_101
    post(stack, tg.start_command(chat))
    replies(telegram_platform, chat)
    assert post(stack, tg.blocked(chat)).status_code == 200
    deadline = time.monotonic() + 10
    row = None
    while time.monotonic() < deadline:
        with sqlite3.connect(stack.home / "madoguchi.db") as db:
            row = db.execute("select active from resident_addresses where address = ?", [f"tg:{chat}"]).fetchone()
        if row == (0,):
            break
        time.sleep(0.1)
    assert row == (0,)
