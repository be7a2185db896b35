"""`madoguchi residents ...`: a friend list moved in (all rows checked first), exported for Excel, shown, erased."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.residents import Residents
from knowledge import open_database

U1, U2 = "U" + "1" * 32, "U" + "2" * 32
HEADER = "line_user_id,consented_at,consent_version,age_band,household,children,area,language,topics,quiet_hours\n"
GOOD = (
    HEADER
    + f"{U1},2026-10-01 09:30,old-v3,60代,子育て世帯,0〜2歳;小学生,,日本語,防災;health,\n"
    + f"{U2},2026-10-02,old-v3,70s,single,,,en,,いつでも\n"
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_HOME", str(tmp_path))
    monkeypatch.setenv("MADOGUCHI_EMBEDDING_MODEL", "hashing")
    monkeypatch.delenv("MADOGUCHI_MUNICIPALITY", raising=False)
    monkeypatch.setenv("MADOGUCHI_TRACKER_DB", str(tmp_path / "tracker.db"))
    return tmp_path


@pytest.fixture
def run(home):
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def _residents(home) -> Residents:
    return Residents(open_database(home / "madoguchi.db"))


def _file(home, text: str, *, encoding: str = "utf-8") -> str:
    path = home / "friends.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_import_records_consent_with_its_date_attributes_and_quiet_hours(run, home):
    result = run("residents", "import", _file(home, GOOD), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"imported": 2}
    people = _residents(home)
    first = people.get("line:" + U1)
    assert first.consent_version == "old-v3" and first.consented_at == "2026-10-01T00:30:00+00:00"  # Tokyo → UTC
    assert (first.quiet_start, first.quiet_end) == ("21:00", "08:00")  # empty: until morning
    assert people.attributes("line:" + U1) == {
        "age_band": ("60s",), "household": ("child",), "children": ("elementary", "infant"),
        "language": ("ja",), "topics": ("disaster", "health"),
    }  # fmt: skip
    second = people.get("line:" + U2)
    assert (second.language, second.quiet_start) == ("en", None)


def test_a_file_with_bad_rows_reports_each_with_its_line_and_writes_nothing(run, home):
    bad = (
        HEADER
        + f"{U1},2026-10-01,old-v3,60代,,,,,,\n"
        + "U123,2026-10-01,old-v3,,,,,,,\n"
        + f"{U2},2026-10-01,old-v3,60代;70代,,,,,,\n"
        + f"{U1},2026-10-01,old-v3,,,,,,スポーツ,\n"
        + f"{'U' + '3' * 32},,old-v3,,,,,,,\n"
        + f"{'U' + '4' * 32},2026-10-01,old-v3,,,,麹町地区,,,\n"
    )
    result = run("residents", "import", _file(home, bad))
    assert result.exit_code != 0
    assert "3行目" in result.output and "U で始まる33文字" in result.output
    assert "4行目" in result.output and "一つだけ" in result.output
    assert "5行目" in result.output and "分野「スポーツ」は選べる値ではありません" in result.output
    assert "6行目" in result.output and "同意日時" in result.output
    assert "7行目" in result.output and "地域の一覧がありません" in result.output
    assert "2行目" not in result.output
    assert "何も書き込みませんでした" in result.output
    assert _residents(home).everyone() == []


def test_import_reads_shift_jis_from_excel(run, home):
    result = run("residents", "import", _file(home, GOOD, encoding="cp932"))
    assert result.exit_code == 0, result.output
    assert _residents(home).attributes("line:" + U1)["household"] == ("child",)


def test_export_is_excel_csv_with_japanese_headers_and_imports_back(run, home):
    run("residents", "import", _file(home, GOOD))
    out = home / "out.csv"
    result = run("residents", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:4] == ["アドレス", "同意日時", "同意文の版", "年代"]
    assert rows[0]["分野"] == "disaster;health" and rows[1]["夜のお知らせ"] == "いつでも"
    run("residents", "delete", "line:" + U1, "--yes")
    rows = list(csv.DictReader(io.StringIO(run("residents", "export").stdout_bytes.decode("utf-8-sig"))))
    assert [r["アドレス"] for r in rows] == ["line:" + U2]  # the erased resident is not exported
    again = run("residents", "import", _file(home, out.read_text(encoding="utf-8-sig")))
    assert again.exit_code == 0, again.output


def test_show_and_delete_one_resident(run, home):
    run("residents", "import", _file(home, GOOD))
    shown = run("residents", "show", "line:" + U1)
    assert "【世帯】子育て世帯" in shown.output and "【お子さんの年齢】0〜2歳、小学生" in shown.output
    data = json.loads(run("residents", "show", "line:" + U1, "--json").output)
    assert data["attributes"]["topics"] == ["disaster", "health"] and data["quiet_hours"] == ["21:00", "08:00"]
    erased = json.loads(run("residents", "delete", "line:" + U1, "--yes", "--json").output)
    assert erased["addresses"] == ["line:" + U1]
    assert _residents(home).get("line:" + U1) is None
    assert run("residents", "show", "line:" + U1).exit_code != 0
