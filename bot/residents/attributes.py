"""What residents may register for notices, as codes with their Japanese and English labels.

Segments filter on these codes (any of the chosen values of an attribute, all of the attributes named); the
chat shows the labels as buttons. Areas are the municipality's own and come from a YAML file
(`MADOGUCHI_AREAS`, default `bot/data/areas.yml`, keyed by 全国地方公共団体コード); without areas for the
deployment, the area question is not asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["ATTRIBUTES", "Attribute", "Choice", "load_areas", "vocabulary"]

DEFAULT_AREAS = Path(__file__).parent.parent / "data" / "areas.yml"


@dataclass(frozen=True)
class Choice:
    code: str
    ja: str
    en: str

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.ja


@dataclass(frozen=True)
class Attribute:
    name: str
    ja: str
    en: str
    multi: bool  # several values may be chosen (topics, children's ages)
    choices: tuple[Choice, ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.ja


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*item) for item in items)


ATTRIBUTES: dict[str, Attribute] = {
    "age_band": Attribute("age_band", "年代", "Age", False, _choices(
        ("u20", "10代", "Teens"), ("20s", "20代", "20s"), ("30s", "30代", "30s"), ("40s", "40代", "40s"),
        ("50s", "50代", "50s"), ("60s", "60代", "60s"), ("70s", "70代", "70s"), ("80plus", "80代以上", "80 or over"),
    )),
    "household": Attribute("household", "世帯", "Household", False, _choices(
        ("child", "子育て世帯", "With children"), ("elderly_only", "高齢者のみの世帯", "Older people only"),
        ("single", "単身", "Living alone"), ("other", "その他", "Other"),
    )),
    "children": Attribute("children", "お子さんの年齢", "Children's ages", True, _choices(
        ("infant", "0〜2歳", "0–2"), ("preschool", "3〜5歳", "3–5"), ("elementary", "小学生", "Primary school"),
        ("junior_high", "中学生", "Junior high"), ("high_school", "高校生", "High school"),
    )),
    "language": Attribute("language", "言語", "Language", False, _choices(
        ("ja", "日本語", "Japanese"), ("easy", "やさしい日本語", "Easy Japanese"), ("en", "English", "English"),
    )),
    "topics": Attribute("topics", "受け取りたい分野", "Topics", True, _choices(
        ("childcare", "子育て", "Childcare"), ("health", "健康・介護", "Health and care"),
        ("disaster", "防災", "Disaster prevention"), ("tax", "税・保険", "Tax and insurance"),
        ("digital", "デジタル・スマホ講習", "Smartphone classes"), ("events", "イベント", "Events"),
    )),
}  # fmt: skip


def load_areas(municipality: str = "", *, path: Path | None = None) -> tuple[Choice, ...]:
    """The deployment's areas: the list under its municipality code, or under `default`; none when absent."""
    path = path or DEFAULT_AREAS
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get(municipality) or data.get("default") or []
    return tuple(Choice(str(i["code"]), str(i["ja"]), str(i.get("en") or i["ja"])) for i in items)


def vocabulary(areas: tuple[Choice, ...] = ()) -> Mapping[str, Attribute]:
    """Every attribute a resident can register, with the area attribute when the deployment has areas."""
    if not areas:
        return ATTRIBUTES
    return {**ATTRIBUTES, "area": Attribute("area", "お住まいの地域", "Area", False, areas)}
