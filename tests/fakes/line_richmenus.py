"""The rich menus of the fake LINE platform: menus, their images and the default, kept in memory.

Beyond the OpenAPI spec it checks what LINE documents and refuses: the menu's size and areas, the image's type,
weight (1 MB) and dimensions, and a default set before its image was uploaded.
"""

from __future__ import annotations

import io
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

MAX_IMAGE = 1_000_000
MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
CONTENT = re.compile(r"^/v2/bot/richmenu/(?P<id>[^/]+)/content$")
MENU = re.compile(r"^/v2/bot/richmenu/(?P<id>[^/]+)$")
DEFAULT = re.compile(r"^/v2/bot/user/all/richmenu(?:/(?P<id>[^/]+))?$")
NOT_FOUND = (404, {"message": "Not found"})


def _header(headers: dict[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def _menu_errors(body: Any) -> list[str]:
    """What LINE refuses in a rich menu object that the spec does not say."""
    if not isinstance(body, dict):
        return []
    missing = [k for k in ("size", "selected", "name", "chatBarText", "areas") if k not in body]
    if missing:
        return [f"rich menu without {', '.join(missing)}"]
    width, height = body["size"].get("width", 0), body["size"].get("height", 0)
    errors = [] if 800 <= width <= 2500 and height >= 250 and width / height >= 1.45 else [f"size {width}×{height}"]
    if not 1 <= len(body["areas"]) <= 20:
        errors.append(f"{len(body['areas'])} areas")
    for area in body["areas"]:
        b = area.get("bounds", {})
        if b.get("x", 0) + b.get("width", 0) > width or b.get("y", 0) + b.get("height", 0) > height:
            errors.append(f"area {b} outside the menu")
        if len(area.get("action", {}).get("label", "")) > 20:
            errors.append(f"action label longer than 20: {area['action']['label']!r}")
    return errors


@dataclass
class FakeRichMenus:
    menus: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → the RichMenuResponse LINE would give
    images: dict[str, bytes] = field(default_factory=dict)
    default: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def owns(path: str) -> bool:
        return path.startswith(("/v2/bot/richmenu", "/v2/bot/user/all/richmenu"))

    def errors(self, method: str, path: str, headers: dict[str, str], raw: bytes, body: Any) -> list[str]:
        if not self.owns(path) or method != "POST":
            return []
        match = CONTENT.match(path)
        if match is None:
            return _menu_errors(body) if path in ("/v2/bot/richmenu", "/v2/bot/richmenu/validate") else []
        return self._image_errors(match["id"], _header(headers, "content-type"), raw)

    def _image_errors(self, rich_menu_id: str, kind: str, raw: bytes) -> list[str]:
        if kind not in MAGIC:
            return [f"image content-type {kind!r}: image/png or image/jpeg"]
        if not raw.startswith(MAGIC[kind]):
            return [f"the image is not a {kind}"]
        errors = [f"image of {len(raw)} bytes, over 1 MB"] if len(raw) > MAX_IMAGE else []
        menu = self.menus.get(rich_menu_id)
        size = Image.open(io.BytesIO(raw)).size
        if menu and size != (menu["size"]["width"], menu["size"]["height"]):
            errors.append(f"image of {size[0]}×{size[1]} for a menu of {menu['size']}")
        return errors

    def handle(self, method: str, path: str, body: Any, raw: bytes) -> tuple[int, Any]:
        with self._lock:
            if path == "/v2/bot/richmenu/validate" and method == "POST":
                return 200, {}
            if path == "/v2/bot/richmenu" and method == "POST":
                return self._create(body)
            if path == "/v2/bot/richmenu/list" and method == "GET":
                return 200, {"richmenus": list(self.menus.values())}
            if match := CONTENT.match(path):
                return self._upload(match["id"], raw) if method == "POST" else NOT_FOUND
            if match := DEFAULT.match(path):
                return self._default(method, match["id"])
            if match := MENU.match(path):
                return self._menu(method, match["id"])
            return NOT_FOUND

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        rich_menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.menus[rich_menu_id] = {"richMenuId": rich_menu_id, **body}
        return 200, {"richMenuId": rich_menu_id}

    def _upload(self, rich_menu_id: str, raw: bytes) -> tuple[int, Any]:
        if rich_menu_id not in self.menus:
            return NOT_FOUND
        if rich_menu_id in self.images:
            return 400, {"message": "An image has already been uploaded to the richmenu"}
        self.images[rich_menu_id] = raw
        return 200, {}

    def _menu(self, method: str, rich_menu_id: str) -> tuple[int, Any]:
        if rich_menu_id not in self.menus:
            return NOT_FOUND
        if method == "GET":
            return 200, self.menus[rich_menu_id]
        del self.menus[rich_menu_id]
        self.images.pop(rich_menu_id, None)
        if self.default == rich_menu_id:
            self.default = None
        return 200, {}

    def _default(self, method: str, rich_menu_id: str | None) -> tuple[int, Any]:
        if method == "GET":
            return (200, {"richMenuId": self.default}) if self.default else (404, {"message": "no default richmenu"})
        if method == "DELETE":
            self.default = None
            return 200, {}
        if rich_menu_id not in self.menus:
            return NOT_FOUND
        if rich_menu_id not in self.images:
            return 400, {"message": "must upload richmenu image before applying it to user"}
        self.default = rich_menu_id
        return 200, {}
