"""Learn the fusion weights (knowledge/fusion.py) from the seed corpus alone, then pick thresholds on DEV.

    python -m bench.fusion

Every way of asking an entry (its question and variants) is asked against the corpus without that one text: its
own entry is the positive, every other entry a negative (choosing only the nearest as negatives taught the model
that a high dense score is a bad sign). One logistic model for Japanese
questions and one for English. No test or dev question is used to learn the weights; the thresholds are then
chosen on the dev set as `bench.calibrate` does.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from knowledge import SearchConfig
from knowledge.evaluation import load_questions
from knowledge.facts import asked_facts
from knowledge.fusion import FEATURES, Fusion
from knowledge.text import has_japanese

from .calibrate import best_threshold
from .common import DEV_SET, searcher


def training_rows() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    s = searcher()
    s.refresh()
    index = s._index
    assert index is not None
    rows: dict[str, list[np.ndarray]] = {"ja": [], "en": []}
    labels: dict[str, list[np.ndarray]] = {"ja": [], "en": []}
    for d, (doc, owner) in enumerate(zip(index.docs, index.owners, strict=True)):
        english = not has_japanese(doc)
        channels = index.channels(doc, index.dense[d], english=english, skip_doc=d)
        features = s.features(channels, asked=sorted(asked_facts(doc)))
        lang = "en" if english else "ja"
        rows[lang].append(features)
        labels[lang].append((np.arange(len(features)) == owner).astype(np.int64))
    return {k: (np.concatenate(rows[k]), np.concatenate(labels[k])) for k in rows}


def learn() -> Fusion:
    from sklearn.linear_model import LogisticRegression

    weights = {}
    for lang, (x, y) in training_rows().items():
        model = LogisticRegression(C=10.0, max_iter=2000).fit(x, y)
        weights[lang] = tuple(round(float(w), 3) for w in [*model.coef_[0], model.intercept_[0]])
    return Fusion(ja=weights["ja"], en=weights["en"])


def thresholds(fusion: Fusion) -> dict[str, float]:
    config = replace(SearchConfig(), fusion=fusion, threshold_learned=-1.0, threshold_learned_en=-1.0)
    s = searcher(config)
    out = {}
    for lang, pick in (("ja", has_japanese), ("en", lambda t: not has_japanese(t))):
        rows = []
        for q in (q for q in load_questions(DEV_SET) if pick(q.q)):
            r = s.search(q.q, municipality=q.municipality, mode="learned")
            score = r.best.score if r.best and not r.missing else float("-inf")
            rows.append((score, bool(r.best and q.accepts(r.best.entry, language=r.language)), q.answerable))
        out[lang], _ = best_threshold(rows)
    return {"threshold_learned": round(out["ja"], 4), "threshold_learned_en": round(out["en"], 4)}


def main() -> None:
    fusion = learn()
    print(json.dumps({"features": FEATURES, "ja": fusion.ja, "en": fusion.en, **thresholds(fusion)}, indent=2))


if __name__ == "__main__":
    main()
