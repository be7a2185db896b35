"""Residents as CSV: moving an existing friend list in, and a list for Excel out.

One row per channel address. Attribute cells take the codes or the labels of bot/attributes.py, several values
separated by 「;」. Every row is checked before anything is written, and a bad row is reported with its line
number in words staff understand.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge.loader import RowError, decode_csv

from ..profile_desk import NIGHT
from .attributes import Attribute
from .store import Resident, Residents

__all__ = ["COLUMNS", "ResidentRow", "parse_residents", "residents_to_csv", "write_residents"]

# (column, the Japanese header of the export); imports take either, and line_user_id for a bare LINE user id
COLUMNS = (
    ("address", "アドレス"),
    ("consented_at", "同意日時"),
    ("consent_version", "同意文の版"),
    ("age_band", "年代"),
    ("household", "世帯"),
    ("children", "お子さんの年齢"),
    ("area", "地域"),
    ("language", "言語"),
    ("topics", "分野"),
    ("quiet_hours", "夜のお知らせ"),
)
_HEADERS = {ja: name for name, ja in COLUMNS} | {name: name for name, _ in COLUMNS}
_HEADERS |= {"line_user_id": "line_user_id", "LINEユーザーID": "line_user_id"}
_ADDRESS = re.compile(r"line:U[0-9a-f]{32}|tg:-?\d{1,20}")
_LINE_ID = re.compile(r"U[0-9a-f]{32}")
_ANYTIME = {"いつでも", "いつでもよい", "any", "anytime", "none", "なし"}
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-~〜～]\s*(\d{1,2}):(\d{2})")
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class ResidentRow:
    address: str
    consented_at: str
    consent_version: str
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quiet: tuple[str | None, str | None] = NIGHT


def _plain(text: str) -> str:
    """NFKC, and one wave dash: Excel's Shift_JIS turns 「〜」 into 「～」."""
    return unicodedata.normalize("NFKC", text).strip().replace("~", "〜")


def parse_residents(raw: bytes, vocabulary: Mapping[str, Attribute]) -> tuple[list[ResidentRow], list[RowError]]:
    """The rows of a CSV (UTF-8, UTF-8 with BOM, or Shift_JIS), and one error per bad row; nothing is written."""
    try:
        reader = csv.DictReader(io.StringIO(decode_csv(raw), newline=""))
    except ValueError as exc:
        return [], [RowError(1, "", str(exc))]
    headers = [_HEADERS.get(_plain(h)) for h in reader.fieldnames or ()]
    unknown = [h for h, known in zip(reader.fieldnames or (), headers, strict=True) if known is None]
    if unknown:
        return [], [RowError(1, "", f"見出しの行に知らない列があります: {', '.join(unknown)}")]
    if "address" not in headers and "line_user_id" not in headers:
        return [], [RowError(1, "", "見出しの行に address（アドレス）か line_user_id の列がありません")]
    rows: list[ResidentRow] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, raw_row in enumerate(reader, start=2):
        cells = {_HEADERS[_plain(k)]: _plain(v or "") for k, v in raw_row.items() if k}
        try:
            row = _row(cells, vocabulary)
        except ValueError as exc:
            errors.append(RowError(line, cells.get("address") or cells.get("line_user_id", ""), str(exc)))
            continue
        if row.address in seen:
            errors.append(RowError(line, row.address, "同じアドレスがこのファイルの中で二回出てきます"))
            continue
        seen.add(row.address)
        rows.append(row)
    return rows, errors


def _row(cells: Mapping[str, str], vocabulary: Mapping[str, Attribute]) -> ResidentRow:
    address = cells.get("address") or ""
    if not address and cells.get("line_user_id"):
        if not _LINE_ID.fullmatch(cells["line_user_id"]):
            raise ValueError(f"line_user_id「{cells['line_user_id']}」は U で始まる33文字のIDではありません")
        address = "line:" + cells["line_user_id"]
    if not address:
        raise ValueError("アドレス（address か line_user_id）がありません")
    if not _ADDRESS.fullmatch(address):
        raise ValueError(f"アドレス「{address}」は line:U… か tg:… の形ではありません")
    if not cells.get("consent_version"):
        raise ValueError("同意文の版（consent_version）がありません。同意した人だけを読み込めます")
    attributes = {}
    for name in ("age_band", "household", "children", "area", "language", "topics"):
        if cells.get(name):
            attributes[name] = _values(name, cells[name], vocabulary)
    return ResidentRow(
        address,
        _when(cells.get("consented_at", "")),
        cells["consent_version"],
        attributes,
        _quiet(cells.get("quiet_hours", "")),
    )


