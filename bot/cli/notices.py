"""`madoguchi notices ...`: staff write a notice for a segment, see whom it reaches, test it, send it, follow it.

madoguchi segments add 子育て世帯 --where household=child
madoguchi notices create --segment 子育て世帯 --title 健診 --text "…" --en "…" --button "予約=/book_class"
madoguchi notices preview 1 && madoguchi notices test 1 && madoguchi notices send 1 --at "2026-12-03 10:00"
madoguchi notices status 1
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import yaml

from ..notices import LANGUAGES, STATUS_JA, Notice, NoticeStore, Round, Version
from ..settings import Settings
from ..wiring import Stores
from ._bookings import parse_when
from ._notices import COUNT_JA, TOKYO, reach_text, refusals, store_of, tokyo_time
from ._output import echo_json

__all__ = ["notices"]

# -- notices ----------------------------------------------------------------------------------------


@click.group()
def notices() -> None:
    """Notices: write one, see whom it reaches, test it on staff accounts, send it now or at a time."""


def _versions(
    texts: dict[str, str | None], buttons: tuple[str, ...], link: str, file: Path | None
) -> dict[str, Version]:
    if file is not None:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        return {
            lang: Version(
                lang, str(v["text"]), tuple(_button(b) for b in v.get("buttons") or ()), str(v.get("link") or "")
            )
            for lang, v in data.items()
        }
    pairs = tuple(_button(b) for b in buttons)
    return {lang: Version(lang, text, pairs, link) for lang, text in texts.items() if text}


def _button(raw: Any) -> tuple[str, str]:
    if isinstance(raw, dict):
        return str(raw["title"]), str(raw.get("payload") or raw["title"])
    title, _, payload = str(raw).partition("=")
    return title.strip(), (payload or title).strip()


@notices.command("create")
@click.option("--segment", required=True, help="the segment's name or number")
@click.option("--title", required=True, help="for staff: what the notice is about")
@click.option("--text", "ja", help="the Japanese text (every resident without a version of their own gets it)")
@click.option("--easy", help="the text in やさしい日本語")
@click.option("--en", help="the text in English")
@click.option("--button", "buttons", multiple=True, help="'title=payload' (or a title the resident sends back)")
@click.option("--link", default="", help="a web page for more")
@click.option("--emergency", is_flag=True, help="防災: sent even during residents' quiet hours")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, path_type=Path),
    help="YAML: {ja: {text, buttons, link}, easy: …, en: …}",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_create(settings: Settings, segment: str, title: str, buttons: tuple[str, ...], link: str,
                   emergency: bool, file: Path | None, as_json: bool, **texts: str | None) -> None:  # fmt: skip
    """Write a notice (a draft until `send`)."""
    with refusals():
        notice = store_of(settings).create(
            title, segment=segment, versions=_versions(texts, buttons, link, file), emergency=emergency
        )
    if as_json:
        echo_json(notice.to_dict())
        return
    click.echo(f"お知らせ {notice.id} を下書きにしました（{', '.join(notice.versions)}）。")


@notices.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_list(settings: Settings, as_json: bool) -> None:
    """Every notice with its state."""
    found = store_of(settings).notices()
    if as_json:
        echo_json([n.to_dict() for n in found])
        return
    for n in found:
        click.echo(
            f"{n.id:>4}  {STATUS_JA[n.status]}  {tokyo_time(n.send_at)}  {'【防災】' if n.emergency else ''}{n.title}"
        )


@notices.command("preview")
@click.argument("notice_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_preview(settings: Settings, notice_id: int, as_json: bool) -> None:
    """Whom the notice reaches now, and each version as residents will read it."""
    with refusals():
        store = store_of(settings)
        notice = store.notice(notice_id)
        reach = store.reach(store.segment(notice.segment_id).filter)
    replies = {lang: notice.version(lang).reply() for lang in LANGUAGES}
    if as_json:
        echo_json({"notice": notice.to_dict(), "reach": reach.to_dict(),
                   "messages": {lang: {"text": r.text, "buttons": [b.as_dict() for b in r.buttons]} for lang, r in replies.items()}})  # fmt: skip
        return
    click.echo(f"届く人数: {reach_text(reach.total, reach.by_channel, reach.by_language)}")
    for lang in notice.versions:
        reply = replies[lang]
        click.echo(f"\n--- {lang} ---\n{reply.text}")
        for b in reply.buttons:
            click.echo(f"  [{b.title}]")
    if missing := [lang for lang in LANGUAGES if lang not in notice.versions]:
        click.echo(f"\n（{', '.join(missing)} の住民には日本語の版が届きます）")


@notices.command("test")
@click.argument("notice_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_test(settings: Settings, notice_id: int, as_json: bool) -> None:
    """Send every version to the staff accounts of MADOGUCHI_STAFF_TEST_ADDRESSES (not to residents)."""
    if not settings.staff_test_addresses:
        raise click.ClickException(
            "MADOGUCHI_STAFF_TEST_ADDRESSES に職員のアカウント（line:U…, tg:123）を設定してください。"
        )
    with refusals():
        notice = store_of(settings).notice(notice_id)
    results = asyncio.run(_send_test(settings, notice))
    if as_json:
        echo_json(results)
        return
    for r in results:
        click.echo(f"{r['address']}  {r['language']}  {r['result']}")
    if any(r["result"] != "sent" for r in results):
        raise SystemExit(1)


async def _send_test(settings: Settings, notice: Notice) -> list[dict[str, str]]:
    from channels.outbound import Outbound

    from ..notices.trial import send_test
    from ..wiring import open_pushers, push_via, pushers

    results = []
    async with open_pushers(settings) as (line_api, bot):
        push = push_via(Outbound(pushers(line_api=line_api, bot=bot)))
        for lang in notice.versions:
            sent = await send_test(push, notice.version(lang).reply(), addresses=settings.staff_test_addresses)
            for address, problem in sent:
                results.append(
                    {"address": address, "language": lang, "result": f"failed: {problem}" if problem else "sent"}
                )
    return results


@notices.command("send")
@click.argument("notice_id", type=int)
@click.option("--at", "at", callback=parse_when, help="when to start, Tokyo time (default: now)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_send(settings: Settings, notice_id: int, at: datetime | None, as_json: bool) -> None:
    """Schedule the notice: the app's scheduler (or `notices dispatch`) sends it at its time.

    Refused when LINE's remaining quota this month is smaller than the segment (checked again when it starts)."""
    with refusals():
        store = store_of(settings)
        problem = asyncio.run(_quota_problem(settings, store, store.notice(notice_id)))
        if problem:
            raise click.ClickException(problem)
        notice = store.schedule(notice_id, at=at.replace(tzinfo=TOKYO) if at else None)
    if as_json:
        echo_json(notice.to_dict())
        return
    click.echo(
        f"お知らせ {notice.id} を {tokyo_time(notice.send_at)} に送ります（アプリが送信します。すぐ送るには `madoguchi notices dispatch`）。"
    )


