"""Reading the day a resident types for a class: 「明日」「12月3日」「来週の火曜」「令和8年12月3日」「Dec 3」.

`parse_day(text, today=...)` looks for the first date-like phrase, after NFKC (full-width digits and
parentheses) and with spaces ignored, so words around it (「がいいです」「でお願いします」「希望」) do no harm.

- A month and day without a year that has passed this year means next year; 「3日」 alone means this month,
  or next month once the day has passed. A day that does not exist (2月30日, 13月1日, 31日 in November)
  gives no day rather than a guess.
- `past` is True only for a day before `today` that the resident named outright: 昨日・一昨日・yesterday,
  a date with its year (2026年11月1日, 2026/11/1, 令和8年…), or 今週の火曜 and 今月1日 once those have passed.
- A weekday alone (「火曜日」「(火)」「次の火曜」「今度の火曜」 "Tuesday" "next Tuesday") is the first such day
  strictly after today, so 「月曜」 said on a Monday is a week later. 今週・来週・再来週 count Monday-based weeks.
- 12/3 is month/day, in English too. A lone 「火」 is not a weekday, and neither are "wed" "sat" "sun".
- When several phrases appear, a written date wins over 明日-style words, which win over weekdays; so the
  weekday in 「12月3日(木)」 is not checked against the date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from .models import WEEKDAYS

__all__ = ["DayAnswer", "parse_day"]


@dataclass(frozen=True)
class DayAnswer:
    day: date | None  # None: nothing date-like, or a date that does not exist
    past: bool = False  # the resident named a day before today


_NOTHING = DayAnswer(None)
_A = re.ASCII  # \d is 0-9 and \b ignores Japanese letters
_KANJI_DIGITS = "〇一二三四五六七八九"
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十]+(?=[年月日])")
_YMD = re.compile(
    r"(?:(?:令和(?P<reiwa>\d{1,2}|元)|(?<!\d)(?P<year>\d{4}))年)?(?<!\d)(?P<month>\d{1,2})月(?P<day>\d{1,2})日", _A
)
_SLASH = re.compile(r"(?<![\d/])(?:(?P<year>\d{4})/)?(?P<month>\d{1,2})/(?P<day>\d{1,2})(?![\d/])", _A)
_DAY_ONLY = re.compile(r"(?:(?P<which>今月|こんげつ|来月|らいげつ)の?)?(?<![\d/])(?P<day>\d{1,2})日(?![間後前])", _A)
_RELATIVE_JA = re.compile(r"一昨日|おととい|明後日|あさって|昨日|きのう|今日|本日|きょう(?!しつ)|明日|あした|あす")
_RELATIVE_EN = re.compile(r"\b(?:day\s+after\s+tomorrow|tomorrow|tmrw|today|yesterday)\b", _A)
_WEEKDAY_JA = re.compile(
    r"(?:(?P<week>再来週|さらいしゅう|来週|らいしゅう|今週|こんしゅう)|次|つぎ|今度|こんど)?の?"
    r"(?:(?P<kanji>[月火水木金土日])曜|\((?P<paren>[月火水木金土日])\)|(?P<kana>げつ|か|すい|もく|きん|ど|にち)よう)"
)
_WEEKDAY_EN = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|thu(?:rs?)?|fri)\b", _A
)
_EN_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
_EN_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
_EN_YEAR = r"(?:,?\s*(?P<year>\d{4})\b)?"
_MONTH_DAY = re.compile(rf"\b{_EN_MONTH}\s*{_EN_DAY}{_EN_YEAR}", _A)
_DAY_MONTH = re.compile(rf"\b{_EN_DAY}\s*(?:of\s+)?{_EN_MONTH}{_EN_YEAR}", _A)

_OFFSETS = {"一昨日": -2, "おととい": -2, "昨日": -1, "きのう": -1, "yesterday": -1, "今日": 0, "本日": 0, "きょう": 0}
_OFFSETS |= {"today": 0, "明日": 1, "あした": 1, "あす": 1, "tomorrow": 1, "tmrw": 1}
_OFFSETS |= {"明後日": 2, "あさって": 2, "day after tomorrow": 2}
_WEEKS = {"今週": 0, "こんしゅう": 0, "来週": 1, "らいしゅう": 1, "再来週": 2, "さらいしゅう": 2}
_JA_WEEKDAYS = {name: i for i, name in enumerate(WEEKDAYS)} | {
    name: i for i, name in enumerate(("げつ", "か", "すい", "もく", "きん", "ど", "にち"))
}
_EN_WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_day(text: str, *, today: date) -> DayAnswer:
    """The day `text` names, counted from `today` (Tokyo); `DayAnswer(None, False)` when it names none."""
    plain = unicodedata.normalize("NFKC", text)
    compact = _KANJI_NUMBER.sub(_arabic, re.sub(r"\s+", "", plain))
    english = plain.casefold()
    for read in (_read_numeric, _read_english_date, _read_day_of_month, _read_relative, _read_weekday):
        try:
            answer = read(compact, english=english, today=today)
        except OverflowError:  # only at the very ends of the calendar
            return _NOTHING
        if answer is not None:
            return answer
    return _NOTHING


def _arabic(match: re.Match[str]) -> str:
    """「十二」→「12」, 「二十一」→「21」, 「二〇二六」→「2026」; anything else stays as written."""
    text = match[0]
    tens, ten, ones = text.partition("十")
    if not ten:
        return "".join(str(_KANJI_DIGITS.index(digit)) for digit in text)
    if len(tens) > 1 or len(ones) > 1 or ones == "十":
        return text
    return str((_KANJI_DIGITS.index(tens) if tens else 1) * 10 + (_KANJI_DIGITS.index(ones) if ones else 0))


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _named(day: date | None, *, today: date) -> DayAnswer:
    """A day the resident named outright, so it may lie in the past."""
    return _NOTHING if day is None else DayAnswer(day, past=day < today)


def _dated(year: int | None, month: int, day: int, *, today: date) -> DayAnswer:
    if year is not None:
        return _named(_make(year, month, day), today=today)
    upcoming = _make(today.year + ((month, day) < (today.month, today.day)), month, day)
    return _NOTHING if upcoming is None else DayAnswer(upcoming)


def _read_numeric(compact: str, *, english: str, today: date) -> DayAnswer | None:
    match = _YMD.search(compact) or _SLASH.search(compact)
    if match is None:
        return None
    reiwa, year = match.groupdict().get("reiwa"), match["year"]
    if reiwa:
        year = str(2018 + (1 if reiwa == "元" else int(reiwa)))
    return _dated(int(year) if year else None, int(match["month"]), int(match["day"]), today=today)


def _read_english_date(compact: str, *, english: str, today: date) -> DayAnswer | None:
    match = _MONTH_DAY.search(english) or _DAY_MONTH.search(english)
    if match is None:
        return None
    month = _EN_MONTHS.index(match["month"][:3]) + 1
    return _dated(int(match["year"]) if match["year"] else None, month, int(match["day"]), today=today)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _read_day_of_month(compact: str, *, english: str, today: date) -> DayAnswer | None:
    match = _DAY_ONLY.search(compact)
    if match is None:
        return None
    day, which = int(match["day"]), match["which"]
    if which in ("来月", "らいげつ") or (not which and day < today.day):
        first = _next_month(today)
    else:
        first = today.replace(day=1)
    found = _make(first.year, first.month, day)
    return _named(found, today=today) if which else DayAnswer(found)


def _read_relative(compact: str, *, english: str, today: date) -> DayAnswer | None:
    match = _RELATIVE_JA.search(compact) or _RELATIVE_EN.search(english)
    if match is None:
        return None
    return _named(today + timedelta(days=_OFFSETS[" ".join(match[0].split())]), today=today)


def _read_weekday(compact: str, *, english: str, today: date) -> DayAnswer | None:
    weeks: int | None = None
    if match := _WEEKDAY_JA.search(compact):
        weekday = _JA_WEEKDAYS[match["kanji"] or match["paren"] or match["kana"]]
        weeks = _WEEKS[match["week"]] if match["week"] else None
    elif match := _WEEKDAY_EN.search(english):
        weekday = _EN_WEEKDAYS.index(match[0][:2])
    else:
        return None
    if weeks is None:  # the first one strictly after today
        return DayAnswer(today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1))
    return _named(today + timedelta(days=7 * weeks + weekday - today.weekday()), today=today)
