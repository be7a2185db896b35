"""Notice profile and erasure end to end: the real `rasa run` and app, a LINE-like sender over Rasa's REST channel.

The resident taps buttons (their payloads are sent, as the channels send them) or types.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from bot.faq import Logbook
from bot.residents import Residents
from bot.settings import Settings
from knowledge import open_database
from tests.fakes import line_webhook as hook
from tests.rest_chat import say, text_of

pytestmark = pytest.mark.e2e


def buttons_of(replies: list[dict]) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons") or ()}


def tap(stack, sender: str, replies: list[dict], title: str) -> list[dict]:
    return say(stack, sender, buttons_of(replies)[title])


@pytest.fixture(scope="module")
def residents(stack):
    return Residents(open_database(stack.home / "madoguchi.db"))


def _sender(n: int) -> str:
    return "line:" + hook.user_id(7000 + n)


def _consented(stack, sender: str) -> list[dict]:
    replies = say(stack, sender, "/notice_consent")
    assert "登録しました" in text_of(replies) and "年代を教えてください" in text_of(replies)
    return replies


def test_after_consent_the_resident_registers_with_taps_and_each_answer_is_stored(stack, residents):
    sender = _sender(1)
    replies = tap(stack, sender, _consented(stack, sender), "60代")
    assert residents.attributes(sender)["age_band"] == ("60s",)
    replies = tap(stack, sender, replies, "子育て世帯")
    assert "お子さんの年齢" in text_of(replies)
    replies = tap(stack, sender, replies, "0〜2歳")
    assert "✓ 0〜2歳" in buttons_of(replies)
    replies = tap(stack, sender, tap(stack, sender, replies, "小学生"), "これで決定")
    assert "言葉を選んでください" in text_of(replies)  # no areas in this deployment: not asked
    replies = tap(stack, sender, replies, "やさしい日本語")
    replies = tap(stack, sender, tap(stack, sender, replies, "防災"), "これで決定")
    replies = tap(stack, sender, replies, "いつでもよい")
    summary = text_of(replies)
    assert "登録しました" in summary and "【お子さんの年齢】0〜2歳、小学生" in summary and "データを削除" in summary
    assert residents.attributes(sender) == {
        "age_band": ("60s",), "household": ("child",), "children": ("elementary", "infant"),
        "language": ("easy",), "topics": ("disaster",),
    }  # fmt: skip
    resident = residents.get(sender)
    assert (resident.language, resident.quiet_start) == ("easy", None)


def test_settings_change_one_item_then_show_the_summary(stack, residents):
    sender = _sender(2)
    tap(stack, sender, _consented(stack, sender), "40代")
    assert "やめました" in text_of(say(stack, sender, "やめる"))  # stopping halfway keeps what was given
    assert residents.attributes(sender) == {"age_band": ("40s",)}
    settings = say(stack, sender, "お知らせ設定")
    assert "【年代】40代" in text_of(settings) and {"配信停止", "データを削除"} <= set(buttons_of(settings))
    replies = tap(stack, sender, settings, "受け取りたい分野を変える")
    assert "受け取りたい分野を選んでください" in text_of(replies)
    replies = tap(stack, sender, tap(stack, sender, replies, "イベント"), "これで決定")
    assert "登録しました" in text_of(replies) and "【受け取りたい分野】イベント" in text_of(replies)
    assert residents.attributes(sender) == {"age_band": ("40s",), "topics": ("events",)}
    assert "【状況】" in text_of(say(stack, sender, "コンビニで住民票って何時まで取れる？"))  # the form is over


def test_a_menu_button_halfway_leaves_the_form_and_does_what_it_asks(stack):
    sender = _sender(3)
    _consented(stack, sender)
    replies = say(stack, sender, "/my_bookings")
    assert "年代" not in text_of(replies) and "予約" in text_of(replies)
    _consented(stack, sender)
    replies = say(stack, sender, "/book_class")  # a form cannot start another in the same turn: one more tap
    assert "質問をやめました" in text_of(replies) and list(buttons_of(replies).values()) == ["/book_class"]
    assert "スマホ教室" in text_of(tap(stack, sender, replies, "スマホ教室の予約"))


def test_erasing_ones_data_asks_first_then_leaves_nothing_behind(stack, residents):
    sender = _sender(4)
    say(stack, sender, "コンビニで住民票って何時まで取れる？")
    tap(stack, sender, _consented(stack, sender), "70代")
    logbook = Logbook(open_database(stack.home / "madoguchi.db"), secret_key=Settings.from_env({"MADOGUCHI_HOME": str(stack.home)}).secret_key)  # fmt: skip
    pseudonym = logbook.pseudonym(sender)
    assert _count(logbook, "select count(*) from questions where sender = ?", pseudonym) == 1
    asked = say(stack, sender, "データを削除")  # typed halfway through the profile questions
    assert "元には戻せません" in text_of(asked) and residents.get(sender) is not None
    assert "削除しました" in text_of(tap(stack, sender, asked, "削除する"))
    assert residents.get(sender) is None and residents.attributes(sender) == {}
    assert _count(logbook, "select count(*) from questions where sender = ?", pseudonym) == 0
    deadline = time.monotonic() + 15  # Rasa stores the turn after the action: the app deletes it once stored
    while _events(stack, sender) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _events(stack, sender) == 0
    assert "友だち追加ありがとうございます" in text_of(say(stack, sender, "/follow"))  # as a stranger again


def test_a_typed_erase_confirmation_out_of_the_blue_asks_first(stack, residents):
    sender = _sender(5)
    _consented(stack, sender)
    say(stack, sender, "やめる")
    replies = say(stack, sender, "/erase_my_data_confirm")
    assert "削除しますか" in text_of(replies) and residents.get(sender) is not None


def _count(logbook: Logbook, sql: str, *params) -> int:
    return logbook.db.execute(sql, list(params)).fetchone()[0]


def _events(stack, sender: str) -> int:
    with sqlite3.connect(stack.home / "tracker.db") as db:
        return db.execute("select count(*) from events where sender_id = ?", [sender]).fetchone()[0]
