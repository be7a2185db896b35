"""`madoguchi venues ...`, `madoguchi slots ...` and `madoguchi bookings ...`, run through click as staff would."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from bot.cli import main

SLOT = ["--venue", "中央公民館", "--address", "中央1-1", "--capacity", "1"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_HOME", str(tmp_path))
    monkeypatch.setenv("MADOGUCHI_EMBEDDING_MODEL", "hashing")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _add_slot(run) -> int:
    return _json(run("slots", "add", "--start", "2026-12-03 10:00", *SLOT, "--json"))["added"][0]["id"]


def test_slots_generate_weekly_skips_the_new_year_break(run):
    out = _json(
        run("slots", "generate", "--from", "2026-12-22", "--until", "2027-01-12", "--at", "10:00", *SLOT, "--json")
    )
    assert [s["starts_at"] for s in out["added"]] == ["2026-12-22T10:00", "2027-01-05T10:00", "2027-01-12T10:00"]
    assert out["skipped"] == ["2026-12-29"]


def test_slots_list_shows_the_day_of_the_week_and_seats_left(run):
    _add_slot(run)
    result = run("slots", "list", "--since", "2026-12-01")
    assert "12月3日(木) 10:00" in result.output
    assert "残り 1 席" in result.output
    assert _json(run("slots", "list", "--since", "2026-12-01", "--json"))[0]["seats_left"] == 1


def test_a_bad_date_is_a_clear_error(run):
    result = run("slots", "add", "--start", "12月3日", *SLOT)
    assert result.exit_code != 0
    assert "例: 2026-12-03 10:00" in result.output


def test_booking_an_unknown_slot_is_a_clear_error(run):
    result = run("bookings", "add", "--slot", "42", "--name", "山田太郎", "--phone", "090-1234-5678")
    assert result.exit_code == 1
    assert "枠 42 はありません" in result.output


def test_bookings_by_phone_fill_seats_then_the_waitlist_and_cancel_promotes(run):
    slot = str(_add_slot(run))
    first = _json(
        run("bookings", "add", "--slot", slot, "--name", "山田太郎", "--phone", "０９０１２３４５６７８", "--json")
    )
    second = _json(run("bookings", "add", "--slot", slot, "--name", "佐藤花子", "--phone", "03-1111-2222", "--json"))
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")
    cancelled = _json(run("bookings", "cancel", str(first["id"]), "--json"))
    assert cancelled["promoted"]["id"] == second["id"]
    roster = _json(run("bookings", "list", "--slot", slot, "--json"))
    assert [(b["name"], b["status"]) for b in roster] == [("佐藤花子", "confirmed")]


def test_the_same_caller_booked_twice_is_booked_once(run):
    slot = str(_add_slot(run))
    args = ["bookings", "add", "--slot", slot, "--name", "山田太郎", "--phone", "090-1234-5678", "--json"]
    assert _json(run(*args))["id"] == _json(run(*args))["id"]


def test_capacity_below_the_bookings_is_refused(run):
    slot = _json(run("slots", "add", "--start", "2026-12-03 10:00", *SLOT[:-1], "2", "--json"))["added"][0]["id"]
    for n in range(2):
        run("bookings", "add", "--slot", str(slot), "--name", f"人{n}", "--phone", f"090-0000-000{n}")
    result = run("slots", "capacity", str(slot), "1")
    assert result.exit_code == 1
    assert "2 人の予約があります" in result.output


def test_attendance_is_recorded(run):
    slot = str(_add_slot(run))
    booking = _json(run("bookings", "add", "--slot", slot, "--name", "山田太郎", "--phone", "0312345678", "--json"))
    assert _json(run("bookings", "attend", str(booking["id"]), "--json"))["status"] == "attended"
    assert _json(run("bookings", "attend", str(booking["id"]), "--no-show", "--json"))["status"] == "no_show"


def test_cancelling_a_slot_lists_the_people_to_tell(run):
    slot = str(_add_slot(run))
    run("bookings", "add", "--slot", slot, "--name", "山田太郎", "--phone", "0312345678")
    assert [b["name"] for b in _json(run("slots", "cancel", slot, "--json"))] == ["山田太郎"]
    assert _json(run("slots", "list", "--since", "2026-12-01", "--json")) == []


def test_export_writes_csv_for_excel_with_japanese_headers(run, tmp_path):
    slot = str(_add_slot(run))
    run("bookings", "add", "--slot", slot, "--name", "山田太郎", "--reading", "やまだたろう", "--phone", "0312345678")
    target = tmp_path / "roster.csv"
    assert run("bookings", "export", "--slot", slot, "-o", str(target)).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["予約番号", "状態", "待ち順", "お名前"]
    assert rows[1][1:6] == ["予約", "", "山田太郎", "やまだたろう", "0312345678"]


def test_venues_add_then_list_shows_the_address_and_access_notes(run):
    added = run("venues", "add", "中央公民館", "--address", "中央1-1", "--access", "中央駅から徒歩5分")
    assert added.exit_code == 0, added.output
    assert "会場を登録しました" in added.output
    listed = run("venues", "list")
    assert listed.exit_code == 0, listed.output
    assert "中央公民館" in listed.output
    assert "中央1-1" in listed.output
    assert "中央駅から徒歩5分" in listed.output


def test_adding_a_venue_again_updates_it_and_keeps_what_was_left_out(run):
    first = _json(run("venues", "add", "中央公民館", "--address", "中央1-1", "--access", "中央駅から徒歩5分", "--json"))
    again = _json(run("venues", "add", "中央公民館", "--address", "中央2-2", "--accessibility", "車いす可", "--json"))
    assert again == {
        "id": first["id"],
        "name": "中央公民館",
        "address": "中央2-2",
        "access_notes": "中央駅から徒歩5分",
        "accessibility": "車いす可",
    }
    assert "会場を更新しました" in run("venues", "add", "中央公民館", "--access", "").output
    assert [(v["name"], v["access_notes"]) for v in _json(run("venues", "list", "--json"))] == [("中央公民館", "")]


def test_a_venue_added_first_is_the_one_slots_use(run):
    venue = _json(run("venues", "add", "中央公民館", "--address", "中央1-1", "--access", "中央駅から徒歩5分", "--json"))
    slot = _json(
        run("slots", "add", "--start", "2026-12-03 10:00", "--venue", "中央公民館", "--capacity", "1", "--json")
    )
    assert slot["added"][0]["venue_id"] == venue["id"]
    assert _json(run("venues", "list", "--json")) == [venue]


def test_venues_list_when_empty_and_a_blank_name_is_refused(run):
    assert "会場はありません" in run("venues", "list").output
    assert _json(run("venues", "list", "--json")) == []
    result = run("venues", "add", " ")
    assert result.exit_code == 1
    assert "会場名を入力してください" in result.output
