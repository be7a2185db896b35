"""Staff accounts: hashed passwords, sessions that expire, the login throttle, the audit log, `madoguchi staff`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.console import AccountError, Accounts, Audit
from knowledge import open_database

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(db, clock):
    accounts = Accounts(db, clock=clock)
    accounts.add("hanako", role="editor", password=PASSWORD)
    return accounts


def test_passwords_are_stored_salted_and_hashed(accounts, db):
    accounts.add("taro", role="viewer", password=PASSWORD)
    rows = list(db.query("select password_hash, salt from staff_users"))
    assert all(PASSWORD not in r["password_hash"] for r in rows)
    assert rows[0]["salt"] != rows[1]["salt"] and rows[0]["password_hash"] != rows[1]["password_hash"]


def test_login_gives_a_session_only_for_the_right_password(accounts):
    assert accounts.login("hanako", password="wrong password", client="1.2.3.4") is None
    token, session = accounts.login("hanako", password=PASSWORD, client="1.2.3.4")
    assert session.user.role == "editor"
    assert accounts.session(token) == session


def test_only_a_hash_of_the_session_token_is_kept(accounts, db):
    token, _ = accounts.login("hanako", password=PASSWORD, client="c")
    assert token not in str(list(db.query("select * from staff_sessions")))


def test_sessions_end_after_idle_time_and_after_the_absolute_limit(accounts, clock):
    token, _ = accounts.login("hanako", password=PASSWORD, client="c")
    clock.now += timedelta(minutes=29)
    assert accounts.session(token) is not None
    clock.now += timedelta(minutes=31)
    assert accounts.session(token) is None

    token, _ = accounts.login("hanako", password=PASSWORD, client="c")
    for _ in range(17):  # used every 29 minutes: never idle, yet over 8 hours in all
        clock.now += timedelta(minutes=29)
        alive = accounts.session(token) is not None
    assert not alive


def test_five_failures_throttle_the_name_for_fifteen_minutes(accounts, clock):
    for _ in range(5):
        accounts.login("hanako", password="nope nope nope", client="c")
    assert accounts.throttled(name="hanako", client="other")
    clock.now += timedelta(minutes=16)
    assert not accounts.throttled(name="hanako", client="other")


def test_disabling_an_account_or_changing_its_password_ends_its_sessions(accounts):
    token, _ = accounts.login("hanako", password=PASSWORD, client="c")
    accounts.set_password("hanako", password="another long password")
    assert accounts.session(token) is None
    token, _ = accounts.login("hanako", password="another long password", client="c")
    accounts.set_disabled("hanako", disabled=True)
    assert accounts.session(token) is None
    assert accounts.login("hanako", password="another long password", client="c") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [("x", "boss", PASSWORD, "役割"), ("x", "viewer", "short", "10 文字"), ("hanako", "viewer", PASSWORD, "すでに")],
)
def test_bad_accounts_are_refused_in_words(accounts, name, role, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.add(name, role=role, password=password)


def test_the_audit_log_keeps_the_previous_value(db):
    audit = Audit(db)
    audit.record("hanako", action="kb.save", target="kb:x", before={"answer": "旧"}, after={"answer": "新"})
    (record,) = audit.records(target="kb:x")
    assert record.actor == "hanako" and '"旧"' in record.before and '"新"' in record.after


# -- madoguchi staff --------------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_HOME", str(tmp_path))
    runner = CliRunner()
    return lambda *args, stdin=None: runner.invoke(main, list(args), input=stdin)


def test_staff_add_list_disable_and_passwd(run, tmp_path):
    assert run("staff", "add", "山田", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 0
    added = run("staff", "add", "鈴木", "--role", "viewer", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert run("staff", "disable", "鈴木").exit_code == 0
    assert run("staff", "list").output.splitlines() == ["山田\tadmin\t利用中", "鈴木\tviewer\t停止中"]
    assert run("staff", "passwd", "山田", "--password-stdin", stdin="a new long password\n").exit_code == 0
    accounts = Accounts(open_database(tmp_path / "madoguchi.db"))
    assert accounts.login("山田", password="a new long password", client="c") is not None
    actions = [r.action for r in Audit(accounts.db).records()]
    assert actions == ["staff.passwd", "staff.disabled", "staff.add", "staff.add"]


def test_staff_add_refuses_an_unknown_role_and_a_short_password(run):
    assert run("staff", "add", "x", "--role", "boss", "--password-stdin", stdin=PASSWORD).exit_code == 2
    result = run("staff", "add", "x", "--role", "viewer", "--password-stdin", stdin="short\n")
    assert result.exit_code == 1 and "10 文字以上" in result.output
