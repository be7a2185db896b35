"""Katakana readings through SudachiPy: what lets 「じゅうみんひょう」 find 「住民票」."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .text import has_japanese, hiragana_to_katakana, normalize

__all__ = ["Reader"]


class Reader:
    """Turns Japanese text into its katakana reading, word by word, separated by spaces.

    The SudachiPy dictionary (about 200 MB) is loaded on first use, not at import.
    """

    def __init__(self, *, mode: str = "C") -> None:
        self._mode = mode
        self._tokenizer: Any = None
        self.reading = lru_cache(maxsize=8192)(self._reading)

    def _load(self) -> Any:
        if self._tokenizer is None:
            from sudachipy import Dictionary  # heavy: the dictionary is loaded here

            self._tokenizer = Dictionary().tokenizer(mode=self._mode)
        return self._tokenizer

    def _reading(self, text: str) -> str:
        text = normalize(text)
        if not has_japanese(text):
            return text
        words = []
        for m in self._load().tokenize(text):
            surface = m.surface()
            if surface.isspace():
                continue
            reading = m.reading_form()
            # Unknown words and symbols come back with an empty or odd reading: keep their kana form.
            words.append(reading if reading and has_japanese(reading) else hiragana_to_katakana(surface))
        return " ".join(words)
