"""What the assistant does with a resident's message, independent of Rasa and of the channel."""

from __future__ import annotations

from dataclasses import dataclass, replace

from knowledge import Entry, Municipality, Searcher, SearchResult, detect_municipality
from knowledge.text import has_words

from ..dialogue import Reply, language_of
from .logbook import Logbook, QuestionRecord
from .replies import (
    answer_reply,
    booking_offer_reply,
    choose_municipality_reply,
    faq_button,
    feedback_reply,
    handoff_reply,
    place_question_reply,
)
from .routing import (
    SMALL_TALK,
    is_only_place,
    looks_like_booking,
    needs_place,
    shared_answer,
    strip_small_talk,
    topical,
)
from .small_talk import LANGUAGE_CHOSEN, LANGUAGE_WORDS, MENU_WORDS, NO_WORDS, small_talk_reply

__all__ = ["Answer", "Assistant", "Question"]

MAX_QUERY = 1000  # characters searched; longer messages are cut (the log keeps more)
# shown under 「よくある質問」 until the question log knows better
DEFAULT_MENU = (
    "national-konbini-kofu-hours",
    "national-mynumber-card-uses",
    "national-mynumber-card-shinsei",
    "national-mynumber-hokensho",
    "kunitachi-okuyami-madoguchi",
)


@dataclass(frozen=True)
class Question:
    """The message being answered: its text, who sent it on which channel, its language, the resident's place."""

    text: str
    sender: str
    channel: str
    language: str
    resident: str | None = None  # the municipality the resident lives in, when known


@dataclass(frozen=True)
class Answer:
    reply: Reply
    answered: bool
    language: str
    faq_id: str = ""
    result: SearchResult | None = None
    municipality: str | None = None  # where the resident lives, learned from this message
    pending: str | None = None  # the question to answer once the resident says where they live


