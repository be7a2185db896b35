"""The import rules of docs/architecture.md, checked by reading the code (not by running it)."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parent.parent
PROJECT = {"bot", "knowledge", "channels"}
FORBIDDEN = {
    "knowledge": {"bot", "channels", "rasa", "rasa_sdk", "aiogram", "linebot", "fastapi"},
    "channels": {"bot", "knowledge", "rasa", "rasa_sdk"},
    "bot": {"rasa"},
}
# where the processes are put together: the only modules of bot that build channels (and import their SDKs)
COMPOSITION_ROOTS = ("bot/app.py", "bot/wiring/", "bot/cli/", "bot/stack.py")
# the channels' contract, free of any platform SDK: a domain may speak it
CHANNEL_CONTRACT = {"channels.outbound", "channels.messages"}
# the desks are siblings: none imports another (they share bot.dialogue)
DESKS = {"bot.faq", "bot.booking_desk", "bot.profile_desk"}


def _files(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            for child in node.body:
                lines |= set(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every module `path` imports (at the top or inside a function), outside `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            modules = {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known}
            found |= modules if len(modules) == len(node.names) else modules | {target}
    return found


def _graph() -> dict[str, set[str]]:
    paths = [p for package in PROJECT for p in _files(package)]
    known = {_module(p) for p in paths}
    return {_module(p): {m for m in _imported_modules(p, known) if m in known} for p in paths}


def _tops(path: Path) -> set[str]:
    """The top-level packages `path` imports by absolute name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_packages_import_only_what_the_architecture_allows():
    problems = []
    for package, forbidden in FORBIDDEN.items():
        for path in _files(package):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("bot/nlu/"):
                continue
            bad = _tops(path) & forbidden
            if package == "bot" and not rel.startswith(COMPOSITION_ROOTS):
                platform = {m for m in _imported_modules(path, set()) if m.startswith("channels")} - CHANNEL_CONTRACT
                bad |= platform | (_tops(path) & {"linebot", "aiogram"})
            if bad:
                problems.append(f"{rel} imports {sorted(bad)}")
    assert problems == []


def test_there_is_no_import_circle():
    graph = _graph()
    circles, state = [], defaultdict(int)  # 0 new, 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state[target] == 1:
                circles.append([*path[path.index(target) :], target])
            elif state[target] == 0:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if state[module] == 0:
            visit(module, [module])
    assert circles == []


def test_only_the_cli_imports_click():
    for package in PROJECT:
        for path in _files(package):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith("bot/cli/"):
                assert "click" not in _tops(path), rel


def test_the_console_and_the_domains_do_not_reach_back_into_the_app_wiring_or_the_cli():
    graph = _graph()
    for module, targets in graph.items():
        if module.startswith("bot.") and not module.startswith(("bot.app", "bot.wiring", "bot.cli", "bot.stack")):
            assert {t for t in targets if t.startswith(("bot.app", "bot.wiring", "bot.cli", "bot.stack"))} == set(), (
                module
            )


def test_the_desks_are_siblings_that_share_only_the_dialogue_kernel():
    graph = _graph()
    for module, targets in graph.items():
        desk = next((d for d in DESKS if module == d or module.startswith(d + ".")), None)
        if desk:
            others = {t for t in targets for d in DESKS - {desk} if t == d or t.startswith(d + ".")}
            assert others == set(), module


def test_the_rasa_tokenizer_imports_nothing_of_the_project():
    for path in _files("bot/nlu"):
        assert _tops(path) & PROJECT == set(), path


def test_knowledge_imports_no_heavy_module_at_import_time():
    for path in _files("knowledge"):
        top = {n.names[0].name.split(".")[0] for n in ast.parse(path.read_text()).body if isinstance(n, ast.Import)}
        top |= {
            n.module.split(".")[0]
            for n in ast.parse(path.read_text()).body
            if isinstance(n, ast.ImportFrom) and n.module and n.level == 0
        }
        assert top & {"torch", "sentence_transformers", "transformers", "sudachipy"} == set(), path


def test_no_module_passes_three_hundred_lines():
    long = {
        p.relative_to(ROOT).as_posix(): n
        for package in PROJECT
        for p in _files(package)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert long == {}
