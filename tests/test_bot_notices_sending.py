"""Sending notices to the fake LINE platform (every request checked against the OpenAPI spec): batches of at
most 500 users of one language, one retry key per batch, paced, retried through random failures, and
delivered to each resident of the segment exactly once."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

from bot.notices.outbox import retry_key
from channels.outbound import PushError as SendError
from tests.fakes.line_platform import FAULTS, TOKEN, FakeLinePlatform
from tests.fakes.notices import MULTICAST, line_residents, notice, scheduler, users
from tests.fakes.residents import add_residents


async def test_a_segment_goes_out_in_batches_of_at_most_500_users_of_one_language_each_with_its_own_key(
    db, platform, api
):
    ja, en, easy = (
        line_residents(700),
        line_residents(400, start=1001, language="en"),
        line_residents(230, start=2001, language="easy"),
    )
    add_residents(db, ja + en + easy)
    s = scheduler(db, api)
    notice_id = notice(s)
    done = await s.until_idle()
    assert done.finished == [notice_id]
    requests = platform.sent(MULTICAST)
    assert all(not r.errors for r in platform.requests)
    assert all(len(r.body["to"]) <= 500 for r in requests)
    text_of = {p.user: "Health check notice." for p in en} | {p.user: "健診のお知らせです。" for p in ja + easy}
    for r in requests:  # one language a request (easy without its version reads ja): each gets their own
        assert {text_of[u] for u in r.body["to"]} == {r.body["messages"][0]["text"].split("\n")[0]}
        assert r.body["messages"][0]["quickReply"]["items"][0]["action"]["data"] == "/book_class"
    keys = [r.headers["X-Line-Retry-Key"] for r in requests]
    assert len(set(keys)) == len(requests) == 3 and all(uuid.UUID(k).version == 5 for k in keys)
    assert platform.delivered == dict.fromkeys(users(ja + en + easy), 1)
    assert s.outbox.counts(notice_id)["sent"] == 1330


@pytest.fixture
def platform(fresh_line_platform):
    return fresh_line_platform


@pytest.fixture
def api(line_api):
    return line_api


async def test_random_429_500_timeouts_and_resets_still_deliver_to_everyone_exactly_once(db, api):
    platform = FakeLinePlatform(chaos=0.5, hang=0.4, seed=11).start()
    client = AsyncApiClient(Configuration(access_token=TOKEN, host=platform.url))
    try:
        people = line_residents(8000) + line_residents(2000, start=8001, language="en")
        add_residents(db, people)
        s = scheduler(db, AsyncMessagingApi(client), timeout=0.2, attempts=6)
        notice_id = notice(s)
        for _ in range(5):  # an unlucky round may stall; the next one resumes it
            if (await s.until_idle()).finished:
                break
        assert platform.delivered == dict.fromkeys(users(people), 1)
        assert s.store.notice(notice_id).status == "sent"
        assert all(not r.errors for r in platform.requests)
        assert set(platform.faults_served) == set(FAULTS)  # every kind of failure happened
    finally:
        await client.close()
        platform.stop()


async def test_a_retried_batch_keeps_its_key_and_a_409_counts_as_delivered(db, platform, api):
    add_residents(db, line_residents(10))
    platform.failures[MULTICAST] = [500, 429]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    s = scheduler(db, api, sleep=sleep, backoff=1.0)
    notice_id = notice(s)
    await s.until_idle()
    keys = {r.headers["X-Line-Retry-Key"] for r in platform.sent(MULTICAST)}
    assert len(platform.sent(MULTICAST)) == 3 and len(keys) == 1
    assert 0.5 <= waits[0] <= 1.5 and 1.0 <= waits[1] <= 3.0  # doubled, with jitter
    assert s.outbox.counts(notice_id)["sent"] == 10


async def test_a_batch_line_accepted_before_a_crash_is_answered_409_and_counted_as_sent(db, platform, api):
    add_residents(db, line_residents(10))
    s = scheduler(db, api)
    notice_id = notice(s)
    platform.accepted_retry_keys.add(retry_key(notice_id, 1))  # it went out, but the sender never heard
    await s.until_idle()
    assert s.outbox.counts(notice_id)["sent"] == 10 and platform.delivered == {}


async def test_an_outage_stops_the_round_and_the_next_round_sends_the_batch_again_with_its_key(db, platform, api):
    add_residents(db, line_residents(600))
    platform.failures[MULTICAST] = [503] * 3
    s = scheduler(db, api, attempts=3, in_flight=1)
    notice_id = notice(s)
    first = await s.until_idle()
    assert first.stalled == [notice_id] and platform.delivered == {}
    counts = s.outbox.counts(notice_id)
    assert (counts["sending"], counts["pending"]) == (500, 100)
    await s.until_idle()
    [k1, k2, k3, k4, k5] = [r.headers["X-Line-Retry-Key"] for r in platform.sent(MULTICAST)]
    assert k1 == k2 == k3 == k4 != k5
    assert platform.delivered == dict.fromkeys(users(line_residents(600)), 1)
    assert s.store.notice(notice_id).status == "sent"


async def test_a_batch_line_refuses_for_good_is_failed_and_the_others_still_go(db, platform, api):
    add_residents(db, line_residents(700))
    platform.failures[MULTICAST] = [400]
    s = scheduler(db, api, in_flight=1)
    notice_id = notice(s)
    await s.until_idle()
    counts = s.outbox.counts(notice_id)
    assert (counts["failed"], counts["sent"]) == (500, 200)
    assert s.store.notice(notice_id).status == "sent"


async def test_requests_are_paced_at_the_configured_rate(db, platform, api):
    add_residents(db, line_residents(2000))
    s = scheduler(db, api, rate=5.0)
    notice(s)
    await s.until_idle()
    at = [r.at for r in platform.sent(MULTICAST)]
    assert len(at) == 4
    assert all(b - a >= 0.18 for a, b in itertools.pairwise(at))  # 5 a second: 0.2 s apart


async def test_a_notice_larger_than_the_months_remaining_quota_is_held_and_says_why(db, platform, api):
    add_residents(db, line_residents(300))
    platform.quota_limit, platform.usage = 1000, 800
    s = scheduler(db, api)
    notice_id = notice(s)
    done = await s.until_idle()
    assert "200" in done.held[notice_id] and platform.sent(MULTICAST) == []
    assert s.store.notice(notice_id).status == "scheduled"
    platform.quota_limit = 2000
    assert (await s.until_idle()).finished == [notice_id]


async def test_the_outbox_calls_run_on_a_worker_thread_as_in_the_app(db, platform, api):
    worker = ThreadPoolExecutor(max_workers=1)

    async def on_worker(fn, /, *args):  # the app's: positional arguments only
        return await asyncio.get_running_loop().run_in_executor(worker, fn, *args)

    add_residents(db, line_residents(600))
    s = scheduler(db, api, run=on_worker)
    notice_id = notice(s)
    assert (await s.until_idle()).finished == [notice_id]
    assert len(platform.delivered) == 600
    worker.shutdown()


class ScriptedLine:
    """Refuses as told, then accepts; records the users of every accepted request."""

    def __init__(self, *errors: SendError) -> None:
        self.errors, self.accepted = list(errors), []

    async def multicast(self, users, replies, *, retry_key):
        if self.errors:
            raise self.errors.pop(0)
        self.accepted.append(list(users))

    async def remaining(self):
        return None


async def test_a_retry_after_from_the_platform_is_honoured(db):
    add_residents(db, line_residents(3))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    line = ScriptedLine(SendError("slow down", retry=True, retry_after=7))
    s = scheduler(db, None, sleep=sleep)
    s.sender.line = line
    notice(s)
    await s.until_idle()
    assert waits == [7] and len(line.accepted[0]) == 3
