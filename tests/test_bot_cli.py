"""The `madoguchi` command, run in-process with click's runner on a temporary home."""

import json

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_HOME", str(tmp_path))
    monkeypatch.setenv("MADOGUCHI_EMBEDDING_MODEL", "hashing")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_kb_import_is_idempotent_and_stats_count_the_seed(run):
    first = run("kb", "import")
    assert first.exit_code == 0 and "追加" in first.output
    again = run("kb", "import", "--json")
    assert json.loads(again.output)["added"] == []
    stats = json.loads(run("kb", "stats", "--json").output)
    assert stats["entries"] >= 150 and set(stats["by_status"]) <= {"実施中", "予定", "検討中", "終了"}


def test_kb_export_and_reimport_csv_round_trip(run, tmp_path):
    run("kb", "import")
    out = tmp_path / "kb.csv"
    assert run("kb", "export", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    result = run("kb", "import", str(out), "--json")
    assert json.loads(result.output)["updated"] == []


def test_kb_import_of_a_bad_csv_writes_nothing(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,municipality,question,answer,status\nx,national,質問,,実施中\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["kb", "import", str(bad)])
    assert result.exit_code != 0 and "2行目" in result.output
    assert json.loads(run("kb", "stats", "--json").output)["entries"] == 0


def test_kb_search_prints_scores(run):
    run("kb", "import")
    result = run("kb", "search", "コンビニ 住民票", "--json")
    assert json.loads(result.output)["hits"]


def test_ask_without_rasa_says_how_to_start_it(run, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_RASA_URL", "http://127.0.0.1:9")
    result = CliRunner().invoke(main, ["ask", "こんにちは"])
    assert result.exit_code != 0 and "make run" in result.output
