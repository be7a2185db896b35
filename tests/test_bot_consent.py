"""Residents and consent: nothing is pushed without agreement, after 配信停止, or after unfollowing."""

from __future__ import annotations

import pytest

from bot.residents import CONSENT_VERSION, Residents
from bot.residents.consent import ConsentDesk

LINE = "line:U" + "a" * 32


@pytest.fixture
def residents(db):
    return Residents(db)


@pytest.fixture
def desk(residents):
    return ConsentDesk(residents)


def test_a_new_follower_is_welcomed_and_offered_notices_but_not_signed_up(desk, residents):
    reply = desk.welcome(LINE, language="ja")
    assert "友だち追加ありがとうございます" in reply.text
    assert [b.payload for b in reply.buttons] == ["/notice_settings", "/notice_decline"]
    assert residents.get(LINE).addresses == (LINE,)
    assert not residents.reachable(LINE)


def test_settings_explain_what_is_kept_before_asking(desk):
    reply = desk.settings(LINE, language="ja")
    assert "【保存するもの】" in reply.text and "【使いみち】" in reply.text and "配信停止" in reply.text
    assert [b.title for b in reply.buttons] == ["同意する", "同意しない"]


def test_agreeing_records_the_wording_version_and_time(desk, residents):
    desk.agree(LINE, language="ja")
    resident = residents.get(LINE)
    assert resident.consent_version == CONSENT_VERSION and resident.consented_at
    assert residents.reachable(LINE)
    assert "登録に" not in desk.settings(LINE, language="ja").text  # now it shows the status instead
    assert [b.payload for b in desk.settings(LINE, language="ja").buttons][-2:] == ["/notices_stop", "/erase_my_data"]


def test_stopping_withdraws_consent(desk, residents):
    desk.agree(LINE, language="ja")
    assert "停止しました" in desk.stop(LINE, language="ja").text
    assert not residents.reachable(LINE)
    assert "登録されていません" in desk.stop(LINE, language="ja").text


def test_an_unfollowed_address_is_never_reachable_until_it_follows_again(desk, residents):
    desk.agree(LINE, language="ja")
    residents.deactivate(LINE)
    assert not residents.reachable(LINE)
    assert residents.get(LINE).addresses == ()
    assert desk.welcome(LINE, language="ja").text.startswith("おかえりなさい")
    assert residents.reachable(LINE)  # following again restores the address; the consent was never withdrawn


def test_the_web_chat_cannot_sign_up_for_pushes(desk, residents):
    assert "LINE" in desk.agree("web:abcdefgh12", language="ja").text
    assert residents.get("web:abcdefgh12") is None


def test_english_wording_for_english_speakers(desk):
    assert "What we keep" in desk.settings(LINE, language="en").text


def test_two_addresses_of_one_resident_are_kept_apart_from_others(residents):
    one, two = residents.enrol("line:U1"), residents.enrol("tg:42")
    assert one != two
    assert residents.enrol("line:U1") == one  # enrolling again changes nothing
