"""Routing by meaning: which messages are nothing but small talk or a place, and which are questions.

Rasa's intent says what a message looks like; it does not say that nothing else is in it. 「こんにちは。コンビニで
住民票は取れますか？」 looks like a greeting and 「大田区 担当課 電話番号」 like choosing one's municipality, yet both are
questions. So a message is answered as small talk or as a choice of municipality only when it is nothing but that;
anything more is searched, and the small-talk reply wins only when the search finds nothing confident.
"""

from __future__ import annotations

import re

from knowledge import Entry, Municipality, SearchResult
from knowledge.text import has_words, normalize

__all__ = [
    "PLACE_DEPENDENT",
    "SMALL_TALK",
    "is_only_place",
    "looks_like_booking",
    "needs_place",
    "shared_answer",
    "strip_small_talk",
    "topical",
]

#: intents whose canned reply (utter_<intent>) answers a message that is nothing but that
SMALL_TALK = ("greet", "goodbye", "thanks", "bot_challenge", "insult", "out_of_scope")

_POLITE = (
    r"こんにち[はわ]|こんばん[はわ]|おはよう(ございます|さん)?|はじめまして|初めまして|よろしく(お願い(します|いたします))?|"
    r"どうも|もしもし|すみません|すいません|失礼します|お疲れさまです|お疲れ様です|お世話になって(おり|い)ます|"
    r"ありがとう(ございます|ございました)?|助かりました|さようなら|またね|ハロー|やあ|"
    r"hello|hi|hey|hiya|good (morning|afternoon|evening)|thanks?( you)?( very much| so much)?|bye|excuse me|please"
)
_EDGE = re.compile(rf"^\s*({_POLITE})[\s!！。、,.?？~〜ー…]*|[\s!！。、,.~〜]*({_POLITE})[\s!！。、,.~〜ー…]*$", re.I)
_LIVING = re.compile(
    r"(に|で)?(住んで(い)?(ます|る|ます。)|すんで(い)?(ます|る)|在住(です)?|の住民です|区民です|市民です|です|だよ|"
    r"でお願いします|をお願いします|を選びます|に設定して|に変更して|お願いします)|"
    r"\b(i live in|i'm in|i am in|i'm from|my city is|city|ward|please|ku|shi)\b|[区市]$",
    re.I,
)
_BOOKING = re.compile(
    r"(予約|申し?込|よやく|もうしこ|参加し|受けたい|教わりたい|教えてもら|手伝って|てつだって|サポート).{0,12}"
    r"(たい|ます|ください|もらえ|いただけ|でき|可能|お願い|ほしい|欲しい)|"
    r"\b(book|reserve|sign (me )?up|register|join|help me (apply|with)|can (someone|you) help)\b",
    re.I,
)


def strip_small_talk(text: str) -> str:
    """The message without the greetings and thanks around it (「こんにちは。…ありがとう」 → 「…」)."""
    rest = text.strip()
    while True:
        shorter = _EDGE.sub("", rest, count=1).strip()
        if shorter == rest:
            return rest
        rest = shorter


def is_only_place(text: str, municipalities: list[Municipality]) -> bool:
    """True when the message says nothing but where the resident lives (「足立区です」, "I live in Ota")."""
    rest = normalize(text)
    names = sorted({normalize(n) for m in municipalities for n in m.names()}, key=len, reverse=True)
    if not any(name in rest for name in names):
        return False
    for name in names:
        rest = rest.replace(name, " ")
    rest = _LIVING.sub(" ", strip_small_talk(rest))
    return not has_words(rest)


def looks_like_booking(text: str) -> bool:
    """A request to book a class or help, however it is phrased (the caller offers the booking buttons)."""
    return bool(_BOOKING.search(normalize(text)))


#: kinds of procedure that every municipality runs its own way: without knowing where the resident lives, one
#: municipality's answer would mislead
PLACE_DEPENDENT = frozenset(
    {"ライフイベント", "窓口", "証明書・コンビニ交付", "子育て", "介護・高齢者", "税・支払い", "くらし・ごみ"}
)
_NEAR = 0.03  # another municipality's entry this close to the best one answers the same question there


def needs_place(result: SearchResult) -> bool:
    """True when the best answer is one municipality's, none is known, and the answer differs by municipality."""
    best = result.best
    if best is None or best.entry.shared or result.municipality:
        return False
    if best.entry.category in PLACE_DEPENDENT:
        return True
    others = [h for h in result.hits[1:] if not h.entry.shared and h.entry.municipality != best.entry.municipality]
    return any(h.score >= max(result.threshold, best.score - _NEAR) for h in others)


_TOPICAL = 0.1  # a best hit this close to the threshold: a question on a known topic, not small talk


def topical(result: SearchResult) -> bool:
    """The message is about a municipality or a known topic, even though nothing answers it: hand it off."""
    best = result.best
    return bool(result.named_municipality or result.other_place) or (
        best is not None and best.score >= result.threshold - _TOPICAL
    )


def shared_answer(result: SearchResult) -> Entry | None:
    """A national or Tokyo-wide entry among the confident hits: what holds wherever the resident lives."""
    return next((h.entry for h in result.hits if h.entry.shared and h.score >= result.threshold), None)
