"""The `madoguchi` command: run the stack, ask the bot, keep the knowledge base."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from typing import Any

import click

from ..settings import Settings
from ._output import echo_json

__all__ = ["main"]


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """madoguchi (窓口): the resident help desk that never closes."""
    ctx.obj = Settings.from_env()


# -- running ----------------------------------------------------------------------------------------


@main.command()
@click.pass_obj
def run(settings: Settings) -> None:
    """Start Rasa and the app, wait until both answer, and stop both on Ctrl-C."""
    from ..stack import Stack, StackError

    stack = Stack(settings.home, app_port=settings.port, host=settings.host)
    click.echo("madoguchi: starting Rasa and the app (about 30 seconds) ...")
    started = time.monotonic()
    try:
        stack.start()
    except StackError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"madoguchi: ready in {time.monotonic() - started:.0f} s")
    click.echo(f"  web chat        {stack.app_url}/")
    click.echo(f"  Rasa REST       {stack.rasa_url}/webhooks/rest/webhook")
    click.echo(f"  logs            {settings.home / 'logs'}")
    click.echo("Press Ctrl-C to stop.")
    stopping = False

    def _stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stopping:
        time.sleep(0.5)
        dead = [name for name, pid in stack.pids().items() if not _alive(pid)]
        if dead:
            click.echo(f"madoguchi: {', '.join(dead)} stopped unexpectedly; see {settings.home / 'logs'}", err=True)
            break
    click.echo("madoguchi: stopping ...")
    stack.stop()
    click.echo("madoguchi: stopped.")


def _alive(pid: int) -> bool:
    import os

    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return waited == 0


@main.command()
@click.pass_obj
def serve(settings: Settings) -> None:
    """Run only the app (action endpoint, web chat) in the foreground."""
    import uvicorn

    uvicorn.run("bot.app:create_app", factory=True, host=settings.host, port=settings.port)


@main.command()
@click.argument("text")
@click.option("--sender", default="cli", show_default=True, help="conversation id")
@click.option("--json", "as_json", is_flag=True, help="print the full response")
@click.pass_obj
def ask(settings: Settings, text: str, sender: str, as_json: bool) -> None:
    """Ask the running bot a question through Rasa's REST channel."""
    from channels import RasaClient, RasaUnavailable

    async def go() -> list[dict[str, Any]]:
        client = RasaClient(settings.rasa_url)
        try:
            return [m.to_dict() for m in await client.send(f"cli:{sender}", text, metadata={"channel": "cli"})]
        finally:
            await client.aclose()

    try:
        messages = asyncio.run(go())
    except RasaUnavailable as exc:
        raise click.ClickException(f"Rasa is not answering at {settings.rasa_url} (start it with `make run`).") from exc
    if as_json:
        echo_json(messages)
        return
    for m in messages:
        click.echo(m["text"])
        for b in m.get("buttons", []):
            click.echo(f"  [{b['title']}]")


# -- knowledge base ---------------------------------------------------------------------------------

from .bookings import bookings  # noqa: E402
from .kb import kb  # noqa: E402
from .line import line  # noqa: E402
from .notices import notices  # noqa: E402
from .residents import residents  # noqa: E402
from .segments import segments  # noqa: E402
from .slots import slots  # noqa: E402
from .staff import staff  # noqa: E402
from .telegram import telegram  # noqa: E402
from .venues import venues  # noqa: E402

main.add_command(kb)
main.add_command(line)
main.add_command(telegram)
main.add_command(venues)
main.add_command(slots)
main.add_command(bookings)
main.add_command(staff)
main.add_command(residents)
main.add_command(segments)
main.add_command(notices)

if __name__ == "__main__":
    sys.exit(main())
