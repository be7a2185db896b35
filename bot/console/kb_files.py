"""知識ベースの CSV: export for Excel, and import with a row-by-row report before anything is written."""

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from knowledge import Entry, RowError, entries_to_csv, parse_csv

from .accounts import Session
from .web import Console, Guard

__all__ = ["kb_files_router"]

MAX_BYTES = 5 * 1024 * 1024


def _blocking(errors: list[RowError]) -> list[RowError]:
    """The errors that stop an import (an unknown column is only skipped), as `madoguchi kb import` decides."""
    return [e for e in errors if e.row > 1 or "見出し" in e.message]


def kb_files_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/kb", include_in_schema=False)
    Staff = Annotated[Session, Depends(Guard(console, roles=frozenset({"editor"})))]

    @router.get("/export.csv")
    async def export(session: Staff, retired: str = "") -> Response:
        entries = await console.run(lambda: console.store.entries(include_retired=bool(retired)))
        headers = {"Content-Disposition": 'attachment; filename="madoguchi-kb.csv"', "Cache-Control": "no-store"}
        return Response(entries_to_csv(entries), media_type="text/csv; charset=utf-8", headers=headers)

    @router.get("/import")
    async def form(request: Request, session: Staff) -> Response:
        return console.page("kb_import.html", request=request, session=session, report=None)

    @router.post("/import")
    async def check(request: Request, session: Staff) -> Response:
        upload = (await request.form()).get("file")
        raw = b""
        if isinstance(upload, UploadFile):
            raw = await upload.read(MAX_BYTES + 1)
            await upload.close()
        if not raw or len(raw) > MAX_BYTES:
            return console.page(
                "kb_import.html",
                request=request,
                session=session,
                report=None,
                problem="CSV ファイル（5MB まで）を選んでください。",
            )
        report = await _report(raw)
        return console.page(
            "kb_import.html", request=request, session=session, report=report, data=base64.b64encode(raw).decode()
        )

    async def _report(raw: bytes) -> dict[str, object]:
        try:
            entries, errors = parse_csv(raw)
        except ValueError as exc:
            entries, errors = [], [RowError(1, "", str(exc))]
        rows = []
        for entry in entries:
            old: Entry | None = await console.run(console.store.get, entry.id)
            change = "追加" if old is None else ("変更なし" if old == entry else "更新")
            rows.append({"id": entry.id, "question": entry.question, "change": change})
        return {"rows": rows, "errors": errors, "blocking": _blocking(errors)}

    @router.post("/import/apply")
    async def apply(request: Request, session: Staff) -> Response:
        raw = b""
        try:
            raw = base64.b64decode(str((await request.form()).get("data") or ""), validate=True)
            entries, errors = parse_csv(raw)
        except (ValueError, binascii.Error):
            entries, errors = [], [RowError(1, "", "ファイルが読めません")]
        if _blocking(errors) or not entries:
            report = await _report(raw) if not errors else {"rows": [], "errors": errors, "blocking": errors}
            return console.page(
                "kb_import.html", request=request, session=session, report=report, problem="何も書き込みませんでした。"
            )
        before = {e.id: await console.run(console.store.get, e.id) for e in entries}
        result = await console.run(lambda: console.store.import_entries(entries, origin="csv"))
        await console.record(session, action="kb.import", target="kb:csv", after=result.__dict__)
        for entry in entries:  # each entry written, with what it was, as an edit in the form would be
            if entry.id in result.added or entry.id in result.updated:
                old = before[entry.id]
                await console.record(session, action="kb.import", target=f"kb:{entry.id}",
                                     before=old.to_dict() if old else None, after=entry.to_dict())  # fmt: skip
        return console.page("kb_import.html", request=request, session=session, report=None, done=result.summary())

    return router
