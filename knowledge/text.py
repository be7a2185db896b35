"""Text clean-up shared by indexing and querying: one place, so both sides always agree."""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean", "has_japanese", "has_words", "hiragana_to_katakana", "is_english", "normalize"]

# OCR damage seen in the seed plans (research extract, Appendix B): Cyrillic letters inside katakana words,
# and a few misread words.
_OCR_FIXES = {
    "デバйд": "デバイド",
    "デバインド": "デバイド",
    "窓口到": "窓口に",
}
_CYRILLIC_TO_KANA = str.maketrans({"й": "イ", "д": "ド"})
_TAG = re.compile(r"<[^>]{1,200}>")
_SPACE = re.compile(r"\s+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ALNUM = re.compile(r"[0-9A-Za-z]")


def clean(text: str) -> str:
    """Make source text fit to show a resident: NFKC, no HTML, OCR damage mended, tidy spaces."""
    text = unicodedata.normalize("NFKC", html.unescape(_TAG.sub(" ", text)))
    for wrong, right in _OCR_FIXES.items():
        text = text.replace(wrong, right)
    if _JAPANESE.search(text):
        text = text.translate(_CYRILLIC_TO_KANA)
    return _SPACE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """The form used for matching: `clean`, then lower case and the long-vowel marks unified."""
    text = clean(text).lower()
    return text.replace("〜", "~").replace("～", "~").replace("－", "ー")


def has_japanese(text: str) -> bool:
    """True when the text holds any kana or kanji."""
    return _JAPANESE.search(text) is not None


def has_words(text: str) -> bool:
    """False for text of only spaces, emoji and punctuation: nothing a search could use."""
    return _JAPANESE.search(text) is not None or _ALNUM.search(unicodedata.normalize("NFKC", text)) is not None


def is_english(text: str) -> bool:
    """True for text written in Latin letters with no Japanese in it ("Can I ...?")."""
    return not has_japanese(text) and _LATIN_WORD.search(text) is not None


def hiragana_to_katakana(text: str) -> str:
    """ひらがな → カタカナ, leaving everything else alone."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
