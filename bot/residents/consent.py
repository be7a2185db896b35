"""Consent first: a resident is told what is kept and why, and agrees, before any notice is pushed to them.

The wording here is what residents agree to; changing it means bumping `residents.CONSENT_VERSION`.
"""

from __future__ import annotations

from ..dialogue import Button, Reply
from ..profile_desk import NIGHT, ProfileForm
from .store import PUSH_CHANNELS, Residents, channel_of

__all__ = ["ConsentDesk"]

_TEXT = {
    "ja": {
        "welcome": "友だち追加ありがとうございます。区・市の手続きやサービスについて、24時間お答えします。"
        "知りたいことを送ってください。\n\n"
        "お住まいの地域や年代に合わせたお知らせも、LINEでお送りできます。受け取りますか？",
        "welcome_back": "おかえりなさい。知りたいことを送ってください。",
        "explain": "【お知らせの受け取り】\n"
        "区・市からのお知らせ（子育て・防災・講習会など）を、このトークでお送りします。\n\n"
        "【保存するもの】このアカウントのID、同意した日時。このあと選んでいただく年代・世帯・地域・言語・"
        "関心のある分野も保存します。\n"
        "【使いみち】お知らせを送る相手を選ぶためだけに使います。ほかの目的には使いません。\n"
        "【やめるとき】「配信停止」と送れば、いつでも止められます。\n\n"
        "同意して登録しますか？",
        "agreed": "ありがとうございます。お知らせの受け取りを登録しました。\n"
        "お知らせを選んでお送りするため、いくつか質問します。ボタンで答えてください。",
        "declined": "わかりました。登録はしません。受け取りたくなったら「お知らせ設定」と送ってください。",
        "stopped": "お知らせの配信を停止しました。また受け取りたいときは「お知らせ設定」と送ってください。",
        "not_registered": "お知らせは登録されていません。受け取りたいときは「お知らせ設定」と送ってください。",
        "no_push": "お知らせはLINEでお送りしています。LINEで区・市の公式アカウントを友だち追加してください。",
        "yes": "同意する",
        "no": "同意しない",
        "later": "あとで",
        "settings": "お知らせ設定",
        "stop": "配信停止",
    },
    "en": {
        "welcome": "Thank you for adding us. I answer questions about ward and city procedures and services, "
        "24 hours a day. Please type your question.\n\n"
        "We can also send you notices that fit your area and age. Would you like to receive them?",
        "welcome_back": "Welcome back. Please type your question.",
        "explain": "[Receiving notices]\n"
        "We will send notices from the ward or city (childcare, disaster prevention, classes and more) "
        "in this chat.\n\n"
        "[What we keep] This account's ID and when you agreed. Later, the age group, household, area, language "
        "and topics you choose.\n"
        "[What for] Only to choose who receives which notice. Nothing else.\n"
        '[To stop] Send "stop notices" at any time.\n\n'
        "Do you agree and sign up?",
        "agreed": "Thank you. You will receive notices.\n"
        "To choose the notices you receive, I will ask a few questions. Please answer with the buttons.",
        "declined": 'All right, you are not signed up. To sign up later, send "notice settings".',
        "stopped": 'Notices are stopped. To receive them again, send "notice settings".',
        "not_registered": 'You are not signed up for notices. To sign up, send "notice settings".',
        "no_push": "We send notices on LINE. Please add the ward's or city's official LINE account.",
        "yes": "I agree",
        "no": "I do not agree",
        "later": "Later",
        "settings": "Notice settings",
        "stop": "Stop notices",
    },
}


def _t(language: str) -> dict[str, str]:
    return _TEXT["en" if language == "en" else "ja"]


class ConsentDesk:
    """What the bot says and records when a resident arrives, signs up for notices, or stops them."""

    def __init__(self, residents: Residents, *, profile: ProfileForm | None = None) -> None:
        self.residents = residents
        self.profile = profile or ProfileForm(residents)

    def welcome(self, address: str, *, language: str) -> Reply:
        """A new (or returning) follower: enrol the address and, unless they already agreed, offer notices."""
        self.residents.enrol(address)
        resident = self.residents.get(address)
        t = _t(language)
        if resident is not None and resident.consented:
            return Reply(t["welcome_back"])
        return Reply(t["welcome"], (Button(t["settings"], "/notice_settings"), Button(t["later"], "/notice_decline")))

    def settings(self, address: str, *, language: str) -> Reply:
        t = _t(language)
        if channel_of(address) not in PUSH_CHANNELS:
            return Reply(t["no_push"])
        resident = self.residents.get(address)
        if resident is not None and resident.consented and resident.consented_at:
            return self.profile.overview(address, language=language)
        return Reply(t["explain"], (Button(t["yes"], "/notice_consent"), Button(t["no"], "/notice_decline")))

    def agree(self, address: str, *, language: str) -> Reply:
        t = _t(language)
        if channel_of(address) not in PUSH_CHANNELS:
            return Reply(t["no_push"])
        self.residents.consent(address)
        self.residents.set_quiet_hours(address, *NIGHT)  # the default until the resident says otherwise
        return Reply(t["agreed"])

    def decline(self, address: str, *, language: str) -> Reply:
        return Reply(_t(language)["declined"])

    def stop(self, address: str, *, language: str) -> Reply:
        t = _t(language)
        resident = self.residents.get(address)
        if resident is None or not resident.consented:
            return Reply(t["not_registered"])
        self.residents.withdraw(address)
        return Reply(t["stopped"])
