"""Routing by meaning: small talk and a bare place name only when nothing else is in the message."""

import pytest

from bot.faq.routing import is_only_place, looks_like_booking, strip_small_talk
from knowledge import read_seed_municipalities

PLACES = read_seed_municipalities()


def _respond(assistant, text, intent="ask_question", **kw):
    return assistant.respond(text, intent=intent, sender="web:abc", channel="web", **kw)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("こんにちは", ""),
        ("こんにちは！", ""),
        ("こんにちは。コンビニで住民票は取れますか？", "コンビニで住民票は取れますか？"),
        ("Hi, I'd like to book a smartphone lesson", "I'd like to book a smartphone lesson"),
        ("ありがとうございました", ""),
        ("はじめまして、よろしくお願いします", ""),
        ("おくやみ窓口はありますか。よろしくお願いします", "おくやみ窓口はありますか"),
    ],
)
def test_greetings_and_thanks_around_a_message_are_stripped(text, rest):
    assert strip_small_talk(text) == rest


@pytest.mark.parametrize(
    "text", ["足立区です", "大田区に住んでいます", "I live in Ota", "国立市", "いたばしく です", "Chiyoda please"]
)
def test_a_bare_place_is_only_a_place(text):
    assert is_only_place(text, PLACES)


@pytest.mark.parametrize(
    "text", ["大田区 情報政策課 メールアドレス", "国立市 担当課 電話番号", "足立区DX計画 目標は", "火星に住んでいます"]
)
def test_a_place_with_a_topic_is_not_only_a_place(text):
    assert not is_only_place(text, PLACES)


@pytest.mark.parametrize(
    "text", ["カードの申請を手伝ってもらえる？", "スマホ教室を予約したい", "Can someone help me apply for my card?"]
)
def test_booking_requests_look_like_bookings(text):
    assert looks_like_booking(text)


def test_a_bare_greeting_gets_the_greeting(assistant, logbook):
    turn = _respond(assistant, "こんにちは", intent="greet")
    assert turn.reply.text.startswith("こんにちは。") and turn.reply.buttons
    assert list(logbook.db.query("select * from questions")) == []


def test_an_english_greeting_is_answered_in_english(assistant):
    assert _respond(assistant, "Hello", intent="greet").reply.text.startswith("Hello.")


def test_a_greeting_followed_by_a_question_gets_the_answer(assistant):
    turn = _respond(assistant, "こんにちは。コンビニで住民票の写しをとれますか？", intent="greet")
    assert turn.answered and turn.faq_id == "national-konbini"


def test_a_question_that_names_a_municipality_is_answered_and_the_place_remembered(assistant):
    turn = _respond(assistant, "足立区 ネットで区の手続きはできる？", intent="choose_municipality", place="131211")
    assert turn.faq_id == "adachi-online" and turn.municipality == "131211"


def test_a_bare_municipality_is_remembered_and_confirmed(assistant):
    turn = _respond(assistant, "足立区です", intent="choose_municipality", place="131211")
    assert turn.municipality == "131211" and "足立区ですね" in turn.reply.text and not turn.faq_id


def test_a_place_dependent_answer_asks_where_first_then_answers_on_the_tap(assistant, logbook):
    turn = _respond(assistant, "おくやみ窓口はありますか")
    assert turn.pending == "おくやみ窓口はありますか" and not turn.faq_id
    assert "お住まいの区・市によって" in turn.reply.text and len(turn.reply.buttons) == 5
    tapped = _respond(
        assistant, '/choose_municipality{"municipality": "132152"}', intent="choose_municipality", place="132152",
        pending=turn.pending,
    )  # fmt: skip
    assert tapped.municipality == "132152" and tapped.faq_id == "kunitachi-okuyami" and tapped.pending is None
    assert tapped.reply.text.startswith("国立市ですね。")
    outcomes = [r["outcome"] for r in logbook.db.query("select outcome from questions order by id")]
    assert outcomes == ["asked_municipality", "answered"]


def test_a_known_municipality_is_not_asked_again(assistant):
    turn = _respond(assistant, "おくやみ窓口はありますか", municipality="132152")
    assert turn.faq_id == "kunitachi-okuyami" and turn.pending is None


def test_small_talk_wins_when_the_search_has_nothing(assistant):
    turn = _respond(assistant, "あなたはロボットですか", intent="bot_challenge")
    assert "チャットボット" in turn.reply.text


def test_an_unplaced_booking_request_offers_the_bookings_as_buttons(assistant):
    turn = _respond(assistant, "申請を手伝ってもらえますか")
    assert [b.payload for b in turn.reply.buttons] == ["/book_class", "/book_support", "/my_bookings"]


def test_a_handoff_offers_to_book_application_support(assistant):
    turn = _respond(assistant, "明日の天気は晴れますか", municipality="131211")
    assert not turn.answered and "/book_support" in [b.payload for b in turn.reply.buttons]


def test_a_question_mistaken_for_small_talk_is_handed_off_not_chatted_away(assistant, logbook):
    turn = _respond(assistant, "大田区のロボットの相談窓口の場所", intent="bot_challenge")
    assert not turn.answered and "チャットボット" not in turn.reply.text
    assert [r["outcome"] for r in logbook.db.query("select outcome from questions")] == ["handed_off"]


def test_free_form_feedback_is_recorded_when_nothing_answers_it(assistant, logbook):
    turn = _respond(assistant, "わかりにくかった", intent="feedback", last_faq_id="adachi-online", last_question="q")
    assert "ご意見ありがとうございます" in turn.reply.text
    assert logbook.feedback()[0]["faq_id"] == "adachi-online"


def test_a_booking_request_that_the_knowledge_base_answers_also_offers_the_booking(assistant):
    turn = _respond(assistant, "ネットで区の手続きはできる？予約したいです", municipality="131211")
    assert turn.faq_id == "adachi-online"
    assert [b.payload for b in turn.reply.buttons[:2]] == ["/book_class", "/book_support"]
