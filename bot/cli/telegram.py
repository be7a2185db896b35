"""`madoguchi telegram …`: long polling for development, the webhook for production."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..settings import Settings
from ._output import echo_json

if TYPE_CHECKING:  # aiogram is imported by the commands that use it: `madoguchi --help` stays quick
    from aiogram import Bot

__all__ = ["telegram"]

T = TypeVar("T")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a webhook secret token


@click.group()
def telegram() -> None:
    """Telegram bot: long polling and the webhook."""


def _token(settings: Settings) -> str:
    if not settings.telegram_bot_token:
        raise click.ClickException(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram and set its token."
        )
    return settings.telegram_bot_token


def _bot(settings: Settings) -> Bot:
    from channels.telegram import telegram_bot

    try:
        return telegram_bot(_token(settings), base_url=settings.telegram_api_base_url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _run(settings: Settings, work: Coroutine[Any, Any, T]) -> T:
    """Run `work`; Telegram's refusals become clear errors."""
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError

    try:
        return asyncio.run(work)
    except TelegramUnauthorizedError as exc:
        raise click.ClickException("Telegram refused TELEGRAM_BOT_TOKEN: check the token @BotFather gave.") from exc
    except TelegramNetworkError as exc:
        raise click.ClickException(f"Cannot reach Telegram at {settings.telegram_api_base_url}: {exc.message}") from exc
    except TelegramAPIError as exc:
        raise click.ClickException(f"Telegram refused: {exc.message}") from exc


def _call(settings: Settings, call: Callable[[Bot], Awaitable[T]]) -> T:
    """One Bot API call, the session closed after it."""
    bot = _bot(settings)

    async def go() -> T:
        try:
            return await call(bot)
        finally:
            await bot.session.close()

    return _run(settings, go())


@telegram.command()
@click.pass_obj
def poll(settings: Settings) -> None:
    """Answer Telegram by long polling (development): deletes the webhook first. Needs Rasa running."""
    from channels import RasaClient
    from channels.telegram import TelegramChannel

    token = _token(settings)
    rasa = RasaClient(settings.rasa_url)
    try:
        channel = TelegramChannel.create(
            token=token, base_url=settings.telegram_api_base_url, secret=settings.telegram_webhook_secret, rasa=rasa
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc

    async def go() -> None:
        try:
            me = await channel.bot.get_me()
            click.echo(
                f"madoguchi: answering @{me.username} by long polling, Rasa at {settings.rasa_url}; Ctrl-C stops."
            )
            await channel.poll()
        finally:
            await channel.aclose()
            await rasa.aclose()

    _run(settings, go())


@telegram.group()
def webhook() -> None:
    """Where Telegram posts updates in production."""


@webhook.command("set")
@click.argument("url")
@click.pass_obj
def set_webhook(settings: Settings, url: str) -> None:
    """Point Telegram at URL, e.g. https://<host>/telegram/webhook (with TELEGRAM_WEBHOOK_SECRET)."""
    if not url.startswith("https://"):
        raise click.ClickException("Telegram posts only to an https:// URL.")
    secret = settings.telegram_webhook_secret
    if not secret:
        raise click.ClickException("TELEGRAM_WEBHOOK_SECRET is not set: the app refuses a webhook without it.")
    if not _SECRET.fullmatch(secret):
        raise click.ClickException("TELEGRAM_WEBHOOK_SECRET may have only A-Z, a-z, 0-9, _ and - (1-256 characters).")

    from channels.telegram import ALLOWED_UPDATES

    async def go(bot: Bot) -> bool:
        return await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    _call(settings, go)
    click.echo(f"madoguchi: Telegram now posts updates to {url}")


@webhook.command("delete")
@click.pass_obj
def delete_webhook(settings: Settings) -> None:
    """Stop Telegram posting updates (e.g. before `madoguchi telegram poll`)."""

    async def go(bot: Bot) -> bool:
        return await bot.delete_webhook()

    _call(settings, go)
    click.echo("madoguchi: webhook deleted")


@webhook.command("info")
@click.pass_obj
def webhook_info(settings: Settings) -> None:
    """Where Telegram posts updates now, how many wait, and the last error."""

    async def go(bot: Bot) -> dict[str, Any]:
        return (await bot.get_webhook_info()).model_dump(mode="json", exclude_none=True)

    echo_json(_call(settings, go))
