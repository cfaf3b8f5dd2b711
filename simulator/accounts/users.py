"""Accounts and roles: who may sign in, and what each person may do.

Users live in the call database (``users`` table) under their own migration set, so the call
schema and the account schema evolve independently. Passwords are stored as scrypt hashes
(:mod:`simulator.accounts.passwords`).

Each account has a *session key*, a random value that is replaced whenever the password changes
or the name is added again; removing the account deletes it. A browser session remembers the key
current when it signed in and ends once the key differs (:mod:`simulator.accounts.sessions`), so
``callsim users remove`` or ``passwd`` — run in another process beside the live app — signs the
person out at their next request.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from simulator.accounts.passwords import hash_password, spend_a_hash, verify_password
from simulator.storage import Store

__all__ = ["ROLES", "ROLE_LABELS", "SignIn", "User", "UserError", "Users"]

ROLES = ("trainee", "trainer", "manager")
ROLE_LABELS = {"trainee": "学员", "trainer": "培训师", "manager": "主管"}
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.-]{1,32}$")  # \w is Unicode-aware: Chinese names are fine

migrations = Migrations("callsim_users")


def _new_session_key() -> str:
    return secrets.token_urlsafe(16)


@migrations()
def m001_users(db: Database) -> None:
    """Create the accounts table."""
    db["users"].create(
        {"name": str, "roles": str, "password": str, "created_at": str, "updated_at": str},
        pk="name",
        not_null={"roles", "password"},
    )


@migrations()
def m002_session_keys(db: Database) -> None:
    """Give every account a session key; sessions signed in before it began end."""
    db["users"].add_column("session_key", str)
    for row in list(db.query("select name from users")):
        db.execute(
            "update users set session_key = ? where name = ?", [_new_session_key(), row["name"]]
        )


class UserError(ValueError):
    """A bad account request: an unknown user, a bad name, role or password."""


@dataclass(frozen=True)
class User:
    """A signed-in person and what they may do."""

    name: str
    """The sign-in name; calls are stored under it."""
    roles: frozenset[str]
    """A subset of ``ROLES``."""

    def has(self, role: str) -> bool:
        """True when the user holds ``role``."""
        return role in self.roles

    @property
    def label(self) -> str:
        """The roles in Chinese, for the page header."""
        return "、".join(ROLE_LABELS[r] for r in ROLES if r in self.roles) or "无角色"


@dataclass(frozen=True)
class SignIn:
    """A password check that passed."""

    user: User
    """Who signed in."""
    session_key: str
    """The account's session key read with the hash that matched; the session lasts while the
    account still has this key."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_roles(roles: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise UserError(f"unknown role {', '.join(unknown)}; known: {', '.join(ROLES)}")
    if not roles:
        raise UserError(f"at least one role is needed: {', '.join(ROLES)}")
    return frozenset(roles)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: at least {MIN_PASSWORD} characters")


class Users:
    """The accounts in one call database.

    Args:
        store: the call database; its connection and lock are shared.

    """

    def __init__(self, store: Store):
        self.store = store
        store.migrate(migrations)

    def _row(self, name: str) -> dict | None:
        with self.store.read() as db:
            rows = list(db.query("select * from users where name = ?", [name]))
        return rows[0] if rows else None

    @staticmethod
    def _user(row: dict) -> User:
        return User(row["name"], frozenset(json.loads(row["roles"])))

    def count(self) -> int:
        """How many accounts exist (0 means the app runs as one local user)."""
        with self.store.read() as db:
            return db["users"].count

    def all_users(self) -> list[User]:
        """Every account, by name."""
        with self.store.read() as db:
            rows = list(db.query("select * from users order by name"))
        return [self._user(r) for r in rows]

    def get(self, name: str) -> User | None:
        """The account with that name, or None."""
        row = self._row(name)
        return self._user(row) if row else None

    def session_key(self, name: str) -> str | None:
        """The account's current session key; None when there is no such account."""
        with self.store.read() as db:
            rows = db.execute("select session_key from users where name = ?", [name]).fetchall()
        return rows[0][0] if rows else None

    def add(self, name: str, roles: list[str] | tuple[str, ...], password: str) -> User:
        """Create an account.

        Raises:
            UserError: the name is taken or malformed, a role is unknown, the password too short.

        """
        if not _NAME.match(name or ""):
            raise UserError(f"bad user name {name!r}: 1-32 letters, digits, '.', '_' or '-'")
        checked = _check_roles(roles)
        _check_password(password)
        hashed = hash_password(password)
        with self.store.write() as db:
            if list(db.query("select 1 from users where name = ?", [name])):
                raise UserError(f"user {name!r} already exists")
            now = _now()
            db["users"].insert(
                {
                    "name": name,
                    "roles": json.dumps(sorted(checked)),
                    "password": hashed,
                    "session_key": _new_session_key(),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        return User(name, checked)

    def _update(self, name: str, values: dict) -> None:
        with self.store.write() as db:
            if not list(db.query("select 1 from users where name = ?", [name])):
                raise UserError(f"no user {name!r}")
            db["users"].update(name, {**values, "updated_at": _now()})

    def set_password(self, name: str, password: str) -> None:
        """Replace a user's password; their open sessions end at their next request.

        Raises:
            UserError: no such user, or the password is too short.

        """
        _check_password(password)
        hashed = hash_password(password)
        self._update(name, {"password": hashed, "session_key": _new_session_key()})

    def set_roles(self, name: str, roles: list[str] | tuple[str, ...]) -> None:
        """Replace a user's roles (every handler reads them afresh, so sessions go on).

        Raises:
            UserError: no such user, or a role is unknown.

        """
        self._update(name, {"roles": json.dumps(sorted(_check_roles(roles)))})

    def remove(self, name: str) -> None:
        """Delete an account, which ends its open sessions; the calls stored under it are kept.

        Raises:
            UserError: no such user.

        """
        with self.store.write() as db:
            if not list(db.query("select 1 from users where name = ?", [name])):
                raise UserError(f"no user {name!r}")
            db.execute("delete from users where name = ?", [name])

    def sign_in(self, name: str, password: str) -> SignIn | None:
        """The user and their session key when the name and password match, else None.

        Takes one scrypt hash whether or not the name exists. Safe to call from several threads
        at once: the database is read under the store's lock, the hash is worked out outside it.
        """
        row = self._row(name or "")
        if row is None:
            spend_a_hash(password or "")
            return None
        if not verify_password(password or "", row["password"]):
            return None
        return SignIn(self._user(row), row["session_key"])

    def verify(self, name: str, password: str) -> User | None:
        """The user when the name and password match, else None."""
        signed = self.sign_in(name, password)
        return signed.user if signed else None
