import pytest


def _ask(assistant, text, **kw):
    return assistant.answer(text, sender="web:abc", channel="web", **kw)


def test_answer_is_logged_with_a_pseudonymous_sender(assistant, logbook):
    turn = _ask(assistant, "コンビニで住民票の写しをとれますか？")
    assert turn.answered and turn.faq_id == "national-konbini"
    row = next(iter(logbook.db.query("select * from questions")))
    assert row["outcome"] == "answered" and row["sender"] != "web:abc" and len(row["sender"]) == 20


def test_unanswerable_question_is_handed_off_and_recorded_for_staff(assistant, logbook):
    turn = _ask(assistant, "明日の天気は晴れますか", municipality="131211")
    assert not turn.answered
    assert "03-3880-5111" in turn.reply.text
    assert [r["text"] for r in logbook.unanswered()] == ["明日の天気は晴れますか"]


def test_national_answer_names_the_residents_counter(assistant):
    turn = _ask(assistant, "住民票 コンビニ", municipality="131211")
    assert "足立区" in turn.reply.text


def test_answer_from_another_municipality_is_labelled_and_invites_choosing_home(assistant):
    turn = _ask(assistant, "おくやみ窓口はありますか")
    assert turn.faq_id == "kunitachi-okuyami"
    assert "（国立市の情報です）" in turn.reply.text
    assert "お住まいの区・市を教えていただくと" in turn.reply.text


def test_button_payload_answers_the_named_entry(assistant):
    turn = _ask(assistant, '/ask_question{"faq_id": "adachi-online"}', faq_id="adachi-online")
    assert turn.faq_id == "adachi-online"


def test_english_question_gets_an_english_answer(assistant):
    turn = _ask(assistant, "Can I get a residence certificate at a convenience store?")
    assert turn.language == "en" and turn.reply.text.startswith("With a My Number card")


def test_huge_message_is_searched_in_part_and_logged(assistant, logbook):
    turn = _ask(assistant, "住民票 コンビニ " + "あ" * 10_000)
    assert turn.reply.text
    assert len(next(iter(logbook.db.query("select text from questions")))["text"]) == 2000


def test_choose_municipality_from_text_and_from_button(assistant):
    assert assistant.choose_municipality(None, text="足立区に住んでいます", language=None)[0] == "131211"
    assert assistant.choose_municipality("132152", text="/choose_municipality", language=None)[0] == "132152"
    code, reply = assistant.choose_municipality(None, text="火星に住んでいます", language=None)
    assert code is None and len(reply.buttons) == 5


def test_feedback_no_offers_a_person(assistant, logbook):
    reply = assistant.feedback(
        sender="s", faq_id="adachi-online", question="q", helpful=False, comment="", language="ja"
    )
    assert reply.buttons[0].payload == "/human_handoff"
    assert logbook.feedback()[0]["helpful"] == 0


def test_common_questions_menu_lists_the_most_asked_first(assistant):
    for _ in range(3):
        _ask(assistant, "おくやみ窓口はありますか")
    turn = _ask(assistant, "よくある質問")
    assert turn.reply.buttons[0].payload == '/ask_question{"faq_id": "kunitachi-okuyami"}'
    assert all(len(b.title) <= 20 for b in turn.reply.buttons)


def test_language_follows_the_text_each_turn(assistant):
    assert _ask(assistant, "Can I get a residence certificate at a convenience store?", language="ja").language == "en"
    assert _ask(assistant, "住民票 コンビニ", language="en").language == "ja"
    assert _ask(assistant, "🙂", language="en").language == "en"


def test_easy_japanese_once_chosen_holds_for_japanese_questions(assistant):
    chosen = _ask(assistant, "やさしいにほんご")
    assert chosen.language == "easy" and "やさしい にほんご" in chosen.reply.text
    turn = _ask(assistant, "足立区ではオンラインで申請できますか？", language=chosen.language)
    assert "あだちくでは インターネットで" in turn.reply.text


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "!!!", "。。。"])
def test_message_without_words_asks_for_words_and_offers_the_menu(assistant, logbook, text):
    turn = _ask(assistant, text)
    assert "文字で送ってください" in turn.reply.text and not turn.answered
    assert logbook.unanswered() == []


def test_a_stale_button_payload_is_not_taken_for_english(assistant):
    assert _ask(assistant, '/ask_question{"faq_id": "gone"}', faq_id="gone").language == "ja"


def test_full_width_english_is_english(assistant):
    assert _ask(assistant, "Ｃａｎ Ｉ ｇｅｔ ａ ｒｅｓｉｄｅｎｃｅ ｃｅｒｔｉｆｉｃａｔｅ？").language == "en"
