"""Deploying the LINE rich menu with line-bot-sdk: idempotent, by a digest of the menu and its image.

An unchanged menu that is already the default is kept, and every other madoguchi menu is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
)

from .line_richmenu import PREFIX, RichMenu, RichMenuError, check_image

__all__ = ["Deployment", "MenuInfo", "clients", "delete_menus", "deploy", "list_menus"]

T = TypeVar("T")


@dataclass(frozen=True)
class Deployment:
    rich_menu_id: str
    name: str
    created: bool  # False: the same menu was already the default
    deleted: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"richMenuId": self.rich_menu_id, "name": self.name, "created": self.created, "deleted": self.deleted}


@dataclass(frozen=True)
class MenuInfo:
    rich_menu_id: str
    name: str
    chat_bar_text: str
    default: bool

    @property
    def ours(self) -> bool:
        return self.name.startswith(PREFIX)

    def to_dict(self) -> dict[str, Any]:
        return {
            "richMenuId": self.rich_menu_id,
            "name": self.name,
            "chatBarText": self.chat_bar_text,
            "default": self.default,
            "madoguchi": self.ours,
        }


@contextmanager
def clients(*, token: str, base_url: str, data_base_url: str) -> Iterator[tuple[MessagingApi, MessagingApiBlob]]:
    """The SDK's API (`base_url`) and blob API (`data_base_url`, where images go), closed afterwards."""
    if not token:
        raise RichMenuError("LINE_CHANNEL_ACCESS_TOKEN is not set (LINE Developers console, Messaging API channel)")
    api = ApiClient(Configuration(access_token=token, host=base_url.rstrip("/")))
    blob = ApiClient(Configuration(access_token=token, host=data_base_url.rstrip("/")))
    try:
        yield MessagingApi(api), MessagingApiBlob(blob)
    finally:
        for client in (api, blob):
            client.close()
            client.rest_client.pool_manager.clear()


def _call(what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call LINE; a refusal or an unreachable host becomes a RichMenuError with LINE's own message."""
    try:
        return fn(*args, **kwargs)
    except ApiException as exc:
        raise RichMenuError(f"LINE refused to {what} (HTTP {exc.status}): {_line_message(exc)}") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise RichMenuError(f"could not reach LINE to {what}: {exc}") from exc


def _line_message(exc: ApiException) -> str:
    raw = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else exc.body
    try:
        body = json.loads(raw or "{}")
    except ValueError:
        return str(raw or exc.reason)
    details = [f"{d.get('property', '')}: {d.get('message', '')}" for d in body.get("details") or []]
    hint = " (check LINE_CHANNEL_ACCESS_TOKEN)" if exc.status == 401 else ""
    return "; ".join([str(body.get("message") or exc.reason), *details]) + hint


def _default_id(api: MessagingApi) -> str | None:
    try:
        return api.get_default_rich_menu_id().rich_menu_id
    except ApiException as exc:
        if exc.status == 404:  # no default rich menu
            return None
        raise


def list_menus(*, api: MessagingApi) -> list[MenuInfo]:
    """Every rich menu of the channel, madoguchi's or not, with the default marked."""
    default = _call("give the default rich menu", _default_id, api)
    menus = _call("list the rich menus", api.get_rich_menu_list).richmenus
    return [MenuInfo(m.rich_menu_id, m.name, m.chat_bar_text, m.rich_menu_id == default) for m in menus]


def deploy(menu: RichMenu, image: bytes, *, api: MessagingApi, blob: MessagingApiBlob) -> Deployment:
    """Make `menu` the default rich menu of every user, and delete the madoguchi menus deployed before."""
    kind = check_image(menu, image)
    request = menu.to_request(name=menu.deployed_name(image))
    _call("accept the rich menu", api.validate_rich_menu_object, request)
    ours = [m for m in list_menus(api=api) if m.ours]
    current = next((m for m in ours if m.default and m.name == request.name), None)
    rich_menu_id = current.rich_menu_id if current else _create(request, image, kind, api=api, blob=blob)
    stale = [m.rich_menu_id for m in ours if m.rich_menu_id != rich_menu_id]
    return Deployment(rich_menu_id, str(request.name), current is None, tuple(delete_menus(stale, api=api)))


def _create(request: RichMenuRequest, image: bytes, kind: str, *, api: MessagingApi, blob: MessagingApiBlob) -> str:
    rich_menu_id = _call("create the rich menu", api.create_rich_menu, request).rich_menu_id
    try:
        _call("take the image", blob.set_rich_menu_image, rich_menu_id, image, _headers={"Content-Type": kind})
        _call("make the rich menu the default", api.set_default_rich_menu, rich_menu_id)
    except RichMenuError:
        with suppress(RichMenuError):  # leave no half-made menu behind, and report the first failure
            delete_menus([rich_menu_id], api=api)
        raise
    return rich_menu_id


def delete_menus(rich_menu_ids: Sequence[str], *, api: MessagingApi) -> list[str]:
    """Delete these rich menus (users who had one see none until a default is set); returns their ids."""
    for rich_menu_id in rich_menu_ids:
        _call(f"delete rich menu {rich_menu_id}", api.delete_rich_menu, rich_menu_id)
    return list(rich_menu_ids)
