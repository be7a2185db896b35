"""Drawing the rich menu image from its definition: large bold labels, high contrast, one pictogram per button.

Run by `madoguchi line richmenu image`. The PNG is committed beside the definition, so a deploy needs no font.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from .line_richmenu import Button, RichMenu, RichMenuError

__all__ = ["FONT_PACKAGE", "ICONS", "Font", "contrast_ratio", "find_font", "overflows", "render"]

FONT_PACKAGE = "fonts-ipafont-gothic"  # the Debian package scripts/setup-system.sh installs
FONT_PATHS = (  # tried in this order; the committed menu.png was drawn with the first
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
MARGIN = 0.06  # of a tile's width, kept clear of text on each side
RADIUS = 28  # of the tiles' corners
SCALE = 4  # pictograms are drawn this much larger and reduced, for smooth edges


@dataclass(frozen=True)
class Font:
    path: Path

    @property
    def bold(self) -> bool:
        """A bold face is used as it is; a regular one is thickened with a stroke of the text's colour."""
        return "bold" in self.path.name.lower()

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(self.path), size)

    def stroke(self, size: int) -> int:
        return 0 if self.bold else max(1, round(size * 0.03))


def find_font(override: str = "") -> Font:
    """`override` (MADOGUCHI_FONT) if given, else a Japanese font of this machine."""
    if override:
        if not Path(override).is_file():
            raise RichMenuError(f"MADOGUCHI_FONT={override}: no such file")
        return Font(Path(override))
    found = next((Path(p) for p in FONT_PATHS if Path(p).is_file()), None) or _fontconfig_japanese()
    if found is None:
        raise RichMenuError(
            "no Japanese font found to draw the rich menu: install one with `apt-get install "
            f"{FONT_PACKAGE}` (or run scripts/setup-system.sh as root), or set MADOGUCHI_FONT to a .ttf/.otf/.ttc file"
        )
    return Font(found)