@notices.command("cancel")
@click.argument("notice_id", type=int)
@click.pass_obj
def notices_cancel(settings: Settings, notice_id: int) -> None:
    """Take back a draft or a scheduled notice before it starts."""
    with refusals():
        store_of(settings).cancel(notice_id)
    click.echo(f"お知らせ {notice_id} を取り消しました。")


@notices.command("status")
@click.argument("notice_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_status(settings: Settings, notice_id: int, as_json: bool) -> None:
    """Where a notice stands: sent, failed, blocked, unfollowed, still waiting."""
    from ..notices import Outbox

    with refusals():
        store = store_of(settings)
        notice = store.notice(notice_id)
        counts = Outbox(store.db, clock=store.clock).counts(notice_id)
    if as_json:
        echo_json({"notice": notice.to_dict(), "counts": counts})
        return
    click.echo(
        f"お知らせ {notice.id}「{notice.title}」: {notice.status}（開始 {tokyo_time(notice.started_at)}, 完了 {tokyo_time(notice.finished_at)}）"
    )
    if notice.problem:
        click.echo(f"  送れていない理由: {notice.problem}")
    click.echo(
        f"  送信先 {counts['recipients']:,} 人: "
        + ", ".join(f"{COUNT_JA[k]} {counts[k]:,}" for k in COUNT_JA if counts[k])
    )


@notices.command("dispatch")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def notices_dispatch(settings: Settings, as_json: bool) -> None:
    """Send what is due now, in the foreground (the app does this by itself every 30 seconds)."""
    done, seconds = asyncio.run(_dispatch(settings))
    summary = {"started": done.started, "finished": done.finished, "held": done.held, "stalled": done.stalled,
               "busy": done.busy, "seconds": seconds}  # fmt: skip
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"開始 {done.started or '-'} / 完了 {done.finished or '-'} ({summary['seconds']} s)")
        for notice_id, problem in done.held.items():
            click.echo(f"  お知らせ {notice_id} は送っていません: {problem}")
        if done.stalled:
            click.echo(f"  お知らせ {done.stalled}: 送信先が応答しません。次の回で続きから送ります。")
        if done.busy:
            click.echo("  ほかのプロセスが送信中です。")
    if done.stalled:
        raise SystemExit(1)


async def _quota_problem(settings: Settings, store: NoticeStore, notice: Notice) -> str | None:
    if not settings.line_channel_access_token:
        return None
    from ..wiring import notice_scheduler, open_pushers

    async with open_pushers(settings) as (line_api, bot):
        scheduler = notice_scheduler(store.db, settings, line_api=line_api, bot=bot)
        return await scheduler.quota_problem(store.segment(notice.segment_id).filter)


async def _dispatch(settings: Settings) -> tuple[Round, float]:
    """The rounds, and how long they took (the imports before them not counted)."""
    import time

    from ..wiring import notice_scheduler, open_pushers

    async with open_pushers(settings) as (line_api, bot):
        scheduler = notice_scheduler(Stores.open(settings).db, settings, line_api=line_api, bot=bot)
        started = time.perf_counter()
        done = await scheduler.until_idle()
        return done, round(time.perf_counter() - started, 2)
