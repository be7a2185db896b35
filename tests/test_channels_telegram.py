"""Telegram: a real aiogram Dispatcher fed golden updates, Rasa faked at the HTTP layer, replies at the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram.client.default import Default
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.seen import SeenEvents
from bot.settings import Settings
from channels.messages import BUSY, MAX_INPUT, NOT_TEXT, Button, Membership, OutMessage
from channels.outbound import Outbound, Outcome, Retry
from channels.rasa import RasaClient
from channels.telegram import STALE_BUTTON, TelegramChannel, TelegramPusher, telegram_bot, telegram_router
from channels.telegram_messages import CallbackKeys, to_telegram_messages
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_platform import TOKEN, FakeTelegramPlatform, call_errors

CHAT = 5550001001
ANSWER = [{"text": "お答えします。", "buttons": [{"title": "解決しました", "payload": "/affirm"}]}]
LONG_PAYLOAD = '/ask_question{"faq_id":"tokyo-adachi-0012-konbini-juminhyo-no-utsushi-ha-nanji-made"}'


class FakeRasa:
    """Rasa's REST channel at the HTTP layer: records what it is sent and answers with `replies`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] = ANSWER
        self.down = False

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            return httpx.Response(503)
        self.received.append(json.loads(request.content))
        return httpx.Response(200, json=self.replies)

    def client(self) -> RasaClient:
        return RasaClient("http://rasa.test", http=httpx.AsyncClient(transport=httpx.MockTransport(self._handle)))

    @property
    def texts(self) -> list[str]:
        return [r["message"] for r in self.received]


@pytest.fixture
def platform(fresh_telegram_platform):
    return fresh_telegram_platform


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
async def channel(platform, rasa, db) -> AsyncIterator[TelegramChannel]:
    client = rasa.client()
    channel = TelegramChannel.create(
        token=TOKEN, base_url=platform.url, secret=tg.SECRET, rasa=client, first_time=SeenEvents(db).first_time
    )
    yield channel
    await channel.aclose()
    await client.aclose()


async def feed(channel: TelegramChannel, update: dict[str, Any]) -> None:
    await channel.handle(channel.parse(tg.body(update)))


def sent_texts(platform: FakeTelegramPlatform, chat_id: int = CHAT) -> list[str]:
    return [c.params["text"] for c in platform.sent("sendMessage", chat_id=chat_id)]


def assert_no_errors(platform: FakeTelegramPlatform) -> None:
    assert [c.errors for c in platform.calls if c.errors] == []


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- rendering ----------------------------------------------------------------------------------------


def rendered(messages: list[OutMessage], keys: CallbackKeys | None = None) -> list[dict[str, Any]]:
    """The sendMessage parameters as aiogram sends them (bot-wide defaults such as parse_mode are unset)."""
    methods = to_telegram_messages(CHAT, messages, keys=keys or CallbackKeys())
    dumps = [m.model_dump(exclude_none=True) for m in methods]
    return [{k: v for k, v in d.items() if not isinstance(v, Default)} for d in dumps]


def test_text_with_buttons_becomes_one_message_with_an_inline_keyboard_one_button_per_row():
    [message] = rendered([OutMessage("答えです", (Button("解決しました", "/affirm"), Button("解決しない", "/deny")))])
    assert message["text"] == "答えです"
    assert message["reply_markup"]["inline_keyboard"] == [
        [{"text": "解決しました", "callback_data": "/affirm"}],
        [{"text": "解決しない", "callback_data": "/deny"}],
    ]
    assert call_errors("sendMessage", message) == []


def test_buttons_go_on_the_last_message_only():
    messages = rendered(
        [OutMessage("一つ目"), OutMessage("二つ目", (Button("はい", "/affirm"),)), OutMessage("三つ目")]
    )
    assert [m["text"] for m in messages] == ["一つ目", "二つ目", "三つ目"]
    assert [("reply_markup" in m) for m in messages] == [False, False, True]


