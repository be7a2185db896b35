"""The notice profile form's rules: what residents register for notices, one tap at a time.

Rasa runs the form (`notice_profile_form`) right after 同意する, or for one item from 「お知らせ設定」; its
validation action hands each message here with the item being asked, and gets back the slots to set and the
next one to ask. Every answer is stored at once, so stopping halfway keeps what was given. Multi-choice items
(children's ages, topics) toggle with each tap and end with 「これで決定」. 「やめる」 ends the form at any step,
and a menu button tapped halfway leaves it for what the button asks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from ..dialogue import Button, Reply, Step, Turn, format_as_of, payload
from ..residents import Attribute, Choice, Residents, vocabulary
from .wording import Words

__all__ = ["BOOKING_BUTTONS", "FOLLOW", "FORM_SLOTS", "HELPER_SLOTS", "ITEMS", "NIGHT", "ProfileForm"]

ITEMS = ("age_band", "household", "children", "area", "language", "topics", "quiet")
FORM_SLOTS = tuple(f"profile_{item}" for item in ITEMS)
HELPER_SLOTS = ("profile_only", "profile_outcome")
STOPPED, NOT_SIGNED_UP, NOT_REGISTERED, FOLLOW = "stopped", "not_signed_up", "not_registered", "follow:"
QUIET, ANYTIME, DONE, NONE = "quiet", "anytime", "done", "-"
NIGHT = ("21:00", "08:00")  # Tokyo: no notices in between unless the resident says any time is fine
# a menu button tapped halfway: leave the form and do what it asks (typed only for the last group)
LEAVING = {"my_bookings", "human_handoff", "ask_question", "faq", "follow", "book", "book_class", "book_support"}
LEAVING_TYPED = {"notice_settings", "notices_stop", "erase_my_data"}
BOOKING_BUTTONS = {"book", "book_class", "book_support"}  # these leave the form and offer the button again
_STOP = re.compile(
    r"やめ(る|ます|たい|て|とく)|止め(る|ます)|中止|もういい|^(終わり|おわり|キャンセル|stop|cancel|quit)$"
)
_DONE = re.compile(r"^(これで)?決定|^(ok|done|おわり|以上|これで(いい|よい|お願いします))$")
_AGE = re.compile(r"(\d{1,3})\s*(歳|才|代|さい)")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip("。.!！ 　").casefold().replace("~", "〜")


class ProfileForm:
    def __init__(self, residents: Residents, *, areas: tuple[Choice, ...] = ()) -> None:
        self.residents = residents
        self.vocabulary: Mapping[str, Attribute] = vocabulary(areas)

    # -- the form's life ---------------------------------------------------------------------------

    def start(self, turn: Turn) -> dict[str, Any]:
        """Fresh values: every item, or only the one a 「…を変える」 button names."""
        values: dict[str, Any] = dict.fromkeys((*FORM_SLOTS, *HELPER_SLOTS))
        only = turn.entities.get("what")
        values["profile_only"] = only if only in self.items() else None
        return values

    def take(self, state: Mapping[str, Any], turn: Turn, *, asking: str | None, address: str, language: str) -> Step:
        """Take (and store) the answer to `asking` (None when the form starts) and say what to ask next."""
        if asking is None:
            resident = self.residents.get(address)
            if resident is None or not resident.consented:  # after 同意する, the consent desk said why
                consenting = turn.intent in ("notice_consent", "affirm")
                return Step({"profile_outcome": NOT_SIGNED_UP if consenting else NOT_REGISTERED}, None)
        words = Words(language)
        values: dict[str, Any] = {}
        say: list[Reply] = []
        if turn.intent in ("profile_stop", "booking_stop") or _STOP.search(_plain(turn.text)):
            return Step({"profile_outcome": STOPPED}, None)
        if turn.intent == "notice_change" and turn.entities.get("what") in self.items():
            values = {**self.start(turn), "profile_outcome": None}
        elif asking is not None:
            item = asking.removeprefix("profile_")
            taken = self._take(item, state, turn, address=address)
            if taken is None and (leaving := self._leaving(turn)):
                return Step({"profile_outcome": leaving}, None)
            if taken is None:
                say.append(Reply(words("again")))
            values = {asking: None, **(taken or {})}
        state = {**state, **values}
        return Step(values, self._next(state), tuple(say))

    def ask(self, slot: str, state: Mapping[str, Any], *, address: str, language: str) -> Reply:
        words = Words(language)
        item = slot.removeprefix("profile_")
        stop = words.button("stop", "/profile_stop")
        if item == "quiet":
            buttons = [
                words.button(code, payload("profile_choose", what=item, choice=code)) for code in (QUIET, ANYTIME)
            ]
            return Reply(words("ask_quiet"), (*buttons, stop))
        attribute = self.vocabulary[item]
        chosen = self.residents.attributes(address).get(item, ())
        text = words(f"ask_{item}")
        buttons = []
        for choice in attribute.choices:
            mark = "✓ " if attribute.multi and choice.code in chosen else ""
            buttons.append(
                Button(mark + choice.label(words.language), payload("profile_choose", what=item, choice=choice.code))
            )
        if attribute.multi:
            labels = [c.label(words.language) for c in attribute.choices if c.code in chosen]
            text += "\n\n" + words("chosen", labels=words.list(labels))
            buttons.append(words.button("done", payload("profile_choose", what=item, choice=DONE)))
        return Reply(text, (*buttons, stop))

    def finish(self, state: Mapping[str, Any], *, address: str, language: str) -> Reply | None:
        """What the resident registered and how to change it; nothing when they had not agreed to notices."""
        words = Words(language)
        outcome = state.get("profile_outcome") or ""
        settings = (words.button("settings", "/notice_settings"),)
        if outcome == NOT_SIGNED_UP:
            return None
        if outcome == NOT_REGISTERED:
            return Reply(words("not_registered"), settings)
        if outcome == STOPPED:
            return Reply(words("stopped") + "\n" + words("how_to"), settings)
        if outcome.removeprefix(FOLLOW) in BOOKING_BUTTONS:  # a form cannot start another in the same turn
            intent = outcome.removeprefix(FOLLOW)
            return Reply(words("stopped") + "\n" + words("to_book"), (Button(words(intent), f"/{intent}"),))
        lines = self.lines(address, words)
        return Reply("\n".join([words("registered"), "", *lines, "", words("how_to")]), settings)

    def overview(self, address: str, *, language: str) -> Reply:
        """「お知らせ設定」 for a resident who agreed: what is registered, a button per item, stop and erase."""
        words = Words(language)
        resident = self.residents.get(address)
        when = format_as_of((resident.consented_at or "")[:10], words.language) if resident else ""
        lines = [words("current", when=when), "", *self.lines(address, words), "", words("change_hint")]
        buttons = [
            Button(words("change", label=self._title(item, words)), payload("notice_change", what=item))
            for item in self._shown(address)
        ]
        buttons += [words.button("notices_stop", "/notices_stop"), words.button("erase", "/erase_my_data")]
        return Reply("\n".join(lines), tuple(buttons))

    def lines(self, address: str, words: Words) -> list[str]:
        """「【年代】60代」 per item, in the order asked."""
        shape = "{title}: {value}" if words.language == "en" else "【{title}】{value}"
        return [
            shape.format(title=self._title(item, words), value=self._value(item, address, words))
            for item in self._shown(address)
        ]

    def items(self) -> tuple[str, ...]:
        return tuple(item for item in ITEMS if item in self.vocabulary or item == "quiet")

    # -- what comes next ---------------------------------------------------------------------------

    def _next(self, state: Mapping[str, Any]) -> str | None:
        only = state.get("profile_only")
        if only:
            order = [only] + (["children"] if only == "household" and state.get("profile_household") == "child" else [])
        else:
            order = [i for i in self.items() if i != "children" or state.get("profile_household") == "child"]
        return next((f"profile_{item}" for item in order if state.get(f"profile_{item}") is None), None)

    def _leaving(self, turn: Turn) -> str | None:
        typed = not turn.text.startswith("/") and _plain(turn.text) != "よくある質問"
        if turn.intent in LEAVING_TYPED or (turn.intent in LEAVING and not typed):
            return FOLLOW + turn.intent
        return None

    # -- taking answers ----------------------------------------------------------------------------

    def _take(self, item: str, state: Mapping[str, Any], turn: Turn, *, address: str) -> dict[str, Any] | None:
        """The slots an answer sets (storing it), or None when it is not an answer to `item`."""
        if turn.intent == "profile_choose" and turn.entities.get("what") in self.items():
            item, code = turn.entities["what"], turn.entities.get("choice") or ""
        else:
            code = self._typed(item, turn.text) or ""
        if item == "quiet":
            return self._take_quiet(code, address=address)
        attribute = self.vocabulary[item]
        if attribute.multi and code == DONE:
            chosen = self.residents.attributes(address).get(item, ())
            return {f"profile_{item}": ",".join(chosen) or NONE}
        if code not in attribute.codes():
            return None
        if attribute.multi:
            self._toggle(item, code, address=address)
            return {}
        return self._store(item, code, address=address)

    def _take_quiet(self, code: str, *, address: str) -> dict[str, Any] | None:
        if code not in (QUIET, ANYTIME):
            return None
        self.residents.set_quiet_hours(address, *(NIGHT if code == QUIET else (None, None)))
        return {"profile_quiet": code}

    def _store(self, item: str, code: str, *, address: str) -> dict[str, Any]:
        self.residents.set_attribute(address, item, [code])
        values: dict[str, Any] = {f"profile_{item}": code}
        if item == "language":
            self.residents.set_language(address, code)
            values["language"] = code  # the rest of the conversation follows the choice
        if item == "household" and code != "child":
            self.residents.set_attribute(address, "children", [])
        return values

    def _toggle(self, item: str, code: str, *, address: str) -> None:
        chosen = set(self.residents.attributes(address).get(item, ())) ^ {code}
        self.residents.set_attribute(address, item, [c for c in self.vocabulary[item].codes() if c in chosen])

    def _typed(self, item: str, text: str) -> str | None:
        plain = _plain(text)
        if item == "quiet":
            if re.search(r"いつでも|any", plain):
                return ANYTIME
            return QUIET if re.search(r"朝まで|待つ|送らない|wait|morning", plain) else None
        attribute = self.vocabulary[item]
        if attribute.multi and _DONE.search(plain):
            return DONE
        for choice in attribute.choices:
            if plain in (choice.code, _plain(choice.ja), _plain(choice.en)):
                return choice.code
        age = _AGE.search(plain) if item == "age_band" else None
        return _age_band(int(age.group(1))) if age else None

    # -- showing -----------------------------------------------------------------------------------

    def _shown(self, address: str) -> list[str]:
        household = self.residents.attributes(address).get("household", ())
        return [i for i in self.items() if i != "children" or "child" in household]

    def _title(self, item: str, words: Words) -> str:
        return words("quiet_label") if item == "quiet" else self.vocabulary[item].label(words.language)

    def _value(self, item: str, address: str, words: Words) -> str:
        if item == "quiet":
            resident = self.residents.get(address)
            return words("quiet_short" if resident and resident.quiet_start else "anytime")
        chosen: Sequence[str] = self.residents.attributes(address).get(item, ())
        labels = [c.label(words.language) for c in self.vocabulary[item].choices if c.code in chosen]
        if not labels and not self.vocabulary[item].multi:
            return words("unset")
        return words.list(labels)


def _age_band(age: int) -> str | None:
    if age < 10 or age > 120:
        return None
    return "u20" if age < 20 else "80plus" if age >= 80 else f"{age // 10 * 10}s"
