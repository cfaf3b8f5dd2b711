"""Accounts and roles: who may sign in, and what each person may do.

Users live in the call database (``users`` table) under their own migration set, so the call
schema and the account schema evolve independently. Passwords are hashed with scrypt (a salted,
memory-hard hash; parameters N=2^15, r=8, p=2 are one of OWASP's recommended settings) and the
parameters are stored with each hash so they can be raised later without breaking old accounts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from simulator.storage import Store

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "User",
    "UserError",
    "Users",
    "hash_password",
    "verify_password",
]

ROLES = ("trainee", "trainer", "manager")
ROLE_LABELS = {"trainee": "学员", "trainer": "培训师", "manager": "主管"}
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.-]{1,32}$")  # \w is Unicode-aware: Chinese names are fine

# scrypt cost: 32 MiB and ~0.1 s per hash; stored with each hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 2
_MAXMEM = 256 * 1024 * 1024

migrations = Migrations("callsim_users")


@migrations()
def m001_users(db: Database) -> None:
    """Create the accounts table."""
    db["users"].create(
        {"name": str, "roles": str, "password": str, "created_at": str, "updated_at": str},
        pk="name",
        not_null={"roles", "password"},
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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A salted scrypt hash: ``scrypt$N$r$p$salt$hash`` (base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32
    )
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Spent on unknown names so a failed sign-in takes as long whether or not the name exists.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


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
        with store._lock:
            migrations.apply(store.db)

    def _row(self, name: str) -> dict | None:
        with self.store._lock:
            rows = list(self.store.db.query("select * from users where name = ?", [name]))
        return rows[0] if rows else None

    @staticmethod
    def _user(row: dict) -> User:
        return User(row["name"], frozenset(json.loads(row["roles"])))

    def count(self) -> int:
        """How many accounts exist (0 means the app runs as one local user)."""
        with self.store._lock:
            return self.store.db["users"].count

    def all_users(self) -> list[User]:
        """Every account, by name."""
        with self.store._lock:
            rows = list(self.store.db.query("select * from users order by name"))
        return [self._user(r) for r in rows]

    def get(self, name: str) -> User | None:
        """The account with that name, or None."""
        row = self._row(name)
        return self._user(row) if row else None

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
        with self.store._write() as db:
            if list(db.query("select 1 from users where name = ?", [name])):
                raise UserError(f"user {name!r} already exists")
            now = _now()
            db["users"].insert(
                {
                    "name": name,
                    "roles": json.dumps(sorted(checked)),
                    "password": hashed,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        return User(name, checked)

    def _update(self, name: str, values: dict) -> None:
        with self.store._write() as db:
            if not list(db.query("select 1 from users where name = ?", [name])):
                raise UserError(f"no user {name!r}")
            db["users"].update(name, {**values, "updated_at": _now()})

    def set_password(self, name: str, password: str) -> None:
        """Replace a user's password.

        Raises:
            UserError: no such user, or the password is too short.

        """
        _check_password(password)
        self._update(name, {"password": hash_password(password)})

    def set_roles(self, name: str, roles: list[str] | tuple[str, ...]) -> None:
        """Replace a user's roles.

        Raises:
            UserError: no such user, or a role is unknown.

        """
        self._update(name, {"roles": json.dumps(sorted(_check_roles(roles)))})

    def remove(self, name: str) -> None:
        """Delete an account; the calls stored under the name are kept.

        Raises:
            UserError: no such user.

        """
        with self.store._write() as db:
            if not list(db.query("select 1 from users where name = ?", [name])):
                raise UserError(f"no user {name!r}")
            db.execute("delete from users where name = ?", [name])

    def verify(self, name: str, password: str) -> User | None:
        """The user when the name and password match, else None."""
        row = self._row(name or "")
        if row is None:
            verify_password(password or "", _DUMMY_HASH)
            return None
        if not verify_password(password or "", row["password"]):
            return None
        return self._user(row)
