"""What every `madoguchi` command prints with `--json`."""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["echo_json"]


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
