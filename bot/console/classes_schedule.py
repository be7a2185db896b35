"""教室の予定: the calendar, adding sessions (one day, or every week skipping holidays) and the venues.

The same store calls as `madoguchi slots add|generate` and `madoguchi venues add`; every rule is the store's.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from ..bookings import TOKYO, BookingError, japanese_when, save_venue, session_days
from ..bookings.models import WEEKDAYS
from .accounts import Session
from .web import Console, Guard, Refused

__all__ = ["japanese_day", "schedule_router"]

SLOT_FIELDS = ("type_code", "repeat", "day", "until", "at", "minutes", "venue_id", "venue_name", "venue_address",
               "capacity", "notes")  # fmt: skip
VENUE_FIELDS = ("name", "address", "access_notes", "accessibility")


class Problem(ValueError):
    """What is wrong with the form, in plain Japanese."""


def japanese_day(day: date) -> str:
    return f"{day.month}月{day.day}日({WEEKDAYS[day.weekday()]})"


def _day(text: str, label: str) -> date:
    if not text:
        raise Problem(f"{label}を入れてください。")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Problem(
            f"{label}「{text}」は日付として読めません。カレンダーから選んでください（例: 2026-12-03）。"
        ) from None


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise Problem(
            "始まる時刻を入れてください（例: 10:00）。" if not text else f"時刻「{text}」は読めません。"
        ) from None


def _number(text: str, label: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Problem(f"{label}は数字で入れてください。") from None


def _new_venue(form: dict[str, str]) -> bool:
    return form["venue_id"] in ("", "new")


def _plan(form: dict[str, str]) -> tuple[list[date], list[date], dict[str, Any]]:
    """The days to add, the closed days skipped, and the slot's details; Problem when the form cannot be read."""
    first, at = _day(form["day"], "日付"), _clock(form["at"])
    if form["repeat"] == "weekly":
        try:
            days, skipped = session_days(first, _day(form["until"], "最後の日"))
        except ValueError as exc:
            raise Problem(str(exc)) from None
        if not days:
            raise Problem("その期間の日は、すべて休日か年末年始です。何も追加していません。")
    else:
        days, skipped = [first], []
    slot = {
        "type_code": form["type_code"],
        "starts_at": datetime.combine(days[0], at),
        "minutes": _number(form["minutes"], "時間（分）"),
        "capacity": _number(form["capacity"], "定員"),
        "notes": form["notes"],
    }
    if _new_venue(form) and not form["venue_name"]:
        raise Problem("会場を選ぶか、新しい会場の名前を入れてください。")
    return days, skipped, slot


