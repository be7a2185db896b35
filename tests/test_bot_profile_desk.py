"""The notice profile desk: each tap stored at once, multi-choice toggles, skipped questions, one item changed."""

from __future__ import annotations

import pytest

from bot.dialogue import Turn
from bot.profile_desk import FORM_SLOTS, HELPER_SLOTS, ProfileForm
from bot.residents import Residents, load_areas
from bot.residents.consent import ConsentDesk

LINE = "line:U" + "b" * 32


@pytest.fixture
def residents(db):
    return Residents(db)


@pytest.fixture
def form(residents):
    return ProfileForm(residents)  # no areas: the area question is skipped


@pytest.fixture
def chiyoda(residents):
    return ProfileForm(residents, areas=load_areas("131016"))


@pytest.fixture
def agreed(residents):
    ConsentDesk(residents).agree(LINE, language="ja")
    return LINE


def tap(what: str, choice: str) -> Turn:
    return Turn(
        f'/profile_choose{{"what":"{what}","choice":"{choice}"}}', "profile_choose", {"what": what, "choice": choice}
    )


class Chat:
    """Drives the form as Rasa does: take the answer to the asked slot, keep the slots, ask the next."""

    def __init__(self, form: ProfileForm, address: str, *, only: str | None = None) -> None:
        self.form, self.address = form, address
        start = Turn("/notice_change", "notice_change", {"what": only} if only else {})
        self.state = form.start(start)
        self.asking = self.take(start)

    def take(self, turn: Turn):
        step = self.form.take(
            self.state, turn, asking=getattr(self, "asking", None), address=self.address, language="ja"
        )
        self.state = {**self.state, **step.values}
        self.asking, self.said = step.ask, step.say
        return step.ask

    def send(self, turn: Turn | str):
        return self.take(Turn(turn) if isinstance(turn, str) else turn)

    def question(self):
        return self.form.ask(self.asking, self.state, address=self.address, language="ja")


def test_every_question_is_asked_in_order_and_each_answer_is_stored_at_once(form, residents, agreed):
    chat = Chat(form, agreed)
    assert chat.asking == "profile_age_band"
    assert [b.title for b in chat.question().buttons][:8] == [
        "10代",
        "20代",
        "30代",
        "40代",
        "50代",
        "60代",
        "70代",
        "80代以上",
    ]
    assert chat.send(tap("age_band", "70s")) == "profile_household"
    assert residents.attributes(agreed)["age_band"] == ("70s",)
    assert chat.send(tap("household", "elderly_only")) == "profile_language"  # no children, no areas: skipped
    assert chat.send(tap("language", "easy")) == "profile_topics"
    assert residents.get(agreed).language == "easy" and chat.state["language"] == "easy"
    chat.send(tap("topics", "health"))
    assert chat.send(tap("topics", "done")) == "profile_quiet"
    assert chat.send(tap("quiet", "anytime")) is None
    resident = residents.get(agreed)
    assert (resident.quiet_start, resident.quiet_end) == (None, None)
    assert residents.attributes(agreed) == {
        "age_band": ("70s",), "household": ("elderly_only",), "language": ("easy",), "topics": ("health",)
    }  # fmt: skip
    summary = form.finish(chat.state, address=agreed, language="ja")
    assert (
        "登録しました" in summary.text
        and "【年代】70代" in summary.text
        and "【夜のお知らせ】いつでもよい" in summary.text
    )
    assert "データを削除" in summary.text


def test_consent_sets_quiet_hours_until_morning_by_default(residents, agreed):
    resident = residents.get(agreed)
    assert (resident.quiet_start, resident.quiet_end) == ("21:00", "08:00")


def test_children_are_asked_only_of_households_with_children_and_toggle_with_check_marks(form, residents, agreed):
    chat = Chat(form, agreed)
    chat.send(tap("age_band", "30s"))
    assert chat.send(tap("household", "child")) == "profile_children"
    assert chat.send(tap("children", "infant")) == "profile_children"
    assert chat.send(tap("children", "elementary")) == "profile_children"
    assert chat.send(tap("children", "infant")) == "profile_children"  # tapped again: unchosen
    assert residents.attributes(agreed)["children"] == ("elementary",)
    question = chat.question()
    titles = [b.title for b in question.buttons]
    assert "✓ 小学生" in titles and "0〜2歳" in titles and titles[-2:] == ["これで決定", "やめる"]
    assert "選んだもの: 小学生" in question.text
    assert chat.send("これで決定") == "profile_language"
    assert chat.state["profile_children"] == "elementary"


def test_leaving_a_household_with_children_forgets_the_childrens_ages(form, residents, agreed):
    residents.set_attribute(agreed, "children", ["infant"])
    chat = Chat(form, agreed, only="household")
    assert chat.send(tap("household", "single")) is None
    assert "children" not in residents.attributes(agreed)


