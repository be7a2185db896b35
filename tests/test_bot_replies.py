from bot.dialogue import format_as_of
from bot.faq.replies import answer_reply, choose_municipality_reply, handoff_reply
from knowledge import Municipality

ADACHI = Municipality("131211", "足立区", "Adachi City", counter="足立区役所の窓口", phone="03-3880-5111")


def test_as_of_in_japanese_and_english():
    assert format_as_of("2022-07", "ja") == "2022年7月"
    assert format_as_of("2023-03-15", "ja") == "2023年3月15日"
    assert format_as_of("2022", "ja") == "2022年"
    assert format_as_of("2022-07", "en") == "July 2022"


def test_answer_says_status_source_and_contact(small_entries):
    reply = answer_reply(small_entries[1], language="ja", source_title="足立区DX推進計画（案）", home=ADACHI)
    assert reply.text.startswith("足立区では令和4年4月から")
    assert "【状況】実施中です（2022年7月時点）" in reply.text
    assert "【出典】足立区DX推進計画（案）" in reply.text
    assert "03-3880-5648" in reply.text  # the entry's own contact wins over the main number


def test_planned_service_is_flagged_as_not_yet_running(small_entries):
    reply = answer_reply(small_entries[3], language="ja", source_title="大田区", home=None)
    assert "予定です（まだ始まっていないことがあります）" in reply.text
    assert "最新の状況は窓口でご確認ください" in reply.text
    assert "お住まいの区役所・市役所の窓口" in reply.text


def test_english_answer_uses_the_english_text(small_entries):
    reply = answer_reply(small_entries[0], language="en", source_title="Chiyoda plan", home=ADACHI)
    assert reply.text.startswith("With a My Number card")
    assert "Status: in operation" in reply.text
    assert [b.title for b in reply.buttons] == ["Solved", "Not solved"]


def test_easy_japanese_answer_when_there_is_one(small_entries):
    reply = answer_reply(small_entries[1], language="easy", source_title="x", home=ADACHI)
    assert reply.text.startswith("あだちくでは")


def test_at_most_three_buttons_with_related_first(small_entries):
    reply = answer_reply(small_entries[0], language="ja", source_title="x", home=None, related=small_entries[1])
    assert len(reply.buttons) == 3
    assert reply.buttons[0].payload == '/ask_question{"faq_id": "adachi-online"}'
    assert all(len(b.as_dict()["title"]) <= 20 for b in reply.buttons)


def test_answer_about_another_municipality_says_so(small_entries):
    reply = answer_reply(small_entries[2], language="ja", source_title="x", home=None, other_place="国立市")
    assert reply.text.startswith("（国立市の情報です）")


def test_handoff_gives_counter_and_phone_and_never_a_made_up_number():
    reply = handoff_reply(language="ja", home=ADACHI, municipalities=[ADACHI])
    assert "見つかりませんでした" in reply.text
    assert "足立区役所の窓口" in reply.text and "03-3880-5111" in reply.text
    assert "申請サポート" in reply.text
    no_phone = Municipality("1", "どこか市")
    assert "【電話】" not in handoff_reply(language="ja", home=no_phone, municipalities=[]).text


def test_handoff_without_municipality_asks_where_the_resident_lives():
    reply = handoff_reply(language="ja", home=None, municipalities=[ADACHI])
    assert "お住まいの区・市" in reply.text
    assert reply.buttons[0].payload == '/choose_municipality{"municipality": "131211"}'


def test_choose_municipality_in_english():
    reply = choose_municipality_reply([ADACHI], language="en")
    assert reply.buttons[0].title == "Adachi City"
