"""The booking rules: seats, one booking per person, the waitlist, promotion, reminders, and the calendar."""

from __future__ import annotations

import contextlib
import multiprocessing
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bookings import (
    ATTENDED,
    CANCELLED,
    CONFIRMED,
    WAITLISTED,
    BookingError,
    Bookings,
    CapacityBelowBookings,
    PhoneNumberError,
    UnknownSlot,
    is_closed,
    normalise_phone,
    session_days,
)
from knowledge import open_database

START = datetime(2026, 12, 3, 10, 0)


def _phone(n: int) -> str:
    return f"090-0000-{n:04d}"


@pytest.fixture
def bookings(db):
    return Bookings(db, clock=lambda: datetime(2026, 11, 23, 12, 0))


def _slot(bookings: Bookings, *, capacity: int = 2) -> int:
    venue = bookings.add_venue("中央公民館", address="中央1-1", accessibility="車いす可")
    return bookings.add_slot("smartphone", starts_at=START, minutes=90, venue_id=venue.id, capacity=capacity).id


# -- phone numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("090-1234-5678", "09012345678"),
        ("０９０－１２３４－５６７８", "09012345678"),
        ("03 1234 5678", "0312345678"),
        ("(03)1234-5678", "0312345678"),
        ("+81 90-1234-5678", "09012345678"),
    ],
)
def test_phone_numbers_are_normalised_from_any_width_and_separator(typed, expected):
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize("typed", ["1234", "9012345678", "090-1234-56789", "+1 415 555 0100", "でんわ", ""])
def test_phone_numbers_that_are_not_japanese_are_refused_with_an_example(typed):
    with pytest.raises(PhoneNumberError, match="090-1234-5678"):
        normalise_phone(typed)


# -- seats and the waitlist ---------------------------------------------------------------------------


def test_booking_confirms_until_full_then_waitlists_in_order(bookings):
    slot = _slot(bookings, capacity=2)
    made = [bookings.book(slot, name=f"人{n}", phone=_phone(n)) for n in range(4)]
    assert [b.status for b in made] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [b.waitlist_position for b in made[2:]] == [1, 2]
    assert bookings.slot(slot).seats_left == 0
    assert bookings.slot(slot).waitlisted == 2


def test_booking_the_same_person_twice_returns_the_first_booking(bookings):
    slot = _slot(bookings)
    first = bookings.book(slot, name="山田 太郎", phone="090-1111-2222", booked_by="line:U1")
    again = bookings.book(slot, name="山田　太郎", phone="０９０１１１１２２２", booked_by="line:U1")
    assert again == first
    assert len(bookings.bookings(slot)) == 1


def test_a_resident_booking_for_themselves_again_from_the_same_address_books_once(bookings):
    slot = _slot(bookings)
    first = bookings.book(slot, name="山田太郎", phone="090-1111-2222", booked_by="line:U1")
    assert bookings.book(slot, name="やまだ たろう", phone="090-9999-9999", booked_by="line:U1") == first


def test_a_daughter_can_book_both_parents_from_her_address(bookings):
    slot = _slot(bookings, capacity=3)
    father = bookings.book(
        slot, name="山田太郎", phone="0311112222", contact_name="山田花子", contact_phone="090-3333-4444",
        booked_by="line:U9",
    )  # fmt: skip
    mother = bookings.book(slot, name="山田良子", phone="0311112222", contact_name="山田花子", booked_by="line:U9")
    assert father.id != mother.id
    assert father.contact_phone == "09033334444"
    assert [b.id for b in bookings.bookings_by("line:U9")] == [father.id, mother.id]


def test_cancelling_a_confirmed_booking_promotes_the_first_waitlisted(bookings):
    slot = _slot(bookings, capacity=1)
    seated = bookings.book(slot, name="人0", phone=_phone(0))
    first, second = (bookings.book(slot, name=f"人{n}", phone=_phone(n)) for n in (1, 2))
    cancellation = bookings.cancel(seated.id)
    assert cancellation.booking.status == CANCELLED
    assert cancellation.promoted is not None and cancellation.promoted.id == first.id
    assert cancellation.promoted.status == CONFIRMED
    assert bookings.booking(second.id).status == WAITLISTED


def test_cancelling_a_waitlisted_booking_promotes_nobody(bookings):
    slot = _slot(bookings, capacity=1)
    bookings.book(slot, name="人0", phone=_phone(0))
    waiting = bookings.book(slot, name="人1", phone=_phone(1))
    assert bookings.cancel(waiting.id).promoted is None
    assert bookings.cancel(waiting.id).booking.status == CANCELLED  # cancelling twice changes nothing


