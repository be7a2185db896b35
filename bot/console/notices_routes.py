"""お知らせ: build a segment and see whom it reaches, write a notice, test it on staff accounts, schedule it,
and follow its delivery. Over `bot.notices.NoticeStore`, the store `madoguchi notices` uses."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..notices import STATUS_JA, NoticeError, SegmentError, Version, parse_where, validate
from ..notices.trial import send_test
from .accounts import Session
from .web import Console, Guard, no_store

__all__ = ["notices_router"]

TOKYO = ZoneInfo("Asia/Tokyo")
LANGUAGE_FIELDS = {"ja": "本文", "easy": "やさしい日本語", "en": "English"}
COUNTS_JA = {"recipients": "対象", "sent": "送信済み", "failed": "失敗", "blocked": "ブロック",
             "unfollowed": "友だち解除", "withdrawn": "配信停止", "pending": "待ち"}  # fmt: skip


def _tokyo(utc: str | None) -> str:
    if not utc:
        return ""
    return datetime.fromisoformat(utc + "+00:00").astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def _when(at: str) -> datetime | None:
    """A time typed in Tokyo (`2026-12-03T10:00`), or None for now; ValueError when it cannot be read."""
    return datetime.fromisoformat(at).replace(tzinfo=TOKYO) if at else None


def notices_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/notices", include_in_schema=False)
    Staff = Annotated[Session, Depends(Guard(console, roles=frozenset({"operator"})))]
    store, outbox = console.notices, console.outbox

    async def refused(call: Callable[[], Any]) -> tuple[Any, str]:
        try:
            return await console.run(call), ""
        except (NoticeError, SegmentError, ValueError) as exc:
            return None, str(exc)

    def overview(where: list[str]) -> dict[str, Any]:
        segments = store.segments()
        reach = {s.id: store.reach(s.filter).total for s in segments}
        notices = [(n, outbox.counts(n.id)) for n in reversed(store.notices())]
        chosen = store.reach(validate(parse_where(where), store.vocabulary)) if where else None
        return {"segments": segments, "reach": reach, "notices": notices, "chosen": chosen}

    async def page(
        request: Request, session: Session, *, where: list[str], problem: str = "", **extra: Any
    ) -> Response:
        data, counting = await refused(lambda: overview(where))
        if data is None:  # the segment being built is wrong: say so, and show the rest
            data, _ = await refused(lambda: overview([]))
        problem = problem or counting
        context = {**data, **extra, "where": set(where), "problem": problem}
        response = console.page(
            "notices.html",
            request=request,
            session=session,
            **context,
            vocabulary=store.vocabulary,
            status_ja=STATUS_JA,
            counts_ja=COUNTS_JA,
            tokyo=_tokyo,
            languages=LANGUAGE_FIELDS,
            test_addresses=console.test_addresses,
        )
        response.status_code = 422 if problem else 200
        return response

    @router.get("")
    async def index(request: Request, session: Staff, done: str = "") -> Response:
        return await page(request, session, where=[], done=done)

    @router.post("/reach")
    async def reach(request: Request, session: Staff) -> Response:
        where = [str(w) for w in (await request.form()).getlist("w")]
        if request.headers.get("accept") == "application/json":  # the page's script counts as boxes are ticked
            found, problem = await refused(lambda: store.reach(validate(parse_where(where), store.vocabulary)))
            body = {"total": found.total, "by_channel": dict(found.by_channel)} if found else {"problem": problem}
            return no_store(JSONResponse(body, status_code=200 if found else 422))
        return await page(request, session, where=where)

    @router.post("/segments")
    async def save_segment(request: Request, session: Staff) -> Response:
        form = await request.form()
        where, name = [str(w) for w in form.getlist("w")], str(form.get("name") or "").strip()
        if not name:
            return await page(request, session, where=where, problem="セグメントの名前を入れてください。")
        segment, problem = await refused(lambda: store.save_segment(name, parse_where(where)))
        if segment is None:
            return await page(request, session, where=where, problem=problem)
        await console.record(session, action="segment.save", target=f"segment:{name}", after=segment.to_dict())
        return RedirectResponse("/admin/notices?done=segment", status_code=303)

    @router.post("/create")
    async def create(request: Request, session: Staff) -> Response:
        form = {k: str(v).strip() for k, v in (await request.form()).items()}
        versions = {
            lang: Version(lang, form[lang], (), form.get("link", "")) for lang in LANGUAGE_FIELDS if form.get(lang)
        }
        notice, problem = await refused(
            lambda: store.create(
                form.get("title") or "（題名なし）",
                segment=form.get("segment", ""),
                versions=versions,
                emergency=form.get("emergency") == "1",
            )
        )
        if notice is None:
            return await page(request, session, where=[], problem=problem, draft=form)
        await console.record(session, action="notice.create", target=f"notice:{notice.id}", after=notice.to_dict())
        return RedirectResponse("/admin/notices?done=created", status_code=303)

    @router.post("/{notice_id}/{change}")
    async def change(request: Request, session: Staff, notice_id: int, change: str) -> Response:
        form = await request.form()
        if change == "schedule":
            at = str(form.get("at") or "")
            notice, problem = await refused(lambda: store.schedule(notice_id, at=_when(at)))
        elif change == "cancel":
            notice, problem = await refused(lambda: store.cancel(notice_id))
        elif change == "test":
            notice, problem = await refused(lambda: store.notice(notice_id))
            if notice is not None:
                problem = await _test_send(console, notice)
        else:
            notice, problem = None, "その操作はありません。"
        if notice is None or problem:
            return await page(request, session, where=[], problem=problem)
        await console.record(session, action=f"notice.{change}", target=f"notice:{notice_id}", after=notice.to_dict())
        return RedirectResponse(f"/admin/notices?done={change}", status_code=303)

    return router


async def _test_send(console: Console, notice: Any) -> str:
    """Every version to the staff accounts of MADOGUCHI_STAFF_TEST_ADDRESSES, through the app's outbound channels."""
    if not console.test_addresses or console.push is None:
        return "試し送信の宛先がありません。MADOGUCHI_STAFF_TEST_ADDRESSES に職員のアカウントを設定してください。"
    failed = []
    for lang in notice.versions:
        for address, problem in await send_test(
            console.push, notice.version(lang).reply(), addresses=console.test_addresses
        ):
            if problem:
                failed.append(f"{address}（{lang}）: {problem}")
    return "試し送信できなかった宛先があります: " + "、".join(failed) if failed else ""
