"""Saving a venue by name, as staff do from the CLI and the console."""

from __future__ import annotations

from .models import Venue
from .store import Bookings

__all__ = ["save_venue"]


def save_venue(
    store: Bookings,
    name: str,
    *,
    address: str | None = None,
    access_notes: str | None = None,
    accessibility: str | None = None,
) -> Venue:
    """Add the venue of that name, or change the details given; a detail left as None is kept (empty when new)."""
    kept = store.venue_named(name)
    given = {"address": address, "access_notes": access_notes, "accessibility": accessibility}
    changes = {field: value for field, value in given.items() if value is not None}
    if kept is not None and not changes:
        return kept
    details = {field: getattr(kept, field) if kept else "" for field in given} | changes
    return store.add_venue(name, **details)