@pytest.mark.parametrize("text", ["あ" * 10_000, "😀" * 3_000, ("住民票の写しは、コンビニでとれます。\n" * 400)])
def test_long_text_is_split_under_telegrams_limit_and_nothing_is_lost(text):
    messages = rendered([OutMessage(text)])
    assert len(messages) > 1
    assert all(1 <= utf16_len(m["text"]) <= 4096 for m in messages)
    assert "".join(m["text"] for m in messages) == text


def test_a_long_text_is_cut_after_a_line_break():
    messages = rendered([OutMessage(("一行の説明です。\n" * 1000).strip())])
    assert all(m["text"].endswith("\n") for m in messages[:-1])


def test_a_payload_longer_than_64_bytes_travels_as_a_short_key_and_comes_back():
    keys = CallbackKeys()
    [message] = rendered([OutMessage("関連する質問", (Button("住民票は何時まで？", LONG_PAYLOAD),))], keys)
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(LONG_PAYLOAD.encode()) > 64 >= len(data.encode())
    assert keys.payload_for(data) == LONG_PAYLOAD
    assert keys.data_for(LONG_PAYLOAD) == data  # the same payload, the same key
    assert keys.payload_for("/affirm") == "/affirm"


def test_the_oldest_keys_are_forgotten_beyond_the_size():
    keys = CallbackKeys(size=2)
    first = keys.data_for(LONG_PAYLOAD + "1")
    keys.data_for(LONG_PAYLOAD + "2")
    keys.data_for(LONG_PAYLOAD + "3")
    assert keys.payload_for(first) is None


def test_a_custom_payload_is_shown_only_when_it_has_text():
    messages = rendered(
        [OutMessage(custom={"text": "カードの説明"}), OutMessage(custom={"type": "cards", "cards": []})]
    )
    assert [m["text"] for m in messages] == ["カードの説明"]


def test_nothing_to_say_sends_nothing_and_buttons_alone_get_a_placeholder():
    assert rendered([]) == []
    [message] = rendered([OutMessage("", (Button("はい", "/affirm"),))])
    assert message["text"] == "…" and message["reply_markup"]


# -- the conversation ---------------------------------------------------------------------------------


async def test_a_question_reaches_rasa_as_the_chat_and_the_answer_comes_back_with_its_buttons(channel, rasa, platform):
    await feed(channel, tg.text_message(CHAT, "コンビニで住民票は取れますか"))
    assert rasa.received == [
        {
            "sender": f"tg:{CHAT}",
            "message": "コンビニで住民票は取れますか",
            "metadata": {"channel": "telegram"},
        }
    ]
    [reply] = platform.sent("sendMessage", chat_id=CHAT)
    assert reply.params["text"] == "お答えします。"
    assert reply.params["reply_markup"] == {"inline_keyboard": [[{"text": "解決しました", "callback_data": "/affirm"}]]}
    assert "parse_mode" not in reply.params  # plain text: Rasa's answers are not markup
    assert platform.sent("sendChatAction", chat_id=CHAT)[0].params["action"] == "typing"
    assert_no_errors(platform)


async def test_telegrams_display_language_is_not_taken_for_the_residents_language(channel, rasa):
    await feed(channel, tg.text_message(CHAT, "住民票", language="en"))  # Japanese text, English Telegram app
    assert rasa.received[0]["metadata"] == {"channel": "telegram"}


async def test_start_welcomes_and_offers_notices_through_rasa(channel, rasa, platform):
    await feed(channel, tg.start_command(CHAT))
    assert rasa.texts == ["/follow"]
    assert sent_texts(platform) == ["お答えします。"]


async def test_ten_thousand_characters_are_cut_to_the_input_limit(channel, rasa, platform):
    await feed(channel, tg.text_message(CHAT, "住民票 " + "あ" * 10_000))
    assert len(rasa.texts[0]) == MAX_INPUT
    assert sent_texts(platform) == ["お答えします。"]


async def test_emoji_only_text_is_passed_to_rasa(channel, rasa):
    await feed(channel, tg.text_message(CHAT, "🙏🙏"))
    assert rasa.texts == ["🙏🙏"]


