"""Messages that are not questions: small talk, the menu words, a choice of language, and the replies to them."""

from __future__ import annotations

from ..dialogue import Button, Reply

__all__ = ["LANGUAGE_CHOSEN", "LANGUAGE_WORDS", "MENU_WORDS", "NO_WORDS", "small_talk_reply"]

MENU_WORDS = {
    "よくある質問",
    "よくある質問を見たい",
    "よくある質問を見る",
    "faq",
    "common questions",
    "menu",
    "メニュー",
}
# a resident's choice of language, typed or tapped
LANGUAGE_WORDS = {
    "やさしい日本語": "easy", "やさしいにほんご": "easy", "easy japanese": "easy",
    "english": "en", "英語": "en", "日本語": "ja", "にほんご": "ja",
}  # fmt: skip
LANGUAGE_CHOSEN = {
    "easy": "わかりました。これから、やさしい にほんご で こたえます。",
    "en": "OK. I will answer in English. Ask me anything about city procedures.",
    "ja": "わかりました。日本語でお答えします。",
}
NO_WORDS = (
    "ご質問を文字で送ってください（例：「コンビニで住民票はとれますか」）。よくあるご質問はこちらです。",
    'Please type your question in words (for example: "Can I get a residence certificate at a convenience store?").',
)

_TEXTS: dict[str, tuple[str, str]] = {
    "greet": (
        "こんにちは。区・市の手続きやサービスについて、24時間お答えします。知りたいことを送ってください。",
        "Hello. I answer questions about ward and city procedures and services, 24 hours a day. "
        "Please type your question.",
    ),
    "goodbye": (
        "ご利用ありがとうございました。またいつでもどうぞ。",
        "Thank you for using this service. You can ask again any time.",
    ),
    "thanks": (
        "どういたしまして。ほかにも知りたいことがあれば、どうぞ。",
        "You're welcome. If you have another question, please ask.",
    ),
    "bot_challenge": (
        "わたしは区・市の自動応答チャットボット（AI）です。人ではありません。手続きやサービスの質問に、24時間お答えします。"
        "職員と話したいときは「人と話したい」と送ってください。",
        "I am the municipality's automatic chatbot (AI), not a person. I answer questions about procedures and "
        'services, 24 hours a day. To talk to a staff member, send "talk to a person".',
    ),
    "insult": (
        "お役に立てず、申し訳ありません。手続きやサービスのことなら、お手伝いします。職員と話したいときは「人と話したい」と送ってください。",
        "I'm sorry if I have not been helpful. I can help with procedures and services. To talk to a staff member, "
        'send "talk to a person".',
    ),
    "out_of_scope": (
        "申し訳ありません。わたしがお答えできるのは、区・市の手続きやサービスのことだけです。ほかのご用件は、人にお問い合わせください。",
        "Sorry, I can only answer questions about ward and city procedures and services. For other matters, please "
        "talk to a person.",
    ),
}
_EASY = {
    "greet": "こんにちは。区や 市の 手続きの ことに、いつでも こたえます。しりたい ことを おくって ください。",
    "thanks": "どういたしまして。ほかにも しりたい ことが あれば、おくって ください。",
}
_BUTTONS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    # (Japanese title, Japanese payload, English title, English payload): a payload comes back as a message
    "greet": (
        ("コンビニで証明書をとる", "コンビニで住民票をとれますか", "Certificates at a convenience store",
         "Can I get a residence certificate at a convenience store?"),
        ("マイナンバーカードの更新", "マイナンバーカードの更新はどうすればいいですか", "Renew my My Number Card",
         "How do I renew my My Number Card?"),
        ("スマホ教室", "スマホ教室はありますか", "Smartphone classes", "Are there smartphone classes?"),
    ),
    "out_of_scope": (
        ("よくある質問", "よくある質問", "Frequently asked questions", "Frequently asked questions"),
        ("人と話したい", "人と話したい", "Talk to a person", "I want to talk to a person"),
    ),
}  # fmt: skip


def small_talk_reply(intent: str, *, language: str) -> Reply:
    """The reply to a greeting, thanks, goodbye, a question about the bot, an insult or an off-topic message."""
    ja, en = _TEXTS[intent]
    english = language == "en"
    text = en if english else _EASY.get(intent, ja) if language == "easy" else ja
    buttons = tuple(Button(b[2], b[3]) if english else Button(b[0], b[1]) for b in _BUTTONS.get(intent, ()))
    return Reply(text, buttons)
