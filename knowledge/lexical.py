"""A small character n-gram TF-IDF index (cosine), like scikit-learn's char_wb, on a SciPy sparse matrix.

Fast enough for a municipality's FAQ (thousands of short texts): one query costs well under a millisecond.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

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

    def __init__(self, documents: Sequence[str], *, analyzer: Callable[[str], Counter[str]] = char_ngrams) -> None:
        from scipy.sparse import csr_matrix  # only when an index is built, not at import

        self._analyzer = analyzer
        counts = [analyzer(d) for d in documents]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(documents)
        self.size = n
        self._vocab = {gram: column for column, gram in enumerate(df)}
        self._idf = np.array([math.log((1 + n) / (1 + f)) + 1.0 for f in df.values()], dtype=np.float32)
        self._idf_list: list[float] = self._idf.tolist()  # plain floats: indexing numpy per gram is slow
        rows, cols, vals = [], [], []
        for doc, c in enumerate(counts):
            columns, weights = self._weights(c)
            rows += [doc] * len(columns)
            cols += columns
            vals += weights
        # grams × documents, so that a query selects the few rows of its own grams
        self._by_gram: Any = csr_matrix((vals, (cols, rows)), shape=(len(self._vocab), n), dtype=np.float32)

    def _weights(self, counts: Counter[str]) -> tuple[list[int], list[float]]:
        vocab, idf = self._vocab, self._idf_list
        columns = [vocab[g] for g in counts if g in vocab]
        raw = [(1 + math.log(counts[g])) * idf[vocab[g]] for g in counts if g in vocab]
        norm = math.sqrt(sum(w * w for w in raw)) or 1.0
        return columns, [w / norm for w in raw]

    def scores(self, query: str) -> np.ndarray:
        """Cosine similarity of the query to every document, in document order."""
        columns, weights = self._weights(self._analyzer(query))
        if not columns:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(np.asarray(weights, dtype=np.float32) @ self._by_gram[columns]).ravel()
