"""What the notice profile desk says: short, polite and plain, and every choice a button.

Japanese for residents (やさしい日本語 uses the same plain wording), English for those who write English. The
attributes' own labels come from bot/attributes.py.
"""

from __future__ import annotations

from ..dialogue import Phrases

__all__ = ["Words"]

_WORDS = {
    "ja": {
        "intro": "お知らせを選んでお送りするため、いくつか質問します。ボタンで答えてください。",
        "ask_age_band": "年代を教えてください。",
        "ask_household": "世帯のようすを教えてください。",
        "ask_children": "お子さんの年齢を選んでください（いくつでも）。\n選び終わったら「これで決定」を押してください。",
        "ask_area": "お住まいの地域を選んでください。",
        "ask_language": "お知らせを受け取る言葉を選んでください。",
        "ask_topics": "受け取りたい分野を選んでください（いくつでも）。\n選び終わったら「これで決定」を押してください。",
        "ask_quiet": "夜のお知らせはどうしますか？\n（災害などの緊急のお知らせは、夜でもお送りします）",
        "again": "ボタンから選んでください。",
        "chosen": "選んだもの: {labels}",
        "done": "これで決定",
        "stop": "やめる",
        "quiet": "朝まで待つ（21時〜8時は送らない）",
        "anytime": "いつでもよい",
        "quiet_short": "朝まで待つ（21時〜8時は送りません）",
        "none": "なし",
        "unset": "未登録",
        "registered": "登録しました。ありがとうございます。",
        "stopped": "質問をやめました。ここまでに選んだ内容は登録しています。",
        "current": "いまの登録内容です（{when}からお知らせを受け取っています）。",
        "how_to": "内容を変えるときは「お知らせ設定」、止めるときは「配信停止」、"
        "登録した内容を消すときは「データを削除」と送ってください。",
        "change_hint": "変えたい項目のボタンを押してください。",
        "change": "{label}を変える",
        "settings": "お知らせ設定",
        "notices_stop": "配信停止",
        "erase": "データを削除",
        "quiet_label": "夜のお知らせ",
        "okay": "わかりました。ほかに知りたいことがあれば、送ってください。",
        "to_book": "予約は、下のボタンからどうぞ。",
        "not_registered": "お知らせは登録されていません。受け取りたいときは「お知らせ設定」を押してください。",
        "book": "予約する",
        "book_class": "スマホ教室の予約",
        "book_support": "申請サポートの予約",
    },
    "en": {
        "intro": "To choose the notices you receive, I will ask a few questions. Please answer with the buttons.",
        "ask_age_band": "What is your age group?",
        "ask_household": "What is your household like?",
        "ask_children": "How old are your children? Choose all that apply, then tap “Done”.",
        "ask_area": "Which area do you live in?",
        "ask_language": "In which language would you like the notices?",
        "ask_topics": "Which topics would you like to hear about? Choose all that apply, then tap “Done”.",
        "ask_quiet": "What about notices at night?\n(Emergency notices, such as disasters, come at any time.)",
        "again": "Please choose with the buttons.",
        "chosen": "Chosen: {labels}",
        "done": "Done",
        "stop": "Stop",
        "quiet": "Wait until morning",
        "anytime": "Any time is fine",
        "quiet_short": "Not between 21:00 and 8:00",
        "none": "None",
        "unset": "Not registered",
        "registered": "Registered. Thank you.",
        "stopped": "I stopped the questions. What you chose so far is registered.",
        "current": "This is what you registered (receiving notices since {when}).",
        "how_to": 'To change it, send "notice settings"; to stop notices, "stop notices"; '
        'to erase what you registered, "delete my data".',
        "change_hint": "Tap an item to change it.",
        "change": "{label}",
        "settings": "Notice settings",
        "notices_stop": "Stop notices",
        "erase": "Delete my data",
        "quiet_label": "Night",
        "okay": "All right. If there is anything else you would like to know, please send it.",
        "to_book": "To book, please tap the button below.",
        "not_registered": 'You are not signed up for notices. To sign up, tap "Notice settings".',
        "book": "Book",
        "book_class": "Smartphone class",
        "book_support": "Application help",
    },
}


class Words(Phrases):
    """The desk's phrases in one language."""

    TABLE = _WORDS

    def list(self, labels: list[str]) -> str:
        return (", " if self.language == "en" else "、").join(labels) if labels else self("none")