def test_a_cancelled_person_can_book_again(bookings):
    slot = _slot(bookings)
    first = bookings.book(slot, name="人0", phone=_phone(0))
    bookings.cancel(first.id)
    assert bookings.book(slot, name="人0", phone=_phone(0)).id != first.id


def test_capacity_below_the_seats_taken_is_refused(bookings):
    slot = _slot(bookings, capacity=3)
    for n in range(3):
        bookings.book(slot, name=f"人{n}", phone=_phone(n))
    with pytest.raises(CapacityBelowBookings, match="3 人"):
        bookings.set_capacity(slot, 2)
    assert bookings.slot(slot).capacity == 3


def test_raising_capacity_seats_the_waitlist_in_order(bookings):
    slot = _slot(bookings, capacity=1)
    made = [bookings.book(slot, name=f"人{n}", phone=_phone(n)) for n in range(4)]
    promoted = bookings.set_capacity(slot, 3)
    assert [b.id for b in promoted] == [made[1].id, made[2].id]
    assert bookings.booking(made[3].id).status == WAITLISTED


def test_booking_an_unknown_or_cancelled_slot_is_refused(bookings):
    slot = _slot(bookings)
    with pytest.raises(UnknownSlot):
        bookings.book(999, name="人", phone=_phone(1))
    seated = bookings.book(slot, name="人", phone=_phone(1))
    assert [b.id for b in bookings.cancel_slot(slot)] == [seated.id]
    with pytest.raises(BookingError, match="中止"):
        bookings.book(slot, name="別の人", phone=_phone(2))


def test_attendance_is_recorded_only_for_seated_bookings(bookings):
    slot = _slot(bookings, capacity=1)
    seated = bookings.book(slot, name="人0", phone=_phone(0))
    waiting = bookings.book(slot, name="人1", phone=_phone(1))
    assert bookings.mark(seated.id, status=ATTENDED).status == ATTENDED
    with pytest.raises(BookingError):
        bookings.mark(waiting.id, status=ATTENDED)
    with pytest.raises(BookingError):
        bookings.mark(seated.id, status="maybe")


def test_an_unknown_session_type_names_the_known_ones(bookings):
    venue = bookings.add_venue("中央公民館")
    with pytest.raises(BookingError, match="smartphone"):
        bookings.add_slot("yoga", starts_at=START, minutes=60, venue_id=venue.id, capacity=5)


# -- reminders ----------------------------------------------------------------------------------------


def test_a_confirmed_booking_gets_one_reminder_the_day_before(bookings):
    slot = _slot(bookings)
    booking = bookings.book(slot, name="人0", phone=_phone(0))
    assert bookings.due_messages(now=datetime(2026, 12, 2, 9, 59)) == []
    assert bookings.due_messages(now=datetime(2026, 12, 2, 10, 0)) == [("reminder", booking)]
    assert bookings.message_sent(booking.id, "reminder") is True
    assert bookings.message_sent(booking.id, "reminder") is False
    assert bookings.due_messages(now=datetime(2026, 12, 3, 9, 0)) == []


def test_a_cancelled_booking_is_not_reminded_and_a_promoted_one_is(bookings):
    slot = _slot(bookings, capacity=1)
    seated = bookings.book(slot, name="人0", phone=_phone(0))
    waiting = bookings.book(slot, name="人1", phone=_phone(1))
    bookings.cancel(seated.id)
    due = bookings.due_messages(now=datetime(2026, 12, 2, 12, 0))
    assert [(kind, b.id) for kind, b in due] == [("promoted", waiting.id), ("reminder", waiting.id)]


# -- moving a booking ---------------------------------------------------------------------------------


def test_moving_a_booking_frees_its_seat_for_the_first_waitlisted(bookings):
    slot = _slot(bookings, capacity=1)
    later = bookings.add_slot("smartphone", starts_at=datetime(2026, 12, 10, 10, 0), minutes=90, venue_id=1, capacity=1)
    seated = bookings.book(slot, name="人0", phone=_phone(0), booked_by="line:U0")
    waiting = bookings.book(slot, name="人1", phone=_phone(1))
    moved = bookings.move(seated.id, later.id)
    assert moved.booking.slot_id == later.id and moved.booking.status == CONFIRMED
    assert moved.booking.booked_by == "line:U0" and moved.booking.name == "人0"
    assert moved.promoted is not None and moved.promoted.id == waiting.id
    assert bookings.booking(seated.id).status == CANCELLED


def test_moving_to_a_full_slot_is_refused_and_keeps_the_seat(bookings):
    slot = _slot(bookings, capacity=1)
    full = bookings.add_slot("smartphone", starts_at=datetime(2026, 12, 10, 10, 0), minutes=90, venue_id=1, capacity=1)
    mine = bookings.book(slot, name="人0", phone=_phone(0))
    bookings.book(full.id, name="人1", phone=_phone(1))
    with pytest.raises(BookingError, match="満席"):
        bookings.move(mine.id, full.id)
    assert bookings.booking(mine.id).status == CONFIRMED


