"""Japanese tokenizer for Rasa 3.6, built on SudachiPy.

`SudachiTokenizer` is a graph component for Rasa's ``default.v1`` recipe. It splits a
message with SudachiPy (split mode C by default: the longest units, e.g.
「マイナンバーカード」 stays one token) and gives every token its surface form as text and
Sudachi's normalized form as lemma (「ください」 -> 「下さる」, 「ｺﾝﾋﾞﾆ」 -> 「コンビニ」), so
that featurizers with ``use_lemma`` see one spelling per word.

The text is NFKC-normalised before tokenising (full-width 「ＡＢＣ」 -> 「ABC」) only when
that keeps every character in place; otherwise the original text is tokenised, so token
offsets always point into the message text that Rasa stores (entities depend on it).
English and other Latin-script text goes through Sudachi too.

Rasa's process imports this module, so it must import nothing from the project: only
the standard library, ``rasa`` and ``sudachipy``.

Config (``config.yml``)::

    - name: bot.nlu.sudachi_tokenizer.SudachiTokenizer
      mode: C          # Sudachi split mode: A (short), B (middle) or C (long)
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from sudachipy import Dictionary, SplitMode
from sudachipy import Tokenizer as SudachiCore

_SPLIT_MODES: dict[str, SplitMode] = {
    "A": SplitMode.A,
    "B": SplitMode.B,
    "C": SplitMode.C,
}

# Sudachi refuses inputs above ~49 KB of UTF-8; 8,000 characters stay below it.
_MAX_CHUNK_CHARS = 8000


def normalize_in_place(text: str) -> str:
    """Returns NFKC(text) if it keeps every character at its offset, else `text`."""
    normalized = unicodedata.normalize("NFKC", text)
    if normalized == text:
        return text
    per_char = "".join(unicodedata.normalize("NFKC", char) for char in text)
    # NFKC never maps a character to nothing, so equal lengths with a per-character
    # result equal to the whole-string result means a one-to-one character mapping.
    if len(normalized) == len(text) and per_char == normalized:
        return normalized
    return text


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class SudachiTokenizer(Tokenizer):
    """Tokenizes Japanese (and English) text with SudachiPy."""

    @staticmethod
    def supported_languages() -> list[str] | None:
        """Returns the languages this tokenizer is meant for."""
        return ["ja", "en"]

    @staticmethod
    def required_packages() -> list[str]:
        """Returns the Python packages this component needs."""
        return ["sudachipy"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config."""
        return {
            # Sudachi split mode: "A" (shortest units), "B" or "C" (longest units)
            "mode": "C",
            # options of Rasa's Tokenizer base class
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        """Initialises the tokenizer; the Sudachi dictionary loads on first use."""
        super().__init__(config)
        mode = str(config.get("mode", "C")).upper()
        if mode not in _SPLIT_MODES:
            raise ValueError(
                f"SudachiTokenizer: unknown mode {config.get('mode')!r}, expected one of {sorted(_SPLIT_MODES)}."
            )
        self._mode = _SPLIT_MODES[mode]
        self._sudachi: SudachiCore | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SudachiTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def _tokenizer(self) -> SudachiCore:
        if self._sudachi is None:
            self._sudachi = Dictionary().tokenizer(mode=self._mode)
        return self._sudachi

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes the text of `attribute`; offsets refer to the original text."""
        text: str = message.get(attribute)
        source = normalize_in_place(text)
        sudachi = self._tokenizer()

        tokens: list[Token] = []
        for chunk_start in range(0, len(source), _MAX_CHUNK_CHARS):
            chunk = source[chunk_start : chunk_start + _MAX_CHUNK_CHARS]
            for morpheme in sudachi.tokenize(chunk):
                surface = morpheme.surface()
                if not surface.strip():
                    continue
                tokens.append(
                    Token(
                        surface,
                        chunk_start + morpheme.begin(),
                        chunk_start + morpheme.end(),
                        lemma=morpheme.normalized_form(),
                    )
                )

        if not tokens:
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
