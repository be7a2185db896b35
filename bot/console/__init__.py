"""The staff console at /admin: server-rendered pages over the same stores the bot and the CLI use.

`router.console_router` is mounted by `bot.app.create_app`; every page and action checks the staff member's role, and
every change carries a CSRF token and is written to the audit log.
"""

from __future__ import annotations

from .accounts import ROLES, AccountError, Accounts, StaffUser
from .audit import Audit

__all__ = ["ROLES", "AccountError", "Accounts", "Audit", "StaffUser"]
