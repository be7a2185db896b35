"""知識ベース: search, read, edit, add and retire entries, and ask the bot a question to see what it matches."""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from knowledge import STATUSES, Entry, normalize
from knowledge.loader import CSV_COLUMNS, entry_to_row, parse_entry

from .accounts import Session
from .evidence import Evidence
from .web import Console, Guard, Refused

__all__ = ["entry_from_form", "kb_router"]

FIELDS = tuple(column for column in CSV_COLUMNS if column != "retired")  # retiring has its own button


def entry_from_form(form: dict[str, str]) -> Entry:
    """An entry from the edit form, checked by the same rules as a CSV or YAML import (ValueError if wrong)."""
    value = {k: (form.get(k) or "").strip() for k in FIELDS}
    try:
        lines = [int(n) for n in value["source_lines"].replace("、", ",").split(",") if n.strip()]
    except ValueError as exc:
        raise ValueError("出典の行は数字をカンマで区切って書いてください") from exc
    return parse_entry(
        {
            **value,
            "variants": value["variants"].splitlines(),
            "source": {"file": value["source_file"], "lines": lines},
            "contact": {
                "name": value["contact_name"],
                "phone": value["contact_phone"],
                "email": value["contact_email"],
            },
            "related": value["related"].split(),
            "retired": form.get("published") != "1",
        }
    )


def _form_of(entry: Entry) -> dict[str, Any]:
    row: dict[str, Any] = entry_to_row(entry)
    row["published"] = not row.pop("retired")
    return row


def _matches(entry: Entry, words: list[str]) -> bool:
    text = normalize(" ".join((entry.id, entry.question, *entry.variants, entry.answer, entry.category)))
    return all(w in text for w in words)


def kb_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/kb", include_in_schema=False)
    editor = Guard(console, roles=frozenset({"editor"}))
    Staff = Annotated[Session, Depends(editor)]
    evidence = Evidence(console.logbook.db)

    @router.get("")
    async def index(
        request: Request, session: Staff, q: str = "", ask: str = "", retired: str = "", m: str = "", status: str = ""
    ) -> Response:
        entries = await console.run(lambda: console.store.entries(include_retired=bool(retired)))
        words = [w for w in normalize(q).split() if w]
        shown = [e for e in entries if _matches(e, words) and m in ("", e.municipality) and status in ("", e.status)]
        resident = console.municipality or None  # as the bot answers a resident of a one-municipality deployment
        preview = (
            await console.run(lambda: console.searcher.search(ask, municipality=resident, limit=5))
            if ask.strip()
            else None
        )
        return console.page(
            "kb_list.html",
            request=request,
            session=session,
            entries=shown,
            total=len(entries),
            q=q,
            ask=ask,
            retired=bool(retired),
            preview=preview,
            m=m,
            status=status,
            statuses=STATUSES,
            municipalities=sorted({e.municipality for e in entries}),
        )

    @router.get("/new")
    async def new(request: Request, session: Staff) -> Response:
        form = {"municipality": console.municipality or "national", "status": STATUSES[0], "published": True}
        return console.page(
            "kb_edit.html", request=request, session=session, form=form, statuses=STATUSES, new=True, errors=[]
        )

    @router.get("/entry/{entry_id}")
    async def show(request: Request, session: Staff, entry_id: str, saved: str = "") -> Response:
        entry = await console.run(console.store.get, entry_id)
        if entry is None:
            raise Refused(404, "その項目はありません。")
        unhelpful = await console.run(lambda: evidence.unhelpful(faq_id=entry_id))
        history = await console.run(lambda: console.audit.records(target=f"kb:{entry_id}", limit=20))
        return console.page(
            "kb_edit.html",
            request=request,
            session=session,
            form=_form_of(entry),
            statuses=STATUSES,
            new=False,
            errors=[],
            saved=bool(saved),
            unhelpful=unhelpful,
            history=history,
        )

    @router.post("/entry/{entry_id}")
    async def save(request: Request, session: Staff, entry_id: str) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        new = form.get("new") == "1"
        if not new:
            form["id"] = entry_id
        try:
            entry = entry_from_form(form)
        except ValueError as exc:
            return _invalid(request, session=session, form=form, new=new, errors=[str(exc)])
        old = await console.run(console.store.get, entry.id)
        if new and old is not None:
            return _invalid(
                request, session=session, form=form, new=new, errors=[f"id「{entry.id}」はすでに使われています"]
            )
        await console.run(console.store.save, entry)
        await console.record(
            session,
            action="kb.save",
            target=f"kb:{entry.id}",
            before=old.to_dict() if old else None,
            after=entry.to_dict(),
        )
        return RedirectResponse(f"/admin/kb/entry/{entry.id}?saved=1", status_code=303)

    def _invalid(request: Request, *, session: Session, form: dict[str, Any], new: bool, errors: list[str]) -> Response:
        form = {**form, "published": form.get("published") == "1"}
        response = console.page(
            "kb_edit.html", request=request, session=session, form=form, statuses=STATUSES, new=new, errors=errors
        )
        response.status_code = 422
        return response

    @router.post("/entry/{entry_id}/retire")
    async def retire(session: Staff, entry_id: str) -> Response:
        old = await console.run(console.store.get, entry_id)
        if old is None:
            raise Refused(404, "その項目はありません。")
        await console.run(console.store.save, replace(old, retired=True))
        await console.record(
            session, action="kb.retire", target=f"kb:{entry_id}", before=old.to_dict(), after={"retired": True}
        )
        return RedirectResponse(f"/admin/kb/entry/{entry_id}?saved=1", status_code=303)

    return router