async def test_whitespace_only_text_is_not_sent_to_rasa_and_gets_the_polite_text(channel, rasa, platform):
    await feed(channel, tg.text_message(CHAT, " \u3000\n "))
    assert rasa.received == []
    assert sent_texts(platform) == [NOT_TEXT]


@pytest.mark.parametrize("kind", ["sticker", "location"])
async def test_stickers_and_locations_get_the_polite_text_and_rasa_hears_nothing(channel, rasa, platform, kind):
    await feed(channel, getattr(tg, kind)(CHAT))
    assert rasa.received == []
    assert sent_texts(platform) == [NOT_TEXT]


async def test_group_messages_are_not_served(channel, rasa, platform):
    await feed(channel, tg.group_message("住民票はコンビニで取れますか"))
    assert rasa.received == [] and platform.calls == []


async def test_rasa_down_gets_the_busy_text(channel, rasa, platform):
    rasa.down = True
    await feed(channel, tg.text_message(CHAT, "住民票"))
    assert sent_texts(platform) == [BUSY]


async def test_a_long_reply_is_sent_as_several_valid_messages(channel, rasa, platform):
    rasa.replies = [{"text": "説明です。\n" * 2000, "buttons": [{"title": "解決しました", "payload": "/affirm"}]}]
    await feed(channel, tg.text_message(CHAT, "住民票"))
    replies = platform.sent("sendMessage", chat_id=CHAT)
    assert len(replies) == 3 and "reply_markup" in replies[-1].params
    assert_no_errors(platform)


async def test_a_button_press_sends_its_payload_to_rasa_and_stops_the_spinner(channel, rasa, platform):
    update = tg.callback_query(CHAT, "/affirm")
    await feed(channel, update)
    assert rasa.texts == ["/affirm"]
    [answered] = platform.sent("answerCallbackQuery")
    assert answered.params == {"callback_query_id": update["callback_query"]["id"]}
    assert sent_texts(platform) == ["お答えします。"]  # the payload itself is not echoed
    assert_no_errors(platform)


async def test_a_long_payload_button_brings_the_whole_payload_back_to_rasa(channel, rasa, platform):
    rasa.replies = [{"text": "こちらもどうぞ", "buttons": [{"title": "住民票は何時まで？", "payload": LONG_PAYLOAD}]}]
    await feed(channel, tg.text_message(CHAT, "住民票"))
    keyboard = platform.sent("sendMessage", chat_id=CHAT)[0].params["reply_markup"]["inline_keyboard"]
    await feed(channel, tg.callback_query(CHAT, keyboard[0][0]["callback_data"]))
    assert rasa.texts == ["住民票", LONG_PAYLOAD]
    assert_no_errors(platform)


async def test_a_button_whose_key_is_forgotten_is_answered_politely_and_rasa_hears_nothing(channel, rasa, platform):
    await feed(channel, tg.callback_query(CHAT, CallbackKeys.PREFIX + "forgotten-after-a-restart"))
    assert rasa.received == [] and sent_texts(platform) == []
    assert platform.sent("answerCallbackQuery")[0].params["text"] == STALE_BUTTON


async def test_a_resident_who_blocked_the_bot_is_logged_not_raised(channel, platform, caplog):
    platform.blocked.add(CHAT)
    with caplog.at_level(logging.INFO, logger="madoguchi.telegram"):
        await feed(channel, tg.text_message(CHAT, "住民票"))
    assert len(platform.sent("sendMessage", chat_id=CHAT)) == 1
    assert "bot was blocked by the user" in caplog.text
    assert "Traceback" not in caplog.text


async def test_long_polling_answers_an_update(channel, rasa, platform):
    platform.updates.append(tg.text_message(CHAT, "住民票"))
    polling = asyncio.create_task(channel.poll(handle_signals=False))
    for _ in range(200):
        if platform.sent("sendMessage", chat_id=CHAT):
            break
        await asyncio.sleep(0.05)
    await channel.dispatcher.stop_polling()
    await polling
    assert rasa.texts == ["住民票"] and sent_texts(platform) == ["お答えします。"]
    assert platform.sent("deleteWebhook") and platform.sent("getUpdates")[0].params["allowed_updates"] == [
        "message",
        "callback_query",
        "my_chat_member",
    ]