def test_the_people_a_resident_booked_for_come_back_latest_first_themselves_first(bookings):
    slot = _slot(bookings, capacity=5)
    bookings.book(slot, name="山田花子", phone=_phone(1), booked_by="line:U1")
    bookings.book(slot, name="山田太郎", phone=_phone(2), contact_name="山田花子", contact_phone=_phone(1),
                  booked_by="line:U1")  # fmt: skip
    bookings.book(slot, name="他人", phone=_phone(3), booked_by="line:U2")
    assert [b.name for b in bookings.people_booked_by("line:U1")] == ["山田花子", "山田太郎"]


# -- the calendar -------------------------------------------------------------------------------------


def test_closed_days_are_public_holidays_and_the_new_year_break():
    assert is_closed(date(2026, 11, 23))  # 勤労感謝の日
    assert is_closed(date(2026, 12, 29)) and is_closed(date(2027, 1, 3))
    assert not is_closed(date(2026, 12, 28)) and not is_closed(date(2027, 1, 4))


def test_weekly_sessions_skip_closed_days():
    open_days, skipped = session_days(date(2026, 12, 22), date(2027, 1, 12))  # Tuesdays
    assert open_days == [date(2026, 12, 22), date(2027, 1, 5), date(2027, 1, 12)]
    assert skipped == [date(2026, 12, 29)]


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="前"):
        session_days(date(2026, 12, 22), date(2026, 12, 1))


# -- the invariants, over random sequences -------------------------------------------------------------

_operations = st.lists(
    st.one_of(
        st.tuples(st.just("book"), st.integers(0, 7)),
        st.tuples(st.just("cancel"), st.integers(0, 7)),
        st.tuples(st.just("capacity"), st.integers(1, 5)),
    ),
    max_size=40,
)


def _check_invariants(bookings: Bookings, slot: int) -> None:
    roster = bookings.bookings(slot)
    seated = [b for b in roster if b.status == CONFIRMED]
    waiting = [b for b in roster if b.status == WAITLISTED]
    assert len(seated) <= bookings.slot(slot).capacity
    assert len({b.phone for b in roster}) == len(roster)  # nobody twice
    assert [b.waitlist_position for b in waiting] == sorted(b.waitlist_position for b in waiting)  # type: ignore[type-var]
    assert not waiting or len(seated) == bookings.slot(slot).capacity  # nobody waits beside a free seat


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=_operations, capacity=st.integers(1, 4))
def test_random_bookings_and_cancellations_keep_every_invariant(operations, capacity):
    bookings = Bookings(open_database(":memory:"))
    slot = _slot(bookings, capacity=capacity)
    for op, n in operations:
        if op == "book":
            bookings.book(slot, name=f"人{n}", phone=_phone(n))
        elif op == "capacity":
            with contextlib.suppress(CapacityBelowBookings):
                bookings.set_capacity(slot, n)
        else:
            _cancel_and_check_promotion(bookings, slot, person=n)
        _check_invariants(bookings, slot)


def _cancel_and_check_promotion(bookings: Bookings, slot: int, *, person: int) -> None:
    mine = [b for b in bookings.bookings(slot) if b.phone == normalise_phone(_phone(person))]
    if not mine:
        return
    first_waiting = next((b for b in bookings.bookings(slot) if b.status == WAITLISTED), None)
    promoted = bookings.cancel(mine[0].id).promoted
    if mine[0].status == CONFIRMED and first_waiting is not None:
        assert promoted is not None and promoted.id == first_waiting.id
    else:
        assert promoted is None


# -- many processes at once ---------------------------------------------------------------------------


def _book_many(path: str, slot: int, people: list[int]) -> None:
    bookings = Bookings(open_database(path))
    for n in people:
        bookings.book(slot, name=f"人{n}", phone=_phone(n))
        bookings.book(slot, name=f"人{n}", phone=_phone(n))  # a double tap


def test_concurrent_processes_never_overbook_nor_lose_a_booking(tmp_path):
    path = str(tmp_path / "bookings.db")
    slot = _slot(Bookings(open_database(path)), capacity=10)
    workers = [
        multiprocessing.get_context("spawn").Process(target=_book_many, args=(path, slot, list(range(w, 100, 5))))
        for w in range(5)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    roster = Bookings(open_database(path)).bookings(slot)
    assert len(roster) == 100
    assert len({b.phone for b in roster}) == 100
    assert sum(b.status == CONFIRMED for b in roster) == 10
    assert sorted(b.waitlist_position for b in roster if b.status == WAITLISTED) == list(range(1, 91))
