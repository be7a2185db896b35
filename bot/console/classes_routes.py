"""教室: each session's roster, bookings taken by phone, attendance, seats, calling a session off, the roster as
CSV. The calendar, adding sessions and the venues are in `classes_schedule`."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..bookings import ATTENDED, NO_SHOW, STATUS_JA, Booking, BookingError, japanese_when, roster_csv
from .accounts import Session
from .classes_schedule import schedule_router
from .web import Console, Guard, Refused

__all__ = ["classes_router"]


def classes_router(console: Console) -> APIRouter:
    router = schedule_router(console)  # at /admin/classes; its /venues and /new come before /{slot_id}
    Staff = Annotated[Session, Depends(Guard(console, roles=frozenset({"operator"})))]
    bookings = console.bookings

    async def refused(call: Callable[[], Any]) -> tuple[Any, str]:
        try:
            return await console.run(call), ""
        except BookingError as exc:
            return None, str(exc)

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

    @router.post("/{slot_id}/capacity")
    async def capacity(
        request: Request, session: Staff, slot_id: int, capacity: Annotated[str, Form()] = ""
    ) -> Response:
        before, problem = await refused(lambda: bookings.slot(slot_id))
        if before is None:
            raise Refused(404, problem)
        seats = int(capacity) if capacity.strip().isdigit() else None
        if seats is None:
            promoted, problem = None, "定員は数字で入れてください。"
        else:
            promoted, problem = await refused(lambda: bookings.set_capacity(slot_id, seats))
        if promoted is None:
            return await told_page(request, session, slot_id, problem=problem)
        after = await console.run(bookings.slot, slot_id)
        changes = {**after.to_dict(), "promoted": [b.to_dict() for b in promoted]}
        await console.record(
            session, action="slot.capacity", target=f"slot:{slot_id}", before=before.to_dict(), after=changes
        )
        return await told_page(request, session, slot_id, done="capacity", told=promoted)

    @router.post("/{slot_id}/cancel")
    async def cancel_slot(
        request: Request, session: Staff, slot_id: int, tell: Annotated[str, Form()] = ""
    ) -> Response:
        before, problem = await refused(lambda: bookings.slot(slot_id))
        if before is None:
            raise Refused(404, problem)
        if tell != "1":
            problem = "中止するときは「予約した方に中止をお知らせします」に印をつけてください。"
            return await told_page(request, session, slot_id, problem=problem)
        affected, problem = await refused(lambda: bookings.cancel_slot(slot_id))
        if affected is None:
            return await told_page(request, session, slot_id, problem=problem)
        after = {"cancelled": True, "bookings": [b.to_dict() for b in affected]}
        await console.record(
            session, action="slot.cancel", target=f"slot:{slot_id}", before=before.to_dict(), after=after
        )
        return await told_page(request, session, slot_id, done="slot_cancelled", told=affected)

    async def told_page(
        request: Request,
        session: Session,
        slot_id: int,
        *,
        problem: str = "",
        told: list[Booking] | None = None,
        **extra: Any,
    ) -> Response:
        """The roster after a change to the session: who the app will tell, and whom staff should phone."""
        people = told or []
        by_chat = [b for b in people if b.booked_by]
        by_phone = [b for b in people if not b.booked_by]
        response = await roster_page(
            request,
            session=session,
            slot_id=slot_id,
            problem=problem,
            told=people,
            by_chat=by_chat,
            by_phone=by_phone,
            **extra,
        )
        response.status_code = 422 if problem else 200
        return response

    @router.get("/{slot_id}/roster.csv")
    async def export(session: Staff, slot_id: int) -> Response:
        roster, problem = await refused(lambda: bookings.bookings(slot_id, include_cancelled=True))
        if roster is None:
            raise Refused(404, problem)
        headers = {"Content-Disposition": f'attachment; filename="roster-{slot_id}.csv"', "Cache-Control": "no-store"}
        return Response(roster_csv(roster), media_type="text/csv; charset=utf-8", headers=headers)

    return router
