"""`make bench`: every figure, measured now, written to docs/benchmarks.md.

python -m bench.run [--write docs/benchmarks.md] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from knowledge import SearchConfig

from . import accuracy, bookings, load, notices
from .common import ROOT


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = (
        int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        / 2**20
    )
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _row(summary: dict) -> str:
    return (
        f"| {summary['mode']} | {summary['top1']:.3f} | {summary['retrieval_top1']:.3f} | "
        f"{summary['retrieval_top3']:.3f} | {summary['handoff']:.3f} |"
    )


def render_chat(whole: dict) -> list[str]:
    """The question sets and the routing set as residents send them, over Rasa's REST channel."""
    names = {"plans": "the plans set (`tests/data/questions_plans.yaml`, second author)",
             "own": "the own test set (`tests/data/questions.yaml`)"}  # fmt: skip
    lines = ["## Answers over Rasa's REST channel", "",
             "Real `rasa run` and the real app; each question in a fresh conversation (`bench/chat_eval.py`). Where the "
             "bot asks which municipality first, the benchmark taps it and judges the answer that follows.", ""]  # fmt: skip
    for name, label in names.items():
        if name not in whole:
            continue
        r = whole[name]
        kinds = ", ".join(f"{k} {v:.2f}" for k, v in r["by_kind"].items())
        lines += [
            f"- {label}: answered and correct **{r['top1']:.3f}** of {r['answerable']} answerable; handed off "
            f"**{r['handoff']:.3f}** of {r['handoff_items']} that must be"
            + (f"; booking started {r['booking']:.3f} of {r['booking_items']}" if r["booking_items"] else "")
            + f"; asked where the resident lives first {r['asked_municipality_first']} times. By kind: {kinds}.",
        ]
    if "routing" in whole:
        r = whole["routing"]
        lines.append(
            f"- Routing set (`tests/data/routing.yaml`): **{r['misroutes']} misroutes** of {r['messages']} messages."
        )
        lines += [f"  - {f['text']} → {f['got']} (expected {f['expect']})" for f in r["failures"][:20]]
    return [*lines, ""]


def render_notices(sent: dict) -> list[str]:
    big = sent["runs"][-1]
    memory = ", ".join(f"{r['recipients'] // 1000}k: {r['peak_rss_mib']} MiB" for r in sent["runs"])
    return [
        "## Notices to a segment",
        "",
        f"{sent['population']:,} synthetic residents (written with executemany in {sent['insert_s']} s); the segment "
        f"子育て世帯 reaches {sent['segment_reach']:,} (counted in SQL in {sent['segment_count_ms']} ms). "
        f"`madoguchi notices dispatch` sends it to the fake LINE platform at {sent['rate_per_s']:.0f} requests/s, "
        f"with {sent['failing_share']:.0%} of requests failing at random (429, 500, timeouts, reset connections, "
        "before or after LINE accepted them); every request checked against the OpenAPI spec afterwards.",
        "",
        f"- {big['recipients']:,} recipients: **{big['send_s']} s** sending ({big['process_s']} s for the whole "
        f"process, Python's start and imports included); {big['requests']} multicast requests for {big['batches']} "
        f"batches of at most {big['max_per_request']} users, {big['resent_with_same_key']} resent with the same retry key, "
        f"{big['requests_with_a_wrong_language']} with a recipient of another language, {big['invalid_requests']} invalid; "
        f"delivered to each recipient exactly once: {'yes' if big['delivered_once'] else 'NO'} "
        f"(failures injected: {', '.join(f'{k} {v}' for k, v in sorted(big['faults'].items())) or 'none'}).",
        f"- Peak memory of the sending process by segment size: {memory}.",
        "",
    ]


