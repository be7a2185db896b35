"""The import rules of docs/architecture.md, checked by reading the code (not by running it)."""

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
PROJECT = {"bot", "knowledge", "channels"}
FORBIDDEN = {
    "knowledge": {"bot", "channels", "rasa", "rasa_sdk", "aiogram", "linebot", "fastapi"},
    "channels": {"bot", "knowledge", "rasa", "rasa_sdk"},
    "bot": {"rasa"},
}
COMPOSITION_ROOTS = {
    "bot/app.py",
    "bot/cli/__init__.py",
    "bot/cli/kb.py",
    "bot/cli/line.py",
    "bot/notices/wiring.py",
    "bot/stack.py",
    "bot/cli/telegram.py",
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _files(package: str):
    return [p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts]


def test_packages_import_only_what_the_architecture_allows():
    problems = []
    for package, forbidden in FORBIDDEN.items():
        for path in _files(package):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("bot/nlu/"):
                continue
            bad = _imports(path) & forbidden
            if package == "bot" and rel not in COMPOSITION_ROOTS:
                bad |= _imports(path) & {"channels"}
            if bad:
                problems.append(f"{rel} imports {sorted(bad)}")
    assert problems == []


def test_the_rasa_tokenizer_imports_nothing_of_the_project():
    for path in _files("bot/nlu"):
        assert _imports(path) & PROJECT == set(), path


def test_knowledge_imports_no_heavy_module_at_import_time():
    for path in _files("knowledge"):
        top = {n.names[0].name.split(".")[0] for n in ast.parse(path.read_text()).body if isinstance(n, ast.Import)}
        top |= {
            n.module.split(".")[0]
            for n in ast.parse(path.read_text()).body
            if isinstance(n, ast.ImportFrom) and n.module and n.level == 0
        }
        assert top & {"torch", "sentence_transformers", "transformers", "sudachipy"} == set(), path
