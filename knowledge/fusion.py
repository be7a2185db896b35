"""A learned fusion of the search channels: one logistic model for Japanese questions, one for English.

Each entry gets a row of features for a question (the channel scores and whether it lacks a fact the question
asks for); the model turns the row into the probability that the entry answers the question. The weights are
learned by `python -m bench.fusion` from the seed corpus alone: every variant of every entry is asked as a
question against the corpus without that variant (so the model never sees a test or dev question), its own
entry is the positive, the others are negatives.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

__all__ = ["FEATURES", "Fusion", "english_words"]

#: the columns of a feature row
FEATURES = ("dense", "dense_answer", "reading", "surface", "english", "missing")

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "we",
        "you",
        "your",
        "is",
        "are",
        "am",
        "be",
        "do",
        "does",
        "can",
        "could",
        "will",
        "would",
        "should",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "and",
        "or",
        "it",
        "this",
        "that",
        "there",
        "what",
        "which",
        "how",
        "who",
        "when",
        "where",
        "please",
        "any",
        "some",
        "about",
        "from",
        "by",
        "as",
        "have",
        "has",
    ]
)


def english_words(text: str) -> Counter[str]:
    """Word unigrams and bigrams of English text, without stop words, crudely singular."""
    words = [w.rstrip("s") if len(w) > 3 else w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]
    grams = Counter(words)
    grams.update(f"{a}_{b}" for a, b in pairwise(words))
    return grams


@dataclass(frozen=True)
class Fusion:
    """Weights (one per feature, then the bias) for Japanese and for English questions."""

    ja: tuple[float, ...]
    en: tuple[float, ...]

    def probability(self, features: np.ndarray, *, english: bool) -> np.ndarray:
        weights = np.asarray(self.en if english else self.ja, dtype=np.float32)
        logit = features @ weights[:-1] + weights[-1]
        return np.asarray(1.0 / (1.0 + np.exp(-logit)), dtype=np.float32)
