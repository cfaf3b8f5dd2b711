"""Accounts: hashing, roles, the CLI, and the auth rules every handler relies on."""

from __future__ import annotations

import asyncio
import io
import sys
from types import SimpleNamespace

import pytest

from simulator.accounts.auth import LOCAL_USER, AccessDenied, Auth
from simulator.accounts.passwords import hash_password, verify_password
from simulator.accounts.users import User, UserError, Users


def test_password_hash_is_salted_and_verifies():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b  # salted
    assert a.startswith("scrypt$16384$8$1$")
    # hashes made with the first accounts' parameters still verify
    assert verify_password("correct horse", hash_password("correct horse", n=2**15, r=8, p=2))
    assert verify_password("correct horse", a)
    assert not verify_password("correct horsE", a)
    assert not verify_password("x", "garbage")
    assert "correct horse" not in a


def test_add_list_passwd_remove(store):
    users = Users(store)
    assert users.count() == 0
    users.add("wang", ["trainee"], "password1")
    users.add("li", ["trainer", "manager"], "password2")
    assert [u.name for u in users.all_users()] == ["li", "wang"]
    assert users.get("li") == User("li", frozenset({"trainer", "manager"}))
    assert users.verify("wang", "password1").name == "wang"
    assert users.verify("wang", "wrong-pass") is None
    assert users.verify("nobody", "password1") is None
    users.set_password("wang", "new-password")
    assert users.verify("wang", "password1") is None
    assert users.verify("wang", "new-password")
    users.set_roles("wang", ["trainee", "trainer"])
    assert users.get("wang").roles == {"trainee", "trainer"}
    users.remove("wang")
    assert users.get("wang") is None
    # the stored hash never holds the password
    row = next(iter(store.db.query("select password from users where name='li'")))
    assert "password2" not in row["password"]


@pytest.mark.parametrize(
    ("name", "roles", "password", "problem"),
    [
        ("../x", ["trainee"], "password1", "bad user name"),
        ("", ["trainee"], "password1", "bad user name"),
        ("ok", ["boss"], "password1", "unknown role boss"),
        ("ok", [], "password1", "at least one role"),
        ("ok", ["trainee"], "short", "too short"),
    ],
)
def test_bad_accounts_are_refused_with_a_clear_message(store, name, roles, password, problem):
    with pytest.raises(UserError, match=problem):
        Users(store).add(name, roles, password)


def test_duplicate_and_unknown_users(store):
    users = Users(store)
    users.add("张三", ["trainee"], "password1")  # Chinese names are fine
    with pytest.raises(UserError, match="already exists"):
        users.add("张三", ["trainee"], "password1")
    with pytest.raises(UserError, match="no user"):
        users.remove("nobody")
    with pytest.raises(UserError, match="no user"):
        users.set_password("nobody", "password1")


def test_users_survive_reopening_the_database(data_dir):
    from simulator.storage import Store

    s = Store(data_dir)
    Users(s).add("wang", ["manager"], "password1")
    s.close()
    s2 = Store(data_dir)
    assert Users(s2).verify("wang", "password1") is not None
    s2.close()


def test_without_accounts_everyone_is_the_local_user_with_a_banner(store):
    auth = Auth(Users(store))
    assert not auth.enabled
    assert auth.launch_kwargs() == {}
    assert auth.user(SimpleNamespace(username=None)) == LOCAL_USER
    assert auth.require(None, "manager") == LOCAL_USER
    assert "本地单用户" in auth.banner()


def test_with_accounts_sign_in_is_required_and_roles_enforced(store):
    users = Users(store)
    users.add("wang", ["trainee"], "password1")
    users.add("boss", ["manager"], "password2")
    auth = Auth(users)
    assert auth.enabled and auth.banner() == ""
    kwargs = auth.launch_kwargs()
    assert asyncio.run(kwargs["auth"]("boss", "password2")) is True
    assert asyncio.run(kwargs["auth"]("boss", "password1")) is False
    assert [m.cls.__name__ for m in kwargs["app_kwargs"]["middleware"]] == [
        "SignInGate",
        "SessionGuard",
    ]
    with pytest.raises(AccessDenied, match="请先登录"):
        auth.user(SimpleNamespace(username=None))
    with pytest.raises(AccessDenied, match="主管"):
        auth.require(SimpleNamespace(username="wang"), "manager")
    assert auth.require(SimpleNamespace(username="boss"), "manager").name == "boss"
    users.remove("boss")
    with pytest.raises(AccessDenied, match="不存在"):
        auth.user(SimpleNamespace(username="boss"))


def _cli(argv, stdin=""):
    from simulator.accounts.users_cli import run

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = run(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_cli_add_list_passwd_remove(data_dir):
    code, out, err = _cli(
        ["users", "add", "wang", "--role", "trainee", "--role", "manager", "--password-stdin"],
        "password1\n",
    )
    assert code == 0, err
    code, out, _ = _cli(["users", "list"])
    assert code == 0 and "wang" in out and "trainee" in out and "manager" in out
    code, _, err = _cli(["users", "passwd", "wang", "--password-stdin"], "another-pw\n")
    assert code == 0, err
    from simulator.storage import Store

    s = Store(data_dir)
    assert Users(s).verify("wang", "another-pw")
    s.close()
    with pytest.raises(SystemExit) as exc:  # argparse names the allowed roles itself
        _cli(["users", "add", "x", "--role", "boss", "--password-stdin"], "password1\n")
    assert exc.value.code == 2
    code, _, err = _cli(["users", "add", "y", "--role", "trainee", "--password-stdin"], "short\n")
    assert code == 2 and "too short" in err
    code, _, _ = _cli(["users", "remove", "wang"])
    assert code == 0
    code, _, err = _cli(["users", "remove", "wang"])
    assert code == 2 and "no user 'wang'" in err
