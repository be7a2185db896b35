"""`madoguchi segments ...` and `madoguchi notices ...` as staff run them, and a dispatch killed mid-send."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from knowledge import open_database
from tests.fakes.line_platform import TOKEN
from tests.fakes.notices import MULTICAST
from tests.fakes.residents import Synthetic, add_residents, line_user

STAFF = "U" + "f" * 32
MADOGUCHI = Path(sys.executable).parent / "madoguchi"


def _env(home: Path, platform) -> dict[str, str]:
    return {
        "MADOGUCHI_HOME": str(home),
        "MADOGUCHI_EMBEDDING_MODEL": "hashing",
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": platform.url,
        "MADOGUCHI_STAFF_TEST_ADDRESSES": f"line:{STAFF}",
        "TELEGRAM_BOT_TOKEN": "",
    }


@pytest.fixture
def run(tmp_path, monkeypatch, fresh_line_platform):
    for key, value in _env(tmp_path, fresh_line_platform).items():
        monkeypatch.setenv(key, value)
    add_residents(
        open_database(tmp_path / "madoguchi.db"),
        [Synthetic(n, f"line:{line_user(n)}", attributes={"household": ("child",) if n % 2 else ("single",)},
                   language="en" if n % 3 == 0 else None) for n in range(1, 101)],
    )  # fmt: skip
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_staff_make_a_segment_see_its_reach_and_count_a_filter(run):
    added = _json(run("segments", "add", "子育て世帯", "--where", "household=child", "--json"))
    assert added["filter"] == {"household": ["child"]} and added["reach"]["total"] == 50
    assert [s["name"] for s in _json(run("segments", "list", "--json"))] == ["子育て世帯"]
    assert _json(run("segments", "count", "--where", "household=child,single", "--json"))["total"] == 100
    refused = run("segments", "add", "x", "--where", "household=kids")
    assert refused.exit_code == 1 and "kids" in refused.output


def test_a_notice_is_written_previewed_tested_on_staff_sent_and_followed(run, fresh_line_platform):
    run("segments", "add", "子育て世帯", "--where", "household=child")
    created = _json(run("notices", "create", "--segment", "子育て世帯", "--title", "健診", "--text", "健診です。",
                        "--en", "Check-up.", "--button", "予約=/book_class", "--link", "https://example.jp", "--json"))  # fmt: skip
    notice_id = created["id"]
    assert created["status"] == "draft" and set(created["versions"]) == {"ja", "en"}
    preview = _json(run("notices", "preview", str(notice_id), "--json"))
    assert preview["reach"]["total"] == 50 and preview["messages"]["easy"]["text"].startswith("健診です。")
    tested = _json(run("notices", "test", str(notice_id), "--json"))
    assert [t["result"] for t in tested] == ["sent", "sent"]
    assert fresh_line_platform.received[STAFF][0].startswith("【テスト】")
    assert _json(run("notices", "send", str(notice_id), "--json"))["status"] == "scheduled"
    dispatched = _json(run("notices", "dispatch", "--json"))
    assert dispatched["finished"] == [notice_id]
    status = _json(run("notices", "status", str(notice_id), "--json"))
    assert status["notice"]["status"] == "sent" and status["counts"]["sent"] == 50
    assert "送信済み 50" in run("notices", "status", str(notice_id)).output
    assert run("notices", "cancel", str(notice_id)).exit_code == 1  # too late


def test_sending_is_refused_when_lines_quota_this_month_is_too_small(run, fresh_line_platform):
    fresh_line_platform.quota_limit, fresh_line_platform.usage = 1000, 960
    run("segments", "add", "みんな")
    notice_id = _json(run("notices", "create", "--segment", "みんな", "--title", "t", "--text", "x", "--json"))["id"]
    refused = run("notices", "send", str(notice_id))
    assert refused.exit_code == 1 and "残り通数 40 通" in refused.output and "100 人" in refused.output
    assert _json(run("notices", "status", str(notice_id), "--json"))["notice"]["status"] == "draft"


def test_a_notice_can_be_sent_at_a_time_and_cancelled_before(run):
    run("segments", "add", "みんな")
    notice_id = _json(run("notices", "create", "--segment", "みんな", "--title", "t", "--text", "x", "--json"))["id"]
    scheduled = _json(run("notices", "send", str(notice_id), "--at", "2026-12-03 10:00", "--json"))
    assert scheduled["send_at"] == "2026-12-03 01:00:00"  # UTC
    assert run("notices", "cancel", str(notice_id)).exit_code == 0
    assert _json(run("notices", "list", "--json"))[0]["status"] == "cancelled"


def test_a_dispatch_killed_in_the_middle_of_a_send_resumes_and_everyone_gets_it_once(tmp_path, fresh_line_platform):
    platform = fresh_line_platform
    db = open_database(tmp_path / "madoguchi.db")
    people = [Synthetic(n, f"line:{line_user(n)}") for n in range(1, 6001)]
    add_residents(db, people)
    env = {**os.environ, **_env(tmp_path, platform), "MADOGUCHI_NOTICE_RATE": "4", "MADOGUCHI_NOTICE_TIMEOUT": "2"}
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["segments", "add", "みんな"]).exit_code == 0
    assert (
        runner.invoke(
            main, ["notices", "create", "--segment", "みんな", "--title", "t", "--text", "防災訓練"]
        ).exit_code
        == 0
    )
    assert runner.invoke(main, ["notices", "send", "1"]).exit_code == 0
    sender = subprocess.Popen([str(MADOGUCHI), "notices", "dispatch"], env=env, stdout=subprocess.DEVNULL)
    _wait(lambda: len(platform.received) >= 1500)
    platform.faults, platform.hang, platform.chaos = ("timeout_after",), 10.0, 1.0  # accepted, never answered
    accepted = len(platform.received)
    _wait(lambda: len(platform.received) > accepted)
    sender.send_signal(signal.SIGKILL)
    sender.wait(timeout=10)
    platform.chaos = 0.0
    assert len(platform.received) < len(people)  # it really stopped half-way
    env["MADOGUCHI_NOTICE_RATE"] = "50"
    began = time.monotonic()
    restarted = subprocess.run(
        [str(MADOGUCHI), "notices", "dispatch", "--json"], env=env, capture_output=True, text=True
    )
    assert restarted.returncode == 0, restarted.stderr
    print("restart took", time.monotonic() - began, restarted.stdout)
    assert json.loads(restarted.stdout)["finished"] == [1]
    assert platform.delivered == dict.fromkeys((p.user for p in people), 1)
    keys = Counter(r.headers["X-Line-Retry-Key"] for r in platform.sent(MULTICAST))
    assert max(keys.values()) == 2  # the batch accepted before the kill was sent again with its key: 409
    assert all(not r.errors for r in platform.requests)


def _wait(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_notice_can_be_written_in_a_yaml_file_with_a_version_per_language(run, tmp_path):
    run("segments", "add", "みんな")
    path = tmp_path / "notice.yml"
    path.write_text(
        "ja: {text: 断水のお知らせ, buttons: [{title: 給水所, payload: /faq}], link: https://example.jp}\n"
        "easy: {text: みずが でません}\nen: {text: Water outage}\n",
        encoding="utf-8",
    )
    created = _json(
        run("notices", "create", "--segment", "みんな", "--title", "断水", "--file", str(path), "--emergency", "--json")
    )
    assert created["emergency"] and set(created["versions"]) == {"ja", "easy", "en"}
    assert created["versions"]["ja"]["buttons"] == [["給水所", "/faq"]]
