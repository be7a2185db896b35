"""`madoguchi line …`: set up the LINE official account (rich menu)."""

from __future__ import annotations

import click

__all__ = ["line"]


@click.group()
def line() -> None:
    """LINE official account: the rich menu."""
