"""The booking desk's rules, driven as Rasa's form drives them: take an answer, ask the next slot, book."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.booking_desk import BookingForm, MyBookings
from bot.bookings import CONFIRMED, WAITLISTED, Bookings
from bot.dialogue import Turn

NOW = datetime(2026, 11, 23, 12, 0)  # a Monday, Tokyo
ME = "line:U" + "1" * 32


@pytest.fixture
def bookings(db):
    bookings = Bookings(db, clock=lambda: NOW)
    venue = bookings.add_venue(
        "中央公民館", address="中央1-1", access_notes="駅から歩いて5分", accessibility="車いす可"
    )
    for day, capacity in ((27, 2), (29, 1)):  # Friday 27th, Sunday 29th
        bookings.add_slot("smartphone", starts_at=datetime(2026, 11, day, 10), minutes=90, venue_id=venue.id,
                          capacity=capacity)  # fmt: skip
    bookings.add_slot("smartphone", starts_at=datetime(2026, 11, 27, 14), minutes=90, venue_id=venue.id, capacity=2)
    return bookings


@pytest.fixture
def form(bookings):
    return BookingForm(bookings, clock=lambda: NOW)


class Conversation:
    """Rasa's side of the form: slots, the requested slot, and what the resident was told."""

    def __init__(self, form: BookingForm, *, address: str = ME, language: str = "ja") -> None:
        self.form, self.address, self.language = form, address, language
        self.state: dict[str, Any] = {}
        self.asking: str | None = None
        self.said: list[str] = []
        self.last: Any = None

    def start(self, text: str, intent: str, **entities: str) -> Conversation:
        self.state = self.form.start(Turn(text, intent, entities))
        return self._step(Turn(text, intent, entities), asking=None)

    def say(self, text: str, intent: str = "", **entities: str) -> Conversation:
        return self._step(Turn(text, intent, entities), asking=self.asking)

    def _step(self, turn: Turn, *, asking: str | None) -> Conversation:
        step = self.form.take(self.state, turn, asking=asking, address=self.address, language=self.language)
        self.state.update(step.values)
        self.said = [r.text for r in step.say]
        self.asking = step.ask
        if step.ask:
            self.last = self.form.ask(step.ask, self.state, address=self.address, language=self.language)
            self.said.append(self.last.text)
        else:
            values, self.last = self.form.finish(self.state, address=self.address, language=self.language)
            self.state.update(values)
            self.said.append(self.last.text)
        return self

    @property
    def payloads(self) -> list[str]:
        cards = [b["payload"] for c in self.last.custom.get("cards", []) for b in c["buttons"]]
        return cards + [b.payload for b in self.last.buttons]


def test_a_first_booking_asks_day_person_name_reading_phone_then_books_with_what_to_bring(form, bookings):
    chat = Conversation(form).start("/book_class", "book_class")
    assert chat.asking == "booking_slot_id" and "スマホ教室" in chat.said[-1]
    cards = chat.last.custom["cards"]
    assert cards[0]["title"] == "11月27日(金) 10:00〜11:30" and "残り 2 席" in cards[0]["lines"]
    chat.say(cards[0]["buttons"][0]["payload"], "choose_slot", slot_id="1")
    assert chat.asking == "booking_person"
    chat.say("/choose_person", "choose_person", person="self")
    chat.say("山田 花子")
    assert chat.asking == "booking_reading"
    chat.say("やまだ はなこ")
    chat.say("０９０－１２３４－５６７８")
    assert chat.asking == "booking_confirm"
    assert "【参加する方】山田 花子 さま（ヤマダ ハナコ）" in chat.said[-1] and "090-1234-5678" in chat.said[-1]
    chat.say("/booking_confirm", "booking_confirm")
    assert chat.asking is None
    [booking] = bookings.bookings(1)
    assert (booking.name, booking.reading, booking.phone, booking.booked_by) == ("山田 花子", "ヤマダ ハナコ",
                                                                                 "09012345678", ME)  # fmt: skip
    assert "予約しました" in chat.said[-1] and "【持ち物】" in chat.said[-1] and "駅から歩いて5分" in chat.said[-1]
    assert "【バリアフリー】車いす可" in chat.said[-1]


def test_a_returning_resident_books_in_four_taps_from_the_menu(form, bookings):
    bookings.book(2, name="山田花子", phone="090-1234-5678", booked_by=ME)
    chat = Conversation(form).start("/book_class", "book_class")  # tap 1: the menu
    chat.say("/choose_slot", "choose_slot", slot_id="1")  # tap 2: the date
    assert chat.last.buttons[0].title == "山田花子 さま"
    chat.say(chat.last.buttons[0].payload, "choose_person", person=chat.last.buttons[0].payload.split('"')[3])  # 3
    assert chat.asking == "booking_confirm"
    chat.say("/booking_confirm", "booking_confirm")  # tap 4
    assert [b.name for b in bookings.bookings(1)] == ["山田花子"]


