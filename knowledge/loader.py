"""Reading and writing entries: the YAML seed corpus and staff's CSV files (Excel-friendly)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .models import STATUSES, Entry, Municipality
from .text import clean

__all__ = [
    "CSV_COLUMNS",
    "RowError",
    "entries_to_csv",
    "entry_to_row",
    "parse_csv",
    "parse_entry",
    "parse_yaml",
    "read_seed_entries",
    "read_seed_municipalities",
    "read_sources",
    "seed_dir",
]

CSV_COLUMNS = (
    "id",
    "municipality",
    "category",
    "question",
    "variants",
    "answer",
    "answer_easy",
    "answer_en",
    "status",
    "as_of",
    "source_file",
    "source_lines",
    "contact_name",
    "contact_phone",
    "contact_email",
    "related",
    "retired",
)
REQUIRED = ("id", "municipality", "question", "answer", "status")
_NOT_ENTRIES = {"municipalities.yaml", "sources.yaml"}


@dataclass(frozen=True)
class RowError:
    """A row that could not be read, and why, in words staff understand."""

    row: int  # 1-based line of the CSV (the header is line 1), or position in a YAML file
    entry_id: str
    message: str

    def __str__(self) -> str:
        where = f"{self.row}行目" + (f"（{self.entry_id}）" if self.entry_id else "")
        return f"{where}: {self.message}"


def seed_dir() -> Path:
    return Path(str(resources.files("knowledge") / "data"))


def _texts(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else str(value).splitlines()
    return tuple(t for t in (clean(str(i)) for i in items) if t)


def parse_entry(data: dict[str, Any]) -> Entry:
    """One entry from a YAML mapping; raises ValueError with a message staff can act on."""
    missing = [k for k in REQUIRED if not str(data.get(k) or "").strip()]
    if missing:
        raise ValueError(f"必須の項目がありません: {', '.join(missing)}")
    status = str(data["status"]).strip()
    if status not in STATUSES:
        raise ValueError(f"status「{status}」は使えません（{' / '.join(STATUSES)} のどれか）")
    source = data.get("source") or {}
    contact = {k: clean(str(v)) for k, v in (data.get("contact") or {}).items() if v}
    return Entry(
        id=str(data["id"]).strip(),
        municipality=str(data["municipality"]).strip(),
        category=clean(str(data.get("category") or "")),
        question=clean(str(data["question"])),
        answer=clean(str(data["answer"])),
        status=status,
        as_of=str(data.get("as_of") or "").strip(),
        variants=_texts(data.get("variants")),
        answer_easy=clean(str(data.get("answer_easy") or "")),
        answer_en=clean(str(data.get("answer_en") or "")),
        source_file=str(source.get("file") or ""),
        source_lines=tuple(int(n) for n in source.get("lines") or ()),
        contact=contact,
        related=tuple(str(r) for r in data.get("related") or ()),
        retired=bool(data.get("retired", False)),
    )


def read_seed_entries(directory: Path | None = None) -> list[Entry]:
    """Every entry of the seed corpus (`knowledge/data/*.yaml`), in file order."""
    directory = directory or seed_dir()
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name in _NOT_ENTRIES:
            continue
        found, errors = parse_yaml(path.read_bytes())
        if errors:
            raise ValueError(f"{path.name} {errors[0].row}番目: {errors[0].message}")
        entries += found
    return entries


def parse_yaml(raw: bytes) -> tuple[list[Entry], list[RowError]]:
    """Entries from a YAML list in the seed format, and one error per bad item (nothing is written here)."""
    try:
        items = yaml.safe_load(raw.decode("utf-8-sig")) or []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], [RowError(1, "", f"YAML として読めません: {exc}")]
    if not isinstance(items, list):
        return [], [RowError(1, "", "項目のリスト（- id: … の並び）にしてください")]
    entries, errors = [], []
    for position, item in enumerate(items, start=1):
        try:
            entries.append(parse_entry(item))
        except (ValueError, TypeError, AttributeError) as exc:
            errors.append(RowError(position, str(item.get("id", "")) if isinstance(item, dict) else "", str(exc)))
    return entries, errors


def read_seed_municipalities(directory: Path | None = None) -> list[Municipality]:
    path = (directory or seed_dir()) / "municipalities.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Municipality(
            code=str(i["code"]),
            name=i["name"],
            name_en=i.get("name_en", ""),
            kana=i.get("kana", ""),
            aliases=tuple(i.get("aliases") or ()),
            counter=i.get("counter", ""),
            phone=i.get("phone", ""),
            verified=bool(i.get("verified", False)),
        )
        for i in items
    ]


# -- CSV ------------------------------------------------------------------------------------------


def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or Shift_JIS (cp932), whichever the bytes are."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp932")
        except UnicodeDecodeError as exc:
            raise ValueError("文字コードが読めません。UTF-8 か Shift_JIS で保存してください。") from exc


def parse_csv(raw: bytes) -> tuple[list[Entry], list[RowError]]:
    """Entries from a staff CSV, and one error per bad row (nothing is written here)."""
    reader = csv.DictReader(io.StringIO(decode_csv(raw), newline=""))
    unknown = [c for c in reader.fieldnames or () if c not in CSV_COLUMNS]
    absent = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if absent:
        return [], [RowError(1, "", f"見出しの行に {', '.join(absent)} の列がありません")]
    errors = [RowError(1, "", f"知らない列は読み飛ばします: {', '.join(unknown)}")] if unknown else []
    entries: list[Entry] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        try:
            entry = parse_entry(_row_to_data(row))
        except (ValueError, TypeError) as exc:
            errors.append(RowError(line, (row.get("id") or "").strip(), str(exc)))
            continue
        if entry.id in seen:
            errors.append(RowError(line, entry.id, "同じ id がこのファイルの中で二回出てきます"))
            continue
        seen.add(entry.id)
        entries.append(entry)
    return entries, errors


def _row_to_data(row: dict[str, str | None]) -> dict[str, Any]:
    value = {k: (v or "").strip() for k, v in row.items() if k}
    lines = value.get("source_lines", "").replace("、", ",")
    try:
        numbers = [int(n) for n in lines.split(",") if n.strip()]
    except ValueError as exc:
        raise ValueError(f"source_lines「{lines}」は数字をカンマで区切って書いてください") from exc
    return {
        **value,
        "variants": value.get("variants", "").splitlines(),
        "source": {"file": value.get("source_file", ""), "lines": numbers},
        "contact": {
            "name": value.get("contact_name", ""),
            "phone": value.get("contact_phone", ""),
            "email": value.get("contact_email", ""),
        },
        "related": value.get("related", "").split(),
        "retired": value.get("retired", "").lower() in {"1", "true", "yes", "はい", "廃止"},
    }


def entry_to_row(entry: Entry) -> dict[str, str]:
    """An entry as one CSV row (the columns of `CSV_COLUMNS`), as staff edit it."""
    return {
        **entry.plain_fields(),
        "variants": "\n".join(entry.variants),
        "source_lines": ",".join(str(n) for n in entry.source_lines),
        "contact_name": entry.contact.get("name", ""),
        "contact_phone": entry.contact.get("phone", ""),
        "contact_email": entry.contact.get("email", ""),
        "related": " ".join(entry.related),
        "retired": "1" if entry.retired else "",
    }


def entries_to_csv(entries: Iterable[Entry]) -> bytes:
    """A CSV that Excel opens with the Japanese intact: UTF-8 with a BOM, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(entry_to_row(e) for e in entries)
    return buffer.getvalue().encode("utf-8-sig")


def iter_yaml(entries: Iterable[Entry]) -> Iterator[dict[str, Any]]:
    for e in entries:
        yield e.to_dict()


def read_sources(directory: Path | None = None) -> dict[str, dict[str, str]]:
    """The cited documents (title, municipality, date), by seed file name."""
    path = (directory or seed_dir()) / "sources.yaml"
    return {str(k): dict(v) for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}
