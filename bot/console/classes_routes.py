"""教室: the calendar of sessions, each roster, bookings taken by phone, attendance and the roster as CSV."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..booking_cli_common import STATUS_JA
from ..bookings import ATTENDED, NO_SHOW, TOKYO, BookingError, japanese_when
from ..bookings_cli import roster_csv
from .accounts import Session
from .web import Console, Guard, Refused

__all__ = ["classes_router"]


def classes_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/classes", include_in_schema=False)
    Staff = Annotated[Session, Depends(Guard(console, roles=frozenset({"operator"})))]
    bookings = console.bookings

    async def refused(call: Callable[[], Any]) -> tuple[Any, str]:
        try:
            return await console.run(call), ""
        except BookingError as exc:
            return None, str(exc)

    @router.get("")
    async def calendar(request: Request, session: Staff, past: str = "") -> Response:
        today = datetime.now(TOKYO).replace(hour=0, minute=0, second=0, microsecond=0)
        since = today - timedelta(days=28) if past else today
        slots = await console.run(lambda: bookings.slots(since=since, until=today + timedelta(days=120)))
        venues = {v.id: v.name for v in await console.run(bookings.venues)}
        types = {t.code: t.name for t in await console.run(bookings.session_types)}
        return console.page(
            "classes.html",
            request=request,
            session=session,
            slots=slots,
            venues=venues,
            types=types,
            when=japanese_when,
            past=bool(past),
        )

    async def roster_page(request: Request, *, session: Session, slot_id: int, **extra: Any) -> Response:
        slot, problem = await refused(lambda: bookings.slot(slot_id))
        if slot is None:
            raise Refused(404, problem)
        roster = await console.run(lambda: bookings.bookings(slot_id, include_cancelled=True))
        venue = await console.run(bookings.venue, slot.venue_id)
        return console.page(
            "roster.html",
            request=request,
            session=session,
            slot=slot,
            roster=roster,
            venue=venue,
            when=japanese_when(slot.starts_at),
            status_ja=STATUS_JA,
            **extra,
        )

    @router.get("/{slot_id}")
    async def roster(request: Request, session: Staff, slot_id: int, done: str = "") -> Response:
        return await roster_page(request, session=session, slot_id=slot_id, done=done)

    @router.post("/{slot_id}/book")
    async def book(
        request: Request,
        session: Staff,
        slot_id: int,
        name: Annotated[str, Form()] = "",
        phone: Annotated[str, Form()] = "",
        reading: Annotated[str, Form()] = "",
        contact_name: Annotated[str, Form()] = "",
        contact_phone: Annotated[str, Form()] = "",
    ) -> Response:
        person = {
            "name": name,
            "phone": phone,
            "reading": reading,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
        }
        booking, problem = await refused(lambda: bookings.book(slot_id, **person))
        if booking is None:
            response = await roster_page(request, session=session, slot_id=slot_id, problem=problem, person=person)
            response.status_code = 422
            return response
        await console.record(session, action="booking.add", target=f"slot:{slot_id}", after=booking.to_dict())
        return RedirectResponse(f"/admin/classes/{slot_id}?done=booked", status_code=303)

    @router.post("/booking/{booking_id}/{change}")
    async def change(request: Request, session: Staff, booking_id: int, change: str) -> Response:
        before, problem = await refused(lambda: bookings.booking(booking_id))
        if before is None:
            raise Refused(404, problem)
        if change == "cancel":
            result, problem = await refused(lambda: bookings.cancel(booking_id))
        elif change in (ATTENDED, NO_SHOW):
            result, problem = await refused(lambda: bookings.mark(booking_id, status=change))
        else:
            raise Refused(404, "その操作はありません。")
        if result is None:
            return await roster_page(request, session=session, slot_id=before.slot_id, problem=problem)
        await console.record(
            session,
            action=f"booking.{change}",
            target=f"booking:{booking_id}",
            before=before.to_dict(),
            after=result.to_dict(),
        )
        return RedirectResponse(f"/admin/classes/{before.slot_id}?done={change}", status_code=303)

    @router.get("/{slot_id}/roster.csv")
    async def export(session: Staff, slot_id: int) -> Response:
        roster, problem = await refused(lambda: bookings.bookings(slot_id, include_cancelled=True))
        if roster is None:
            raise Refused(404, problem)
        headers = {"Content-Disposition": f'attachment; filename="roster-{slot_id}.csv"', "Cache-Control": "no-store"}
        return Response(roster_csv(roster), media_type="text/csv; charset=utf-8", headers=headers)

    return router
