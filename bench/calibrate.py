"""Choose the fusion weight and the thresholds on the DEV question set (never on the test set).

    python -m bench.calibrate

Prints the best settings; copy them into `knowledge.search.SearchConfig` and note them in docs/benchmarks.md.
Each threshold maximises (share of answerable questions answered correctly) + (share of the others handed off),
with a bonus for reaching 0.95 handoffs: a wrong answer costs more than a handoff.
"""

from __future__ import annotations

import json
from dataclasses import replace

from knowledge import SearchConfig, SearchResult
from knowledge.evaluation import Question, load_questions
from knowledge.search import Mode
from knowledge.text import has_japanese

from .common import DEV_SET, searcher

WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6)
OPEN = SearchConfig(threshold=-1e9, threshold_dense=-1e9, threshold_lexical=-1e9)

Row = tuple[float, bool, bool]  # best score, best is acceptable, answerable


def _score(result: SearchResult) -> float:
    """The best score, or -inf when the best entry lacks a fact the question asks for (always handed off)."""
    return result.best.score if result.best and not result.missing else float("-inf")


def _rows(config: SearchConfig, questions: list[Question], mode: Mode) -> list[Row]:
    s = searcher(config)
    rows = []
    for q in questions:
        r = s.search(q.q, municipality=q.municipality, mode=mode)
        rows.append((_score(r), bool(r.best and r.best.entry.id in q.expect), q.answerable))
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
    japanese = [q for q in questions if has_japanese(q.q)]
    fused = {w: best_threshold(_rows(replace(OPEN, lexical_weight=w), japanese, "hybrid")) for w in WEIGHTS}
    weight, (threshold, value) = max(fused.items(), key=lambda kv: kv[1][1])
    threshold_dense, _ = best_threshold(_rows(OPEN, questions, "dense"))
    threshold_lexical, _ = best_threshold(_rows(OPEN, japanese, "lexical"))
    return {
        "lexical_weight": weight,
        "threshold": round(threshold, 4),
        "threshold_dense": round(threshold_dense, 4),
        "threshold_lexical": round(threshold_lexical, 4),
        "objective": round(value, 3),
    }


if __name__ == "__main__":
    print(json.dumps(calibrate(load_questions(DEV_SET)), indent=2))
