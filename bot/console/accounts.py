"""Staff accounts, their sessions and the login throttle: all of the console's own SQL about people.

Passwords are hashed with scrypt and a salt of their own; a session is a random token of which only the SHA-256
is kept, with a CSRF token, and it ends after `idle` without use or `absolute` after login, whichever comes first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database, Migrations

__all__ = ["ROLES", "AccountError", "Accounts", "Session", "StaffUser", "hash_password", "verify_password"]

#: What each role may do; admin may do everything.
ROLES = {
    "admin": "管理者（職員とすべての画面）",
    "editor": "編集者（知識ベース・未回答の質問）",
    "operator": "運用担当（お知らせ・教室）",
    "viewer": "閲覧者（数字）",
}
MAX_FAILURES = 5  # failed logins per name, or per client address, within THROTTLE_WINDOW
THROTTLE_WINDOW = timedelta(minutes=15)

migrations = Migrations("console")


@migrations()
def m001_create_staff(db: Database) -> None:
    db["staff_users"].create(  # type: ignore[union-attr]
        {"name": str, "role": str, "password_hash": str, "salt": str, "disabled": int, "created_at": str}, pk="name"
    )
    db["staff_sessions"].create(  # type: ignore[union-attr]
        {"token_hash": str, "name": str, "csrf": str, "created_at": str, "last_seen": str}, pk="token_hash"
    )
    db["staff_login_failures"].create({"id": int, "at": str, "name": str, "client": str}, pk="id")  # type: ignore[union-attr]
    db["staff_login_failures"].create_index(["at"])  # type: ignore[union-attr]
    db["staff_audit"].create(  # type: ignore[union-attr]
        {"id": int, "at": str, "actor": str, "action": str, "target": str, "before": str, "after": str}, pk="id"
    )
    db["staff_audit"].create_index(["at"])  # type: ignore[union-attr]


class AccountError(ValueError):
    """A refusal staff can read (unknown role, name taken, password too short)."""


@dataclass(frozen=True)
class StaffUser:
    name: str
    role: str
    disabled: bool = False

    def may(self, roles: frozenset[str]) -> bool:
        return self.role == "admin" or self.role in roles


@dataclass(frozen=True)
class Session:
    user: StaffUser
    csrf: str


def hash_password(password: str, *, salt: bytes | None = None) -> tuple[str, str]:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return digest.hex(), salt.hex()


def verify_password(password: str, *, digest: str, salt: str) -> bool:
    candidate, _ = hash_password(password, salt=bytes.fromhex(salt))
    return hmac.compare_digest(candidate, digest)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(
        self,
        db: Database,
        *,
        idle: timedelta = timedelta(minutes=30),
        absolute: timedelta = timedelta(hours=8),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.idle, self.absolute, self.clock = idle, absolute, clock
        migrations.apply(db)

    # -- accounts ----------------------------------------------------------------------------------

    def add(self, name: str, *, role: str, password: str) -> StaffUser:
        name = name.strip()
        self._check(role=role, password=password)
        if not name:
            raise AccountError("名前を入れてください。")
        if self.user(name) is not None:
            raise AccountError(f"職員「{name}」はすでにいます。")
        digest, salt = hash_password(password)
        self.db["staff_users"].insert(  # type: ignore[union-attr]
            {
                "name": name,
                "role": role,
                "password_hash": digest,
                "salt": salt,
                "disabled": 0,
                "created_at": _iso(self.clock()),
            }
        )
        return StaffUser(name, role)

    def _check(self, *, role: str | None = None, password: str | None = None) -> None:
        if role is not None and role not in ROLES:
            raise AccountError(f"役割「{role}」はありません（{' / '.join(ROLES)} のどれか）。")
        if password is not None and len(password) < 10:
            raise AccountError("パスワードは 10 文字以上にしてください。")

    def user(self, name: str) -> StaffUser | None:
        row = self.db.execute("select name, role, disabled from staff_users where name = ?", [name]).fetchone()
        return StaffUser(row[0], row[1], bool(row[2])) if row else None

    def users(self) -> list[StaffUser]:
        rows = self.db.execute("select name, role, disabled from staff_users order by name").fetchall()
        return [StaffUser(r[0], r[1], bool(r[2])) for r in rows]

    def set_password(self, name: str, *, password: str) -> None:
        self._check(password=password)
        self._require(name)
        digest, salt = hash_password(password)
        with self.db.conn:
            self.db.execute("update staff_users set password_hash = ?, salt = ? where name = ?", [digest, salt, name])
            self.db.execute("delete from staff_sessions where name = ?", [name])

    def set_disabled(self, name: str, *, disabled: bool) -> None:
        self._require(name)
        with self.db.conn:
            self.db.execute("update staff_users set disabled = ? where name = ?", [int(disabled), name])
            if disabled:
                self.db.execute("delete from staff_sessions where name = ?", [name])

    def _require(self, name: str) -> None:
        if self.user(name) is None:
            raise AccountError(f"職員「{name}」はいません。")

    # -- login and sessions ------------------------------------------------------------------------

    def throttled(self, *, name: str, client: str) -> bool:
        since = _iso(self.clock() - THROTTLE_WINDOW)
        by_name, by_client = self.db.execute(
            "select sum(name = ?), sum(client = ?) from staff_login_failures where at >= ?", [name, client, since]
        ).fetchone()
        return (by_name or 0) >= MAX_FAILURES or (by_client or 0) >= MAX_FAILURES * 4

    def login(self, name: str, *, password: str, client: str) -> tuple[str, Session] | None:
        """A new session token for a right name and password, or None (and the failure is counted)."""
        row = self.db.execute("select password_hash, salt, disabled from staff_users where name = ?", [name]).fetchone()
        # an unknown name costs the same as a wrong password, so names cannot be told apart by timing
        digest, salt = (row[0], row[1]) if row else ("00" * 32, "00" * 16)
        ok = verify_password(password, digest=digest, salt=salt) and row is not None and not row[2]
        if not ok:
            with self.db.conn:
                self.db.execute(
                    "insert into staff_login_failures (at, name, client) values (?, ?, ?)",
                    [_iso(self.clock()), name, client],
                )
            return None
        token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), _iso(self.clock())
        with self.db.conn:
            self.db.execute(
                "insert into staff_sessions values (?, ?, ?, ?, ?)", [_token_hash(token), name, csrf, now, now]
            )
            self.db.execute("delete from staff_login_failures where name = ?", [name])
            # what can no longer matter: sessions past the absolute limit, failures outside the window
            self.db.execute("delete from staff_sessions where created_at < ?", [_iso(self.clock() - self.absolute)])
            self.db.execute("delete from staff_login_failures where at < ?", [_iso(self.clock() - THROTTLE_WINDOW)])
        user = self.user(name)
        assert user is not None
        return token, Session(user, csrf)

    def session(self, token: str) -> Session | None:
        """The live session of a token, touched; None when unknown, expired or its account disabled."""
        key = _token_hash(token)
        row = self.db.execute(
            "select s.name, s.csrf, s.created_at, s.last_seen, u.role, u.disabled from staff_sessions s"
            " join staff_users u on u.name = s.name where s.token_hash = ?",
            [key],
        ).fetchone()
        if row is None:
            return None
        now = self.clock()
        created, seen = datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3])
        if row[5] or now - seen > self.idle or now - created > self.absolute:
            self.logout(token)
            return None
        with self.db.conn:
            self.db.execute("update staff_sessions set last_seen = ? where token_hash = ?", [_iso(now), key])
        return Session(StaffUser(row[0], row[4]), row[1])

    def logout(self, token: str) -> None:
        with self.db.conn:
            self.db.execute("delete from staff_sessions where token_hash = ?", [_token_hash(token)])