def schedule_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/classes", include_in_schema=False)
    Staff = Annotated[Session, Depends(Guard(console, roles=frozenset({"operator"})))]
    bookings = console.bookings

    async def refused(call: Callable[[], Any]) -> tuple[Any, str]:
        try:
            return await console.run(call), ""
        except (BookingError, Problem) as exc:
            return None, str(exc)

    async def calendar_page(
        request: Request, session: Session, *, past: str = "", added: int = 0, skipped: str = "", **extra: Any
    ) -> Response:
        today = datetime.now(TOKYO).replace(hour=0, minute=0, second=0, microsecond=0)
        since = today - timedelta(days=28) if past else today
        slots = await console.run(lambda: bookings.slots(since=since, until=today + timedelta(days=120)))
        venues = await console.run(bookings.venues)
        types = await console.run(bookings.session_types)
        try:
            skipped_days = [japanese_day(date.fromisoformat(d)) for d in skipped.split(",") if d]
        except ValueError:
            skipped_days = []
        return console.page(
            "classes.html",
            request=request,
            session=session,
            slots=slots,
            venues=venues,
            venue_names={v.id: v.name for v in venues},
            types=types,
            type_names={t.code: t.name for t in types},
            when=japanese_when,
            past=bool(past),
            added=added,
            skipped=skipped_days,
            form=extra.pop("form", {"repeat": "once", "minutes": "90", "at": "10:00"}),
            **extra,
        )

    @router.get("")
    async def calendar(request: Request, session: Staff, past: str = "", added: int = 0, skipped: str = "") -> Response:
        return await calendar_page(request, session, past=past, added=added, skipped=skipped)

    def add(form: dict[str, str]) -> tuple[list[Any], list[date], Any, Any]:
        days, skipped, slot = _plan(form)
        bookings.check_slot(slot["type_code"], minutes=slot["minutes"], capacity=slot["capacity"])
        venue_before = venue = None
        if _new_venue(form):
            venue_before = bookings.venue_named(form["venue_name"])
            venue = save_venue(bookings, form["venue_name"], address=form["venue_address"] or None)
        at, type_code = slot.pop("starts_at").time(), slot.pop("type_code")
        venue_id = venue.id if venue else _number(form["venue_id"], "会場")
        made = [
            bookings.add_slot(type_code, starts_at=datetime.combine(d, at), venue_id=venue_id, **slot) for d in days
        ]
        return made, skipped, venue_before, venue

    @router.post("/new")
    async def new(request: Request, session: Staff) -> Response:
        sent = await request.form()
        form = {field: str(sent.get(field) or "").strip() for field in SLOT_FIELDS}
        done, problem = await refused(lambda: add(form))
        if done is None:
            response = await calendar_page(request, session, form=form, problem=problem)
            response.status_code = 422
            return response
        made, skipped, venue_before, venue = done
        if venue is not None and venue != venue_before:
            action = "venue.add" if venue_before is None else "venue.save"
            before = venue_before.to_dict() if venue_before else None
            await console.record(
                session, action=action, target=f"venue:{venue.id}", before=before, after=venue.to_dict()
            )
        for slot in made:
            await console.record(session, action="slot.add", target=f"slot:{slot.id}", after=slot.to_dict())
        skipped_days = ",".join(d.isoformat() for d in skipped)
        return RedirectResponse(f"/admin/classes?added={len(made)}&skipped={skipped_days}", status_code=303)

    async def venues_page(request: Request, session: Session, *, edit: int = 0, **extra: Any) -> Response:
        venues = await console.run(bookings.venues)
        editing = next((v for v in venues if v.id == edit), None)
        if edit and editing is None:
            raise Refused(404, f"会場 {edit} はありません。")
        form = extra.pop("form", editing.to_dict() if editing else {})
        return console.page(
            "venues.html", request=request, session=session, venues=venues, editing=editing, form=form, **extra
        )

    @router.get("/venues")
    async def venues(request: Request, session: Staff, edit: int = 0, done: str = "") -> Response:
        return await venues_page(request, session, edit=edit, done=done)

    @router.post("/venues")
    async def add_venue(request: Request, session: Staff) -> Response:
        return await save(request, session, venue_id=0)

    @router.post("/venues/{venue_id}")
    async def edit_venue(request: Request, session: Staff, venue_id: int) -> Response:
        return await save(request, session, venue_id=venue_id)

    async def save(request: Request, session: Session, *, venue_id: int) -> Response:
        sent = await request.form()
        form = {field: str(sent.get(field) or "").strip() for field in VENUE_FIELDS}
        before = await console.run(bookings.venue, venue_id) if venue_id else None
        if venue_id and before is None:
            raise Refused(404, f"会場 {venue_id} はありません。")
        name, venue = before.name if before else form["name"], None
        if not name:
            problem = "会場の名前を入れてください。"
        elif before is None and await console.run(bookings.venue_named, name) is not None:
            problem = f"「{name}」はもう登録されています。一覧の「直す」から変えてください。"
        else:
            details = {field: form[field] for field in VENUE_FIELDS[1:]}
            venue, problem = await refused(lambda: save_venue(bookings, name, **details))
        if venue is None:
            response = await venues_page(request, session, edit=venue_id, form=form, problem=problem)
            response.status_code = 422
            return response
        action = "venue.save" if before else "venue.add"
        await console.record(
            session,
            action=action,
            target=f"venue:{venue.id}",
            before=before.to_dict() if before else None,
            after=venue.to_dict(),
        )
        return RedirectResponse(f"/admin/classes/venues?done={action}", status_code=303)

    return router
