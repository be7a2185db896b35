"""Question sets through the whole stack, as a resident sends them: Rasa's REST channel, then the app.

Each message goes to a fresh conversation (after the resident's municipality, when the item gives one). What
happened is read from Rasa's tracker (which actions ran, which slots changed) and from the app's question log
(which entry answered): the route a message took, and whether the answer was an acceptable one.

When the bot asks which municipality first (the answer differs by municipality), the evaluation taps the button
of the municipality the question is about and judges the answer that follows; it counts the extra tap.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from knowledge import Entry, KnowledgeStore, open_database
from knowledge.evaluation import Question, load_questions
from knowledge.text import is_english

__all__ = ["ChatEval", "RouteItem", "chat_accuracy", "load_routes", "routing_accuracy"]

_SMALL_TALK = {"greet", "goodbye", "thanks", "bot_challenge", "insult", "out_of_scope"}
_BOOKING_KINDS = {"smartphone": "book_class", "support": "book_support"}


@dataclass(frozen=True)
class Sent:
    """One message's effect: the route it took, the entry that answered (if any), the slots it set."""

    route: str
    faq_id: str
    slots: dict[str, Any]
    intent: str
    replies: list[dict[str, Any]]


@dataclass(frozen=True)
class RouteItem:
    text: str
    expect: str
    kind: str
    municipality: str | None = None
    municipality_after: str | None = None


def load_routes(path: Path) -> list[RouteItem]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        RouteItem(str(i["text"]), str(i["expect"]), str(i.get("kind", "")), i.get("municipality"),
                  i.get("municipality_after"))
        for i in items
    ]  # fmt: skip


class ChatEval:
    """Talks to a running stack (Rasa started with --enable-api) and reads the app's database."""

    def __init__(self, rasa_url: str, db_path: Path, *, prefix: str = "eval") -> None:
        self.rasa_url = rasa_url
        self.db = open_database(db_path)
        self.store = KnowledgeStore(self.db)
        self.prefix = prefix
        self.http = httpx.Client(timeout=60)
        self._n = 0
        self._entries: dict[str, Entry] = {}

    def entry(self, entry_id: str) -> Entry | None:
        if entry_id not in self._entries:
            self._entries = {e.id: e for e in self.store.entries(include_retired=True)}
        return self._entries.get(entry_id)

    def sender(self) -> str:
        self._n += 1
        return f"{self.prefix}-{self._n}"

    def send(self, sender: str, text: str) -> Sent:
        last = self.db.execute("select coalesce(max(id), 0) from questions").fetchone()[0]
        response = self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        row = self.db.execute(
            "select outcome, faq_id from questions where id > ? order by id limit 1", [last]
        ).fetchone()
        tracker = self.http.get(f"{self.rasa_url}/conversations/{sender}/tracker").json()
        events = tracker.get("events") or []
        start = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
        turn = events[start + 1 :]
        actions = [e.get("name") for e in turn if e.get("event") == "action"]
        slots = {e["name"]: e.get("value") for e in turn if e.get("event") == "slot"}
        intent = str(((tracker.get("latest_message") or {}).get("intent") or {}).get("name") or "")
        loops = [e.get("name") for e in turn if e.get("event") == "active_loop"]
        return Sent(_route(actions, loops, slots, row, intent, tracker), row[1] if row else "", slots, intent,
                    response.json())  # fmt: skip

    def close(self) -> None:
        self.http.close()


def _route(
    actions: list[Any], loops: list[Any], slots: dict[str, Any], row: Any, intent: str, tracker: dict[str, Any]
) -> str:
    if "booking_form" in loops or "action_booking_start" in actions:
        kind = (tracker.get("slots") or {}).get("booking_kind")
        return _BOOKING_KINDS.get(str(kind), "book")
    if "action_my_bookings" in actions:
        return "my_bookings"
    if "action_handoff" in actions or (row and row[0] == "human_requested"):
        return "human"
    if row:
        return {"answered": "answer", "handed_off": "handoff", "asked_municipality": "ask_municipality"}.get(
            row[0], row[0]
        )
    if slots.get("municipality"):
        return "municipality"
    if "action_answer_faq" in actions and intent in _SMALL_TALK:
        return f"small_talk:{intent}"
    return "other:" + ",".join(str(a) for a in actions if a != "action_listen")


# -- answer accuracy ---------------------------------------------------------------------------------------------


@dataclass
class ChatReport:
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        answerable = [o for o in self.outcomes if o["answerable"]]
        handoff = [o for o in self.outcomes if not o["answerable"] and not o["booking"]]
        booking = [o for o in self.outcomes if o["booking"]]
        by_kind: dict[str, list[bool]] = defaultdict(list)
        for o in self.outcomes:
            by_kind[o["kind"]].append(o["correct"])
        share = lambda xs: round(sum(xs) / len(xs), 3) if xs else 0.0  # noqa: E731
        return {
            "answerable": len(answerable),
            "handoff_items": len(handoff),
            "booking_items": len(booking),
            "top1": share([o["correct"] for o in answerable]),
            "handoff": share([o["correct"] for o in handoff]),
            "booking": share([o["correct"] for o in booking]),
            "asked_municipality_first": sum(o["taps"] for o in self.outcomes),
            "by_kind": {k: share(v) for k, v in sorted(by_kind.items())},
            "routes": dict(Counter(o["route"] for o in self.outcomes)),
        }

    def failures(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if not o["correct"]]