class Assistant:
    def __init__(
        self,
        *,
        searcher: Searcher,
        logbook: Logbook,
        sources: dict[str, dict[str, str]],
        default_municipality: str = "",
    ) -> None:
        self.searcher = searcher
        self.logbook = logbook
        self.sources = sources
        self.default_municipality = default_municipality

    # -- lookups -----------------------------------------------------------------------------------

    def municipality(self, code: str | None) -> Municipality | None:
        return next((m for m in self.searcher.municipalities if m.code == code), None) if code else None

    def _source_title(self, entry: Entry, language: str) -> str:
        source = self.sources.get(entry.source_file, {})
        title = source.get("title_en" if language == "en" else "title") or entry.source_file
        return title or ("municipal information" if language == "en" else "区・市の資料")

    # -- turns -------------------------------------------------------------------------------------

    def respond(
        self,
        text: str,
        *,
        intent: str,
        sender: str,
        channel: str,
        municipality: str | None = None,
        language: str | None = None,
        faq_id: str | None = None,
        place: str | None = None,
        pending: str | None = None,
        last_faq_id: str | None = None,
        last_question: str | None = None,
    ) -> Answer:
        """Route a free-text message by meaning: small talk and a bare place name only when nothing else is in it.

        `intent` is what Rasa made of the message, `place` the municipality Rasa found in it, `pending` a question
        waiting for the resident to say where they live; `last_faq_id` and `last_question` what free-form feedback
        is about.
        """
        lang = language_of(text, language)
        rest = strip_small_talk(text) if intent in SMALL_TALK else text
        if intent in SMALL_TALK and not has_words(rest):
            return Answer(small_talk_reply(intent, language=lang), True, lang)
        if (text.startswith("/") and intent == "choose_municipality") or is_only_place(
            text, self.searcher.municipalities
        ):
            return self._place_chosen(place, text=text, language=language, pending=pending, sender=sender,
                                      channel=channel)  # fmt: skip
        words = text.strip().lower()
        if faq_id or text.startswith("/") or words in MENU_WORDS or words in LANGUAGE_WORDS or not has_words(text):
            return self.answer(text, sender=sender, channel=channel, municipality=municipality, language=language,
                               faq_id=faq_id)  # fmt: skip
        resident = municipality or self.default_municipality or None
        question = Question(text, sender, channel, lang, resident)
        result = self.searcher.search(rest[:MAX_QUERY], municipality=resident, limit=8)  # room for a national answer
        learned = result.named_municipality
        if result.best is not None and result.answered:
            entry = result.best.entry
            if needs_place(result):
                everywhere = shared_answer(result)  # what holds wherever the resident lives answers at once
                if everywhere is None:
                    return self._ask_place(result, replace(question, resident=None))
                entry = everywhere
            turn = self._answered(entry, question, result=result)
            if looks_like_booking(rest):  # 「スマホ講座を予約できる？」: the answer, and the booking one tap away
                offer = booking_offer_reply(language=lang)
                turn = replace(turn, reply=replace(turn.reply, buttons=(*offer.buttons[:2], *turn.reply.buttons)))
            return replace(turn, municipality=learned)
        if intent in (*SMALL_TALK, "feedback") and not topical(result):
            if intent == "feedback":
                reply = self.feedback(sender=sender, faq_id=last_faq_id or "", question=last_question or "",
                                      helpful=None, comment=text, language=lang)  # fmt: skip
                return Answer(reply, True, lang)
            return Answer(small_talk_reply(intent, language=lang), True, lang)
        if intent == "choose_municipality" and not learned:
            return self._place_chosen(place, text=text, language=language, pending=pending, sender=sender,
                                      channel=channel)  # fmt: skip
        if looks_like_booking(rest):
            self._log(question, "booking_offered", result=result, score=0.0)
            return Answer(booking_offer_reply(language=lang), False, lang, result=result)
        return replace(self._handed_off(result, question), municipality=learned)

    def _place_chosen(
        self, place: str | None, *, text: str, language: str | None, pending: str | None, sender: str, channel: str
    ) -> Answer:
        code, reply = self.choose_municipality(place, text=text, language=language)
        lang = language_of(text, language)
        if code is None or not pending:
            return Answer(reply, code is not None, lang, municipality=code)
        later = self.respond(pending, intent="ask_question", sender=sender, channel=channel, municipality=code,
                             language=lang)  # fmt: skip
        first = reply.text.split("。")[0] + "。" if lang != "en" else reply.text.split(".")[0] + "."
        return replace(later, reply=Reply(f"{first}\n\n{later.reply.text}", later.reply.buttons, later.reply.custom),
                       municipality=code, pending=None)  # fmt: skip

    def _ask_place(self, result: SearchResult, question: Question) -> Answer:
        """The answer differs by municipality, none is known and no national answer fits: ask which one."""
        reply = place_question_reply(self.searcher.municipalities, language=question.language)
        self._log(question, "asked_municipality", result=result)
        return Answer(reply, False, question.language, "", result, pending=question.text[:500])

    def answer(
        self,
        text: str,
        *,
        sender: str,
        channel: str,
        municipality: str | None = None,
        language: str | None = None,
        faq_id: str | None = None,
    ) -> Answer:
        """Answer a question from the knowledge base, or hand off honestly when it has no good answer."""
        resident = municipality or self.default_municipality or None
        lang = language_of(text, language)
        if not has_words(text):  # empty, emoji or punctuation only: nothing to search for
            return Answer(self.menu(language=lang, prompt=NO_WORDS[lang == "en"]), False, lang)
        if text.strip().lower() in MENU_WORDS:
            return Answer(self.menu(language=lang), True, lang)
        if (choice := LANGUAGE_WORDS.get(text.strip().lower())) is not None:
            return Answer(Reply(LANGUAGE_CHOSEN[choice]), True, choice)
        question = Question(text, sender, channel, lang, resident)
        if faq_id and (entry := self.searcher.entry(faq_id)) is not None:
            return self._answered(entry, question)
        result = self.searcher.search(text[:MAX_QUERY], municipality=resident)
        if result.best is None or not result.answered:
            return self._handed_off(result, question)
        return self._answered(result.best.entry, question, result=result)

    def _answered(self, entry: Entry, question: Question, *, result: SearchResult | None = None) -> Answer:
        resident, lang = question.resident, question.language
        place = None if entry.shared else self.municipality(entry.municipality)
        home = place or self.municipality(resident)
        other = ""
        if place and place.code != resident:
            other = place.name_en if lang == "en" and place.name_en else place.name
        related = next((r for r in map(self.searcher.entry, entry.related) if r and not r.retired), None)
        reply = answer_reply(
            entry,
            language=lang,
            source_title=self._source_title(entry, lang),
            home=home,
            other_place=other,
            related=related,
        )
        if other and not resident:
            reply = Reply(reply.text + "\n\n" + _ask_home_hint(lang), reply.buttons)
        self._log(question, "answered", faq_id=entry.id, result=result)
        return Answer(reply, True, lang, entry.id, result)

    def _handed_off(self, result: SearchResult, question: Question) -> Answer:
        home = self.municipality(result.municipality or question.resident)
        reply = handoff_reply(
            language=question.language, home=home, municipalities=self.searcher.municipalities,
            elsewhere=result.other_place,
        )  # fmt: skip
        self._log(question, "handed_off", result=result)
        return Answer(reply, False, question.language, "", result)

    def menu(self, *, language: str, prompt: str = "") -> Reply:
        """The questions residents ask most, as buttons."""
        ids = list(dict.fromkeys([*self.logbook.popular_faq_ids(limit=5), *DEFAULT_MENU]))
        entries = [e for e in map(self.searcher.entry, ids) if e is not None and not e.retired][:5]
        en = language == "en"
        text = prompt or ("Common questions. Tap one:" if en else "よくあるご質問です。知りたいものを押してください。")
        return Reply(text, tuple(faq_button(e) for e in entries))

    def handoff(
        self, text: str, *, sender: str, channel: str, municipality: str | None, language: str | None
    ) -> Answer:
        """The resident asked for a person."""
        lang = language_of(text, language)
        resident = municipality or self.default_municipality or None
        home = self.municipality(detect_municipality(text, self.searcher.municipalities) or resident)
        reply = handoff_reply(
            language=lang, home=home, municipalities=self.searcher.municipalities, asked_for_person=True
        )
        self._log(Question(text, sender, channel, lang, resident), "human_requested")
        return Answer(reply, False, lang)

    def choose_municipality(self, value: str | None, *, text: str, language: str | None) -> tuple[str | None, Reply]:
        """Remember where the resident lives, from a button (a code) or from what they typed."""
        lang = language_of(text, language)
        known = self.searcher.municipalities
        code = value if any(m.code == value for m in known) else None
        code = code or detect_municipality(f"{value or ''} {text}", known)
        place = self.municipality(code)
        if place is None:
            return None, choose_municipality_reply(known, language=lang)
        if lang == "en":
            text_out = f"Thank you. I will answer with {place.name_en or place.name}'s information first."
        else:
            text_out = f"{place.name}ですね。これからは{place.name}の情報を優先してお答えします。ご質問をどうぞ。"
        return place.code, Reply(text_out)

    def feedback(
        self, *, sender: str, faq_id: str, question: str, helpful: bool | None, comment: str, language: str
    ) -> Reply:
        """Record whether an answer helped; on a "no", offer the counter and the phone."""
        self.logbook.record_feedback(sender=sender, faq_id=faq_id, question=question, helpful=helpful, comment=comment)
        return feedback_reply(helpful, language=language)

    def _log(
        self, question: Question, outcome: str, *, faq_id: str = "", result: SearchResult | None = None,
        score: float | None = None,
    ) -> None:  # fmt: skip
        """The question in the log: what was asked, what came of it, and the candidates the search found."""
        if score is None:
            score = result.best.score if result and result.best else (1.0 if faq_id else 0.0)
        candidates = tuple(h.to_dict() for h in result.hits) if result else ()
        q = question
        self.logbook.record_question(
            QuestionRecord(
                q.sender, q.channel, q.language, q.resident or "", q.text, outcome, faq_id, score, candidates
            )
        )


def _ask_home_hint(language: str) -> str:
    if language == "en":
        return 'Tell me where you live (for example "I live in Adachi") and I will use that city\'s information first.'
    return "※「足立区に住んでいます」のように、お住まいの区・市を教えていただくと、その区・市の情報を優先します。"
