"""``callsim users add|list|passwd|remove``: parse, call :class:`~simulator.accounts.Users`, print.

``register(subparsers)`` adds the ``users`` command to the main parser. A bad request prints one
line and exits 2. The commands are safe beside a live app on the same data folder: removing an
account or changing its password ends its open sessions at their next request.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from simulator.accounts.users import ROLE_LABELS, ROLES, UserError, Users
from simulator.storage import Store, StoreError

__all__ = ["register", "run"]


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("no password on stdin")
        return line.rstrip("\r\n")
    try:
        first = getpass.getpass("密码：")
        second = getpass.getpass("再输入一次：")
    except (EOFError, KeyboardInterrupt):
        raise CliError("no password given") from None
    if first != second:
        raise CliError("the two passwords differ")
    return first


def _users(args: argparse.Namespace) -> Users:
    return Users(Store(getattr(args, "data_dir", None)))


def _guard(fn):
    """Print a bad request as one line and exit 2 (the main CLI's convention)."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except (UserError, CliError, StoreError) as exc:
            print(f"callsim: {exc}", file=sys.stderr)
            return 2

    wrapped.__doc__ = fn.__doc__
    return wrapped


@_guard
def cmd_add(args: argparse.Namespace) -> int:
    """Create an account."""
    users = _users(args)
    user = users.add(args.name, args.role, _password(args))
    print(f"added {user.name}: {', '.join(sorted(user.roles))}")
    return 0


@_guard
def cmd_list(args: argparse.Namespace) -> int:
    """List the accounts."""
    users = _users(args).all_users()
    if args.json:
        print(json.dumps([{"name": u.name, "roles": sorted(u.roles)} for u in users]))
        return 0
    if not users:
        print("no users: the app runs as one local user with every role")
    for u in users:
        roles = ", ".join(f"{r}({ROLE_LABELS[r]})" for r in ROLES if r in u.roles)
        print(f"{u.name:<20} {roles}")
    return 0


@_guard
def cmd_passwd(args: argparse.Namespace) -> int:
    """Change an account's password."""
    users = _users(args)
    if users.get(args.name) is None:
        raise UserError(f"no user {args.name!r}")
    users.set_password(args.name, _password(args))
    print(f"password changed for {args.name}")
    return 0


@_guard
def cmd_remove(args: argparse.Namespace) -> int:
    """Delete an account; its calls are kept, its open sessions end."""
    _users(args).remove(args.name)
    print(f"removed {args.name}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``users add|list|passwd|remove`` to the main parser."""
    users = subparsers.add_parser("users", help="sign-in accounts and roles")
    usub = users.add_subparsers(dest="users_command", required=True)
    p = usub.add_parser("add", help="create an account")
    p.add_argument("name")
    p.add_argument(
        "--role", action="append", choices=ROLES, required=True, help="repeat for several roles"
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_add)
    p = usub.add_parser("list", help="list the accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = usub.add_parser("passwd", help="change a password")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_passwd)
    p = usub.add_parser("remove", help="delete an account (its calls are kept)")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)


def run(argv: list[str]) -> int:
    """Run ``callsim users …`` alone, without the rest of the CLI; returns the exit code."""
    parser = argparse.ArgumentParser(prog="callsim")
    parser.add_argument("--data-dir")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args) or 0
