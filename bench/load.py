"""Latency, throughput and memory of the whole stack (real Rasa + real app), over Rasa's REST channel."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.stack import Stack
from knowledge.evaluation import load_questions

from . import booking_chat
from .common import E5, HOME, TEST_SET

MODEL = HOME / "models" / "madoguchi.tar.gz"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the given processes and all their descendants, in MiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * 4096
        except (OSError, ValueError, IndexError):
            continue
    wanted, frontier = set(pids), list(pids)
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in wanted]
        wanted.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in wanted) / 2**20


def cpu_seconds(session: int) -> float:
    """CPU time (user + system) of every process in a session: a stack process started its own."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def faq_questions() -> list[str]:
    return [q.q for q in load_questions(TEST_SET) if q.answerable]


async def line_webhooks(stack: Stack, platform: Any, *, rate: float = 20.0, seconds: float = 60.0) -> dict[str, float]:
    """Signed LINE webhooks at a steady rate: how fast the webhook says 200, and how fast the reply reaches LINE."""
    from tests.fakes import line_webhook as hook

    questions = faq_questions()
    acked: list[float] = []
    sent_at: dict[str, float] = {}
    errors = 0

    async def one(client: httpx.AsyncClient, i: int) -> None:
        nonlocal errors
        event = hook.text_event(hook.user_id(10_000 + i), questions[i % len(questions)])
        raw = hook.body(event)
        started = time.monotonic()
        sent_at[event["replyToken"]] = started
        headers = {"content-type": "application/json", "x-line-signature": hook.sign(raw)}
        try:
            r = await client.post(f"{stack.app_url}/line/webhook", content=raw, headers=headers)
            errors += r.status_code != 200
        except httpx.HTTPError:
            errors += 1
        acked.append((time.monotonic() - started) * 1000)

    async with httpx.AsyncClient(timeout=30) as client:
        start = time.monotonic()
        tasks = []
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(client, i)))
        await asyncio.gather(*tasks)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replied = {r.body["replyToken"]: r.at for r in platform.sent("/v2/bot/message/reply") if r.body}
        if all(t in replied for t in sent_at):
            break
        await asyncio.sleep(0.2)
    to_reply = [(replied[t] - s) * 1000 for t, s in sent_at.items() if t in replied]
    invalid = platform.check_recorded()  # every request LINE received, checked against the spec after the run
    return {
        "events": len(sent_at),
        "webhook_errors": errors,
        "replies": len(to_reply),
        "invalid_requests_at_line": invalid,
        "ack_p50_ms": round(percentile(acked, 50), 1),
        "ack_p95_ms": round(percentile(acked, 95), 1),
        "reply_p50_ms": round(percentile(to_reply, 50), 1),
        "reply_p95_ms": round(percentile(to_reply, 95), 1),
    }


@dataclass
class LoadResult:
    round_trip_ms: dict[str, float]
    sustained: dict[str, float]
    memory_mib: dict[str, float]
    startup_s: float
    whole_stack: dict[str, Any]
    booking_chat: dict[str, object]
    line: dict[str, float]
    line_half: dict[str, float]  # the same at 10 events/s
    cpu_ms_per_question: dict[str, float]


def whole_stack_accuracy(stack: Stack, db_path: Path) -> dict[str, Any]:
    """Every question set and the routing set through Rasa and the app (bench/chat_eval.py)."""
    from .chat_eval import SETS, ChatReport, run_all

    sets = tuple(name for name in ("plans", "own") if SETS[name].exists())
    results = run_all(stack, db_path, sets=sets)
    return {k: v.summary() if isinstance(v, ChatReport) else v for k, v in results.items()}


def _is_faq_answer(replies: list[dict]) -> bool:
    text = " ".join(r.get("text") or "" for r in replies)
    return "【状況】" in text or "Status:" in text or "見つかりませんでした" in text or "could not find" in text


def round_trips(stack: Stack, questions: list[str], *, repeat: int = 2) -> list[float]:
    times = []
    with httpx.Client(timeout=30) as client:
        for n in range(repeat):
            for i, q in enumerate(questions):
                started = time.perf_counter()
                r = client.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": f"rt{n}-{i}", "message": q})
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code == 200 and _is_faq_answer(r.json()):
                    times.append(elapsed)
    return times


async def sustained(
    stack: Stack, questions: list[str], *, rate: float = 20.0, seconds: float = 60.0
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    peak = 0.0
    pids = list(stack.pids().values())

    async def one(client: httpx.AsyncClient, i: int) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            r = await client.post(
                f"{stack.rasa_url}/webhooks/rest/webhook",
                json={"sender": f"load-{i % 300}", "message": questions[i % len(questions)]},
            )
            if r.status_code != 200 or not r.json():
                errors += 1
        except httpx.HTTPError:
            errors += 1
        latencies.append((time.perf_counter() - started) * 1000)

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100)) as client:
        tasks = []
        start = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(client, i)))
            if i % int(rate) == 0:
                peak = max(peak, rss_mib(pids))
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - start
    return {
        "requests": total,
        "errors": errors,
        "achieved_per_s": round(total / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "peak_rss_mib": round(peak),
    }


def run(home: Path, *, seconds: float = 60.0) -> LoadResult:
    from tests.fakes.line_platform import FakeLinePlatform
    from tests.fakes.stack import seeded_home

    platform = FakeLinePlatform(check_later=True).start()
    env = seeded_home(home, e5=E5, line=platform)
    stack = Stack(home, app_port=8777, rasa_port=5777, model=MODEL, env=env, enable_api=True)
    started = time.perf_counter()
    with stack:
        startup = time.perf_counter() - started
        questions = faq_questions()
        round_trips(stack, questions[:20], repeat=1)  # warm-up
        idle = rss_mib(list(stack.pids().values()))
        before = {name: cpu_seconds(pid) for name, pid in stack.pids().items()}
        times = round_trips(stack, questions)
        cpu = {
            name: round((cpu_seconds(pid) - before[name]) * 1000 / len(times), 1) for name, pid in stack.pids().items()
        }
        load = asyncio.run(sustained(stack, questions, seconds=seconds))
        after = rss_mib(list(stack.pids().values()))
        whole = whole_stack_accuracy(stack, home / "madoguchi.db")
        booking = booking_chat.run(stack, home / "madoguchi.db")
        line = asyncio.run(line_webhooks(stack, platform, seconds=seconds))
        line_half = asyncio.run(line_webhooks(stack, platform, rate=10.0, seconds=seconds))
    platform.stop()
    return LoadResult(
        round_trip_ms={
            "n": len(times),
            "p50": round(statistics.median(times), 1),
            "p95": round(percentile(times, 95), 1),
            "max": round(max(times), 1),
        },
        sustained=load,
        memory_mib={"idle": round(idle), "peak_under_load": load["peak_rss_mib"], "after_load": round(after)},
        startup_s=round(startup, 1),
        whole_stack=whole,
        booking_chat=booking,
        line=line,
        line_half=line_half,
        cpu_ms_per_question=cpu,
    )
