"""Accuracy on a question set, dense-only, lexical-only and hybrid side by side.

python -m bench.accuracy [--dev] [--failures]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from knowledge import SearchConfig
from knowledge.evaluation import Report, evaluate, load_questions

from .common import DEV_SET, TEST_SET, searcher

MODES = ("dense", "lexical", "hybrid", "learned")


def run(path=TEST_SET, config: SearchConfig | None = None) -> dict[str, Report]:  # type: ignore[no-untyped-def]
    questions = load_questions(path)
    s = searcher(config)
    return {mode: evaluate(s, questions, mode=mode) for mode in MODES}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", action="store_true", help="the dev set instead of the test set")
    parser.add_argument("--failures", action="store_true")
    parser.add_argument(
        "--set",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="override a SearchConfig field, e.g. --set threshold 1.0",
    )
    args = parser.parse_args()
    config = replace(SearchConfig(), **{k: float(v) for k, v in args.set})
    reports = run(DEV_SET if args.dev else TEST_SET, config)
    for report in reports.values():
        print(json.dumps(report.summary(), ensure_ascii=False))
    if args.failures:
        for o in reports["hybrid"].failures():
            best = o.result.best
            got = f"{best.entry.id} {best.score:.3f} (d {best.dense:.3f} l {best.lexical:.3f})" if best else "-"
            state = "answered" if o.result.answered else "handoff"
            print(f"[{o.question.kind}] {o.question.q} | expect {list(o.question.expect)} | {state}: {got}")


if __name__ == "__main__":
    main()
