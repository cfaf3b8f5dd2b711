"""``callsim users …`` (accounts) and ``callsim personas preflight ID``: parse, call, print.

``register(subparsers)`` adds the ``users`` command to the main parser; ``add_preflight`` adds
``preflight`` under the existing ``personas`` command. Errors print one line and exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict

from simulator.storage import Store
from simulator.users import ROLE_LABELS, ROLES, UserError, Users

__all__ = ["register", "add_preflight", "run"]


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def _cli_error(message: str) -> Exception:
    """The main CLI's UserError when available, so ``callsim`` prints it as one line."""
    try:
        from simulator.cli import UserError as MainUserError
    except ImportError:  # pragma: no cover - the main CLI is always there in practice
        return CliError(message)
    return MainUserError(message)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise _cli_error("no password on stdin")
        return line.rstrip("\r\n")
    try:
        first = getpass.getpass("密码：")
        second = getpass.getpass("再输入一次：")
    except (EOFError, KeyboardInterrupt):
        raise _cli_error("no password given") from None
    if first != second:
        raise _cli_error("the two passwords differ")
    return first


def _users(args: argparse.Namespace) -> Users:
    return Users(Store(getattr(args, "data_dir", None)))


def _guard(fn):
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except UserError as exc:
            raise _cli_error(str(exc)) from None

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
    """Delete an account (its calls are kept)."""
    _users(args).remove(args.name)
    print(f"removed {args.name}")
    return 0


def cmd_preflight(args: argparse.Namespace) -> int:
    """Play a persona against the built-in agent styles; exit 1 when a result is alarming."""
    from simulator.cli import find_persona
    from simulator.preflight import TABLE_HEADERS, preflight, rows_table

    loaded = find_persona(args.id, args.dir)
    rows = preflight(loaded, tuple(range(args.seeds)))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        print(" | ".join(TABLE_HEADERS))
        for cells in rows_table(rows):
            print(" | ".join(str(c) for c in cells))
    return 1 if any(r.level == "alarm" for r in rows) else 0


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


def add_preflight(personas_subparsers: argparse._SubParsersAction) -> None:
    """Add ``preflight ID`` under the ``personas`` command."""
    p = personas_subparsers.add_parser(
        "preflight", help="play a persona against built-in agent styles (体检)"
    )
    p.add_argument("id")
    p.add_argument("--seeds", type=int, default=1, help="how many seeds per style (default 1)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--dir", help="personas folder (CALLSIM_PERSONAS_DIR)")
    p.set_defaults(func=cmd_preflight)


def run(argv: list[str]) -> int:
    """Run these commands alone (tests, or before the lead wires them into ``callsim``)."""
    parser = argparse.ArgumentParser(prog="callsim")
    parser.add_argument("--data-dir")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    personas = sub.add_parser("personas")
    add_preflight(personas.add_subparsers(dest="personas_command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except Exception as exc:
        if type(exc).__name__ not in ("UserError", "CliError"):
            raise
        print(f"callsim: {exc}", file=sys.stderr)
        return 2