def _fontconfig_japanese() -> Path | None:
    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(["fc-list", ":lang=ja", "file"], capture_output=True, text=True, check=False).stdout
    files = sorted(line.rstrip(": ").strip() for line in listed.splitlines() if line.strip())
    return Path(files[0]) if files else None


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours: 1 (none) to 21 (black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# -- layout ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where a button's pictogram and lines go. Pictograms line up across the menu whatever the line count."""

    icon_top: int
    line_centres: tuple[int, ...]


def _layout(menu: RichMenu, button: Button) -> _Layout:
    style, bounds = menu.style, button.bounds
    line_height = round(style.font_size * style.line_spacing)
    most = max(len(b.lines) for b in menu.buttons)
    block = style.icon_size + style.font_size // 2 + most * line_height
    icon_top = bounds.y + (bounds.height - block) // 2
    text_top = icon_top + style.icon_size + style.font_size // 2 + (most - len(button.lines)) * line_height // 2
    return _Layout(icon_top, tuple(text_top + line_height * i + line_height // 2 for i in range(len(button.lines))))


def _text_boxes(menu: RichMenu, button: Button, font: Font) -> list[tuple[float, float, float, float]]:
    face, stroke = font.at(menu.style.font_size), font.stroke(menu.style.font_size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    centre = button.bounds.x + button.bounds.width // 2
    return [
        probe.textbbox((centre, y), line, font=face, anchor="mm", stroke_width=stroke)
        for line, y in zip(button.lines, _layout(menu, button).line_centres, strict=True)
    ]


def overflows(menu: RichMenu, font: Font) -> list[str]:
    """The lines that do not fit in their tile with a margin on each side (none, or edit the definition)."""
    found = []
    for button in menu.buttons:
        b = button.bounds
        left, right = b.x + b.width * MARGIN, b.x + b.width * (1 - MARGIN)
        for line, (x0, y0, x1, y1) in zip(button.lines, _text_boxes(menu, button, font), strict=True):
            if x0 < left or x1 > right or y0 < b.y + menu.style.gap or y1 > b.y + b.height - menu.style.gap:
                found.append(f"{line!r} ({x1 - x0:.0f} px wide) does not fit in its tile ({b.width} px)")
    return found


# -- drawing --------------------------------------------------------------------------------------


def render(menu: RichMenu, font: Font) -> bytes:
    """The menu as an optimised PNG; refuses labels that do not fit or colours without enough contrast."""
    problems = overflows(menu, font) + [
        f"{b.label}: contrast {contrast_ratio(b.colour, b.background):.1f} is below 4.5"
        for b in menu.buttons
        if contrast_ratio(b.colour, b.background) < 4.5
    ]
    if problems:
        raise RichMenuError("; ".join(problems))
    image = Image.new("RGB", (menu.width, menu.height), menu.style.gap_colour)
    for button in menu.buttons:
        _draw_button(image, menu, button, font)
    info = PngInfo()
    info.add_text("Software", "madoguchi line richmenu image")
    info.add_text("Font", font.path.name)
    out = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, "PNG", optimize=True, pnginfo=info
    )
    return out.getvalue()


def _draw_button(image: Image.Image, menu: RichMenu, button: Button, font: Font) -> None:
    b, half = button.bounds, menu.style.gap // 2
    draw = ImageDraw.Draw(image)
    tile = (b.x + half, b.y + half, b.x + b.width - 1 - half, b.y + b.height - 1 - half)
    draw.rounded_rectangle(tile, radius=RADIUS, fill=button.background)
    layout, centre = _layout(menu, button), b.x + b.width // 2
    if button.icon:
        left = centre - menu.style.icon_size // 2
        _paste_icon(image, button, font=font, left=left, top=layout.icon_top, size=menu.style.icon_size)
    face, stroke = font.at(menu.style.font_size), font.stroke(menu.style.font_size)
    for line, y in zip(button.lines, layout.line_centres, strict=True):
        draw.text(
            (centre, y),
            line,
            font=face,
            fill=button.colour,
            anchor="mm",
            stroke_width=stroke,
            stroke_fill=button.colour,
        )


def _paste_icon(image: Image.Image, button: Button, *, font: Font, left: int, top: int, size: int) -> None:
    if button.icon not in ICONS:
        raise RichMenuError(f"{button.label}: no pictogram {button.icon!r} (there are {', '.join(ICONS)})")
    mask = Image.new("L", (size * SCALE, size * SCALE), 0)
    ICONS[button.icon](_Pen(ImageDraw.Draw(mask), size * SCALE / 100, font=font))
    image.paste(button.colour, (left, top), mask.resize((size, size), Image.Resampling.LANCZOS))


# -- pictograms, drawn on a 100 × 100 grid: `ink` shows in the label's colour, `cut` lets the tile through ----


class _Pen:
    def __init__(self, draw: ImageDraw.ImageDraw, unit: float, *, font: Font) -> None:
        self.draw, self.unit, self.font = draw, unit, font

    def _xy(self, *values: float) -> list[float]:
        return [v * self.unit for v in values]

    def box(self, x0: float, y0: float, x1: float, y1: float, *, cut: bool = False, radius: float = 0) -> None:
        self.draw.rounded_rectangle(self._xy(x0, y0, x1, y1), radius=radius * self.unit, fill=0 if cut else 255)

    def oval(self, x0: float, y0: float, x1: float, y1: float, *, cut: bool = False) -> None:
        self.draw.ellipse(self._xy(x0, y0, x1, y1), fill=0 if cut else 255)

    def shape(self, *points: tuple[float, float], cut: bool = False) -> None:
        self.draw.polygon([(x * self.unit, y * self.unit) for x, y in points], fill=0 if cut else 255)

    def arc(
        self, box: tuple[float, float, float, float], start: float, end: float, *, width: float, cut: bool = False
    ) -> None:
        self.draw.arc(self._xy(*box), start, end, fill=0 if cut else 255, width=round(width * self.unit))

    def glyph(self, text: str, x: float, y: float, *, size: float, cut: bool = False) -> None:
        """A character of the label font, centred on (x, y)."""
        px, ink = round(size * self.unit), 0 if cut else 255
        at = (x * self.unit, y * self.unit)
        self.draw.text(
            at, text, font=self.font.at(px), anchor="mm", fill=ink, stroke_width=self.font.stroke(px), stroke_fill=ink
        )

    def stroke(self, *points: tuple[float, float], width: float, cut: bool = False) -> None:
        xy = [(x * self.unit, y * self.unit) for x, y in points]
        self.draw.line(xy, fill=0 if cut else 255, width=round(width * self.unit), joint="curve")
        for x, y in (xy[0], xy[-1]):  # round ends
            r = width * self.unit / 2
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=0 if cut else 255)


def _question(pen: _Pen) -> None:
    pen.oval(2, 2, 98, 98)
    pen.glyph("?", 50, 52, size=76, cut=True)


def _smartphone(pen: _Pen) -> None:
    pen.box(24, 1, 76, 99, radius=10)
    pen.box(30, 11, 70, 82, cut=True, radius=2)
    pen.oval(45, 85.5, 55, 95.5, cut=True)
    pen.box(35, 19, 60, 33, radius=4)  # two chat bubbles on the screen
    pen.box(40, 40, 65, 54, radius=4)
    pen.box(35, 61, 55, 75, radius=4)


def _document(pen: _Pen) -> None:
    pen.shape((14, 1), (60, 1), (86, 27), (86, 99), (14, 99))
    pen.stroke((60, 3), (60, 27), (84, 27), width=5, cut=True)  # the folded corner
    for y in (38, 54, 70):
        pen.box(26, y, 74 if y < 70 else 58, y + 7, cut=True, radius=2)


def _calendar(pen: _Pen) -> None:
    pen.box(4, 12, 96, 98, radius=10)
    pen.box(11, 34, 89, 91, cut=True, radius=3)
    for x in (26, 74):
        pen.box(x - 8, 0, x + 8, 27, cut=True, radius=5)
        pen.box(x - 4.5, 2, x + 4.5, 24, radius=4)
    pen.stroke((30, 62), (45, 77), (71, 48), width=9)


def _bell(pen: _Pen) -> None:
    pen.oval(44, 2, 56, 14)
    pen.oval(24, 10, 76, 62)
    pen.shape((24, 36), (76, 36), (78, 62), (94, 82), (6, 82), (22, 62))
    pen.oval(42, 84, 58, 100)


def _phone(pen: _Pen) -> None:
    pen.arc((8, 6, 92, 70), 180, 360, width=15)  # the handset
    pen.box(2, 30, 32, 48, radius=8)
    pen.box(68, 30, 98, 48, radius=8)
    pen.shape((24, 52), (76, 52), (90, 98), (10, 98))  # the body and its dial
    pen.oval(36, 63, 64, 91, cut=True)
    pen.oval(45, 72, 55, 82)


ICONS: dict[str, Callable[[_Pen], None]] = {
    "question": _question,
    "smartphone": _smartphone,
    "document": _document,
    "calendar": _calendar,
    "bell": _bell,
    "phone": _phone,
}
