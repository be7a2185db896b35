"""What the booking desk says: short, polite and plain, with buttons wherever the choice is finite.

Japanese for residents (やさしい日本語 uses the same plain wording), English for those who write English.
"""

from __future__ import annotations

from datetime import datetime

from ..bookings import WAITLISTED, Booking, SessionType, Slot, Venue, japanese_when
from ..dialogue import Button, Phrases, payload

__all__ = ["Words", "phone_display", "slot_card", "when_and_length"]

_WORDS = {
    "ja": {
        "ask_kind": "どちらを予約しますか？",
        "ask_kind_again": "ボタンから、予約したいものを選んでください。",
        "ask_day": "{kind}の日を選んでください。\n「12月3日」「来週の火曜」のように、日にちを送ることもできます。",
        "ask_day_again": "日にちがわかりませんでした。ボタンで選ぶか、「12月3日」のように送ってください。",
        "day_past": "{day}は、もう過ぎています。",
        "day_none": "{day}は、{kind}がありません。近い日はこちらです。",
        "day_many": "{day}は{count}回あります。時間を選んでください。",
        "slot_gone": "その回は予約できなくなりました。ほかの日を選んでください。",
        "no_slots": "いま予約できる{kind}はありません。窓口か電話でお問い合わせください。",
        "more_days": "ほかの日を見る",
        "ask_person": "参加するのはどなたですか？",
        "ask_person_again": "ボタンから選んでください。",
        "self": "自分が参加する",
        "other": "家族など、ほかの人",
        "other_short": "ほかの人",
        "ask_name": "参加する方のお名前を送ってください。（例: 山田 花子）",
        "ask_name_self": "お名前を送ってください。（例: 山田 花子）",
        "bad_name": "お名前として読めませんでした。お名前だけを送ってください。（例: 山田 花子）",
        "ask_reading": "お名前のふりがなを送ってください。（例: やまだ はなこ）",
        "bad_reading": "ひらがなか、カタカナで送ってください。（例: やまだ はなこ）",
        "skip": "とばす",
        "ask_phone_self": "電話番号を送ってください。当日の連絡に使います。（例: 090-1234-5678）",
        "ask_phone_other": "参加する方の電話番号を送ってください。わからないときは「連絡先と同じ」を押してください。",
        "same_as_contact": "連絡先と同じ",
        "ask_contact_name": "あなた（連絡先になる方）のお名前を送ってください。",
        "ask_contact_phone": "あなたの電話番号を送ってください。（例: 090-1234-5678）",
        "confirm": "この内容で予約しますか？",
        "confirm_again": "「予約する」か「やめる」を押してください。",
        "waitlist_note": "※満席のため、キャンセル待ちになります。",
        "book": "予約する",
        "change_day": "日にちを変える",
        "stop": "やめる",
        "stopped": "予約をやめました。また予約したいときは、メニューから選んでください。",
        "booked": "予約しました。予約番号は {id} です。",
        "booked_again": "この予約は、もう受け付けています。予約番号は {id} です。",
        "waitlisted": "キャンセル待ちに登録しました（{position}番目）。席があいたら、このトークでお知らせします。",
        "reminder_note": "前の日に、このトークでお知らせします。",
        "how_to_cancel": "行けなくなったときは「予約の確認・変更」から取り消してください。",
        "refused": "予約できませんでした。{reason}",
        "stray": "その操作は、前の予約の途中のものです。もう一度はじめから選んでください。",
        "okay": "わかりました。ほかに知りたいことがあれば、送ってください。",
        "kind_label": "【内容】",
        "when_label": "【日時】",
        "place_label": "【場所】",
        "access_label": "【行き方】",
        "accessibility_label": "【バリアフリー】",
        "bring_label": "【持ち物】",
        "person_label": "【参加する方】",
        "phone_label": "【電話番号】",
        "contact_label": "【連絡先】",
        "honorific": "{name} さま",
        "seats_left": "残り {n} 席",
        "full": "満席（キャンセル待ちできます）",
        "choose": "この日にする",
        "choose_waitlist": "キャンセル待ちをする",
        "minutes": "{start}〜{end}",
        "book_class": "スマホ教室の予約",
        "book_support": "申請サポートの予約",
        "my_bookings": "予約の確認・変更",
        "handoff": "窓口・電話",
    },
    "en": {
        "ask_kind": "What would you like to book?",
        "ask_kind_again": "Please choose what to book with the buttons.",
        "ask_day": "Please choose a day for the {kind}.\nYou can also type a date, like “Dec 3” or “next Tuesday”.",
        "ask_day_again": "Sorry, I could not read a date. Please tap a button or type a date like “Dec 3”.",
        "day_past": "{day} has already passed.",
        "day_none": "There is no {kind} on {day}. These are the nearest days.",
        "day_many": "There are {count} sessions on {day}. Please choose a time.",
        "slot_gone": "That session can no longer be booked. Please choose another day.",
        "no_slots": "There is no {kind} open for booking now. Please ask at the counter or by phone.",
        "more_days": "More days",
        "ask_person": "Who will attend?",
        "ask_person_again": "Please choose with the buttons.",
        "self": "Me",
        "other": "Someone else",
        "other_short": "Someone else",
        "ask_name": "Please send the name of the person attending.",
        "ask_name_self": "Please send your name.",
        "bad_name": "Sorry, I could not read that as a name. Please send the name only.",
        "ask_reading": "Please send the reading of the name in kana, or tap “Skip”.",
        "bad_reading": "Please use hiragana or katakana, or tap “Skip”.",
        "skip": "Skip",
        "ask_phone_self": "Please send your phone number, for contact on the day (e.g. 090-1234-5678).",
        "ask_phone_other": "Please send the attendee's phone number, or tap “Same as contact”.",
        "same_as_contact": "Same as contact",
        "ask_contact_name": "Please send your name (the contact person).",
        "ask_contact_phone": "Please send your phone number (e.g. 090-1234-5678).",
        "confirm": "Shall I book this?",
        "confirm_again": "Please tap “Book” or “Stop”.",
        "waitlist_note": "* This session is full: you will be on the waiting list.",
        "book": "Book",
        "change_day": "Change the day",
        "stop": "Stop",
        "stopped": "I stopped the booking. To book later, choose from the menu.",
        "booked": "Booked. Your booking number is {id}.",
        "booked_again": "This booking was already made. Your booking number is {id}.",
        "waitlisted": "You are on the waiting list (number {position}). I will tell you here if a seat comes free.",
        "reminder_note": "I will remind you here the day before.",
        "how_to_cancel": "If you cannot come, cancel it from “My bookings”.",
        "refused": "I could not book it. {reason}",
        "stray": "That button belongs to an earlier booking. Please start again from the menu.",
        "okay": "All right. If there is anything else you would like to know, please send it.",
        "kind_label": "What: ",
        "when_label": "When: ",
        "place_label": "Where: ",
        "access_label": "Access: ",
        "accessibility_label": "Accessibility: ",
        "bring_label": "Bring: ",
        "person_label": "Attendee: ",
        "phone_label": "Phone: ",
        "contact_label": "Contact: ",
        "honorific": "{name}",
        "seats_left": "Seats left: {n}",
        "full": "Full (waiting list open)",
        "choose": "Choose this day",
        "choose_waitlist": "Join the waiting list",
        "minutes": "{start}–{end}",
        "book_class": "Smartphone class",
        "book_support": "Application help",
        "my_bookings": "My bookings",
        "handoff": "Counter and phone",
    },
}


