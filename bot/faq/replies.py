"""The assistant's wording: pure functions from search results to what a resident reads.

Japanese for residents is short, polite and plain. Every answer says where it comes from, whether the service
runs today, and whom to ask. Nothing here invents a fact: every figure comes from an entry or a municipality
record.
"""

from __future__ import annotations

import json

from knowledge import Entry, Municipality

from ..dialogue import Button, Reply, format_as_of

__all__ = [
    "answer_reply",
    "booking_offer_reply",
    "choose_municipality_reply",
    "faq_button",
    "feedback_reply",
    "handoff_reply",
    "place_question_reply",
]

Language = str  # "ja", "en" or "easy"

_STATUS = {
    "ja": {
        "実施中": "実施中です",
        "予定": "予定です（まだ始まっていないことがあります）",
        "検討中": "検討中です（まだ決まっていません）",
        "終了": "終了しました",
    },
    "en": {
        "実施中": "in operation",
        "予定": "planned (it may not have started yet)",
        "検討中": "under consideration (not decided yet)",
        "終了": "ended",
    },
}


def faq_button(entry: Entry) -> Button:
    """A button that asks for one entry; its label is the question, shortened to LINE's 20 characters."""
    payload = "/ask_question" + json.dumps({"faq_id": entry.id}, ensure_ascii=False)
    label = entry.question if len(entry.question) <= 20 else entry.question[:19] + "…"
    return Button(label, payload)


def _contact(entry: Entry, home: Municipality | None, language: Language) -> str:
    if entry.contact.get("name") or entry.contact.get("phone"):
        return " ".join(v for v in (entry.contact.get("name"), entry.contact.get("phone")) if v)
    if home and home.phone:
        label = "main number" if language == "en" else "代表"
        return f"{home.counter or home.name}（{label} {home.phone}）"
    if language == "en":
        return "the counter of your city or ward office"
    return "お住まいの区役所・市役所の窓口"


def answer_reply(
    entry: Entry,
    *,
    language: Language,
    source_title: str,
    home: Municipality | None,
    other_place: str = "",
    related: Entry | None = None,
) -> Reply:
    """The answer to a question, with its status, source and contact, and at most three buttons.

    `home` is the municipality whose counter to name (the entry's own, or the resident's for national facts);
    `other_place` names the entry's municipality when it is not the one the resident lives in.
    """
    en = language == "en"
    body = entry.answer_en if en and entry.answer_en else entry.answer
    if language == "easy" and entry.answer_easy:
        body = entry.answer_easy
    when = format_as_of(entry.as_of, "en" if en else "ja")
    status = _STATUS["en" if en else "ja"].get(entry.status, entry.status)
    if en:
        lines = [
            f"(About {other_place})" if other_place else "",
            body,
            "",
            f"Status: {status} (as of {when})",
            f"Source: {source_title}",
            f"Contact: {_contact(entry, home, language)}",
        ]
    else:
        lines = [
            f"（{other_place}の情報です）" if other_place else "",
            body,
            "",
            f"【状況】{status}（{when}時点）",
            f"【出典】{source_title}",
            f"【問い合わせ】{_contact(entry, home, language)}",
        ]
    if entry.status in ("予定", "検討中"):
        lines.append("Please check the latest status at the counter." if en else "最新の状況は窓口でご確認ください。")
    buttons = [faq_button(related)] if related else []
    buttons += [
        Button("Solved" if en else "解決しました", "/affirm"),
        Button("Not solved" if en else "解決しない", "/deny"),
    ]
    return Reply("\n".join(line for line in lines if line is not None).strip(), tuple(buttons))


