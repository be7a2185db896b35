"""`madoguchi residents ...`: move a friend list in, export it for Excel, show or erase one resident."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..profile_desk import ProfileForm
from ..profile_desk.wording import Words
from ..residents import Choice, Residents, load_areas, vocabulary
from ..residents.spreadsheet import parse_residents, residents_to_csv, write_residents
from ..settings import Settings
from ..wiring import Stores
from ._output import echo_json

__all__ = ["residents"]


def _residents(settings: Settings) -> Residents:
    return Stores.open(settings).residents


def _areas(settings: Settings) -> tuple[Choice, ...]:
    return load_areas(settings.municipality, path=settings.areas_file)


@click.group()
def residents() -> None:
    """Residents who receive notices: what they registered, and their consent."""


@residents.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check the file and report, write nothing")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_(settings: Settings, path: Path, dry_run: bool, as_json: bool) -> None:
    """Import residents who agreed to notices elsewhere, from a CSV (UTF-8 or Shift_JIS).

    Columns: address (or line_user_id), consented_at, consent_version, age_band, household, children, area,
    language, topics (several separated by ;), quiet_hours (21:00-08:00, いつでも; empty: 21:00-08:00). The
    Japanese headers of `residents export` work too. A file with any bad row is reported row by row and nothing
    is written.
    """
    rows, errors = parse_residents(path.read_bytes(), vocabulary(_areas(settings)))
    for error in errors:
        click.echo(f"{path.name} {error}", err=True)
    if errors:
        raise click.ClickException(
            "エラーのある行があるため、何も書き込みませんでした。直してからもう一度実行してください。"
        )
    if dry_run:
        click.echo(f"{len(rows)} 人を読み込めます（--dry-run のため書き込みません）")
        return
    count = write_residents(_residents(settings), rows)
    if as_json:
        echo_json({"imported": count})
    else:
        click.echo(f"{count} 人を読み込みました")


@residents.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@click.option("--all", "everyone", is_flag=True, help="also residents who have not agreed to notices")
@click.pass_obj
def export(settings: Settings, output: Path | None, everyone: bool) -> None:
    """Export the residents who agreed to notices as CSV for Excel (UTF-8 with BOM, Japanese headers)."""
    data, count = residents_to_csv(_residents(settings), everyone=everyone)
    if output:
        output.write_bytes(data)
        click.echo(f"{count} 件を {output} に書き出しました", err=True)
    else:
        sys.stdout.buffer.write(data)


@residents.command()
@click.argument("address")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(settings: Settings, address: str, as_json: bool) -> None:
    """What one resident registered (ADDRESS: line:U… or tg:…)."""
    people = _residents(settings)
    resident = people.get(address)
    if resident is None:
        raise click.ClickException(f"{address} は登録されていません")
    if as_json:
        echo_json(
            {
                "addresses": list(people.addresses_of(address)),
                "active": list(resident.addresses),
                "consent_version": resident.consent_version,
                "consented_at": resident.consented_at,
                "language": resident.language,
                "quiet_hours": [resident.quiet_start, resident.quiet_end] if resident.quiet_start else None,
                "attributes": {k: list(v) for k, v in people.attributes(address).items()},
            }
        )
        return
    click.echo(f"アドレス: {'、'.join(people.addresses_of(address))}")
    click.echo(f"同意: {resident.consented_at}（{resident.consent_version}）" if resident.consented else "同意: なし")
    for line in ProfileForm(people, areas=_areas(settings)).lines(address, Words("ja")):
        click.echo(line)


@residents.command()
@click.argument("address")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def delete(settings: Settings, address: str, yes: bool, as_json: bool) -> None:
    """Erase one resident's data, as 「データを削除」 in the chat does (bookings stay, without the chat link)."""
    if not yes:
        click.confirm(f"{address} のデータをすべて削除します。元には戻せません。よろしいですか？", abort=True)
    erased = Stores.open(settings).erasure.erase(address)
    if as_json:
        echo_json(erased.to_dict())
        return
    click.echo(
        f"削除しました: アドレス {len(erased.addresses)}、質問の記録 {erased.questions}、評価 {erased.feedback}、"
        f"お知らせの送信記録 {erased.notice_deliveries}、会話 {erased.conversation_events} 件。"
        f"予約 {erased.bookings_unlinked} 件は名簿に残し、チャットとの紐づけを外しました。"
    )
