"""Reading the day a resident types for a class: relative words, written dates, weekdays, English, and non-dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.bookings.dates import DayAnswer, parse_day

MONDAY = date(2026, 11, 23)
SUNDAY = date(2026, 11, 22)
YEAR_END = date(2026, 12, 28)  # a Monday


def _day(text: str, today: date = MONDAY) -> date | None:
    return parse_day(text, today=today).day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今日", date(2026, 11, 23)),
        ("きょう", date(2026, 11, 23)),
        ("本日", date(2026, 11, 23)),
        ("明日", date(2026, 11, 24)),
        ("あした", date(2026, 11, 24)),
        ("あす", date(2026, 11, 24)),
        ("明後日", date(2026, 11, 25)),
        ("あさって", date(2026, 11, 25)),
    ],
)
def test_relative_words_count_from_today_and_are_not_past(text, expected):
    assert parse_day(text, today=MONDAY) == DayAnswer(expected, past=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昨日", date(2026, 11, 22)),
        ("きのう", date(2026, 11, 22)),
        ("一昨日", date(2026, 11, 21)),
        ("おととい", date(2026, 11, 21)),
    ],
)
def test_yesterday_is_read_and_marked_past(text, expected):
    assert parse_day(text, today=MONDAY) == DayAnswer(expected, past=True)


@pytest.mark.parametrize(
    "text",
    ["明日がいいです", "明日でお願いします", "明日にします", "明日希望", "あしたで おねがいします", "  明日  "],
)
def test_words_around_the_date_are_ignored(text):
    assert _day(text) == date(2026, 11, 24)


@pytest.mark.parametrize(
    "text",
    [
        "12月3日",
        "12/3",
        "１２月３日",
        "１２／３",
        "12 月 3 日",
        "12月3日(木)",
        "12月3日（木）",
        "12月3日木曜日",
        "十二月三日",
        "12月3日でお願いします",
        "12/3希望",
    ],
)
def test_month_and_day_without_a_year_is_the_coming_one(text):
    assert parse_day(text, today=MONDAY) == DayAnswer(date(2026, 12, 3), past=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十二月二十日", date(2026, 12, 20)),
        ("十一月三十日", date(2026, 11, 30)),
        ("十二月三十一日", date(2026, 12, 31)),
        ("十二月十日", date(2026, 12, 10)),
        ("一月二十一日", date(2027, 1, 21)),
    ],
)
def test_kanji_numerals_are_read(text, expected):
    assert _day(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("11月1日", date(2027, 11, 1)), ("1/5", date(2027, 1, 5))])
def test_month_and_day_that_has_passed_this_year_means_next_year_not_past(text, expected):
    assert parse_day(text, today=MONDAY) == DayAnswer(expected, past=False)


def test_month_and_day_of_today_is_today():
    assert parse_day("11月23日", today=MONDAY) == DayAnswer(MONDAY, past=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1月5日", date(2027, 1, 5)),
        ("5日", date(2027, 1, 5)),
        ("12/31", date(2026, 12, 31)),
        ("12月1日", date(2027, 12, 1)),
    ],
)
def test_at_the_year_end_january_dates_are_next_year(text, expected):
    assert parse_day(text, today=YEAR_END) == DayAnswer(expected, past=False)


def test_february_29th_without_a_year_waits_for_the_next_leap_year():
    assert _day("2月29日", date(2027, 3, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年12月3日", DayAnswer(date(2026, 12, 3), past=False)),
        ("2026/12/3", DayAnswer(date(2026, 12, 3), past=False)),
        ("令和8年12月3日", DayAnswer(date(2026, 12, 3), past=False)),
        ("令和八年十二月三日", DayAnswer(date(2026, 12, 3), past=False)),
        ("二〇二六年十二月三日", DayAnswer(date(2026, 12, 3), past=False)),
        ("2027年1月5日", DayAnswer(date(2027, 1, 5), past=False)),
        ("2026年11月1日", DayAnswer(date(2026, 11, 1), past=True)),
        ("2026/11/1", DayAnswer(date(2026, 11, 1), past=True)),
        ("令和元年5月1日", DayAnswer(date(2019, 5, 1), past=True)),
        ("令和1年5月1日", DayAnswer(date(2019, 5, 1), past=True)),
    ],
)
def test_a_date_with_its_year_is_taken_as_written_and_may_be_past(text, expected):
    assert parse_day(text, today=MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25日", DayAnswer(date(2026, 11, 25))),
        ("23日", DayAnswer(date(2026, 11, 23))),
        ("30日", DayAnswer(date(2026, 11, 30))),
        ("3日", DayAnswer(date(2026, 12, 3))),
        ("３日希望", DayAnswer(date(2026, 12, 3))),
        ("三日", DayAnswer(date(2026, 12, 3))),
        ("来月3日", DayAnswer(date(2026, 12, 3))),
        ("来月の25日", DayAnswer(date(2026, 12, 25))),
        ("今月1日", DayAnswer(date(2026, 11, 1), past=True)),
        ("今月の25日", DayAnswer(date(2026, 11, 25))),
    ],
)
def test_a_day_alone_is_this_month_until_it_has_passed_then_next_month(text, expected):
    assert parse_day(text, today=MONDAY) == expected


@pytest.mark.parametrize("text", ["31日", "今月31日"])
def test_a_day_alone_that_the_month_does_not_have_is_nothing(text):
    assert parse_day(text, today=MONDAY) == DayAnswer(None, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("火曜", date(2026, 11, 24)),
        ("火曜日", date(2026, 11, 24)),
        ("(火)", date(2026, 11, 24)),
        ("（火）", date(2026, 11, 24)),
        ("次の火曜", date(2026, 11, 24)),
        ("今度の火曜日", date(2026, 11, 24)),
        ("日曜日", date(2026, 11, 29)),
        ("月曜", date(2026, 11, 30)),
        ("次の月曜", date(2026, 11, 30)),
        ("かようび", date(2026, 11, 24)),
    ],
)
def test_a_weekday_alone_is_the_first_one_strictly_after_today(text, expected):
    assert parse_day(text, today=MONDAY) == DayAnswer(expected, past=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来週の火曜", date(2026, 12, 1)),
        ("来週火曜日", date(2026, 12, 1)),
        ("来週の月曜", date(2026, 11, 30)),
        ("来週の日曜", date(2026, 12, 6)),
        ("らいしゅうのかよう", date(2026, 12, 1)),
        ("らいしゅう かようび", date(2026, 12, 1)),
        ("再来週の火曜", date(2026, 12, 8)),
        ("さらいしゅうのかよう", date(2026, 12, 8)),
    ],
)
def test_next_week_weekday_is_in_the_monday_based_week_after_this_one(text, expected):
    assert parse_day(text, today=MONDAY) == DayAnswer(expected, past=False)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("今週の火曜", MONDAY, DayAnswer(date(2026, 11, 24))),
        ("今週の月曜", MONDAY, DayAnswer(MONDAY)),
        ("こんしゅうのにちよう", MONDAY, DayAnswer(date(2026, 11, 29))),
        ("今週の火曜", SUNDAY, DayAnswer(date(2026, 11, 17), past=True)),
        ("今週の日曜", SUNDAY, DayAnswer(SUNDAY)),
    ],
)
def test_this_week_weekday_is_in_the_monday_based_week_and_past_once_gone(text, today, expected):
    assert parse_day(text, today=today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("火曜", date(2026, 11, 24)),
        ("日曜", date(2026, 11, 29)),
        ("来週の火曜", date(2026, 11, 24)),
        ("再来週の火曜", date(2026, 12, 1)),
    ],
)
def test_on_a_sunday_next_week_starts_tomorrow(text, expected):
    assert parse_day(text, today=SUNDAY) == DayAnswer(expected, past=False)


def test_next_week_at_the_year_end_crosses_into_the_new_year():
    assert _day("来週の月曜", YEAR_END) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("text", "weekday"),
    [
        ("げつよう", 0),
        ("かよう", 1),
        ("すいよう", 2),
        ("もくよう", 3),
        ("きんようび", 4),
        ("どよう", 5),
        ("にちようび", 6),
    ],
)
def test_weekdays_written_in_hiragana_are_read(text, weekday):
    day = _day(text)
    assert day is not None
    assert day.weekday() == weekday
    assert 1 <= (day - MONDAY).days <= 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", DayAnswer(date(2026, 11, 23))),
        ("Tomorrow please", DayAnswer(date(2026, 11, 24))),
        ("the day after tomorrow", DayAnswer(date(2026, 11, 25))),
        ("yesterday", DayAnswer(date(2026, 11, 22), past=True)),
        ("Dec 3", DayAnswer(date(2026, 12, 3))),
        ("Dec. 3", DayAnswer(date(2026, 12, 3))),
        ("December 3", DayAnswer(date(2026, 12, 3))),
        ("december 3rd", DayAnswer(date(2026, 12, 3))),
        ("3 Dec", DayAnswer(date(2026, 12, 3))),
        ("3rd of December", DayAnswer(date(2026, 12, 3))),
        ("12/3", DayAnswer(date(2026, 12, 3))),
        ("Dec 3, 2026", DayAnswer(date(2026, 12, 3))),
        ("Nov 1 2026", DayAnswer(date(2026, 11, 1), past=True)),
        ("Jan 5", DayAnswer(date(2027, 1, 5))),
        ("next Tuesday", DayAnswer(date(2026, 11, 24))),
        ("Tuesday", DayAnswer(date(2026, 11, 24))),
        ("on Tue please", DayAnswer(date(2026, 11, 24))),
        ("Monday", DayAnswer(date(2026, 11, 30))),
    ],
)
def test_english_dates_are_read(text, expected):
    assert parse_day(text, today=MONDAY) == expected


@pytest.mark.parametrize("text", ["2月30日", "13月1日", "0月5日", "2/30", "13/1", "4月31日", "2027年2月29日", "Feb 30"])
def test_a_date_that_does_not_exist_is_nothing(text):
    assert parse_day(text, today=MONDAY) == DayAnswer(None, False)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "はい",
        "山田です",
        "090-1234-5678",
        "09012345678",
        "０９０－１２３４－５６７８",
        "03-1234-5678",
        "火がいいです",
        "来週",
        "12月",
        "2026/12",
        "スマホきょうしつ",
        "3人です",
        "3日間",
        "I may come",
        "sunny day",
    ],
)
def test_text_without_a_date_is_nothing(text):
    assert parse_day(text, today=MONDAY) == DayAnswer(None, False)


def test_a_written_date_wins_over_the_weekday_next_to_it():
    assert _day("12月3日(月)") == date(2026, 12, 3)


_FRAGMENTS = st.one_of(
    st.sampled_from(["1", "2", "12", "31", "2026", "/", "-", " ", "(", ")", "Dec", "rd", "tomorrow", "Tuesday"]),
    st.sampled_from(
        ["月", "日", "年", "令和", "元", "十", "二", "〇", "曜", "火", "来週", "の", "さらいしゅう", "かよう"]
    ),
    st.sampled_from(["明日", "今月", "後"]),
)


@given(
    text=st.one_of(st.text(), st.lists(_FRAGMENTS, max_size=12).map("".join)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_parse_day_never_raises_and_past_means_before_today(text, today):
    answer = parse_day(text, today=today)
    assert answer.past == (answer.day is not None and answer.day < today)


@pytest.mark.parametrize("text", ["明日", "昨日", "火曜", "来週の火曜", "今週の火曜", "来月3日", "3日", "12月3日"])
@pytest.mark.parametrize("today", [date.min, date.max])
def test_days_beyond_the_ends_of_the_calendar_are_nothing_rather_than_an_error(text, today):
    answer = parse_day(text, today=today)
    assert answer.day is None or date.min <= answer.day <= date.max