def test_a_daughter_books_for_her_father_who_holds_the_booking_with_her_as_contact(form, bookings):
    chat = Conversation(form).start("/book_class", "book_class")
    chat.say("/choose_slot", "choose_slot", slot_id="1")
    chat.say("/choose_person", "choose_person", person="other")
    chat.say("山田 太郎")
    chat.say("/booking_skip", "booking_skip")
    assert chat.asking == "booking_contact_name"
    chat.say("山田 花子")
    chat.say("090-1111-2222")
    assert chat.asking == "booking_phone" and "/booking_same_phone" in chat.payloads
    chat.say("/booking_same_phone", "booking_same_phone")
    chat.say("はい")
    [booking] = bookings.bookings(1)
    assert (booking.name, booking.contact_name, booking.contact_phone, booking.phone) == (
        "山田 太郎", "山田 花子", "09011112222", "09011112222")  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "name"), [("さとう あやか", "さとう あやか"), ("山田です", "山田"), ("John Smith", "John Smith")]
)
def test_names_are_taken_as_typed_without_a_trailing_desu(form, typed, name):
    chat = Conversation(form).start("/book_class", "book_class")
    chat.say("/choose_slot", "choose_slot", slot_id="1").say("/choose_person", "choose_person", person="self")
    chat.say(typed)
    assert chat.state["booking_name"] == name and chat.asking == (
        "booking_reading" if name == "山田" else "booking_phone"
    )


@pytest.mark.parametrize(
    ("typed", "slot_id"),
    [("11月29日", "2"), ("今度の日曜", "2"), ("29日でお願いします", "2")],
)
def test_a_day_in_words_with_one_session_chooses_it(form, typed, slot_id):
    chat = Conversation(form).start("/book_class", "book_class").say(typed)
    assert chat.state["booking_slot_id"] == slot_id and chat.asking == "booking_person"


def test_a_day_with_two_sessions_shows_that_days_times(form):
    chat = Conversation(form).start("/book_class", "book_class").say("今週の金曜")
    assert chat.asking == "booking_slot_id" and "2回あります" in chat.said[0]
    assert [c["title"][-11:] for c in chat.last.custom["cards"]][:2] == ["10:00〜11:30", "14:00〜15:30"]


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("きのう", "もう過ぎています"),
        ("あした", "ありません"),
        ("そのうち", "わかりませんでした"),
        ("2月30日", "わかりませんでした"),
    ],
)
def test_past_empty_or_unreadable_days_are_asked_again_with_the_reason(form, typed, why):
    chat = Conversation(form).start("/book_class", "book_class").say(typed)
    assert chat.asking == "booking_slot_id" and why in chat.said[0]
    assert chat.last.custom["cards"]  # the dates to choose from, again


@pytest.mark.parametrize("typed", ["09-1234", "山田です", "1234567890123"])
def test_an_unreadable_phone_number_is_asked_again_with_an_example(form, typed):
    chat = Conversation(form).start("/book_class", "book_class")
    chat.say("/choose_slot", "choose_slot", slot_id="1").say("/choose_person", "choose_person", person="self")
    chat.say("山田花子").say("/booking_skip", "booking_skip").say(typed)
    assert chat.asking == "booking_phone" and "090-1234-5678" in chat.said[0]


@pytest.mark.parametrize("typed", ["予約をやめたいです", "駐車場はありますか？", "090-1234-5678", "🙂"])
def test_what_is_not_a_name_is_not_taken_as_one(form, typed):
    chat = Conversation(form).start("/book_class", "book_class")
    chat.say("/choose_slot", "choose_slot", slot_id="1").say("/choose_person", "choose_person", person="self")
    chat.say(typed)
    assert "booking_name" not in chat.state or chat.state["booking_name"] is None


@pytest.mark.parametrize("typed", ["やめる", "やめます", "予約をやめたいです", "中止", "stop"])
def test_stopping_at_any_step_books_nothing(form, bookings, typed):
    chat = Conversation(form).start("/book_class", "book_class").say("/choose_slot", "choose_slot", slot_id="1")
    chat.say(typed)
    assert chat.asking is None and ("やめました" in chat.said[-1] or "stopped" in chat.said[-1])
    assert bookings.bookings(1) == []


def test_a_menu_button_halfway_leaves_the_form_for_what_it_asks(form):
    chat = Conversation(form).start("/book_class", "book_class").say("/my_bookings", "my_bookings")
    assert chat.asking is None and chat.state["booking_outcome"] == "follow:my_bookings"


