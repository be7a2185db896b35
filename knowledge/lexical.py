"""A small character n-gram TF-IDF index (cosine), kept in plain Python dictionaries.

Fast enough for a municipality's FAQ (thousands of short texts), and free of heavy imports.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

__all__ = ["LexicalIndex", "char_ngrams"]


def char_ngrams(text: str, *, n_min: int = 1, n_max: int = 3) -> Counter[str]:
    """Character n-grams inside each space-separated word, padded with spaces (like sklearn's char_wb)."""
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        for n in range(n_min, n_max + 1):
            if n == 1:
                grams.update(word)
                continue
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class LexicalIndex:
    """TF-IDF (sublinear tf, smoothed idf, L2-normalised) over a fixed list of documents."""

    def __init__(self, documents: Sequence[str]) -> None:
        counts = [char_ngrams(d) for d in documents]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(documents)
        self._idf = {g: math.log((1 + n) / (1 + f)) + 1.0 for g, f in df.items()}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.size = n
        for doc, c in enumerate(counts):
            for gram, weight in self._weights(c).items():
                self._postings[gram].append((doc, weight))

    def _weights(self, counts: Counter[str]) -> dict[str, float]:
        raw = {g: (1 + math.log(tf)) * self._idf[g] for g, tf in counts.items() if g in self._idf}
        norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
        return {g: w / norm for g, w in raw.items()}

    def scores(self, query: str) -> list[float]:
        """Cosine similarity of the query to every document, in document order."""
        out = [0.0] * self.size
        for gram, qw in self._weights(char_ngrams(query)).items():
            for doc, dw in self._postings.get(gram, ()):
                out[doc] += qw * dw
        return out