def _place_of(q: Question, plans: dict[str, str], chat: ChatEval) -> str | None:
    """The municipality a question is about: the resident's, its plan's, or its expected entry's."""
    entries = [e for e in map(chat.entry, q.expect) if e is not None and not e.shared]
    return q.municipality or plans.get(q.source_file) or (entries[0].municipality if entries else None)


def chat_accuracy(chat: ChatEval, questions: list[Question], *, plans: dict[str, str]) -> ChatReport:
    """`plans`: plan file -> municipality code, to tap the right button when the bot asks where one lives."""
    report = ChatReport()
    for q in questions:
        sender = chat.sender()
        if q.municipality:
            chat.send(sender, "/choose_municipality" + json.dumps({"municipality": q.municipality}))
        sent = chat.send(sender, q.q)
        taps = 0
        place = _place_of(q, plans, chat)
        if sent.route == "ask_municipality" and place:
            sent = chat.send(sender, "/choose_municipality" + json.dumps({"municipality": place}))
            taps = 1
        language = "en" if is_english(q.q) else ("easy" if q.kind == "easy" else "ja")
        entry = chat.entry(sent.faq_id) if sent.route == "answer" and sent.faq_id else None
        if q.booking:
            correct = sent.route == q.route or (q.route == "book" and sent.route.startswith("book"))
        elif q.answerable:
            correct = entry is not None and q.accepts(entry, language=language)
        else:
            correct = sent.route in ("handoff", "human", "ask_municipality") or sent.route.startswith("small_talk")
        report.outcomes.append(
            {"q": q.q, "kind": q.kind, "answerable": q.answerable, "booking": q.booking, "route": sent.route,
             "faq_id": sent.faq_id, "correct": bool(correct), "taps": taps, "intent": sent.intent}
        )  # fmt: skip
    return report


# -- routing -----------------------------------------------------------------------------------------------------


def _route_ok(item: RouteItem, sent: Sent) -> bool:
    expect, route = item.expect, sent.route
    if expect in ("greet", "goodbye", "thanks", "bot_challenge", "insult"):
        return route.startswith("small_talk:") and route != "small_talk:out_of_scope"
    if expect == "out_of_scope":
        return route in ("small_talk:out_of_scope", "handoff")
    if expect == "handoff":
        return route == "human"
    if expect == "book":
        return route.startswith("book")
    return route == expect


def routing_accuracy(chat: ChatEval, items: list[RouteItem]) -> dict[str, Any]:
    misroutes = []
    for item in items:
        sender = chat.sender()
        if item.municipality:
            chat.send(sender, "/choose_municipality" + json.dumps({"municipality": item.municipality}))
        sent = chat.send(sender, item.text)
        remembered = sent.slots.get("municipality") or item.municipality
        ok = _route_ok(item, sent) and (not item.municipality_after or remembered == item.municipality_after)
        if not ok:
            misroutes.append({"text": item.text, "expect": item.expect, "got": sent.route, "intent": sent.intent,
                              "municipality": sent.slots.get("municipality")})  # fmt: skip
    return {"messages": len(items), "misroutes": len(misroutes), "failures": misroutes}


# -- command line ------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "plans": ROOT / "tests" / "data" / "questions_plans.yaml",
    "own": ROOT / "tests" / "data" / "questions.yaml",
    "dev": ROOT / "tests" / "data" / "questions_dev.yaml",
}
ROUTING = ROOT / "tests" / "data" / "routing.yaml"


def plan_places() -> dict[str, str]:
    from knowledge import read_sources

    return {name: str(s.get("municipality") or "") for name, s in read_sources().items()}


def run_all(stack: Any, db_path: Path, *, sets: tuple[str, ...] = ("plans", "own")) -> dict[str, Any]:
    """Every question set and the routing set through a running stack."""
    chat = ChatEval(stack.rasa_url, db_path)
    try:
        out: dict[str, Any] = {
            name: chat_accuracy(chat, load_questions(SETS[name]), plans=plan_places()) for name in sets
        }
        if ROUTING.exists():
            out["routing"] = routing_accuracy(chat, load_routes(ROUTING))
        return out
    finally:
        chat.close()


def main() -> None:
    import argparse
    import tempfile

    from bot.stack import Stack
    from tests.fakes.stack import seeded_home

    from .common import E5, HOME

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="*", default=["plans", "own"], choices=[*SETS])
    parser.add_argument("--failures", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = seeded_home(home, e5=E5)
        with Stack(home, app_port=8778, rasa_port=5778, model=HOME / "models" / "madoguchi.tar.gz", env=env,
                   enable_api=True) as stack:  # fmt: skip
            results = run_all(stack, home / "madoguchi.db", sets=tuple(args.sets))
    for name, report in results.items():
        if isinstance(report, ChatReport):
            print(name, json.dumps(report.summary(), ensure_ascii=False))
            if args.failures:
                for o in report.failures():
                    print(f"   [{o['kind']}] {o['q']} -> {o['route']} {o['faq_id']} ({o['intent']})")
        else:
            print(name, json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
            if args.failures:
                for f in report["failures"]:
                    print("   ", json.dumps(f, ensure_ascii=False))


if __name__ == "__main__":
    main()