# -- the webhook --------------------------------------------------------------------------------------


def webhook_client(channel: TelegramChannel | None) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(telegram_router(channel))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def post(channel: TelegramChannel | None, raw: bytes, *, secret: str | None = tg.SECRET) -> httpx.Response:
    headers = {"content-type": "application/json", **({tg.HEADER: secret} if secret is not None else {})}
    async with webhook_client(channel) as client:
        return await client.post("/telegram/webhook", content=raw, headers=headers)


async def test_webhook_answers_200_and_handles_the_update(channel, rasa, platform):
    response = await post(channel, tg.body(tg.text_message(CHAT, "住民票")))
    assert response.status_code == 200
    assert rasa.texts == ["住民票"] and sent_texts(platform) == ["お答えします。"]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", tg.SECRET + "x"])
async def test_webhook_refuses_a_missing_or_wrong_secret_and_logs_no_body(channel, rasa, platform, caplog, secret):
    with caplog.at_level(logging.INFO):
        response = await post(channel, tg.body(tg.text_message(CHAT, "秘密の質問です")), secret=secret)
    assert response.status_code == 401
    assert rasa.received == [] and platform.calls == []
    assert "wrong secret token" in caplog.text and "秘密の質問" not in caplog.text


async def test_webhook_checks_the_secret_before_the_body(channel):
    assert (await post(channel, b"x" * 2_000_000, secret="wrong")).status_code == 401


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'"update"', b'{"message": {"text": "no update_id"}}', b"\xff"])
async def test_webhook_answers_400_to_a_malformed_update(channel, rasa, raw):
    assert (await post(channel, raw)).status_code == 400
    assert rasa.received == []


async def test_webhook_refuses_a_body_over_one_megabyte(channel):
    raw = tg.body({**tg.text_message(CHAT, "住民票"), "padding": "a" * 1_100_000})
    assert (await post(channel, raw)).status_code == 413


async def test_a_redelivered_update_is_answered_once(channel, rasa, platform):
    raw = tg.body(tg.text_message(CHAT, "住民票"))
    assert [(await post(channel, raw)).status_code for _ in range(2)] == [200, 200]
    assert rasa.texts == ["住民票"] and len(sent_texts(platform)) == 1


async def test_an_update_of_an_unknown_kind_is_ignored(channel, rasa, platform):
    assert (await post(channel, b'{"update_id": 42, "some_future_update": {"x": 1}}')).status_code == 200
    assert rasa.received == [] and platform.calls == []


async def test_webhook_says_clearly_when_telegram_is_not_configured():
    response = await post(None, b"{}")
    assert response.status_code == 503 and "TELEGRAM_BOT_TOKEN" in response.json()["error"]


async def test_webhook_without_a_configured_secret_is_refused_and_says_what_to_set(platform, rasa):
    client = rasa.client()
    channel = TelegramChannel.create(token=TOKEN, base_url=platform.url, secret="", rasa=client)
    response = await post(channel, tg.body(tg.text_message(CHAT, "住民票")), secret="")
    await channel.aclose()
    await client.aclose()
    assert response.status_code == 503 and "TELEGRAM_WEBHOOK_SECRET" in response.json()["error"]
    assert rasa.received == []


def test_a_malformed_token_is_refused_with_a_clear_message(rasa):
    with pytest.raises(ValueError, match="BotFather"):
        TelegramChannel.create(token="not-a-token", base_url="http://x", secret="s", rasa=rasa.client())


# -- the app ------------------------------------------------------------------------------------------


def app_settings(tmp_path, **telegram: str) -> Settings:
    env = {"MADOGUCHI_HOME": str(tmp_path), "MADOGUCHI_EMBEDDING_MODEL": "hashing"}
    return Settings.from_env({**env, "MADOGUCHI_RASA_URL": "http://127.0.0.1:9", **telegram})


