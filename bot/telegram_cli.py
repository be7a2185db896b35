"""`madoguchi telegram …`: long polling for development, the webhook for production."""

from __future__ import annotations

import click

__all__ = ["telegram"]


@click.group()
def telegram() -> None:
    """Telegram bot: long polling and the webhook."""