def _values(name: str, cell: str, vocabulary: Mapping[str, Attribute]) -> tuple[str, ...]:
    if name not in vocabulary:
        raise ValueError(f"地域「{cell}」: この自治体には地域の一覧がありません（MADOGUCHI_AREAS）")
    attribute = vocabulary[name]
    by_text = {key: c.code for c in attribute.choices for key in (c.code, _plain(c.ja), _plain(c.en).casefold())}
    parts = [p.strip() for p in re.split(r"[;；]", cell) if p.strip()]
    if len(parts) > 1 and not attribute.multi:
        raise ValueError(f"{attribute.ja}には一つだけ書いてください（「{cell}」）")
    codes = []
    for part in parts:
        code = by_text.get(part) or by_text.get(part.casefold())
        if code is None:
            choices = "、".join(c.ja for c in attribute.choices)
            raise ValueError(f"{attribute.ja}「{part}」は選べる値ではありません（{choices}）")
        codes.append(code)
    return tuple(c for c in attribute.codes() if c in codes)


def _when(cell: str) -> str:
    if not cell:
        raise ValueError("同意日時（consented_at）がありません")
    try:
        moment = datetime.fromisoformat(cell.replace("/", "-"))
    except ValueError as exc:
        raise ValueError(f"同意日時「{cell}」が読めません（例: 2026-11-01 10:00）") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TOKYO)
    return moment.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds")


def _quiet(cell: str) -> tuple[str | None, str | None]:
    if not cell:
        return NIGHT
    if cell.casefold() in _ANYTIME:
        return (None, None)
    hours = _HOURS.fullmatch(cell)
    if not hours or int(hours[1]) > 23 or int(hours[3]) > 23:
        raise ValueError(f"夜のお知らせ「{cell}」は「21:00-08:00」か「いつでも」と書いてください")
    return (f"{int(hours[1]):02d}:{hours[2]}", f"{int(hours[3]):02d}:{hours[4]}")


def write_residents(residents: Residents, rows: Iterable[ResidentRow]) -> int:
    """Record each row's consent (with its date and wording), attributes and quiet hours; how many rows."""
    count = 0
    for row in rows:
        residents.consent(row.address, version=row.consent_version, at=row.consented_at)
        for name, values in row.attributes.items():
            residents.set_attribute(row.address, name, values)
        if "language" in row.attributes:
            residents.set_language(row.address, row.attributes["language"][0])
        residents.set_quiet_hours(row.address, *row.quiet)
        count += 1
    return count


def residents_to_csv(residents: Residents, *, everyone: bool = False) -> tuple[bytes, int]:
    """Residents who agreed to notices (`everyone`: all of them) as CSV for Excel: UTF-8 with BOM, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([ja for _, ja in COLUMNS])
    count = 0
    for resident, addresses in residents.everyone():
        if not (everyone or resident.consented):
            continue
        for address in addresses:
            writer.writerow(_cells(resident, address, residents.attributes(address)))
            count += 1
    return buffer.getvalue().encode("utf-8-sig"), count


def _cells(resident: Resident, address: str, attributes: Mapping[str, tuple[str, ...]]) -> list[str]:
    quiet = f"{resident.quiet_start}-{resident.quiet_end}" if resident.quiet_start else "いつでも"
    names = ("age_band", "household", "children", "area", "language", "topics")
    return [
        address,
        resident.consented_at or "",
        resident.consent_version or "",
        *(";".join(attributes.get(name, ())) for name in names),
        quiet if resident.consented else "",
    ]
