"""The LINE rich menu: its definition (`richmenu/menu.yaml`), checked as LINE checks it (deploy: line_richmenu_deploy).

The menu is data; its image is drawn from the data by `line_richmenu_image` and committed beside it, so a deploy
needs no font. A deploy is idempotent: the deployed name carries a digest of the menu and the image, an
unchanged menu that is already the default is kept, and every other madoguchi menu is deleted.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from linebot.v3.messaging import (
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)

__all__ = [
    "DEFINITION",
    "PREFIX",
    "Bounds",
    "Button",
    "RichMenu",
    "RichMenuError",
    "Style",
    "check_image",
]

DEFINITION = Path(__file__).parent / "richmenu" / "menu.yaml"
PREFIX = "madoguchi/"  # the names of the menus this project deployed start with this
MAX_IMAGE = 1_000_000  # bytes: LINE takes JPEG or PNG up to 1 MB
MAX_AREAS = 20
MAX_LABEL = 20
MAX_CHAT_BAR = 14
MAX_DATA = 300
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

T = TypeVar("T")


class RichMenuError(Exception):
    """Something a person has to fix; the message says what and how."""


@dataclass(frozen=True)
class Bounds:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Button:
    label: str
    lines: tuple[str, ...]
    data: str
    display_text: str
    icon: str
    background: str
    colour: str
    bounds: Bounds


@dataclass(frozen=True)
class Style:
    font_size: int
    line_spacing: float
    icon_size: int
    gap: int
    gap_colour: str


@dataclass(frozen=True)
class RichMenu:
    name: str
    chat_bar_text: str
    width: int
    height: int
    buttons: tuple[Button, ...]
    style: Style
    image: Path

    @classmethod
    def load(cls, path: Path = DEFINITION) -> RichMenu:
        """Read and check a definition; every problem is reported at once."""
        try:
            menu = cls._parse(yaml.safe_load(path.read_text(encoding="utf-8")), folder=path.parent)
        except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
            raise RichMenuError(f"{path.name}: missing or malformed {exc}") from exc
        if problems := menu.problems():
            raise RichMenuError(f"{path.name}: " + "; ".join(problems))
        return menu

    @classmethod
    def _parse(cls, data: dict[str, Any], *, folder: Path) -> RichMenu:
        width, height = int(data["size"]["width"]), int(data["size"]["height"])
        columns, rows = int(data["grid"]["columns"]), int(data["grid"]["rows"])
        if len(data["buttons"]) != columns * rows:
            raise ValueError(f"grid: {len(data['buttons'])} buttons for {columns}×{rows} cells")
        cells = _grid(width, height, columns=columns, rows=rows)
        return cls(
            name=str(data["name"]),
            chat_bar_text=str(data["chat_bar_text"]),
            width=width,
            height=height,
            buttons=tuple(_button(item, bounds) for item, bounds in zip(data["buttons"], cells, strict=True)),
            style=Style(**data["style"]),
            image=folder / data["image"],
        )

    def problems(self) -> list[str]:
        """What LINE would refuse, or what makes the image disagree with the buttons."""
        found = [] if len(self.chat_bar_text) <= MAX_CHAT_BAR else [f"chat_bar_text longer than {MAX_CHAT_BAR}"]
        if not (800 <= self.width <= 2500 and self.height >= 250 and self.width / self.height >= 1.45):
            found.append(f"size {self.width}×{self.height}: LINE wants a width of 800 to 2500 and width/height ≥ 1.45")
        if len(self.buttons) > MAX_AREAS:
            found.append(f"{len(self.buttons)} buttons: at most {MAX_AREAS}")
        for b in self.buttons:
            found += [f"{b.label}: {p}" for p in _button_problems(b)]
        return found

    def to_request(self, *, name: str | None = None) -> RichMenuRequest:
        return RichMenuRequest(
            size=RichMenuSize(width=self.width, height=self.height),
            selected=True,
            name=self.name if name is None else name,
            chatBarText=self.chat_bar_text,
            areas=[_area(b) for b in self.buttons],
        )

    def deployed_name(self, image: bytes) -> str:
        """`madoguchi/<name>/<digest>`: the digest changes when the buttons or the image change."""
        digest = hashlib.sha256(self.to_request().to_json().encode() + image).hexdigest()[:12]
        return f"{PREFIX}{self.name}/{digest}"


def _grid(width: int, height: int, *, columns: int, rows: int) -> list[Bounds]:
    xs = [width * c // columns for c in range(columns + 1)]
    ys = [height * r // rows for r in range(rows + 1)]
    return [Bounds(xs[c], ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r]) for r in range(rows) for c in range(columns)]


def _button(item: dict[str, Any], bounds: Bounds) -> Button:
    return Button(
        label=str(item["label"]),
        lines=tuple(str(line) for line in item.get("lines") or [item["label"]]),
        data=str(item["data"]),
        display_text=str(item.get("display_text") or item["label"]),
        icon=str(item.get("icon") or ""),
        background=str(item["background"]),
        colour=str(item["colour"]),
        bounds=bounds,
    )


def _button_problems(b: Button) -> list[str]:
    found = []
    if not 1 <= len(b.label) <= MAX_LABEL:
        found.append(f"label of {len(b.label)} characters (1 to {MAX_LABEL})")
    if "".join(b.lines) != b.label:
        found.append(f"lines {list(b.lines)} do not spell the label")
    if not 1 <= len(b.data) <= MAX_DATA or not 1 <= len(b.display_text) <= MAX_DATA:
        found.append(f"data and display_text must have 1 to {MAX_DATA} characters")
    found += [f"{c} is not a #RRGGBB colour" for c in (b.background, b.colour) if not COLOUR.match(c)]
    return found


def _area(b: Button) -> RichMenuArea:
    bounds = RichMenuBounds(x=b.bounds.x, y=b.bounds.y, width=b.bounds.width, height=b.bounds.height)
    return RichMenuArea(bounds=bounds, action=PostbackAction(label=b.label, data=b.data, displayText=b.display_text))


# -- the image LINE will show -----------------------------------------------------------------------


def check_image(menu: RichMenu, image: bytes) -> str:
    """The image's content type, after checking it is a PNG or JPEG of the menu's size and at most 1 MB."""
    if len(image) > MAX_IMAGE:
        raise RichMenuError(
            f"{menu.image.name} is {len(image) / 1e6:.2f} MB; LINE takes at most 1 MB. "
            "Regenerate it with `madoguchi line richmenu image`."
        )
    kind = (
        "image/png" if image.startswith(b"\x89PNG\r\n\x1a\n") else "image/jpeg" if image[:3] == b"\xff\xd8\xff" else ""
    )
    if not kind:
        raise RichMenuError(f"{menu.image.name} is neither a PNG nor a JPEG")
    from PIL import Image  # only for the size; the image itself is sent as it is

    size = Image.open(io.BytesIO(image)).size
    if size != (menu.width, menu.height):
        raise RichMenuError(
            f"{menu.image.name} is {size[0]}×{size[1]}, the menu {menu.width}×{menu.height}: "
            "regenerate it with `madoguchi line richmenu image`"
        )
    return kind
