"""Municipalities the deployment does not serve, named in a question (「世田谷区の…」, "in Yokohama").

Their answer is another municipality's to give: the search hands off instead of answering with a served
municipality's entry that happens to match the topic.
"""

from __future__ import annotations

import re

from .models import Municipality
from .text import normalize

__all__ = ["other_place"]

_WARDS = "千代田 中央 港 新宿 文京 台東 墨田 江東 品川 目黒 大田 世田谷 渋谷 中野 杉並 豊島 北 荒川 板橋 練馬 足立 葛飾 江戸川"
_TOKYO_CITIES = (
    "八王子 立川 武蔵野 三鷹 青梅 府中 昭島 調布 町田 小金井 小平 日野 東村山 国分寺 国立 福生 狛江 東大和 清瀬 "
    "東久留米 武蔵村山 多摩 稲城 羽村 あきる野 西東京"
)
_CITIES = (
    "札幌 仙台 さいたま 千葉 横浜 川崎 相模原 新潟 静岡 浜松 名古屋 京都 大阪 堺 神戸 岡山 広島 北九州 福岡 熊本 "
    "川口 船橋 柏 松戸 市川 藤沢 横須賀 所沢 越谷 那覇 金沢 宇都宮 前橋 水戸 長野 岐阜 奈良 和歌山 鹿児島 松山 高松"
)
_NAMES = re.compile(
    r"(?<![一-龥])("
    + "|".join(sorted((f"{w}区" for w in _WARDS.split()), key=len, reverse=True))
    + "|"
    + "|".join(sorted((f"{c}市" for c in (_TOKYO_CITIES + " " + _CITIES).split()), key=len, reverse=True))
    + ")"
)
_ENGLISH = re.compile(
    r"\b(setagaya|shinjuku|shibuya|minato|meguro|nerima|suginami|koto|sumida|yokohama|kawasaki|osaka|kyoto|"
    r"nagoya|sapporo|fukuoka|kobe|hachioji|machida|chofu|mitaka|musashino|tachikawa|fuchu)\b",
    re.I,
)


def other_place(text: str, served: list[Municipality]) -> str | None:
    """The first municipality the text names that is not one of `served`, if the text names none of those."""
    norm = normalize(text)
    ours = {normalize(n) for m in served for n in m.names()}
    if any(name in norm for name in ours):
        return None
    found = _NAMES.search(text) or _ENGLISH.search(norm)
    return found.group(0) if found else None
