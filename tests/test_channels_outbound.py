"""The outbound interface: retries, backoff, blocked residents and inactive addresses, in one place."""

from __future__ import annotations

import asyncio

import pytest

from channels.line import LinePusher
from channels.messages import Button, OutMessage
from channels.outbound import Outbound, Outcome, PushError, Retry

HELLO = [OutMessage("明日は スマホ教室 です。", (Button("予約の確認", "/my_bookings"),))]


class ScriptedPusher:
    """Fails as told, then succeeds; records every attempt's retry key."""

    def __init__(self, *errors: PushError) -> None:
        self.errors = list(errors)
        self.keys: list[str] = []

    async def push(self, user, messages, *, retry_key):
        self.keys.append(retry_key)
        if self.errors:
            raise self.errors.pop(0)


def outbound(pusher, *, attempts: int = 4, **kwargs) -> tuple[Outbound, list[float]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return Outbound({"line": pusher}, retry=Retry(attempts=attempts, sleep=sleep), **kwargs), waits


async def test_transient_errors_are_retried_with_growing_waits_and_one_retry_key():
    pusher = ScriptedPusher(PushError("busy", status=500, retry=True), PushError("busy", status=503, retry=True))
    out, waits = outbound(pusher)
    delivery = await out.send("line:U1", HELLO)
    assert delivery.outcome is Outcome.SENT and delivery.attempts == 3
    assert len(set(pusher.keys)) == 1
    assert waits[1] > waits[0] * 0.6  # doubled, give or take the jitter


async def test_retry_after_is_honoured():
    out, waits = outbound(ScriptedPusher(PushError("slow down", status=429, retry=True, retry_after=7)))
    assert (await out.send("line:U1", HELLO)).outcome is Outcome.SENT
    assert waits == [7]


async def test_permanent_refusal_fails_at_once():
    pusher = ScriptedPusher(PushError("Failed to send messages", status=400))
    out, waits = outbound(pusher)
    delivery = await out.send("line:U1", HELLO)
    assert (delivery.outcome, delivery.attempts, waits) == (Outcome.FAILED, 1, [])
    assert "Failed to send" in delivery.detail


async def test_out_of_retries_is_a_failure():
    pusher = ScriptedPusher(*[PushError("down", status=502, retry=True)] * 10)
    out, _ = outbound(pusher, attempts=3)
    delivery = await out.send("line:U1", HELLO)
    assert (delivery.outcome, delivery.attempts, len(pusher.keys)) == (Outcome.FAILED, 3, 3)


async def test_a_blocked_resident_is_reported_and_not_retried():
    gone: list[str] = []

    async def on_blocked(address: str) -> None:
        gone.append(address)

    out, _ = outbound(ScriptedPusher(PushError("bot was blocked", status=403, blocked=True)), on_blocked=on_blocked)
    assert (await out.send("line:U1", HELLO)).outcome is Outcome.BLOCKED
    assert gone == ["line:U1"]


async def test_inactive_addresses_and_unknown_channels_are_skipped_without_a_request():
    pusher = ScriptedPusher()

    async def is_active(address: str) -> bool:
        return address != "line:Ugone"

    out, _ = outbound(pusher, is_active=is_active)
    assert (await out.send("line:Ugone", HELLO)).outcome is Outcome.SKIPPED
    assert (await out.send("fax:123", HELLO)).outcome is Outcome.SKIPPED
    assert (await out.send("web:abc", HELLO)).outcome is Outcome.SKIPPED
    assert pusher.keys == []


# -- the LINE pusher against the fake LINE platform (the real SDK, every request checked against the spec) ----


@pytest.fixture
def platform(fresh_line_platform):  # `line_api` (conftest) talks to it
    return fresh_line_platform


async def test_line_push_sends_a_valid_request_with_a_retry_key(platform, line_api):
    out = Outbound({"line": LinePusher(line_api)})
    delivery = await out.send("line:U" + "0" * 32, HELLO)
    assert delivery.outcome is Outcome.SENT
    [request] = platform.sent("/v2/bot/message/push")
    assert request.errors == []
    assert request.body["messages"][0]["text"] == "明日は スマホ教室 です。"
    assert {k.lower() for k in request.headers} >= {"x-line-retry-key"}


async def test_line_rate_limit_and_server_errors_are_retried_until_sent_once(platform, line_api):
    platform.failures["/v2/bot/message/push"] = [429, 500]
    out = Outbound({"line": LinePusher(line_api)}, retry=Retry(backoff=0.01))
    delivery = await out.send("line:U" + "1" * 32, HELLO)
    assert (delivery.outcome, delivery.attempts) == (Outcome.SENT, 3)
    keys = {next(v for k, v in r.headers.items() if k.lower() == "x-line-retry-key") for r in platform.requests}
    assert len(keys) == 1


async def test_line_answering_409_for_a_known_retry_key_counts_as_sent(platform, line_api):
    pusher = LinePusher(line_api)
    await pusher.push("U" + "2" * 32, HELLO, retry_key="123e4567-e89b-12d3-a456-426614174000")
    await pusher.push("U" + "2" * 32, HELLO, retry_key="123e4567-e89b-12d3-a456-426614174000")  # no error
    assert [r.path for r in platform.requests].count("/v2/bot/message/push") == 2


async def test_pushes_to_many_residents_run_concurrently(platform, line_api):
    out = Outbound({"line": LinePusher(line_api)})
    deliveries = await asyncio.gather(*(out.send(f"line:U{i:032d}", HELLO) for i in range(30)))
    assert {d.outcome for d in deliveries} == {Outcome.SENT}
    assert all(r.errors == [] for r in platform.requests)
