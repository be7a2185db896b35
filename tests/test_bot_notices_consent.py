"""Who is sent a notice, and when: only residents who agreed and still follow; quiet hours wait for the
morning unless the notice is an emergency; Telegram residents get it chat by chat."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.notices import NoticeStore, Version
from bot.residents import Residents
from bot.wiring import TelegramNotices
from channels.telegram import TelegramPusher, telegram_bot
from tests.fakes.notices import VERSIONS, Clock, line_residents, notice, scheduler
from tests.fakes.residents import Synthetic, add_residents, line_user
from tests.fakes.telegram_platform import TOKEN as TG_TOKEN

LATE = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)  # 22:30 in Tokyo


@pytest.fixture
def platform(fresh_line_platform):
    return fresh_line_platform


@pytest.fixture
def api(line_api):
    return line_api


def line(n: int) -> str:
    return f"line:{line_user(n)}"


async def test_nobody_without_consent_after_haishin_teishi_or_after_unfollowing_is_sent_a_notice(db, platform, api):
    add_residents(db, [*line_residents(3), Synthetic(4, line(4), consented=False), Synthetic(5, line(5), active=False)])
    residents = Residents(db)
    residents.withdraw(line(3))  # 配信停止 before the notice
    s = scheduler(db, api)
    notice_id = notice(s)
    await s.until_idle()
    assert set(platform.delivered) == {line_user(1), line_user(2)}
    assert s.outbox.counts(notice_id)["recipients"] == 2


async def test_who_stops_or_unfollows_after_a_notice_started_is_not_sent_it(db, platform, api):
    clock = Clock(LATE)
    add_residents(db, line_residents(3, quiet=("21:00", "08:00")))  # all waiting for the morning
    s = scheduler(db, api, clock=clock)
    notice_id = notice(s)
    await s.until_idle()
    Residents(db).withdraw(line(1))
    Residents(db).deactivate(line(2))
    clock.now = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo
    await s.until_idle()
    assert set(platform.delivered) == {line_user(3)}
    counts = s.outbox.counts(notice_id)
    assert (counts["sent"], counts["withdrawn"], counts["unfollowed"]) == (1, 1, 1)
    assert s.store.notice(notice_id).status == "sent"


async def test_quiet_hours_hold_a_notice_until_the_morning(db, platform, api):
    clock = Clock(LATE)
    add_residents(db, [Synthetic(1, line(1), quiet=("21:00", "08:00")), Synthetic(2, line(2)),
                       Synthetic(3, line(3), quiet=("13:00", "14:00"))])  # fmt: skip
    s = scheduler(db, api, clock=clock)
    notice_id = notice(s)
    await s.until_idle()
    assert set(platform.delivered) == {line_user(2), line_user(3)}
    assert s.outbox.counts(notice_id)["waiting_for_morning"] == 1
    assert s.outbox.next_due(notice_id) == "2026-12-03 23:00:00"  # 08:00 the next morning in Tokyo
    clock.now = datetime(2026, 12, 3, 22, 59, tzinfo=UTC)
    await s.until_idle()
    assert line_user(1) not in platform.delivered
    clock.now = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    assert (await s.until_idle()).finished == [notice_id]
    assert platform.delivered == dict.fromkeys([line_user(1), line_user(2), line_user(3)], 1)


async def test_an_emergency_notice_does_not_wait_for_quiet_hours(db, platform, api):
    add_residents(db, line_residents(3, quiet=("21:00", "08:00")))
    s = scheduler(db, api, clock=Clock(LATE))
    notice_id = notice(s, emergency=True)
    assert (await s.until_idle()).finished == [notice_id]
    assert len(platform.delivered) == 3


async def test_a_notice_scheduled_for_later_waits_for_its_time(db, platform, api):
    add_residents(db, line_residents(2))
    clock = Clock()
    s = scheduler(db, api, clock=clock)
    s.store.save_segment("みんな", {})
    created = s.store.create("健診", segment="みんな", versions=VERSIONS)
    s.store.schedule(created.id, at=datetime(2026, 12, 4, 1, 0, tzinfo=UTC))
    assert (await s.until_idle()).started == [] and platform.delivered == {}
    clock.now = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    assert (await s.until_idle()).finished == [created.id]


@pytest.fixture
async def bot(fresh_telegram_platform):
    bot = telegram_bot(TG_TOKEN, base_url=fresh_telegram_platform.url)
    yield bot
    await bot.session.close()


async def test_telegram_residents_get_the_notice_in_their_language_and_a_blocked_chat_is_counted(
    db, platform, api, bot, fresh_telegram_platform
):
    add_residents(db, [Synthetic(1, "tg:101", language="en"), Synthetic(2, "tg:102"), Synthetic(3, "tg:103"),
                       Synthetic(4, line(4))])  # fmt: skip
    fresh_telegram_platform.blocked.add(103)
    s = scheduler(db, api)
    s.sender.tg = TelegramNotices(TelegramPusher(bot))
    notice_id = notice(s)
    await s.until_idle()
    [en] = fresh_telegram_platform.sent("sendMessage", chat_id=101)
    [ja] = fresh_telegram_platform.sent("sendMessage", chat_id=102)
    assert en.params["text"].startswith("Health check notice.") and ja.params["text"].startswith("健診のお知らせ")
    assert "https://example.jp/kenshin" in ja.params["text"] and not en.errors and not ja.errors
    assert ja.params["reply_markup"]["inline_keyboard"]
    counts = s.outbox.counts(notice_id)
    assert (counts["sent"], counts["blocked"]) == (3, 1)
    assert not Residents(db).active("tg:103")
    assert s.store.notice(notice_id).status == "sent"


async def test_without_telegram_configured_its_residents_are_failed_with_the_reason(db, platform, api):
    add_residents(db, [Synthetic(1, "tg:101"), Synthetic(2, line(2))])
    s = scheduler(db, api)
    notice_id = notice(s)
    assert (await s.until_idle()).finished == [notice_id]
    counts = s.outbox.counts(notice_id)
    assert (counts["sent"], counts["failed"]) == (1, 1)


def test_a_notice_needs_a_japanese_version(db):
    store = NoticeStore(db)
    store.save_segment("みんな", {})
    with pytest.raises(ValueError, match="日本語"):
        store.create("x", segment="みんな", versions={"en": Version("en", "Hello")})


async def test_two_dispatchers_never_send_at_once(db, platform, api):
    add_residents(db, line_residents(3))
    first, second = scheduler(db, api), scheduler(db, api)
    notice(first)
    assert first._lock()
    assert (await second.dispatch()).busy
    first._unlock()
    assert (await second.dispatch()).finished


@pytest.mark.parametrize(
    ("now", "quiet", "due"),
    [
        ("2026-12-03 22:30", ("21:00", "08:00"), "2026-12-04 08:00"),  # late evening: the next morning
        ("2026-12-04 07:00", ("21:00", "08:00"), "2026-12-04 08:00"),  # early morning: the same morning
        ("2026-12-03 13:30", ("13:00", "14:00"), "2026-12-03 14:00"),  # a nap in the afternoon
        ("2026-12-03 12:00", ("13:00", "14:00"), "2026-12-03 12:00"),  # outside them: now
        ("2026-12-03 08:00", ("21:00", "08:00"), "2026-12-03 08:00"),  # their end is not quiet any more
        ("2026-12-03 22:30", None, "2026-12-03 22:30"),  # no quiet hours: now
    ],
)
def test_each_recipient_is_due_at_the_end_of_their_quiet_hours_in_tokyo_time(db, now, quiet, due):
    tokyo = ZoneInfo("Asia/Tokyo")
    add_residents(db, [Synthetic(1, line(1), quiet=quiet)])
    s = scheduler(db, None, clock=Clock(datetime.fromisoformat(now).replace(tzinfo=tokyo)))
    notice_id = notice(s)
    s.outbox.start(s.store.notice(notice_id), {})
    [(due_at,)] = db.execute("select due_at from notice_deliveries").fetchall()
    assert datetime.fromisoformat(due_at + "+00:00").astimezone(tokyo).strftime("%Y-%m-%d %H:%M") == due
