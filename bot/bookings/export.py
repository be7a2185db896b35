"""What staff take away from the calendar: status labels in Japanese and the roster as CSV for Excel."""

from __future__ import annotations

import csv
import io

from .models import Booking

__all__ = ["CSV_HEADERS", "STATUS_JA", "roster_csv"]

STATUS_JA = {
    "confirmed": "予約",
    "waitlisted": "キャンセル待ち",
    "cancelled": "取消",
    "attended": "出席",
    "no_show": "欠席",
}
CSV_HEADERS = ["予約番号", "状態", "待ち順", "お名前", "よみがな", "電話番号", "連絡先のお名前", "連絡先の電話番号", "予約経路", "予約日時"]  # fmt: skip


def roster_csv(roster: list[Booking]) -> bytes:
    """The roster as CSV for Excel (UTF-8 with BOM, Japanese headers)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for b in roster:
        writer.writerow(
            [b.id, STATUS_JA[b.status], b.waitlist_position if b.status == "waitlisted" else "", b.name, b.reading,
             b.phone, b.contact_name, b.contact_phone, b.booked_by, b.created_at]
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