def test_a_full_class_offers_the_waitlist_and_says_so_before_booking(form, bookings):
    bookings.book(2, name="先客", phone="090-0000-0000")
    chat = Conversation(form).start("/book_class", "book_class")
    sunday = next(c for c in chat.last.custom["cards"] if c["title"].startswith("11月29日"))
    assert sunday["buttons"][0]["title"] == "キャンセル待ちをする"
    chat.say("/choose_slot", "choose_slot", slot_id="2").say("/choose_person", "choose_person", person="self")
    chat.say("山田花子").say("/booking_skip", "booking_skip").say("090-1234-5678")
    assert "キャンセル待ちになります" in chat.said[-1]
    chat.say("/booking_confirm", "booking_confirm")
    assert "キャンセル待ちに登録しました（1番目）" in chat.said[-1]
    assert [b.status for b in bookings.bookings(2)] == [CONFIRMED, WAITLISTED]


def test_confirming_twice_books_once(form, bookings):
    chat = Conversation(form).start("/book_class", "book_class").say("/choose_slot", "choose_slot", slot_id="1")
    chat.say("/choose_person", "choose_person", person="self").say("山田花子").say("/booking_skip", "booking_skip")
    chat.say("090-1234-5678").say("/booking_confirm", "booking_confirm")
    again = form.stray(chat.state, Turn("/booking_confirm", "booking_confirm"), language="ja")
    assert "もう受け付けています" in again.text
    assert len(bookings.bookings(1)) == 1


def test_no_sessions_ends_the_form_with_the_counter_and_phone(form):
    chat = Conversation(form).start("/book_support", "book_support")
    assert chat.asking is None and "予約できる申請サポートはありません" in chat.said[-1]
    assert "/human_handoff" in chat.payloads


def test_an_old_date_card_restarts_the_booking_on_that_date(form):
    chat = Conversation(form).start("/choose_slot", "choose_slot", slot_id="3")
    assert chat.state["booking_kind"] == "smartphone" and chat.state["booking_slot_id"] == "3"
    assert chat.asking == "booking_person"


def test_english_speakers_are_asked_in_english_with_english_dates(form):
    chat = Conversation(form, language="en").start("I want to book a smartphone class", "book_class")
    assert "Please choose a day" in chat.said[-1]
    assert chat.last.custom["cards"][0]["title"] == "Fri 27 Nov 10:00–11:30"


# -- my bookings ----------------------------------------------------------------------------------------


@pytest.fixture
def mine(bookings):
    return MyBookings(bookings, clock=lambda: NOW)


def test_my_bookings_lists_each_with_move_and_cancel_buttons(mine, bookings):
    booking = bookings.book(1, name="山田花子", phone="090-1234-5678", booked_by=ME)
    reply = mine.list(ME, language="ja")
    [card] = reply.custom["cards"]
    assert card["title"] == "11月27日(金) 10:00〜11:30" and f"予約済み（予約番号 {booking.id}）" in card["lines"]
    assert [b["payload"] for b in card["buttons"]] == [
        f'/move_booking{{"booking_id":"{booking.id}"}}', f'/cancel_booking{{"booking_id":"{booking.id}"}}']  # fmt: skip


def test_cancelling_takes_two_taps_and_hands_the_seat_to_the_waitlist(mine, bookings):
    mine_ = bookings.book(2, name="山田花子", phone="090-1234-5678", booked_by=ME)
    waiting = bookings.book(2, name="鈴木", phone="090-0000-0000", booked_by="line:U2")
    ask = mine.ask_cancel(ME, str(mine_.id), language="ja")  # tap 1
    assert "取り消しますか" in ask.text
    done = mine.cancel(ME, ask.buttons[0].payload.split('"')[3], language="ja")  # tap 2
    assert "取り消しました" in done.text
    assert bookings.booking(waiting.id).status == CONFIRMED


def test_moving_takes_two_taps_and_offers_only_sessions_with_seats(mine, bookings):
    booking = bookings.book(1, name="山田花子", phone="090-1234-5678", booked_by=ME)
    bookings.book(2, name="先客", phone="090-0000-0000")  # Sunday is full
    ask = mine.ask_move(ME, str(booking.id), language="ja")  # tap 1
    assert [c["title"] for c in ask.custom["cards"]] == ["11月27日(金) 14:00〜15:30"]
    done = mine.move(ME, str(booking.id), "3", language="ja")  # tap 2
    assert "日にちを変えました" in done.text
    assert [b.slot_id for b in bookings.bookings_by(ME)] == [3]


def test_nobody_can_cancel_or_move_someone_elses_booking(mine, bookings):
    theirs = bookings.book(1, name="他人", phone="090-0000-0000", booked_by="line:U2")
    assert "見つかりませんでした" in mine.cancel(ME, str(theirs.id), language="ja").text
    assert "見つかりませんでした" in mine.move(ME, str(theirs.id), "3", language="ja").text
    assert bookings.booking(theirs.id).status == CONFIRMED
