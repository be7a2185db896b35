"""Which specific facts a question asks for, and whether an answer holds them.

A resident who asks 「手数料はいくら？」 needs a fee. If the best entry has no fee in it, answering with it would
look like an answer without being one, so the caller hands off instead: the bot never presents a fee, a time,
a deadline, a phone number or a floor that its knowledge base does not have.
"""

from __future__ import annotations

import re

from .models import Entry

__all__ = ["FACTS", "asked_facts", "missing_facts"]

# fact: (what a question asking for it looks like, what an answer holding it looks like)
FACTS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "fee": (
        # the amount is asked (「手数料はいくら」, "what is the fee"), not the way to pay it (「手数料をカードで払える？」)
        re.compile(
            r"いくら|何円|(料金|手数料|費用|値段|利用料|使用料)(は|って|が(かか|必要|いる|知り))|"
            r"(料金|手数料|費用)$|お金.{0,4}(かか|いる|要る)|how much|what (is|are) the (fees?|costs?|charges?)|"
            r"\bcosts? (of|for)\b|\bis (it|there a) (free|fee|charge)",
            re.I,
        ),
        re.compile(r"\d[\d,]*\s*円|無料|かかりません|¥|\byen\b|\bfree\b", re.I),
    ),
    "time": (
        re.compile(
            r"何時|なんじ|時間帯|開庁時間|営業時間|受付時間|開いてる時間|what time|opening hours|\bhours\b", re.I
        ),
        re.compile(r"\d{1,2}\s*[:：時]\s*\d{0,2}|24時間|\d{1,2}\s*(a\.?m|p\.?m)", re.I),
    ),
    "deadline": (
        re.compile(r"何日以内|なんにち|いつまでに|期限|締め?切|しめきり|deadline|within how many days", re.I),
        re.compile(r"\d+\s*日以内|\d+\s*か?月以内|期限は|締め?切りは|\d+月\d+日まで|within \d+", re.I),
    ),
    "phone": (
        re.compile(r"電話番号|何番|なんばん|phone number|\bcall\b", re.I),
        re.compile(r"\d{2,4}-\d{2,4}-\d{3,4}"),
    ),
    "floor": (
        re.compile(r"何階|なんかい|どこに置いて|which floor", re.I),
        re.compile(r"\d+\s*階|floor", re.I),
    ),
    "url": (
        re.compile(
            r"url|アドレス(は|を|教)|ホームページの(場所|リンク)|リンク(は|を)|ログインページ|web ?site address|\blink\b",
            re.I,
        ),
        re.compile(r"https?://|www\.", re.I),
    ),
    "next_date": (  # the next session of something: a plan gives none
        re.compile(
            r"次(は|の|回).{0,6}(いつ|日程|日にち|会場)|次回|日程(は|を|と)|when is the next|next (date|session)", re.I
        ),
        re.compile(r"\d+月\d+日|\d{4}-\d{2}-\d{2}"),
    ),
    "count": (
        re.compile(
            r"何(台|人|件|か所|カ所|ヶ所|ポイント|個|校|店|種類|言語)|いくつ(ある|あり|の|くらい)|how many", re.I
        ),
        re.compile(
            r"[\d０-９][\d,，]*\s*(台|人|名|件|か所|カ所|ヶ所|ポイント|個|校|店舗|種類|言語|手続|施設|団体|%|％)|"
            r"\d[\d,]*\s*(terminals?|people|residents|procedures|cases|languages|places|schools|shops|stores)",
            re.I,
        ),
    ),
    "reservation": (
        re.compile(r"予約(が|は)?(必要|いる|要る|いります)|need (a|an) (reservation|appointment|booking)", re.I),
        re.compile(r"予約(が|は)?(必要|不要|いりません|なし)|予約制|要予約|no (reservation|appointment)", re.I),
    ),
    "outcome": (  # whether a plan's target was reached, or how it turned out: only the municipality knows
        re.compile(
            r"達成(でき|し)た|本当に.{0,12}(超え|増え|なっ|でき)た|結局.{0,12}(され|なっ|でき)|actually (did|got|reached)|did .{0,30} actually",
            re.I,
        ),
        re.compile(r"(?!)"),
    ),
}


def asked_facts(question: str) -> set[str]:
    return {name for name, (asks, _) in FACTS.items() if asks.search(question)}


def missing_facts(question: str, entry: Entry) -> set[str]:
    """The facts the question asks for that the entry's answer (or contact) does not hold."""
    text = " ".join((entry.answer, entry.answer_en, entry.contact.get("phone", "")))
    return {name for name in asked_facts(question) if not FACTS[name][1].search(text)}
