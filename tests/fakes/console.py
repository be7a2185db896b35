"""The staff console in a test: the app over a small knowledge base, one account per role, and logging in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.bookings import Bookings
from bot.console import Accounts
from bot.faq import Assistant
from bot.settings import Settings
from knowledge import open_database

PASSWORD = "correct horse battery"
ROLES = ("admin", "editor", "operator", "viewer")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class ConsoleWorld:
    app: FastAPI
    settings: Settings
    slot_id: int

    def accounts(self) -> Accounts:
        return Accounts(open_database(self.settings.db_path))


def console_world(tmp_path: Path, assistant: Assistant) -> ConsoleWorld:
    """An app whose database holds one staff member per role (named after it) and one class with seats."""
    settings = Settings.from_env({"MADOGUCHI_HOME": str(tmp_path), "MADOGUCHI_EMBEDDING_MODEL": "hashing"})
    db = open_database(settings.db_path)
    accounts = Accounts(db)
    for role in ROLES:
        accounts.add(role, role=role, password=PASSWORD)
    bookings = Bookings(db, reminder_at=settings.reminder_at)
    venue = bookings.add_venue("区民センター", address="中央1-1-1")
    starts = (datetime.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    slot = bookings.add_slot("smartphone", starts_at=starts, minutes=90, venue_id=venue.id, capacity=2)
    return ConsoleWorld(create_app(settings, assistant=assistant), settings, slot.id)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def log_in(client: TestClient, name: str, *, password: str = PASSWORD) -> str:
    """Log `name` in on `client`; returns the session's CSRF token (read from the page the login leads to)."""
    token = csrf_of(client.get("/admin/login").text)
    form = {"name": name, "password": password, "csrf": token, "next": ""}
    response = client.post("/admin/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get(response.headers["location"]).text)
