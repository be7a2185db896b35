"""変更の記録 and 職員: the audit log and the staff accounts (admin only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from .accounts import ROLES, AccountError, Session
from .web import Console, Guard

__all__ = ["admin_router"]


def admin_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)
    Admin = Annotated[Session, Depends(Guard(console, roles=frozenset({"admin"})))]

    @router.get("/audit")
    async def audit(request: Request, session: Admin, target: str = "") -> Response:
        records = await console.run(lambda: console.audit.records(target=target or None, limit=300))
        return console.page("audit.html", request=request, session=session, records=records, target=target)

    @router.get("/staff")
    async def staff(request: Request, session: Admin, problem: str = "") -> Response:
        users = await console.run(console.accounts.users)
        return console.page("staff.html", request=request, session=session, users=users, roles=ROLES, problem=problem)

    @router.post("/staff/{name}/disabled")
    async def disable(session: Admin, name: str, disabled: Annotated[str, Form()] = "1") -> Response:
        off = disabled == "1"
        if name == session.user.name and off:
            return RedirectResponse("/admin/staff?problem=self", status_code=303)
        try:
            await console.run(lambda: console.accounts.set_disabled(name, disabled=off))
        except AccountError:
            return RedirectResponse("/admin/staff?problem=unknown", status_code=303)
        await console.record(session, action="staff.disabled", target=f"staff:{name}", before=not off, after=off)
        return RedirectResponse("/admin/staff", status_code=303)

    return router
