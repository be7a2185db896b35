"""Which parts of the plans no entry cites: the sections staff (and we) still have to turn into entries.

A plan is cut into sections at its headings (「第4節 …」, 「1 オンライン申請システム」, 「(3) …」, 「① …」). A section is
*cited* when an entry's source lines fall inside it. Sections that hold nothing a resident needs (the table of
contents, the plan's own schedule of committee meetings, the city hall's internal network) are listed with the
reason in `knowledge/data/uncited/<plan>.yaml`, so that what is left uncited is exactly what is still missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from .models import Entry

__all__ = ["PlanCoverage", "Section", "cited_lines", "plan_coverage", "read_exclusions", "sections", "seed_figure_gaps"]

_HEADING = re.compile(
    r"^(第[0-9０-９一二三四五六七八九十]+[章節部]|[0-9０-９]{1,2}(\.[0-9]{1,2})?[\s.．]|[（(][0-9０-９]{1,2}[)）]|"
    r"[①-⑳]|[■●◆]|【|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])"
)
_TOC = re.compile(r"(\.{4,}|…{2,}|・{4,})|\t\s*\d+\s*$|^\d{1,3}\t")  # dot leaders or a page number
_MAX_HEADING = 60


@dataclass(frozen=True)
class Section:
    start: int  # 1-based first line (the heading)
    end: int  # 1-based last line
    heading: str
    content: int  # lines a resident could read something in (not blank, not the table of contents)


@dataclass
class PlanCoverage:
    file: str
    sections: list[Section]
    cited: list[Section] = field(default_factory=list)
    excluded: list[tuple[Section, str]] = field(default_factory=list)
    uncited: list[Section] = field(default_factory=list)
    uncited_lines: list[int] = field(default_factory=list)  # content lines no entry cites, outside exclusions
    content_lines: int = 0

    @property
    def relevant(self) -> int:
        return len(self.cited) + len(self.uncited)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sections": len(self.sections),
            "cited": len(self.cited),
            "excluded": len(self.excluded),
            "uncited": [{"lines": [s.start, s.end], "heading": s.heading} for s in self.uncited],
            "content_lines": self.content_lines,
            "uncited_lines": len(self.uncited_lines),
        }


def _is_heading(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= _MAX_HEADING and not text.endswith("。") and bool(_HEADING.match(text))


def _is_content(line: str) -> bool:
    text = line.strip()
    return len(text) >= 6 and not _TOC.search(text)


def _is_sentence(line: str) -> bool:
    """A line that states something (a sentence, a table row, a bullet), not a heading or a caption."""
    text = line.strip()
    return len(text) >= 20 and not _TOC.search(text) and not _is_heading(text)


def sections(lines: list[str]) -> list[Section]:
    """The plan cut at its headings; text before the first heading is a section of its own."""
    starts = [i for i, line in enumerate(lines) if _is_heading(line) and not _TOC.search(line)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(lines)]
    found = []
    for a, b in pairwise(bounds):
        body = lines[a:b]
        heading = lines[a].strip()[:_MAX_HEADING] if _is_heading(lines[a]) else "(冒頭)"
        found.append(Section(a + 1, b, heading, sum(_is_content(x) for x in body[1:] or body)))
    return found


def cited_lines(entries: Iterable[Entry]) -> dict[str, set[int]]:
    """Every plan line some live entry cites; two numbers are a range, more are single lines."""
    cited: dict[str, set[int]] = {}
    for entry in entries:
        if entry.retired or not entry.source_file or not entry.source_lines:
            continue
        lines = entry.source_lines
        span = range(min(lines), max(lines) + 1) if len(lines) == 2 else lines
        cited.setdefault(entry.source_file, set()).update(span)
    return cited


def read_exclusions(directory: Path) -> dict[str, list[tuple[int, int, str]]]:
    """`knowledge/data/uncited/<plan>[.part].yaml`: per plan, the line ranges that need no entry, and why."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else ():
        ranges = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        plan = found.setdefault(path.name.split(".")[0] + ".txt", [])
        plan += [(int(r["lines"][0]), int(r["lines"][-1]), str(r["why"])) for r in ranges]
    return found


def plan_coverage(
    plans: Mapping[str, list[str]],
    entries: Iterable[Entry],
    *,
    exclusions: Mapping[str, list[tuple[int, int, str]]] | None = None,
) -> list[PlanCoverage]:
    """For each plan (file name -> lines), its sections sorted into cited, excluded (with why) and uncited."""
    cited = cited_lines(entries)
    report = []
    for name, lines in sorted(plans.items()):
        coverage = PlanCoverage(name, sections(lines))
        lines_cited = cited.get(name, set())
        ranges = (exclusions or {}).get(name, [])
        for section in coverage.sections:
            if any(section.start <= n <= section.end for n in lines_cited):
                coverage.cited.append(section)
            elif why := next((w for a, b, w in ranges if a <= section.start and section.end <= b), None):
                coverage.excluded.append((section, why))
            elif section.content:
                coverage.uncited.append(section)
        excluded = {n for a, b, _ in ranges for n in range(a, b + 1)}
        content = [n for n, line in enumerate(lines, 1) if _is_sentence(line) and n not in excluded]
        coverage.content_lines = len(content)
        coverage.uncited_lines = [n for n in content if n not in lines_cited]
        report.append(coverage)
    return report


def seed_figure_gaps(plans: Mapping[str, list[str]], directory: Path) -> dict[str, list[str]]:
    """Per seed entry id, the figures of its source lines its answer leaves out without a `left_out` reason."""
    from .figures import missing_figures

    gaps = {}
    for path in sorted(directory.glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for item in items if isinstance(items, list) else ():
            source = item.get("source") or {}
            lines = [int(n) for n in source.get("lines") or ()]
            text = plans.get(str(source.get("file") or ""))
            if not lines or text is None:
                continue
            span = range(min(lines), max(lines) + 1) if len(lines) == 2 else lines
            cited = [text[n - 1] for n in span if 0 < n <= len(text)]
            answer = f"{item.get('answer', '')} {(item.get('contact') or {}).get('name', '')}"
            if missing := missing_figures(answer, cited, left_out=item.get("left_out") or {}):
                gaps[str(item["id"])] = missing
    return gaps
