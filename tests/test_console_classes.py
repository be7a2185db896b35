"""The classes page keeps the calendar current: sessions added (one day or weekly, skipping holidays), seats
changed, a session called off with its residents told, venues added and edited — each change in the audit log."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from bot.bookings import Bookings
from knowledge import open_database
from tests.fakes.console import console_world, log_in


@pytest.fixture
def world(tmp_path, assistant):
    return console_world(tmp_path, assistant)


@pytest.fixture
def operator(world):
    with TestClient(world.app, follow_redirects=False) as client:
        client.csrf = log_in(client, "operator")
        yield client


def _store(world) -> Bookings:
    return Bookings(open_database(world.settings.db_path))


def _audit(world, action):
    rows = open_database(world.settings.db_path).execute(
        "select actor, target, before, after from staff_audit where action = ? order by id", [action]
    )
    return [
        (actor, target, json.loads(before) if before else None, json.loads(after))
        for actor, target, before, after in rows
    ]


def _session(client, **fields):
    form = {"csrf": client.csrf, "type_code": "smartphone", "repeat": "once", "day": "2027-02-03", "until": "",
            "at": "13:30", "minutes": "90", "venue_id": "1", "venue_name": "", "venue_address": "",
            "capacity": "12", "notes": "英語可"}  # fmt: skip
    return client.post("/admin/classes/new", data={**form, **fields})


def _slots_on(world, day):
    return [s for s in _store(world).slots(include_cancelled=True) if s.starts_at.startswith(day)]


def test_the_page_offers_the_form_with_date_and_time_inputs(operator):
    page = operator.get("/admin/classes").text
    assert "教室を追加" in page and 'type="date"' in page and 'type="time"' in page
    assert '<option value="smartphone"' in page and "申請サポート" in page and "区民センター" in page


def test_a_one_off_session_is_added_and_audited(operator, world):
    response = _session(operator)
    assert response.status_code == 303
    assert "1 回を追加しました" in operator.get(response.headers["location"]).text
    (slot,) = _slots_on(world, "2027-02-03")
    assert (slot.starts_at, slot.minutes, slot.capacity, slot.notes) == ("2027-02-03T13:30", 90, 12, "英語可")
    assert [(a, t) for a, t, _, _ in _audit(world, "slot.add")] == [("operator", f"slot:{slot.id}")]


def test_a_weekly_session_skips_the_holiday_and_says_so(operator, world):
    response = _session(operator, repeat="weekly", day="2027-01-04", until="2027-01-25", type_code="support",
                        venue_id="new", venue_name="北公民館", venue_address="北2-3-4")  # fmt: skip
    assert response.status_code == 303
    page = operator.get(response.headers["location"]).text
    assert "3 回を追加しました" in page and "飛ばした日: 1月11日(月)" in page
    store = _store(world)
    venue = store.venue_named("北公民館")
    assert venue is not None and venue.address == "北2-3-4"
    days = [s.starts_at for s in store.slots(include_cancelled=True) if s.venue_id == venue.id]
    assert days == ["2027-01-04T13:30", "2027-01-18T13:30", "2027-01-25T13:30"]  # 1/11 is 成人の日
    assert len(_audit(world, "slot.add")) == 3 and _audit(world, "venue.add")[0][1] == f"venue:{venue.id}"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"day": "2027-02-30"}, "日付として読めません"),
        ({"day": ""}, "日付を入れてください"),
        ({"capacity": "0"}, "1 以上"),
        ({"capacity": "たくさん"}, "定員は数字で"),
        ({"repeat": "weekly", "day": "2027-02-03", "until": "2027-01-27"}, "より前です"),
        ({"repeat": "weekly", "day": "2026-12-29", "until": "2027-01-02"}, "すべて休日か年末年始"),
        ({"at": ""}, "始まる時刻を入れてください"),
        ({"venue_id": "new", "venue_name": ""}, "会場を選ぶか"),
    ],
)
def test_bad_input_is_refused_in_plain_japanese_and_nothing_is_written(operator, world, fields, says):
    before = (len(_store(world).slots(include_cancelled=True)), len(_store(world).venues()))
    response = _session(operator, **fields)
    assert response.status_code == 422 and says in response.text and 'role="alert"' in response.text
    assert (len(_store(world).slots(include_cancelled=True)), len(_store(world).venues())) == before
    assert _audit(world, "slot.add") == []


def test_a_refused_session_writes_not_even_its_new_venue(operator, world):
    response = _session(operator, venue_id="new", venue_name="南集会所", capacity="0")
    assert response.status_code == 422 and 'value="南集会所"' in response.text  # what was typed is kept
    assert _store(world).venue_named("南集会所") is None


def test_capacity_cannot_go_below_the_bookings_and_raising_it_seats_the_waitlist(operator, world):
    store, url = _store(world), f"/admin/classes/{world.slot_id}"
    for n, booked_by in ((1, "line:U1"), (2, ""), (3, "line:U3"), (4, "")):
        store.book(world.slot_id, name=f"住民{n}", phone=f"090000000{n}", booked_by=booked_by)
    response = operator.post(f"{url}/capacity", data={"csrf": operator.csrf, "capacity": "1"})
    assert response.status_code == 422 and "すでに 2 人の予約があります" in response.text
    assert store.slot(world.slot_id).capacity == 2
    page = operator.post(f"{url}/capacity", data={"csrf": operator.csrf, "capacity": "4"}).text
    assert "定員を 4 人にしました" in page and "キャンセル待ちから 2 人が予約になりました" in page
    assert "住民4 0900000004" in page  # taken by phone: staff call
    assert [b.status for b in store.bookings(world.slot_id)] == ["confirmed"] * 4
    ((_, target, before, after),) = _audit(world, "slot.capacity")
    assert target == f"slot:{world.slot_id}" and before["capacity"] == 2 and after["capacity"] == 4
    assert [b["name"] for b in after["promoted"]] == ["住民3", "住民4"]


def test_a_session_is_called_off_only_when_confirmed_and_its_residents_are_told(operator, world):
    store, url = _store(world), f"/admin/classes/{world.slot_id}"
    for n, booked_by in ((1, "line:U1"), (2, ""), (3, "line:U3")):
        store.book(world.slot_id, name=f"住民{n}", phone=f"090000000{n}", booked_by=booked_by)
    assert "予約した方に中止をお知らせします" in operator.get(url).text
    response = operator.post(f"{url}/cancel", data={"csrf": operator.csrf})
    assert response.status_code == 422 and "印をつけてください" in response.text
    assert not store.slot(world.slot_id).cancelled
    page = operator.post(f"{url}/cancel", data={"csrf": operator.csrf, "tell": "1"}).text
    assert "予約していた 3 人の予約を取り消しました" in page and "チャットで予約した 2 人" in page
    assert "電話で受けた 1 人" in page and "住民2 0900000002" in page
    assert store.slot(world.slot_id).cancelled
    assert {b.status for b in store.bookings(world.slot_id, include_cancelled=True)} == {"cancelled"}
    kinds = open_database(world.settings.db_path).execute(
        "select kind, count(*) from booking_messages where sent_at is null group by kind"
    )
    assert dict(kinds.fetchall()) == {"slot_cancelled": 3}
    ((_, target, before, after),) = _audit(world, "slot.cancel")
    assert target == f"slot:{world.slot_id}" and not before["cancelled"] and len(after["bookings"]) == 3
    again = operator.post(f"{url}/cancel", data={"csrf": operator.csrf, "tell": "1"})
    assert again.status_code == 422 and "中止になりました" in again.text


def test_venues_are_listed_added_and_edited(operator, world):
    assert "区民センター" in operator.get("/admin/classes/venues").text
    form = {"csrf": operator.csrf, "name": "北公民館", "address": "北2-3-4", "access_notes": "北駅から徒歩3分",
            "accessibility": "車いす可"}  # fmt: skip
    assert operator.post("/admin/classes/venues", data=form).status_code == 303
    again = operator.post("/admin/classes/venues", data=form)
    assert again.status_code == 422 and "もう登録されています" in again.text
    assert operator.post("/admin/classes/venues", data={**form, "name": " "}).status_code == 422
    venue = _store(world).venue_named("北公民館")
    assert (venue.address, venue.access_notes, venue.accessibility) == ("北2-3-4", "北駅から徒歩3分", "車いす可")
    page = operator.get(f"/admin/classes/venues?edit={venue.id}").text
    assert "「北公民館」を直す" in page and 'value="北駅から徒歩3分"' in page
    edit = {"csrf": operator.csrf, "address": "北2-3-5", "access_notes": "北駅から徒歩4分", "accessibility": ""}
    assert operator.post(f"/admin/classes/venues/{venue.id}", data=edit).status_code == 303
    venue = _store(world).venue_named("北公民館")
    assert (venue.address, venue.access_notes, venue.accessibility) == ("北2-3-5", "北駅から徒歩4分", "")
    assert operator.get("/admin/classes/venues/99").status_code == 405
    assert operator.post("/admin/classes/venues/99", data=edit).status_code == 404
    (added,), (saved,) = _audit(world, "venue.add"), _audit(world, "venue.save")
    assert added[1] == saved[1] == f"venue:{venue.id}" and saved[2]["address"] == "北2-3-4"
    assert saved[3]["address"] == "北2-3-5"


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_other_roles_cannot_change_the_calendar(world, role):
    with TestClient(world.app, follow_redirects=False) as client:
        csrf = log_in(client, role)
        for url in ("/admin/classes/new", f"/admin/classes/{world.slot_id}/capacity",
                    f"/admin/classes/{world.slot_id}/cancel", "/admin/classes/venues", "/admin/classes/venues/1"):  # fmt: skip
            assert client.post(url, data={"csrf": csrf, "capacity": "9", "tell": "1", "name": "x"}).status_code == 403
        assert client.get("/admin/classes/venues").status_code == 403
    assert not _store(world).slot(world.slot_id).cancelled and _store(world).venue_named("x") is None


def test_changes_need_the_csrf_token(operator, world):
    url = f"/admin/classes/{world.slot_id}/cancel"
    assert operator.post(url, data={"tell": "1"}).status_code == 403
    assert operator.post(url, data={"tell": "1", "csrf": "guess"}).status_code == 403
    assert not _store(world).slot(world.slot_id).cancelled