def render(
    acc: dict, result: load.LoadResult, booked: dict, *, seconds: float, took: float, sent: dict | None = None
) -> str:
    config = SearchConfig()
    kinds = acc["hybrid"]["by_kind"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (`python -m bench.run --write docs/benchmarks.md`)",
        f"in {took:.0f} s on: {machine()}.",
        "",
        "## Answer accuracy (own test set, `tests/data/questions.yaml`)",
        "",
        f"{acc['hybrid']['answerable']} answerable questions and {acc['hybrid']['unanswerable']} that must be handed off "
        "(out of scope, unanswerable, and near-misses that ask for a fact no entry gives). The thresholds were "
        "calibrated on the separate dev set (`python -m bench.calibrate`), never on this one.",
        f"Settings: Japanese `dense + {config.lexical_weight} × lexical + {config.answer_weight} × dense to the answer` "
        f"≥ {config.threshold}; English `dense + {config.answer_weight_en} × dense to the English answer + "
        f"{config.english_weight} × English words` ≥ {config.threshold_en}. `learned` is the logistic fusion learned "
        "from the corpus itself (`python -m bench.fusion`), kept for comparison.",
        "",
        "`top-1` = answered, with an acceptable entry; `retrieval` = the best hit is acceptable, ignoring the threshold;",
        "`handoff` = share of the must-hand-off questions that were handed off. Search only (no Rasa).",
        "",
        "| mode | top-1 | retrieval top-1 | retrieval top-3 | handoff |",
        "|---|---|---|---|---|",
        *(_row(acc[m]) for m in ("dense", "lexical", "hybrid", "learned")),
        "",
        "Hybrid, correct share by kind of question: " + ", ".join(f"{k} {v:.2f}" for k, v in kinds.items()) + ".",
        "",
        *render_chat(result.whole_stack),
        "## Whole stack over Rasa's REST channel",
        "",
        f"Real `rasa run` and the real app, started by the benchmark (ready in {result.startup_s} s).",
        "",
        f"- Round trip of a question answered by the FAQ action (sequential, {result.round_trip_ms['n']} requests): "
        f"p50 {result.round_trip_ms['p50']} ms, p95 {result.round_trip_ms['p95']} ms, max {result.round_trip_ms['max']} ms.",
        f"- Sustained {result.sustained['requests']} questions at 20/s for {seconds:.0f} s: "
        f"{result.sustained['achieved_per_s']}/s achieved, {result.sustained['errors']} errors, "
        f"p50 {result.sustained['p50_ms']} ms, p95 {result.sustained['p95_ms']} ms, p99 {result.sustained['p99_ms']} ms.",
        f"- LINE: {result.line['events']} signed webhooks at 20/s for {seconds:.0f} s to the real app, replies at the "
        f"fake LINE platform (every request checked against the OpenAPI spec): {result.line['webhook_errors']} webhook "
        f"errors, {result.line['replies']} replies, {result.line['invalid_requests_at_line']} invalid requests; "
        f"webhook 200 in p50 {result.line['ack_p50_ms']} ms / p95 {result.line['ack_p95_ms']} ms; webhook to reply "
        f"request p50 {result.line['reply_p50_ms']} ms / p95 {result.line['reply_p95_ms']} ms.",
        f"- LINE at 10/s for {seconds:.0f} s: {result.line_half['webhook_errors']} webhook errors, "
        f"{result.line_half['replies']} of {result.line_half['events']} replied, "
        f"{result.line_half['invalid_requests_at_line']} invalid requests; webhook 200 p95 {result.line_half['ack_p95_ms']} ms; "
        f"webhook to reply request p50 {result.line_half['reply_p50_ms']} ms / p95 {result.line_half['reply_p95_ms']} ms.",
        f"- CPU per question in the sequential round trips: Rasa {result.cpu_ms_per_question['rasa']} ms, "
        f"the app {result.cpu_ms_per_question['app']} ms (of which the e5 query embedding is most).",
        f"- Resident memory of the whole stack (both process trees): {result.memory_mib['idle']} MiB idle, "
        f"{result.memory_mib['peak_under_load']} MiB peak under load, {result.memory_mib['after_load']} MiB after.",
        "",
        "## Bookings",
        "",
        f"In the chat, over Rasa's REST channel: {result.booking_chat['residents']} residents each book a class "
        f"(typed request, typed date, who, name, reading, phone, confirm) and open their bookings, one after another: "
        f"{result.booking_chat['steps']} steps, {result.booking_chat['failed_steps']} failed; "
        f"{result.booking_chat['confirmed']} confirmed and {result.booking_chat['waitlisted']} waitlisted on a 15-seat class; "
        f"one step p50 {result.booking_chat['step_p50_ms']} ms, **p95 {result.booking_chat['step_p95_ms']} ms** "
        f"(target ≤ 150 ms), max {result.booking_chat['step_max_ms']} ms.",
        "",
        f"{booked['attempts']} booking attempts at once from {booked['processes']} processes on one SQLite file, "
        f"for a 10-seat slot: {booked['confirmed']} confirmed, {booked['waitlisted']} waitlisted "
        f"(positions in order: {'yes' if booked['waitlist_positions_in_order'] else 'NO'}), "
        f"{booked['bookings']} bookings for {booked['distinct_people']} people (none lost or duplicated); "
        f"one booking p50 {booked['book_p50_ms']} ms, p95 {booked['book_p95_ms']} ms.",
        "",
        *(render_notices(sent) if sent else []),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    started = time.perf_counter()
    acc = {mode: report.summary() for mode, report in accuracy.run().items()}
    print(json.dumps(acc, ensure_ascii=False, indent=1))
    with tempfile.TemporaryDirectory() as home:
        result = load.run(Path(home), seconds=args.seconds)
    print(json.dumps(result.__dict__, indent=1))
    booked = bookings.run()
    print(json.dumps(booked, indent=1))
    sent = notices.run()
    print(json.dumps(sent, ensure_ascii=False, indent=1))
    text = render(acc, result, booked, seconds=args.seconds, took=time.perf_counter() - started, sent=sent)
    if args.write:
        extra = ROOT / "docs" / "benchmarks-manual.md"
        args.write.write_text(text + ("\n" + extra.read_text() if extra.exists() else ""), encoding="utf-8")
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
