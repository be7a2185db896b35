"""`madoguchi kb ...`: import, export, search and inspect the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from knowledge import (
    KnowledgeStore,
    entries_to_csv,
    parse_csv,
    read_seed_entries,
    read_seed_municipalities,
)
from knowledge.loader import parse_yaml

from ..settings import Settings
from ..wiring import Stores
from ._output import echo_json

__all__ = ["kb"]


def _store(settings: Settings) -> KnowledgeStore:
    return Stores.open(settings).knowledge


@click.group()
def kb() -> None:
    """The FAQ knowledge base."""


@kb.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check the file and report, write nothing")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_(settings: Settings, path: Path | None, dry_run: bool, as_json: bool) -> None:
    """Import the seed corpus (no PATH), or a staff file (CSV or YAML).

    A file with any bad row is reported row by row and nothing is written. Staff edits are never overwritten by
    the seed corpus.
    """
    store = _store(settings)
    if path is None:
        entries, origin = read_seed_entries(), "seed"
        store.import_municipalities(read_seed_municipalities())
    else:
        parse = parse_yaml if path.suffix.lower() in (".yaml", ".yml") else parse_csv
        entries, errors = parse(path.read_bytes())
        for error in errors:
            click.echo(f"{path.name} {error}", err=True)
        if [e for e in errors if e.row > 1 or "見出し" in e.message]:
            raise click.ClickException(
                "エラーのある行があるため、何も書き込みませんでした。直してからもう一度実行してください。"
            )
        origin = "csv"
    if dry_run:
        click.echo(f"{len(entries)} 件を読み込めます（--dry-run のため書き込みません）")
        return
    report = store.import_entries(entries, origin=origin)
    if as_json:
        echo_json(report.__dict__)
    else:
        click.echo(report.summary())


@kb.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@click.option("--include-retired", is_flag=True)
@click.pass_obj
def export(settings: Settings, fmt: str, output: Path | None, include_retired: bool) -> None:
    """Export the entries: CSV for Excel (UTF-8 with BOM) or JSON."""
    entries = _store(settings).entries(include_retired=include_retired)
    if fmt == "csv":
        data = entries_to_csv(entries)
    else:
        data = json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2).encode()
    if output:
        output.write_bytes(data)
        click.echo(f"{len(entries)} 件を {output} に書き出しました", err=True)
    else:
        sys.stdout.buffer.write(data)


@kb.command()
@click.argument("query")
@click.option("--municipality", help="resident's municipality code")
@click.option("--limit", default=3, show_default=True)
@click.option("--mode", type=click.Choice(["hybrid", "dense", "lexical"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(settings: Settings, query: str, municipality: str | None, limit: int, mode: str, as_json: bool) -> None:
    """Search the knowledge base directly (no Rasa), with the scores."""
    from ..wiring import build_assistant

    result = build_assistant(settings).searcher.search(query, municipality=municipality, limit=limit, mode=mode)  # type: ignore[arg-type]
    if as_json:
        echo_json(
            {
                "answered": result.answered,
                "language": result.language,
                "municipality": result.municipality,
                "hits": [h.to_dict() for h in result.hits],
            }
        )
        return
    click.echo("答えられます" if result.answered else "答えられません（職員におつなぎします）")
    for hit in result.hits:
        click.echo(
            f"  {hit.score:.3f}  (dense {hit.dense:.3f}, lexical {hit.lexical:.3f})  {hit.entry.id}  {hit.entry.question}"
        )


@kb.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stats(settings: Settings, as_json: bool) -> None:
    """How many entries, by municipality, status and category."""
    data = _store(settings).stats()
    if as_json:
        echo_json(data)
        return
    click.echo(f"項目数 {data['entries']}（廃止 {data['retired']}、職員が編集 {data['staff_edited']}）")
    for key, label in (("by_municipality", "自治体"), ("by_status", "状況"), ("by_category", "分類")):
        click.echo(f"{label}: " + "、".join(f"{k} {v}" for k, v in data[key].items()))


@kb.command()
@click.pass_obj
def reload(settings: Settings) -> None:
    """Re-import the seed corpus and rebuild the search index and its vector cache now."""
    store = _store(settings)
    store.import_municipalities(read_seed_municipalities())
    click.echo(store.import_entries(read_seed_entries()).summary())
    from ..wiring import build_assistant

    assistant = build_assistant(settings)
    assistant.searcher.refresh()
    click.echo(f"検索の索引を作り直しました（{len(assistant.searcher.store.entries())} 件）")


_PLANS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
_plans_option = click.option(
    "--plans",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="MADOGUCHI_PLANS",
    default=_PLANS if _PLANS.is_dir() else None,
    help="the folder of the plans the entries cite (default: shared/seeds beside the checkout)",
)


@kb.command()
@_plans_option
@click.option("--seed", is_flag=True, help="check the seed corpus (knowledge/data) instead of the live entries")
@click.option("--lines", "show_lines", is_flag=True, help="also list every uncited line that states something")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def coverage(settings: Settings, plans: Path | None, seed: bool, show_lines: bool, as_json: bool) -> None:
    """For each plan, the sections (and with --lines, the lines) that no entry cites."""
    from knowledge.coverage import plan_coverage, read_exclusions
    from knowledge.loader import seed_dir

    if plans is None:
        raise click.ClickException("計画のフォルダが見つかりません。--plans で指定してください。")
    texts = {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted(plans.glob("*.txt"))}
    entries = read_seed_entries() if seed else _store(settings).entries()
    report = plan_coverage(texts, entries, exclusions=read_exclusions(seed_dir() / "uncited"))
    if as_json:
        echo_json([c.to_dict() for c in report])
        return
    for plan in report:
        share = 1 - len(plan.uncited_lines) / plan.content_lines if plan.content_lines else 1.0
        click.echo(
            f"{plan.file}: 節 {plan.relevant} のうち引用あり {len(plan.cited)}、引用なし {len(plan.uncited)}"
            f"（対象外 {len(plan.excluded)}）; 文の行 {plan.content_lines} のうち引用 {share:.0%}"
        )
        for section in plan.uncited:
            click.echo(f"  {section.start}-{section.end}行  {section.heading}")
        if show_lines:
            for n in plan.uncited_lines:
                click.echo(f"    {n}: {texts[plan.file][n - 1].strip()[:80]}")


@kb.command()
@_plans_option
def figures(plans: Path | None) -> None:
    """Seed entries whose answer leaves out a figure of their source lines without saying why (`left_out`)."""
    from knowledge.coverage import seed_figure_gaps
    from knowledge.loader import seed_dir

    if plans is None:
        raise click.ClickException("計画のフォルダが見つかりません。--plans で指定してください。")
    texts = {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted(plans.glob("*.txt"))}
    gaps = seed_figure_gaps(texts, seed_dir())
    for entry_id, missing in gaps.items():
        click.echo(f"{entry_id}: {'、'.join(missing)}")
    click.echo(f"数字の抜けている項目 {len(gaps)} 件")
