"""「データを削除」: the resident is really gone from every table; a booking keeps its roster entry, not the link."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from bot.bookings import Bookings
from bot.faq import QuestionRecord
from bot.residents import Residents
from bot.residents.consent import ConsentDesk
from bot.residents.erasure import Conversations, Erasure

LINE = "line:U" + "c" * 32
TG = "tg:4242"
OTHER = "line:U" + "d" * 32


@pytest.fixture
def residents(db):
    return Residents(db)


@pytest.fixture
def tracker_db(tmp_path):
    path = tmp_path / "tracker.db"
    with sqlite3.connect(path) as conn:  # the columns of Rasa's SQL tracker store that matter here
        conn.execute("create table events (id integer primary key, sender_id text, type_name text, action_name text)")
        conn.executemany(
            "insert into events (sender_id, type_name, action_name) values (?, ?, ?)",
            [(LINE, "user", None), (LINE, "action", "action_answer_faq"), (TG, "user", None), (OTHER, "user", None)],
        )
    return path


@pytest.fixture
def erasure(residents, logbook, tracker_db):
    return Erasure(residents, logbook=logbook, conversations=Conversations(tracker_db))


@pytest.fixture
def bookings(db):
    return Bookings(db)


def _count(db, sql: str, *params) -> int:
    return db.execute(sql, list(params)).fetchone()[0]


def _registered(residents: Residents, address: str) -> None:
    ConsentDesk(residents).agree(address, language="ja")
    residents.set_attribute(address, "topics", ["health", "events"])
    residents.set_language(address, "ja")


def _question(logbook, sender: str) -> None:
    logbook.record_question(QuestionRecord(sender, "line", "ja", "", "住民票は？", "answered", "faq-1", 0.9))
    logbook.record_feedback(sender=sender, faq_id="faq-1", question="住民票は？", helpful=True)


def test_erasing_deletes_the_resident_every_address_attributes_and_consent(erasure, residents, db):
    _registered(residents, LINE)
    residents.enrol(TG)
    db.execute("update resident_addresses set resident_id = (select resident_id from resident_addresses where address = ?) where address = ?", [LINE, TG])  # fmt: skip
    db.execute(
        "delete from residents where id not in (select resident_id from resident_addresses)"
    )  # one resident, two chats
    _registered(residents, OTHER)
    erased = erasure.erase(TG)
    assert set(erased.addresses) == {LINE, TG}
    assert residents.get(LINE) is None and residents.get(TG) is None
    assert _count(db, "select count(*) from residents") == 1  # OTHER stays
    assert _count(db, "select count(*) from resident_addresses where address in (?, ?)", LINE, TG) == 0
    assert _count(db, "select count(*) from resident_attributes") == 2  # OTHER's two topics


def test_erasing_deletes_the_logbooks_questions_and_feedback_of_that_sender(erasure, residents, logbook, db):
    _registered(residents, LINE)
    _question(logbook, LINE)
    _question(logbook, OTHER)
    erased = erasure.erase(LINE)
    assert (erased.questions, erased.feedback) == (1, 1)
    assert _count(db, "select count(*) from questions") == 1 and _count(db, "select count(*) from feedback") == 1
    assert _count(db, "select count(*) from questions where sender = ?", logbook.pseudonym(LINE)) == 0


def test_erasing_deletes_the_conversation_in_rasas_tracker_store(erasure, residents, tracker_db):
    _registered(residents, LINE)
    assert erasure.erase(LINE).conversation_events == 2
    with sqlite3.connect(tracker_db) as conn:
        assert [s for (s,) in conn.execute("select sender_id from events order by id")] == [TG, OTHER]


def test_erasing_deletes_notice_deliveries_when_the_notices_module_made_them(erasure, residents, db):
    _registered(residents, LINE)
    _registered(residents, OTHER)
    mine, theirs = residents.get(LINE).id, residents.get(OTHER).id
    db.execute("create table notice_deliveries (notice_id integer, resident_id integer, address text, sent_at text)")
    db.execute("insert into notice_deliveries values (1, ?, ?, '2026-11-20'), (1, ?, ?, '2026-11-20')", [mine, LINE, theirs, OTHER])  # fmt: skip
    assert erasure.erase(LINE).notice_deliveries == 1
    assert [r for (r,) in db.execute("select resident_id from notice_deliveries").fetchall()] == [theirs]


def test_erasing_keeps_the_booking_on_the_roster_but_forgets_the_chat_address(erasure, residents, bookings, db):
    _registered(residents, LINE)
    venue = bookings.add_venue("区民センター")
    slot = bookings.add_slot("smartphone", starts_at=datetime.now() + timedelta(days=30), minutes=90, venue_id=venue.id, capacity=5)  # fmt: skip
    booking = bookings.book(slot.id, name="山田 花子", phone="09012345678", booked_by=LINE)
    assert "予約は取り消されません" in erasure.ask(LINE, language="ja").text
    reply = erasure.confirm(LINE, language="ja")
    assert "削除しました" in reply.text and "名簿に残っています" in reply.text
    kept = bookings.booking(booking.id)
    assert (kept.name, kept.status, kept.booked_by) == ("山田 花子", "confirmed", "")
    assert bookings.bookings_by(LINE) == []


def test_erasing_someone_never_registered_still_deletes_their_questions(erasure, logbook, db):
    _question(logbook, "rest:web-7")
    erased = erasure.erase("rest:web-7")
    assert erased.addresses == ("rest:web-7",) and erased.questions == 1


def test_asking_first_offers_erase_or_keep(erasure):
    reply = erasure.ask(LINE, language="ja")
    assert "元には戻せません" in reply.text and "予約" not in reply.text
    assert [b.payload for b in reply.buttons] == ["/erase_my_data_confirm", "/erase_my_data_cancel"]
    assert "削除はしません" in erasure.cancel(LINE, language="ja").text


def test_a_missing_tracker_store_is_no_error(residents, logbook, tmp_path):
    erasure = Erasure(residents, logbook=logbook, conversations=Conversations(tmp_path / "none.db"))
    assert erasure.erase(LINE).conversation_events == 0
    assert not (tmp_path / "none.db").exists()