def handoff_reply(
    *,
    language: Language,
    home: Municipality | None,
    municipalities: list[Municipality],
    asked_for_person: bool = False,
    elsewhere: str | None = None,
) -> Reply:
    """When the knowledge base has no answer (or the resident asks for a person): counter, phone, help.

    `elsewhere` names a municipality this deployment does not serve, which the question was about.
    """
    en = language == "en"
    if elsewhere:
        served = "、".join(m.name for m in municipalities)
        text = (
            f"Sorry, I only have information about {', '.join(m.name_en or m.name for m in municipalities)}. "
            f"For {elsewhere}, please ask {elsewhere} directly."
            if en
            else f"申し訳ありません。このチャットでご案内できるのは{served}の情報です。{elsewhere}のことは、{elsewhere}にお問い合わせください。"
        )
        return Reply(text)
    if en:
        first = (
            "You can talk to a member of staff."
            if asked_for_person
            else "Sorry, I could not find a reliable answer to that. I will not guess."
        )
    else:
        first = (
            "職員におつなぎします。"
            if asked_for_person
            else "すみません。そのご質問にお答えできる情報が見つかりませんでした。まちがった案内をしないよう、職員におつなぎします。"
        )
    if home is None:
        ask = (
            "Tell me your city or ward and I will give you its counter and phone number."
            if en
            else "お住まいの区・市を選んでいただくと、窓口と電話番号をご案内します。"
        )
        return choose_municipality_reply(municipalities, language=language, prompt=f"{first}\n\n{ask}")
    if en:
        lines = [first, "", f"Counter: {home.counter or home.name}"]
        if home.phone:
            lines.append(f"Phone: {home.phone} ({home.name_en or home.name} main number)")
        lines += ["", "Staff can also help you with an application in person (application support): book it here."]
    else:
        lines = [first, "", f"【窓口】{home.counter or home.name}"]
        if home.phone:
            lines.append(f"【電話】{home.phone}（{home.name} 代表）")
        lines += ["", "職員が申請をお手伝いする「申請サポート」も、このチャットから予約できます。"]
    return Reply(
        "\n".join(lines), (Button("Book application support" if en else "申請サポートを予約", "/book_support"),)
    )


def booking_offer_reply(*, language: Language) -> Reply:
    """A request to book that the assistant could not place: which booking, as buttons."""
    en = language == "en"
    text = "What would you like to book?" if en else "ご予約ですね。どちらを予約しますか。"
    return Reply(
        text,
        (
            Button("Smartphone class" if en else "スマホ教室", "/book_class"),
            Button("Application support" if en else "申請サポート", "/book_support"),
            Button("Check my bookings" if en else "予約の確認・変更", "/my_bookings"),
        ),
    )


def place_question_reply(municipalities: list[Municipality], *, language: Language) -> Reply:
    """The answer depends on the municipality: which one, as buttons."""
    en = language == "en"
    ask = (
        "The answer depends on the city or ward you live in. Which one is it?"
        if en
        else "お住まいの区・市によって、ご案内がちがいます。どちらにお住まいですか。"
    )
    return choose_municipality_reply(municipalities, language=language, prompt=ask)


def choose_municipality_reply(municipalities: list[Municipality], *, language: Language, prompt: str = "") -> Reply:
    """Ask which municipality the resident lives in, with one button each."""
    text = prompt or (
        "Which city or ward do you live in?" if language == "en" else "お住まいの区・市を選んでください。"
    )
    buttons = tuple(
        Button(
            m.name_en if language == "en" and m.name_en else m.name,
            "/choose_municipality" + json.dumps({"municipality": m.code}, ensure_ascii=False),
        )
        for m in municipalities
    )
    return Reply(text, buttons)


def feedback_reply(helpful: bool | None, *, language: str) -> Reply:
    """Thanks for the feedback; on a "no", the way to staff."""
    en = language == "en"
    if helpful is True:
        return Reply(
            "I'm glad it helped. Ask me anything else."
            if en
            else "お役に立ててよかったです。ほかにもご質問があればどうぞ。"
        )
    if helpful is False:
        text = (
            "Sorry that did not help. Try asking in other words, or talk to staff:"
            if en
            else "お役に立てず、すみません。言葉をかえてもう一度おたずねいただくか、職員にご相談ください。"
        )
        return Reply(text, (Button("Talk to staff" if en else "人と話したい", "/human_handoff"),))
    return Reply("Thank you for your feedback." if en else "ご意見ありがとうございます。今後の改善に役立てます。")
