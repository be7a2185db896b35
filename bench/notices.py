"""Notices at scale: a segment of 100,000 residents out of 300,000, sent by `madoguchi notices dispatch` to the
fake LINE platform with 5 % of requests failing at random; delivered exactly once, with the sender's memory
measured at 10k, 50k and 100k recipients.

python -m bench.notices [--population 300000] [--sizes 10000,50000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.notices import NoticeStore, Version, reachable_sql
from bot.settings import Settings
from knowledge import open_database
from tests.fakes.line_platform import TOKEN, FakeLinePlatform
from tests.fakes.residents import Synthetic, add_residents, line_user

POPULATION = 300_000
SIZES = (10_000, 50_000, 100_000)
FAILING = 0.05
MADOGUCHI = Path(sys.executable).parent / "madoguchi"
VERSIONS = {
    "ja": Version("ja", "【千代田区】子育て世帯の皆さまへ：乳幼児健診の日程が変わりました。", (("詳しく", "/faq"),), "https://example.jp"),
    "easy": Version("easy", "【ちよだく】こどもの けんしんの ひが かわりました。", (("くわしく", "/faq"),)),
    "en": Version("en", "[Chiyoda] The dates of infant health check-ups have changed.", (("More", "/faq"),)),
}  # fmt: skip


def _people(population: int, largest: int, sizes: tuple[int, ...]) -> Iterator[Synthetic]:
    """Every third resident has children (`largest` of them); the first of those also have a child of an age
    that makes the smaller segments. Languages mixed; residents outside the segments have other attributes."""
    step = population // largest
    for n in range(1, population + 1):
        rank = n // step if n % step == 0 else 0  # 1..largest for the segment's residents
        if rank:
            ages = tuple(f for f, size in zip(("infant", "preschool"), sizes[:-1], strict=False) if rank <= size)
            attributes = {"household": ("child",), **({"children": ages} if ages else {})}
        else:
            attributes = {"household": ("single", "elderly_only", "other")[n % 3 : n % 3 + 1]}
        language = (None, None, None, None, None, None, "en", "easy", "en", "easy")[n % 10]
        yield Synthetic(n, f"line:{line_user(n)}", language=language, attributes=attributes)


SEGMENTS = ({"household": ["child"], "children": ["infant"]}, {"household": ["child"], "children": ["preschool"]},
            {"household": ["child"]})  # fmt: skip


def _send(home: Path, segment_name: str, env: dict[str, str]) -> dict[str, Any]:
    db = open_database(home / "madoguchi.db")
    store = NoticeStore(db)
    notice = store.create("健診の日程", segment=segment_name, versions=VERSIONS)
    store.schedule(notice.id)
    expected = {row[1].partition(":")[2] for row in db.execute(*reachable_sql(store.segment(segment_name).filter))}
    platform = FakeLinePlatform(check_later=True, chaos=FAILING, hang=2.0, seed=len(expected)).start()
    began = time.perf_counter()
    process = subprocess.Popen(
        [str(MADOGUCHI), "notices", "dispatch", "--json"],
        env={**env, "LINE_API_BASE_URL": platform.url},
        stdout=subprocess.PIPE,
    )
    peak_kib = 0
    while process.poll() is None:  # the child's own high-water mark (ru_maxrss would count the forking parent)
        peak_kib = max(peak_kib, _high_water_kib(process.pid))
        time.sleep(0.05)
    status = process.returncode
    wall = time.perf_counter() - began
    assert process.stdout is not None
    out = json.loads(process.stdout.read())
    platform.stop()
    requests = platform.sent("/v2/bot/message/multicast")
    keys = Counter(r.headers["X-Line-Retry-Key"] for r in requests)
    counts = db.execute(
        "select status, count(*) from notice_deliveries where notice_id = ? group by status", [notice.id]
    )
    return {
        "recipients": len(expected),
        "exit_status": status,
        "send_s": out["seconds"],
        "process_s": round(wall, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "requests": len(requests),
        "batches": len(keys),
        "resent_with_same_key": sum(n - 1 for n in keys.values()),
        "faults": dict(platform.faults_served),
        "max_per_request": max((len(r.body["to"]) for r in requests), default=0),
        "requests_with_a_wrong_language": _wrong_language(db, notice.id, requests),
        "invalid_requests": platform.check_recorded(),
        "delivered_once": platform.delivered == dict.fromkeys(expected, 1),
        "statuses": dict(counts.fetchall()),
    }


def _high_water_kib(pid: int) -> int:
    """VmHWM of a running process: its peak resident memory since it started this program (reset by exec)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def _wrong_language(db: Any, notice_id: int, requests: list[Any]) -> int:
    """Requests with a recipient whose language's version is not the one sent (each request is one language)."""
    text = {lang: v.reply().text for lang, v in VERSIONS.items()}
    language = dict(db.execute("select address, language from notice_deliveries where notice_id = ?", [notice_id]))
    return sum(
        any(text[language[f"line:{user}"]] != r.body["messages"][0]["text"] for user in r.body["to"]) for r in requests
    )


def run(*, population: int = POPULATION, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home_dir:
        home = Path(home_dir)
        db = open_database(home / "madoguchi.db")
        began = time.perf_counter()
        add_residents(db, _people(population, sizes[-1], sizes))
        inserted = time.perf_counter() - began
        store = NoticeStore(db)
        names = []
        for size, segment in zip(sizes, SEGMENTS[-len(sizes) :], strict=True):
            names.append(store.save_segment(f"{size}", segment).name)
        began = time.perf_counter()
        reach = store.reach(store.segment(names[-1]).filter).total
        count_ms = (time.perf_counter() - began) * 1000
        env = {**os.environ, "MADOGUCHI_HOME": home_dir, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
               "TELEGRAM_BOT_TOKEN": "", "MADOGUCHI_NOTICE_TIMEOUT": "1"}  # fmt: skip
        runs = [_send(home, name, env) for name in names]
    return {
        "population": population,
        "insert_s": round(inserted, 1),
        "segment_count_ms": round(count_ms, 1),
        "segment_reach": reach,
        "failing_share": FAILING,
        "rate_per_s": Settings.from_env(env).notice_rate,
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--population", type=int, default=POPULATION)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    print(json.dumps(run(population=args.population, sizes=tuple(int(s) for s in args.sizes.split(","))), indent=1))


if __name__ == "__main__":
    main()