class Words(Phrases):
    """The desk's phrases in one language."""

    TABLE = _WORDS

    def menu(self) -> tuple[Button, ...]:
        return (
            self.button("book_class", "/book_class"),
            self.button("book_support", "/book_support"),
            self.button("my_bookings", "/my_bookings"),
            self.button("handoff", "/human_handoff"),
        )

    def kind_name(self, kind: SessionType | None) -> str:
        if kind is None:
            return ""
        if self.language == "en":
            return {"smartphone": "smartphone class", "support": "application help"}.get(kind.code, kind.name)
        return kind.name

    def day(self, iso_day: str) -> str:
        """「12月3日(木)」, or "Thu 3 Dec"."""
        return self.when(iso_day + "T00:00").rsplit(" ", 1)[0]

    def when(self, starts_at: str) -> str:
        """「12月3日(木) 10:00」, or "Thu 3 Dec 10:00"."""
        if self.language == "en":
            return datetime.fromisoformat(starts_at).strftime("%a %-d %b %H:%M")
        return japanese_when(starts_at)


def when_and_length(slot: Slot, words: Words) -> str:
    """「12月3日(木) 10:00〜11:30」."""
    start = words.when(slot.starts_at)
    minutes = int(slot.starts_at[11:13]) * 60 + int(slot.starts_at[14:16]) + slot.minutes
    end = f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    return words("minutes", start=start, end=end)


def place(venue: Venue | None, *, with_address: bool = True) -> str:
    if venue is None:
        return ""
    return venue.name + (f"（{venue.address}）" if with_address and venue.address else "")


def slot_card(slot: Slot, venue: Venue | None, words: Words, *, button: Button | None = None) -> dict[str, object]:
    """A class slot as a card: when, where, seats left, and the button that chooses it."""
    seats = words("seats_left", n=slot.seats_left) if slot.seats_left else words("full")
    lines = [line for line in (place(venue), seats, slot.notes) if line]
    if button is None:
        key = "choose" if slot.seats_left else "choose_waitlist"
        button = words.button(key, payload("choose_slot", slot_id=slot.id))
    return {"title": when_and_length(slot, words), "lines": lines, "buttons": [button.as_dict()]}


def phone_display(digits: str) -> str:
    """`09012345678` → `090-1234-5678`; `0312345678` → `03-1234-5678`."""
    if len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10 and digits[:2] in ("03", "06"):
        return f"{digits[:2]}-{digits[2:6]}-{digits[6:]}"
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits


def person_lines(booking: Booking | dict[str, str], words: Words) -> list[str]:
    """Who attends, their phone, and who to call when someone else booked."""
    get = booking.get if isinstance(booking, dict) else lambda k, d="": getattr(booking, k, d)
    reading = get("reading", "") or ""
    lines = [words("person_label") + words("honorific", name=get("name", "")) + (f"（{reading}）" if reading else "")]
    lines.append(words("phone_label") + phone_display(str(get("phone", ""))))
    if get("contact_name", ""):
        contact = words("honorific", name=get("contact_name", ""))
        lines.append(words("contact_label") + f"{contact} {phone_display(str(get('contact_phone', '')))}")
    return lines


def status_line(booking: Booking, words: Words) -> str:
    if booking.status == WAITLISTED:
        return words("waitlisted", position=booking.waitlist_position)
    return words("booked", id=booking.id)
