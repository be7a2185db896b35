"""The specifics of a plan's sentence (counts, shares, dates, times, amounts) and whether an answer keeps them.

A resident who asks how many procedures can be done online needs the number, not a description of the system.
The seed corpus is checked with `missing_figures`: every figure of an entry's source lines is in its answer,
unless the entry says why it leaves one out (`left_out` in the seed YAML).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["figures", "missing_figures"]

_NUMBER = r"[0-9０-９][0-9０-９,，.．]*"
_UNIT = (
    r"(万|億)?(件|％|%|人|名|世帯|年度|年|か月|ヶ月|カ月|月|日|時|分|円|回|台|箇所|か所|カ所|校|種類|倍|割|"
    r"言語|団体|店舗|時間|手続|施設|拠点|台数|項目|歳)"
)
_FIGURE = re.compile(rf"((令和|平成)\s*(元|{_NUMBER})\s*年度?(\s*{_NUMBER}\s*月)?|{_NUMBER}\s*{_UNIT})")


def _norm(text: str) -> str:
    return re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", text))


def figures(text: str) -> list[str]:
    """The figures a text states, normalised (NFKC, no spaces or thousands separators), in order, once each."""
    return list(dict.fromkeys(_norm(m.group(0)) for m in _FIGURE.finditer(text)))


def missing_figures(answer: str, source: Iterable[str], *, left_out: Iterable[str] = ()) -> list[str]:
    """The figures of the source lines that the answer does not hold and that are not excused."""
    held = _norm(answer)
    excused = {_norm(f) for f in left_out}
    return [f for f in figures(" ".join(source)) if f not in held and f not in excused]
