"""Choose the fusion weights and the thresholds on the DEV question set (never on a test set).

    python -m bench.calibrate

Prints the best settings; copy them into `knowledge.search.SearchConfig` and note them in docs/benchmarks.md.
Each threshold maximises (share of answerable questions answered correctly) + (share of the others handed off),
with a bonus for reaching 0.95 handoffs: a wrong answer costs more than a handoff. Japanese and English
questions have their own weights and thresholds.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

from knowledge import SearchConfig, SearchResult
from knowledge.evaluation import Question, load_questions
from knowledge.search import Mode, Searcher
from knowledge.text import has_japanese

from .common import DEV_SET, searcher

LEXICAL = (0.0, 0.05, 0.1, 0.2, 0.3)
ANSWER = (0.0, 0.25, 0.5, 1.0)
ENGLISH = (0.0, 0.1, 0.2, 0.4)
OPEN = SearchConfig(threshold=-1e9, threshold_en=-1e9, threshold_dense=-1e9, threshold_lexical=-1e9)

Row = tuple[float, bool, bool]  # best score, best is acceptable, answerable


def _score(result: SearchResult) -> float:
    """The best score, or -inf when the best entry lacks a fact the question asks for (always handed off)."""
    return result.best.score if result.best and not result.missing else float("-inf")


def _rows(s: Searcher, config: SearchConfig, questions: list[Question], mode: Mode) -> list[Row]:
    rows = []
    for q in questions:
        r = s.search(q.q, municipality=q.municipality, mode=mode, config=config)
        rows.append((_score(r), bool(r.best and q.accepts(r.best.entry, language=r.language)), q.answerable))
    return rows


def best_threshold(rows: list[Row]) -> tuple[float, float]:
    answerable = sum(1 for _, _, a in rows if a) or 1
    unanswerable = sum(1 for _, _, a in rows if not a) or 1
    best = (-1.0, 0.0)
    for t in sorted({round(s, 4) for s, _, _ in rows if s != float("-inf")}):
        top1 = sum(1 for s, ok, a in rows if a and ok and s >= t) / answerable
        handoff = sum(1 for s, _, a in rows if not a and s < t) / unanswerable
        value = top1 + handoff + (0.5 if handoff >= 0.95 else 0.0)
        if value > best[0]:
            best = (value, t)
    return best[1] - 1e-4, best[0]


def calibrate(questions: list[Question]) -> dict[str, float]:
    s = searcher()
    japanese = [q for q in questions if has_japanese(q.q)]
    english = [q for q in questions if not has_japanese(q.q)]
    ja = {
        (lw, aw): best_threshold(_rows(s, replace(OPEN, lexical_weight=lw, answer_weight=aw), japanese, "hybrid"))
        for lw, aw in itertools.product(LEXICAL, ANSWER)
    }
    (lexical_weight, answer_weight), (threshold, value_ja) = max(ja.items(), key=lambda kv: kv[1][1])
    en = {
        (aw, ew): best_threshold(_rows(s, replace(OPEN, answer_weight_en=aw, english_weight=ew), english, "hybrid"))
        for aw, ew in itertools.product(ANSWER, ENGLISH)
    }
    (answer_weight_en, english_weight), (threshold_en, value_en) = max(en.items(), key=lambda kv: kv[1][1])
    threshold_dense, _ = best_threshold(_rows(s, OPEN, questions, "dense"))
    threshold_lexical, _ = best_threshold(_rows(s, OPEN, japanese, "lexical"))
    return {
        "lexical_weight": lexical_weight,
        "answer_weight": answer_weight,
        "threshold": round(threshold, 4),
        "answer_weight_en": answer_weight_en,
        "english_weight": english_weight,
        "threshold_en": round(threshold_en, 4),
        "threshold_dense": round(threshold_dense, 4),
        "threshold_lexical": round(threshold_lexical, 4),
        "objective_ja": round(value_ja, 3),
        "objective_en": round(value_en, 3),
    }


if __name__ == "__main__":
    print(json.dumps(calibrate(load_questions(DEV_SET)), indent=2))
