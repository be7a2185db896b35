"""未回答の質問: what residents asked that the bot handed off, grouped and ranked; a group becomes a draft entry."""

import secrets
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from knowledge import STATUSES, Entry

from .accounts import Session
from .evidence import Evidence, QuestionGroup
from .web import Console, Guard, Refused

__all__ = ["DRAFT_ANSWER", "unanswered_router"]

DRAFT_ANSWER = "（ここに回答を書いてください）"
TOKYO = ZoneInfo("Asia/Tokyo")


def draft_entry(group: QuestionGroup, *, municipality: str) -> Entry:
    """A draft from a group of questions: not shown to residents until staff write the answer and publish it."""
    now = datetime.now(TOKYO)
    return Entry(
        id=f"draft-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}",
        municipality=group.municipality or municipality or "national",
        category="",
        question=group.text,
        variants=tuple(group.variants),
        answer=DRAFT_ANSWER,
        status=STATUSES[0],
        as_of=now.date().isoformat(),
        retired=True,
    )


def unanswered_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/unanswered", include_in_schema=False)
    Staff = Annotated[Session, Depends(Guard(console, roles=frozenset({"editor"})))]
    evidence = Evidence(console.logbook.db)

    @router.get("")
    async def index(request: Request, session: Staff) -> Response:
        groups = await console.run(evidence.unanswered_groups)
        unhelpful = await console.run(evidence.unhelpful_by_entry)
        questions = {row["faq_id"]: await console.run(console.store.get, row["faq_id"]) for row in unhelpful}
        recent = await console.run(lambda: evidence.unhelpful(limit=30))
        return console.page(
            "unanswered.html",
            request=request,
            session=session,
            groups=groups,
            unhelpful=unhelpful,
            entries=questions,
            recent=recent,
        )

    @router.post("/draft")
    async def draft(session: Staff, text: Annotated[str, Form()]) -> Response:
        groups = await console.run(evidence.unanswered_groups)
        group = next((g for g in groups if g.text == text), None)
        if group is None:
            raise Refused(404, "その質問は見つかりません。画面を開き直してください。")
        entry = draft_entry(group, municipality=console.municipality)
        await console.run(console.store.save, entry)
        await console.record(session, action="kb.draft", target=f"kb:{entry.id}", after=entry.to_dict())
        return RedirectResponse(f"/admin/kb/entry/{entry.id}", status_code=303)

    return router
