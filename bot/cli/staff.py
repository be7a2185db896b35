"""`madoguchi staff ...`: the accounts that log in to the staff console at /admin."""

from __future__ import annotations

import sys

import click

from ..console import ROLES, AccountError, Accounts, Audit
from ..settings import Settings
from ..wiring import Stores

__all__ = ["staff"]


def _accounts(settings: Settings) -> tuple[Accounts, Audit]:
    stores = Stores.open(settings)
    return stores.accounts, stores.audit


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("パスワード（10文字以上）", hide_input=True, confirmation_prompt="もう一度"))


@click.group()
def staff() -> None:
    """Staff accounts for the web console (roles: admin, editor, operator, viewer)."""


@staff.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(list(ROLES)), help="what they may do")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@click.pass_obj
def staff_add(settings: Settings, name: str, role: str, password_stdin: bool) -> None:
    """Add a staff account; the password is asked for (or read from stdin)."""
    accounts, audit = _accounts(settings)
    try:
        user = accounts.add(name, role=role, password=_password(password_stdin))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record("cli", action="staff.add", target=f"staff:{user.name}", after={"role": role})
    click.echo(f"職員「{user.name}」を追加しました（{ROLES[role]}）")


@staff.command("list")
@click.pass_obj
def staff_list(settings: Settings) -> None:
    """Every account, its role and whether it is disabled."""
    accounts, _ = _accounts(settings)
    for user in accounts.users():
        click.echo(f"{user.name}\t{user.role}\t{'停止中' if user.disabled else '利用中'}")
    if not accounts.users():
        click.echo("職員はまだいません（madoguchi staff add NAME --role admin）")


@staff.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="allow the account to log in again")
@click.pass_obj
def staff_disable(settings: Settings, name: str, enable: bool) -> None:
    """Stop an account from logging in, and end its sessions (--enable undoes it)."""
    accounts, audit = _accounts(settings)
    try:
        accounts.set_disabled(name, disabled=not enable)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record("cli", action="staff.disabled", target=f"staff:{name}", after=not enable)
    click.echo(f"職員「{name}」を{'再開' if enable else '停止'}しました")


@staff.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@click.pass_obj
def staff_passwd(settings: Settings, name: str, password_stdin: bool) -> None:
    """Set a new password; the account's sessions end."""
    accounts, audit = _accounts(settings)
    try:
        accounts.set_password(name, password=_password(password_stdin))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record("cli", action="staff.passwd", target=f"staff:{name}")
    click.echo(f"職員「{name}」のパスワードを変えました")
