"""What bookings owe residents: the day-before reminder, a freed seat, a session called off; each sent once."""

from __future__ import annotations

from datetime import datetime

import pytest
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

from bot.bookings import Bookings
from bot.bookings.courier import Courier
from bot.wiring import push_via
from channels.line import LinePusher
from channels.outbound import Outbound, Outcome
from tests.fakes.line_platform import TOKEN, FakeLinePlatform

USER = "U" + "1" * 32
EVE = datetime(2026, 12, 2, 10, 0)  # the day before the class, at reminder time (Tokyo)


class RecordingPusher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def push(self, user, messages, *, retry_key):
        self.sent.append((user, messages[0].text, retry_key))


NOW = datetime(2026, 11, 23, 12, 0)  # Tokyo


@pytest.fixture
def bookings(db):
    bookings = Bookings(db, clock=lambda: NOW)
    venue = bookings.add_venue("区民センター", address="千代田区1-1", access_notes="駅から歩いて5分")
    bookings.add_slot("smartphone", starts_at=datetime(2026, 12, 3, 10, 0), minutes=90, venue_id=venue.id, capacity=2)
    return bookings


def courier(bookings, pusher, *, at=EVE) -> Courier:
    return Courier(bookings, push_via(Outbound({"line": pusher})), clock=lambda: at)


async def test_the_reminder_goes_to_whoever_booked_once_with_when_where_and_what_to_bring(bookings):
    bookings.book(1, name="山田花子", phone="090-1111-2222", booked_by=f"line:{USER}")
    pusher = RecordingPusher()
    assert await courier(bookings, pusher, at=datetime(2026, 12, 2, 9, 59)).send_due() == []  # not yet due
    [delivery] = await courier(bookings, pusher).send_due()
    assert delivery.outcome is Outcome.SENT
    [(user, text, _)] = pusher.sent
    assert user == USER
    assert "山田花子 さま" in text and "12月3日(木) 10:00" in text and "区民センター" in text
    assert "【持ち物】" in text and "駅から歩いて5分" in text
    assert await courier(bookings, pusher).send_due() == [] and len(pusher.sent) == 1


async def test_no_reminder_for_a_cancelled_booking_or_one_taken_by_phone(bookings):
    cancelled = bookings.book(1, name="鈴木一郎", phone="090-3333-4444", booked_by="line:U2")
    bookings.cancel(cancelled.id)
    bookings.book(1, name="佐藤", phone="03-1234-5678")  # staff took it by phone: staff call them
    pusher = RecordingPusher()
    assert await courier(bookings, pusher).send_due() == []
    assert pusher.sent == []
    assert bookings.due_messages(now=EVE) == []


@pytest.fixture
def platform():
    platform = FakeLinePlatform().start()
    yield platform
    platform.stop()


class CrashesOnce(Bookings):
    """The app stops after the reminder went out and before it was marked sent."""

    crashed = False

    def message_sent(self, booking_id: int, kind: str) -> bool:
        if not CrashesOnce.crashed:
            CrashesOnce.crashed = True
            raise KeyboardInterrupt("stopped")
        return super().message_sent(booking_id, kind)


async def test_a_restart_between_sending_and_marking_delivers_the_reminder_once(db, bookings, platform):
    bookings.book(1, name="山田花子", phone="090-1111-2222", booked_by=f"line:{USER}")
    client = AsyncApiClient(Configuration(access_token=TOKEN, host=platform.url))
    pusher = LinePusher(AsyncMessagingApi(client))
    try:
        with pytest.raises(KeyboardInterrupt):
            await courier(CrashesOnce(db, clock=lambda: NOW), pusher).send_due()
        [delivery] = await courier(Bookings(db, clock=lambda: NOW), pusher).send_due()  # after the restart
        assert await courier(Bookings(db, clock=lambda: NOW), pusher).send_due() == []
    finally:
        await client.close()
    assert delivery.outcome is Outcome.SENT  # LINE answered 409: that key was delivered before
    pushes = platform.sent("/v2/bot/message/push")
    assert len(pushes) == 2 and all(p.errors == [] for p in pushes)
    assert len(platform.accepted_retry_keys) == 1  # the resident got it once


async def test_a_waitlisted_resident_is_told_at_once_when_a_cancellation_gives_them_the_seat(bookings):
    bookings.book(1, name="一", phone="090-0000-0001", booked_by="line:U1")
    bookings.book(1, name="二", phone="090-0000-0002", booked_by="line:U2")
    waiting = bookings.book(1, name="三", phone="090-0000-0003", booked_by=f"line:{USER}")
    bookings.cancel(1)
    pusher = RecordingPusher()
    [delivery] = await courier(bookings, pusher, at=NOW).send_due()
    assert delivery.outcome is Outcome.SENT
    [(user, text, _)] = pusher.sent
    assert user == USER and "三 さま" in text and "席がとれました" in text and "12月3日(木) 10:00" in text
    assert bookings.booking(waiting.id).status == "confirmed"
    assert await courier(bookings, pusher, at=NOW).send_due() == []  # once


async def test_everyone_booked_is_told_when_staff_call_a_session_off(bookings):
    bookings.book(1, name="一", phone="090-0000-0001", booked_by="line:U1")
    bookings.book(1, name="二", phone="090-0000-0002", booked_by="tg:42")
    bookings.book(1, name="電話の方", phone="03-1234-5678")  # staff call this one
    bookings.cancel_slot(1)
    pusher = RecordingPusher()
    await courier(bookings, pusher, at=NOW).send_due()
    assert [(user, "中止" in text) for user, text, _ in pusher.sent] == [("U1", True)]  # no Telegram pusher here
    assert bookings.due_messages(now=EVE) == []  # and no reminders for them


def test_no_reminder_when_the_day_before_has_passed_at_booking_time(db):
    late = Bookings(db, clock=lambda: datetime(2026, 12, 2, 15, 0))  # booked the afternoon before
    venue = late.add_venue("区民センター")
    late.add_slot("smartphone", starts_at=datetime(2026, 12, 3, 10, 0), minutes=90, venue_id=venue.id, capacity=2)
    late.book(1, name="山田花子", phone="090-1111-2222", booked_by=f"line:{USER}")
    assert late.due_messages(now=datetime(2026, 12, 3, 9, 0)) == []
