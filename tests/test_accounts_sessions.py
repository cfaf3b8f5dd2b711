"""Sessions end with the account: removing a user or changing a password signs them out.

The app runs as a real server on 127.0.0.1; the account changes come from the CLI in another
process (as an administrator would run it beside the live app) or from the library on its own
connection. Each browser is an httpx client holding gradio's sign-in cookie, or a gradio_client.
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from gradio_client import Client

from simulator.accounts.sessions import SessionTokens
from simulator.accounts.users import Users
from simulator.storage import Store
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve

from .conftest import ROOT

PASSWORD = "pass-word-1"
NEW_PASSWORD = "another-pass-2"
INTRO = "您好，我是招商银行信用卡中心的小王，工号1234，本次通话会录音。"
NOTICE, CHAT = 0, 1


@pytest.fixture
def app(tmp_path):
    """The whole app with three accounts: (url, data folder)."""
    data_dir = tmp_path / "data"
    services = make_services(data_dir)
    users = Users(services.store)
    for name, role in (("wang", "trainee"), ("li", "trainee"), ("boss", "manager")):
        users.add(name, [role], PASSWORD)
    with serve(services) as url:
        yield url.rstrip("/"), data_dir
    services.store.close()


def browser(url: str, name: str, password: str = PASSWORD) -> httpx.Client:
    """A signed-in browser: an httpx client holding gradio's cookie."""
    client = httpx.Client(base_url=url, timeout=30)
    response = client.post("/login", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return client


def signed_in_as(client: httpx.Client) -> str | None:
    """Who the server thinks is calling (gradio's own ``/user`` route)."""
    return client.get("/gradio_api/user").json()


def start_call(client: httpx.Client) -> int:
    """Ask for a call through gradio's HTTP API; the status of the request."""
    response = client.post(
        "/gradio_api/call/start_call", json={"data": ["hostile_zhang", 7, "", False]}
    )
    if response.status_code == 200:  # read the result so the event is not left hanging
        client.get(f"/gradio_api/call/start_call/{response.json()['event_id']}")
    return response.status_code


def callsim(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``callsim --data-dir DATA …`` in its own process."""
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_removing_a_user_in_another_process_ends_their_session(app):
    url, data_dir = app
    wang, li = browser(url, "wang"), browser(url, "li")
    assert signed_in_as(wang) == "wang" and start_call(wang) == 200

    done = callsim(data_dir, "users", "remove", "wang")
    assert done.returncode == 0, done.stderr

    # the next request of the removed trainee is refused; gradio sees nobody signed in
    assert start_call(wang) == 401
    assert signed_in_as(wang) is None
    assert wang.get("/gradio_api/login_check").status_code == 401
    # another trainee's session goes on
    assert signed_in_as(li) == "li" and start_call(li) == 200
    # the removed name cannot sign in again; added back, it signs in with the new password only
    bad = httpx.post(url + "/login", data={"username": "wang", "password": PASSWORD})
    assert bad.status_code == 400
    add = ("users", "add", "wang", "--role", "trainee", "--password-stdin")
    done = callsim(data_dir, *add, stdin=NEW_PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert start_call(wang) == 401  # the old cookie stays dead under the re-added account
    again = browser(url, "wang", NEW_PASSWORD)
    assert signed_in_as(again) == "wang" and start_call(again) == 200


def test_a_password_change_ends_every_open_session_of_that_user_only(app):
    url, data_dir = app
    first, second, boss = browser(url, "wang"), browser(url, "wang"), browser(url, "boss")
    assert start_call(first) == 200 and start_call(second) == 200

    other = Store(data_dir)  # its own connection, as another process has
    Users(other).set_password("wang", NEW_PASSWORD)
    other.close()

    assert start_call(first) == 401 and start_call(second) == 401
    assert signed_in_as(boss) == "boss" and start_call(boss) == 200
    old = httpx.post(url + "/login", data={"username": "wang", "password": PASSWORD})
    assert old.status_code == 400
    fresh = browser(url, "wang", NEW_PASSWORD)
    assert start_call(fresh) == 200 and signed_in_as(fresh) == "wang"


def test_a_trainee_mid_call_is_stopped_at_the_next_turn(app):
    url, data_dir = app
    trainee = Client(url, auth=("wang", PASSWORD), verbose=False)
    out = trainee.predict("hostile_zhang", 7, "", False, api_name="/start_call")
    assert not out[NOTICE] and out[CHAT]
    done = callsim(
        data_dir, "users", "passwd", "wang", "--password-stdin", stdin=NEW_PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    with pytest.raises(httpx.HTTPStatusError, match="401 Unauthorized"):
        trainee.predict(INTRO, api_name="/say")
    stored = Store(data_dir)
    assert [s["n_turns"] for s in stored.sessions(user="wang")] == [1]  # only the opening line
    stored.close()


def test_changing_roles_keeps_the_session_and_logout_still_works(app):
    url, data_dir = app
    wang = browser(url, "wang")
    other = Store(data_dir)
    Users(other).set_roles("wang", ["trainee", "trainer"])
    other.close()
    assert signed_in_as(wang) == "wang" and start_call(wang) == 200
    response = wang.get("/logout", follow_redirects=False)
    assert response.status_code == 302
    assert signed_in_as(wang) is None


def test_session_tokens_remember_the_key_each_token_was_issued_under(store):
    users = Users(store)
    users.add("wang", ["trainee"], PASSWORD)
    users.add("li", ["trainee"], PASSWORD)
    tokens = SessionTokens(users.session_key)
    signed = users.sign_in("wang", PASSWORD)
    tokens.expect("wang", signed.session_key)
    tokens["t1"] = "wang"
    tokens["t2"] = "li"  # issued without a password check seen: the key current now
    assert tokens.check("t1") == "wang" and tokens.check("t2") == "li"
    assert tokens.check("nope") is None and tokens.check(None) is None

    users.set_password("wang", NEW_PASSWORD)
    assert tokens.check("t1") is None and "t1" not in tokens
    assert tokens.check("t2") == "li"
    users.remove("li")
    assert tokens.check("t2") is None and dict(tokens) == {}


def test_a_token_issued_after_a_password_check_that_raced_a_change_is_dead(store):
    users = Users(store)
    users.add("wang", ["trainee"], PASSWORD)
    tokens = SessionTokens(users.session_key)
    signed = users.sign_in("wang", PASSWORD)  # the check saw the old key …
    users.set_password("wang", NEW_PASSWORD)  # … the password changed before the token was stored
    tokens.expect("wang", signed.session_key)
    tokens["t1"] = "wang"
    assert tokens.check("t1") is None


def test_accounts_made_before_session_keys_get_one(store):
    from simulator.accounts import users as accounts
    from simulator.accounts.passwords import hash_password

    with store.write() as db:  # the accounts table as the first release left it
        accounts.migrations.apply(db, stop_before="m002_session_keys")
        db["users"].insert(
            {
                "name": "old",
                "roles": '["trainee"]',
                "password": hash_password(PASSWORD, n=2**15, p=2),
            }
        )
    users = Users(store)
    key = users.session_key("old")
    assert key and users.sign_in("old", PASSWORD).session_key == key