def test_the_area_is_asked_when_the_deployment_has_areas(chiyoda, residents, agreed):
    chat = Chat(chiyoda, agreed)
    chat.send(tap("age_band", "40s"))
    assert chat.send(tap("household", "single")) == "profile_area"
    assert "麹町地区" in [b.title for b in chat.question().buttons]
    assert chat.send("神保町地区") == "profile_language"  # typed works too
    assert residents.attributes(agreed)["area"] == ("jimbocho",)


def test_typed_answers_are_read_and_other_text_is_asked_again(form, residents, agreed):
    chat = Chat(form, agreed)
    assert chat.send("６５歳です") == "profile_household"
    assert residents.attributes(agreed)["age_band"] == ("60s",)
    assert chat.send("ゴミの日はいつ？") == "profile_household"
    assert [r.text for r in chat.said] == ["ボタンから選んでください。"]


def test_changing_one_item_asks_only_that_item_then_shows_the_summary(chiyoda, residents, agreed):
    chat = Chat(chiyoda, agreed, only="area")
    assert chat.asking == "profile_area"
    assert chat.send(tap("area", "fujimi")) is None
    assert residents.attributes(agreed) == {"area": ("fujimi",)}
    assert "【お住まいの地域】富士見地区" in chiyoda.finish(chat.state, address=agreed, language="ja").text


def test_stopping_halfway_keeps_what_was_given(form, residents, agreed):
    chat = Chat(form, agreed)
    chat.send(tap("age_band", "50s"))
    assert chat.send("やめる") is None
    assert chat.state["profile_outcome"] == "stopped"
    assert residents.attributes(agreed) == {"age_band": ("50s",)}
    assert "ここまでに選んだ内容は登録しています" in form.finish(chat.state, address=agreed, language="ja").text


def test_a_menu_button_halfway_leaves_the_form_for_what_it_asks(form, agreed):
    chat = Chat(form, agreed)
    assert chat.send(Turn("/my_bookings", "my_bookings")) is None
    assert chat.state["profile_outcome"] == "follow:my_bookings"


def test_a_booking_button_halfway_leaves_the_form_and_offers_that_button_again(form, residents, agreed):
    chat = Chat(form, agreed)
    chat.send(tap("age_band", "20s"))
    assert chat.send(Turn("/book_support", "book_support")) is None
    reply = form.finish(chat.state, address=agreed, language="ja")
    assert [(b.title, b.payload) for b in reply.buttons] == [("申請サポートの予約", "/book_support")]
    assert residents.attributes(agreed) == {"age_band": ("20s",)}


def test_someone_who_has_not_agreed_is_asked_nothing_and_told_how_to_sign_up(form, residents):
    chat = Chat(form, LINE, only="area")  # an old 「…を変える」 button
    assert chat.asking is None and chat.state["profile_outcome"] == "not_registered"
    reply = form.finish(chat.state, address=LINE, language="ja")
    assert "登録されていません" in reply.text and reply.buttons[0].payload == "/notice_settings"


def test_after_a_refused_consent_the_form_says_nothing_more(form):
    consenting = Turn("/notice_consent", "notice_consent")
    step = form.take(form.start(consenting), consenting, asking=None, address="rest:web-1", language="ja")
    assert step.ask is None and form.finish(step.values, address="rest:web-1", language="ja") is None


def test_settings_show_the_registration_with_a_button_per_item_stop_and_erase(chiyoda, residents, agreed):
    residents.set_attribute(agreed, "household", ["child"])
    reply = ConsentDesk(residents, profile=chiyoda).settings(agreed, language="ja")
    assert "【世帯】子育て世帯" in reply.text and "【年代】未登録" in reply.text
    payloads = [b.payload for b in reply.buttons]
    assert '/notice_change{"what":"children"}' in payloads and '/notice_change{"what":"area"}' in payloads
    assert payloads[-2:] == ["/notices_stop", "/erase_my_data"]
    assert all(len(b.title) <= 20 for b in reply.buttons) and len(reply.buttons) <= 13


def test_every_question_fits_a_line_quick_reply_in_both_languages(chiyoda, agreed):
    for language in ("ja", "en"):
        for slot in FORM_SLOTS:
            reply = chiyoda.ask(slot, dict.fromkeys((*FORM_SLOTS, *HELPER_SLOTS)), address=agreed, language=language)
            assert 2 <= len(reply.buttons) <= 13, slot
            assert all(len(b.title) <= 20 for b in reply.buttons), [b.title for b in reply.buttons]


def test_english_wording_for_residents_who_write_english(form, agreed):
    chat = Chat(form, agreed)
    reply = form.ask(chat.asking, chat.state, address=agreed, language="en")
    assert reply.text == "What is your age group?" and reply.buttons[-1].title == "Stop"
