"""Day-before reminders: sent once to the resident's channel, never for cancelled bookings, once across a restart."""

from __future__ import annotations

from datetime import datetime

import pytest
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

from bot.app import push_via
from bot.bookings import Bookings
from bot.reminders import Reminders
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


@pytest.fixture
def bookings(db):
    bookings = Bookings(db)
    venue = bookings.add_venue("区民センター", address="千代田区1-1", access_notes="駅から歩いて5分")
    bookings.add_slot("smartphone", starts_at=datetime(2026, 12, 3, 10, 0), minutes=90, venue_id=venue.id, capacity=2)
    return bookings


def reminders(bookings, pusher, *, at=EVE) -> Reminders:
    return Reminders(bookings, push_via(Outbound({"line": pusher})), clock=lambda: at)


async def test_the_reminder_goes_to_whoever_booked_once_with_when_where_and_what_to_bring(bookings):
    bookings.book(1, name="山田花子", phone="090-1111-2222", booked_by=f"line:{USER}")
    pusher = RecordingPusher()
    assert await reminders(bookings, pusher, at=datetime(2026, 12, 2, 9, 59)).send_due() == []  # not yet due
    [delivery] = await reminders(bookings, pusher).send_due()
    assert delivery.outcome is Outcome.SENT
    [(user, text, _)] = pusher.sent
    assert user == USER
    assert "山田花子 さま" in text and "12月3日(木) 10:00" in text and "区民センター" in text
    assert "【持ち物】" in text and "駅から歩いて5分" in text
    assert await reminders(bookings, pusher).send_due() == [] and len(pusher.sent) == 1


async def test_no_reminder_for_a_cancelled_booking_or_one_taken_by_phone(bookings):
    cancelled = bookings.book(1, name="鈴木一郎", phone="090-3333-4444", booked_by="line:U2")
    bookings.cancel(cancelled.id)
    bookings.book(1, name="佐藤", phone="03-1234-5678")  # staff took it by phone: staff call them
    pusher = RecordingPusher()
    assert await reminders(bookings, pusher).send_due() == []
    assert pusher.sent == []
    assert bookings.due_reminders(now=EVE) == []


@pytest.fixture
def platform():
    platform = FakeLinePlatform().start()
    yield platform
    platform.stop()


class CrashesOnce(Bookings):
    """The app stops after the reminder went out and before it was marked sent."""

    crashed = False

    def reminder_sent(self, booking_id: int) -> bool:
        if not CrashesOnce.crashed:
            CrashesOnce.crashed = True
            raise KeyboardInterrupt("stopped")
        return super().reminder_sent(booking_id)


async def test_a_restart_between_sending_and_marking_delivers_the_reminder_once(db, bookings, platform):
    bookings.book(1, name="山田花子", phone="090-1111-2222", booked_by=f"line:{USER}")
    client = AsyncApiClient(Configuration(access_token=TOKEN, host=platform.url))
    pusher = LinePusher(AsyncMessagingApi(client))
    try:
        with pytest.raises(KeyboardInterrupt):
            await reminders(CrashesOnce(db), pusher).send_due()
        [delivery] = await reminders(Bookings(db), pusher).send_due()  # after the restart
        assert await reminders(Bookings(db), pusher).send_due() == []
    finally:
        await client.close()
    assert delivery.outcome is Outcome.SENT  # LINE answered 409: that key was delivered before
    pushes = platform.sent("/v2/bot/message/push")
    assert len(pushes) == 2 and all(p.errors == [] for p in pushes)
    assert len(platform.accepted_retry_keys) == 1  # the resident got it once
