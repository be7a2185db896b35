"""`madoguchi line …`: set up the LINE official account (rich menu)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..settings import Settings
from ._output import echo_json

if TYPE_CHECKING:
    from linebot.v3.messaging import MessagingApi, MessagingApiBlob

    from channels.line_richmenu import RichMenu

__all__ = ["line"]


@contextmanager
def _clear_errors() -> Iterator[None]:
    from channels.line_richmenu import RichMenuError

    try:
        yield
    except RichMenuError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def _line(settings: Settings) -> Iterator[tuple[MessagingApi, MessagingApiBlob]]:
    from channels.line_richmenu_deploy import clients

    with clients(
        token=settings.line_channel_access_token,
        base_url=settings.line_api_base_url,
        data_base_url=settings.line_api_data_base_url,
    ) as apis:
        yield apis


def _menu() -> RichMenu:
    from channels.line_richmenu import RichMenu

    return RichMenu.load()


@click.group()
def line() -> None:
    """LINE official account: the rich menu."""


@line.group()
def richmenu() -> None:
    """The rich menu: six large buttons under the chat, defined in channels/richmenu/menu.yaml."""


@richmenu.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="file (default: beside the definition)")
@click.pass_obj
def image(settings: Settings, out: Path | None) -> None:
    """Draw the menu's PNG from its definition (needs a Japanese font; MADOGUCHI_FONT names one)."""
    from channels.line_richmenu_image import find_font, render

    with _clear_errors():
        menu = _menu()
        font = find_font(settings.richmenu_font)
        data = render(menu, font)
    path = out or menu.image
    path.write_bytes(data)
    click.echo(f"{path}: {menu.width}×{menu.height}, {len(data) / 1000:.0f} kB, drawn with {font.path.name}")


@richmenu.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def deploy(settings: Settings, as_json: bool) -> None:
    """Make the menu every user's default and delete earlier madoguchi menus (safe to run again)."""
    from channels.line_richmenu_deploy import deploy as deploy_menu

    with _clear_errors(), _line(settings) as (api, blob):
        menu = _menu()
        done = deploy_menu(menu, menu.image.read_bytes(), api=api, blob=blob)
    if as_json:
        echo_json(done.to_dict())
        return
    state = "is now" if done.created else "was already (unchanged)"
    click.echo(f"{done.rich_menu_id} ({done.name}) {state} the default rich menu of every user")
    for rich_menu_id in done.deleted:
        click.echo(f"  deleted the earlier {rich_menu_id}")


@richmenu.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_(settings: Settings, as_json: bool) -> None:
    """The channel's rich menus, madoguchi's or not; the default is marked."""
    from channels.line_richmenu_deploy import list_menus

    with _clear_errors(), _line(settings) as (api, _):
        menus = list_menus(api=api)
    if as_json:
        echo_json([m.to_dict() for m in menus])
        return
    for m in menus:
        click.echo(f"{m.rich_menu_id}  {m.name}  [{m.chat_bar_text}]{'  default' if m.default else ''}")
    if not menus:
        click.echo("no rich menus")


@richmenu.command()
@click.argument("rich_menu_ids", nargs=-1)
@click.option("--all", "all_ours", is_flag=True, help="every madoguchi menu (other menus are left alone)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def delete(settings: Settings, rich_menu_ids: tuple[str, ...], all_ours: bool, as_json: bool) -> None:
    """Delete rich menus by id, or --all of madoguchi's."""
    from channels.line_richmenu_deploy import delete_menus, list_menus

    if not rich_menu_ids and not all_ours:
        raise click.UsageError("name the rich menus to delete (see `madoguchi line richmenu list`) or give --all")
    with _clear_errors(), _line(settings) as (api, _):
        ids = [*rich_menu_ids, *(m.rich_menu_id for m in list_menus(api=api) if m.ours and all_ours)]
        deleted = delete_menus(list(dict.fromkeys(ids)), api=api)
    if as_json:
        echo_json(deleted)
    else:
        click.echo("\n".join(f"deleted {i}" for i in deleted) or "nothing to delete")
