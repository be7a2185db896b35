"""Booking end to end: conversations over Rasa's REST channel with the real `rasa run` and the real app.

Slots are added to the stack's own database with dates counted from today, as staff would add them; the
resident taps buttons (their payloads are sent, as the channels send them) or types.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
import pytest

from bot.bookings import CANCELLED, CONFIRMED, TOKYO, WAITLISTED, Bookings
from knowledge import open_database
from tests.fakes import line_webhook as hook
from tests.rest_chat import say, text_of

pytestmark = pytest.mark.e2e
PUSH, REPLY = "/v2/bot/message/push", "/v2/bot/message/reply"


def cards_of(replies: list[dict]) -> list[dict]:
    return [card for r in replies for card in (r.get("custom") or {}).get("cards", [])]


def payloads_of(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or ()] + [
        b["payload"] for card in cards_of(replies) for b in card["buttons"]
    ]


@pytest.fixture(scope="module")
def calendar(stack):
    return Bookings(open_database(stack.home / "madoguchi.db"))


_days = iter(range(20, 200, 3))  # each test has days of its own, far enough not to meet another's


def new_slot(calendar: Bookings, *, capacity: int = 2, kind: str = "smartphone", hour: int = 10) -> int:
    venue = calendar.add_venue("区民センター", address="千代田区1-1", access_notes="駅から歩いて5分")
    day = datetime.now(TOKYO).replace(tzinfo=None, hour=hour, minute=0, second=0, microsecond=0)
    slot = calendar.add_slot(kind, starts_at=day + timedelta(days=next(_days)), minutes=90, venue_id=venue.id,
                             capacity=capacity)  # fmt: skip
    return slot.id


def book_myself(stack, sender: str, slot: int, *, name: str, phone: str) -> list[dict]:
    say(stack, sender, "/book_class")
    say(stack, sender, f'/choose_slot{{"slot_id":"{slot}"}}')
    say(stack, sender, '/choose_person{"person":"self"}')
    say(stack, sender, name)
    say(stack, sender, "/booking_skip")
    say(stack, sender, phone)
    return say(stack, sender, "/booking_confirm")


def test_a_senior_books_a_class_in_words_and_is_told_what_to_bring(stack, calendar):
    slot = new_slot(calendar)
    day = datetime.fromisoformat(calendar.slot(slot).starts_at)
    replies = say(stack, "b-happy", "スマホ教室に行きたい")
    assert "日を選んでください" in text_of(replies) and cards_of(replies)
    replies = say(stack, "b-happy", f"{day.month}月{day.day}日がいいです")
    assert "参加するのはどなたですか" in text_of(replies)
    say(stack, "b-happy", "自分です")
    assert "ふりがな" in text_of(say(stack, "b-happy", "山田 花子"))
    assert "電話番号" in text_of(say(stack, "b-happy", "やまだ はなこ"))
    replies = say(stack, "b-happy", "０９０－１２３４－５６７８")
    assert "この内容で予約しますか" in text_of(replies) and "/booking_confirm" in payloads_of(replies)
    replies = say(stack, "b-happy", "/booking_confirm")
    assert "予約しました" in text_of(replies) and "【持ち物】" in text_of(replies)
    [booking] = calendar.bookings(slot)
    assert (booking.name, booking.reading, booking.phone, booking.status) == (
        "山田 花子", "ヤマダ ハナコ", "09012345678", CONFIRMED)  # fmt: skip
    assert "もう受け付けています" in text_of(say(stack, "b-happy", "/booking_confirm"))  # a double tap
    assert len(calendar.bookings(slot)) == 1


def test_a_daughter_books_for_her_father_and_is_his_contact(stack, calendar):
    slot = new_slot(calendar)
    for text in ("/book_class", f'/choose_slot{{"slot_id":"{slot}"}}', '/choose_person{"person":"other"}',
                 "山田 太郎", "やまだ たろう", "山田 花子", "080-2222-3333", "/booking_same_phone"):  # fmt: skip
        replies = say(stack, "b-daughter", text)
    assert "【連絡先】山田 花子 さま 080-2222-3333" in text_of(replies)
    say(stack, "b-daughter", "/booking_confirm")
    [booking] = calendar.bookings(slot)
    assert (booking.name, booking.contact_name, booking.booked_by) == ("山田 太郎", "山田 花子", "b-daughter")


def test_a_full_class_waitlists_and_a_cancellation_promotes_and_tells_the_next_resident(stack, calendar, line_platform):
    slot = new_slot(calendar, capacity=1)
    first, waiting = "b-first", "line:" + hook.user_id(4242)
    book_myself(stack, first, slot, name="鈴木一郎", phone="090-1111-0000")
    replies = book_myself(stack, waiting, slot, name="佐藤花子", phone="090-2222-0000")
    assert "キャンセル待ちに登録しました（1番目）" in text_of(replies)
    assert [b.status for b in calendar.bookings(slot)] == [CONFIRMED, WAITLISTED]
    pushes_before = len(line_platform.sent(PUSH))
    [card] = cards_of(say(stack, first, "予約を確認したい"))
    cancel = next(b["payload"] for b in card["buttons"] if b["payload"].startswith("/cancel_booking"))
    confirm = next(p for p in payloads_of(say(stack, first, cancel)) if p.startswith("/cancel_booking_confirm"))
    assert "取り消しました" in text_of(say(stack, first, confirm))
    statuses = {b.name: b.status for b in calendar.bookings(slot, include_cancelled=True)}
    assert statuses == {"鈴木一郎": CANCELLED, "佐藤花子": CONFIRMED}
    push = _wait_push(line_platform, count=pushes_before + 1)
    assert push.errors == [] and push.body["to"] == hook.user_id(4242)
    assert "席がとれました" in push.body["messages"][0]["text"]


def _wait_push(platform, *, count: int, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(platform.sent(PUSH)) >= count:
            return platform.sent(PUSH)[count - 1]
        time.sleep(0.1)
    raise AssertionError("no push arrived")


def test_moving_a_booking_takes_two_taps_from_the_list(stack, calendar):
    slot, later = new_slot(calendar), new_slot(calendar)
    book_myself(stack, "b-move", slot, name="田中", phone="03-1234-5678")
    [card] = cards_of(say(stack, "b-move", "/my_bookings"))
    move = next(b["payload"] for b in card["buttons"] if b["payload"].startswith("/move_booking"))
    choices = payloads_of(say(stack, "b-move", move))  # tap 1
    to_later = next(p for p in choices if f'"slot_id":"{later}"' in p)
    assert "日にちを変えました" in text_of(say(stack, "b-move", to_later))  # tap 2
    assert [b.slot_id for b in calendar.bookings_by("b-move")] == [later]


def test_stopping_halfway_books_nothing_and_the_next_question_is_answered(stack, calendar):
    slot = new_slot(calendar)
    say(stack, "b-stop", "/book_class")
    say(stack, "b-stop", f'/choose_slot{{"slot_id":"{slot}"}}')
    assert "やめました" in text_of(say(stack, "b-stop", "やめる"))
    assert calendar.bookings(slot) == []
    reply = text_of(say(stack, "b-stop", "コンビニで住民票って何時まで取れる？"))
    assert "【状況】" in reply


def test_a_menu_button_halfway_leaves_the_form_for_what_it_asks(stack, calendar):
    slot = new_slot(calendar)
    say(stack, "b-menu", "/book_class")
    say(stack, "b-menu", f'/choose_slot{{"slot_id":"{slot}"}}')
    replies = say(stack, "b-menu", "/my_bookings")
    assert text_of(replies).count("予約はありません") == 1 and "職員" not in text_of(replies)
    assert "【状況】" in text_of(say(stack, "b-menu", "コンビニで住民票って何時まで取れる？"))


def test_an_unreadable_answer_is_asked_again_never_a_dead_end(stack, calendar):
    slot = new_slot(calendar)
    say(stack, "b-again", "/book_class")
    assert "日にちがわかりませんでした" in text_of(say(stack, "b-again", "そのうち"))
    say(stack, "b-again", f'/choose_slot{{"slot_id":"{slot}"}}')
    say(stack, "b-again", '/choose_person{"person":"self"}')
    say(stack, "b-again", "山田花子")
    say(stack, "b-again", "/booking_skip")
    replies = say(stack, "b-again", "12345")
    assert "090-1234-5678" in text_of(replies) and "/booking_stop" in payloads_of(replies)
    assert "この内容で予約しますか" in text_of(say(stack, "b-again", "090-1234-5678"))


def test_on_line_the_dates_are_a_flex_carousel_that_passes_the_spec(stack, calendar, line_platform):
    new_slot(calendar)
    event = hook.postback_event(hook.user_id(4343), "/book_class")
    raw = hook.body(event)
    headers = {"content-type": "application/json", "x-line-signature": hook.sign(raw)}
    response = httpx.post(f"{stack.app_url}/line/webhook", content=raw, headers=headers, timeout=10)
    assert response.status_code == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        replies = [r for r in line_platform.sent(REPLY) if r.body and r.body.get("replyToken") == event["replyToken"]]
        if replies:
            break
        time.sleep(0.05)
    [reply] = replies
    assert reply.errors == []
    kinds = [m["type"] for m in reply.body["messages"]]
    assert "flex" in kinds and kinds.count("flex") == 1
