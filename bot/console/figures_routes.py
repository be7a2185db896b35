"""数字: the figures as server-drawn bar charts with their numbers beside them, and each as CSV."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from .accounts import Session
from .figures import Figure, figures, to_csv
from .web import PAGES, Console, Guard, Refused

__all__ = ["figures_router"]


def figures_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin/figures", include_in_schema=False)
    roles = next(roles for href, _, roles in PAGES if href == "/admin/figures")
    Staff = Annotated[Session, Depends(Guard(console, roles=roles))]

    notices = (console.notices, console.outbox)

    def read(days: int) -> list[Figure]:
        return figures(
            db=console.logbook.db, store=console.store, bookings=console.bookings, notices=notices, days=days
        )

    @router.get("")
    async def index(request: Request, session: Staff, days: int = 30) -> Response:
        days = min(max(days, 1), 366)
        shown = await console.run(read, days)
        return console.page("figures.html", request=request, session=session, figures=shown, days=days)

    @router.get("/{name}.csv")
    async def download(session: Staff, name: str, days: int = 30) -> Response:
        figure = next((f for f in await console.run(read, min(max(days, 1), 366)) if f.name == name), None)
        if figure is None:
            raise Refused(404, "その数字はありません。")
        headers = {"Content-Disposition": f'attachment; filename="{figure.name}.csv"', "Cache-Control": "no-store"}
        return Response(to_csv(figure), media_type="text/csv; charset=utf-8", headers=headers)

    return router