def test_the_app_serves_the_telegram_webhook_when_a_token_is_set(tmp_path, assistant, platform):
    settings = app_settings(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=tg.SECRET, TELEGRAM_API_BASE_URL=platform.url
    )
    with TestClient(create_app(settings, assistant=assistant)) as client:
        raw = tg.body(tg.text_message(CHAT, "住民票"))
        response = client.post("/telegram/webhook", content=raw, headers={tg.HEADER: tg.SECRET})
    assert response.status_code == 200
    assert sent_texts(platform) == [BUSY]  # Rasa is not running here


def test_the_app_says_telegram_is_not_configured_without_a_token(tmp_path, assistant):
    with TestClient(create_app(app_settings(tmp_path), assistant=assistant)) as client:
        response = client.post("/telegram/webhook", content=b"{}", headers={tg.HEADER: "x"})
    assert response.status_code == 503 and "TELEGRAM_BOT_TOKEN" in response.json()["error"]


# -- cards and pushes ---------------------------------------------------------------------------------


def test_cards_become_one_message_each_with_their_own_buttons():
    slots = {"cards": [{"title": f"12月{d}日（火）", "lines": ["区民センター"],
                        "buttons": [{"title": "この日にする", "payload": f"/choose_slot{d}"}]} for d in (2, 9)]}  # fmt: skip
    intro, first, second = rendered([OutMessage("空いている日です。", (Button("やめる", "/stop"),), slots)])
    assert intro["text"] == "空いている日です。" and "reply_markup" not in intro
    assert first["text"] == "■ 12月2日（火）\n区民センター"
    assert first["reply_markup"]["inline_keyboard"] == [[{"text": "この日にする", "callback_data": "/choose_slot2"}]]
    assert [row[0]["text"] for row in second["reply_markup"]["inline_keyboard"]] == ["この日にする", "やめる"]


@pytest.fixture
async def pusher(platform):
    bot = telegram_bot(TOKEN, base_url=platform.url)
    yield TelegramPusher(bot)
    await bot.session.close()


async def test_a_push_reaches_the_chat(pusher, platform):
    delivery = await Outbound({"tg": pusher}).send(f"tg:{CHAT}", [OutMessage("明日は スマホ教室 です。")])
    assert delivery.outcome is Outcome.SENT
    assert sent_texts(platform) == ["明日は スマホ教室 です。"]
    assert_no_errors(platform)


async def test_a_push_to_a_resident_who_blocked_the_bot_reports_blocked(pusher, platform):
    platform.blocked.add(CHAT)
    gone: list[str] = []

    async def on_blocked(address: str) -> None:
        gone.append(address)

    delivery = await Outbound({"tg": pusher}, on_blocked=on_blocked).send(f"tg:{CHAT}", [OutMessage("お知らせ")])
    assert delivery.outcome is Outcome.BLOCKED and gone == [f"tg:{CHAT}"]


async def test_a_push_is_retried_after_rate_limits_and_server_errors(pusher, platform):
    platform.failures += [429, 500]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    delivery = await Outbound({"tg": pusher}, retry=Retry(sleep=sleep)).send(f"tg:{CHAT}", [OutMessage("お知らせ")])
    assert (delivery.outcome, delivery.attempts) == (Outcome.SENT, 3)
    assert waits[0] == 1  # Telegram's retry_after
    assert len(platform.sent("sendMessage", chat_id=CHAT)) == 3  # the fake records the two refused attempts too


async def test_blocking_and_unblocking_the_bot_reach_the_membership_hooks(platform, rasa, db):
    seen: list[tuple[str, str]] = []

    async def left(address: str) -> None:
        seen.append(("left", address))

    async def joined(address: str) -> None:
        seen.append(("joined", address))

    client = rasa.client()
    channel = TelegramChannel.create(
        token=TOKEN, base_url=platform.url, secret=tg.SECRET, rasa=client, membership=Membership(left, joined)
    )
    try:
        await feed(channel, tg.blocked(CHAT))
        await feed(channel, tg.unblocked(CHAT))
    finally:
        await channel.aclose()
        await client.aclose()
    assert seen == [("left", f"tg:{CHAT}"), ("joined", f"tg:{CHAT}")]
    assert rasa.received == [] and platform.sent("sendMessage") == []
