"""No file of the data folder is ever served: a real server, two trainees, every path form.

The database, its WAL and another trainee's audio are tried by absolute, relative, ``..`` and
URL-encoded paths over every file route gradio has; not one byte of them comes back. A trainee's
own audio does reach their page (a copy handed out by the handler), so the test can tell a
server that serves nothing from one that guards the right things.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from gradio_client import Client

from tests.fixtures.fakes import ToneTTS, make_services
from tests.fixtures.server import serve

PASSWORD = "pass-word-1"
AUDIO = 2  # position of the reply player in start_call's outputs


def _users(store):
    from simulator.accounts.users import Users

    return Users(store)


@pytest.fixture
def app(tmp_path):
    services = make_services(tmp_path / "data", tts=ToneTTS())
    users = _users(services.store)
    users.add("wang", ["trainee"], PASSWORD)
    users.add("li", ["trainee"], PASSWORD)
    with serve(services) as url:
        yield services, url.rstrip("/")
    services.store.close()


def _sign_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=20, follow_redirects=False)
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


def _path_forms(target: Path) -> set[str]:
    """Every way a request can name ``target``."""
    absolute = str(target)
    relative = os.path.relpath(target, Path.cwd())
    parent, name = target.parent, target.name
    forms = {
        absolute,
        relative,
        f"./{relative}",
        f"{parent}/../{parent.name}/{name}",
        f"{parent}/./{name}",
        f"{parent}//{name}",
        "/" + absolute.lstrip("/"),
        "//" + absolute.lstrip("/"),
        f"{parent}/{name}".replace("/", "\\"),
        str(Path("/") / ".." / absolute.lstrip("/")),
        f"file://{absolute}",
        absolute.upper() if absolute.upper() != absolute else absolute + "/.",
    }
    forms |= {quote(f, safe="") for f in list(forms)}  # %2F-encoded
    forms |= {quote(quote(f, safe=""), safe="") for f in (absolute, relative)}  # double
    return forms


def _responses(client: httpx.Client, target: Path):
    for form in sorted(_path_forms(target)):
        for route in ("/gradio_api/file=", "/file=", "/gradio_api/file/", "/static/", "/assets/"):
            for method in ("GET", "HEAD"):
                yield route + form, client.request(method, route + form)


def test_no_byte_of_the_database_wal_or_another_trainees_audio(app):
    services, url = app
    data = services.data_dir.resolve()

    # wang makes a call: the database, its WAL and wang's audio now exist.
    wang = Client(url, auth=("wang", PASSWORD), verbose=False)
    out = wang.predict("cooperative_wang", 1, "", False, api_name="/start_call")
    assert out[AUDIO], "the trainee hears the opening line"
    wang.predict("您好，我是招商银行信用卡中心的小王。", api_name="/say")
    kept = sorted((data / "audio").rglob("*.wav"))
    assert kept, "wang's call kept its audio"
    # Positive control: wang's own page played his audio, through a handed-out copy.
    assert Path(out[AUDIO]).read_bytes() == kept[0].read_bytes()

    db = data / "callsim.db"
    wal = data / "callsim.db-wal"
    assert db.exists() and wal.exists()
    secrets = {
        db: db.read_bytes()[:100],  # "SQLite format 3" header and page size
        wal: wal.read_bytes()[:32],
        kept[0]: kept[0].read_bytes()[44:2000],  # past the generic WAV header
    }

    li = _sign_in(url, "li")
    anonymous = httpx.Client(base_url=url, timeout=20)
    tried = 0
    for client in (li, anonymous):
        for target, secret in secrets.items():
            for path, response in _responses(client, target):
                tried += 1
                assert response.status_code != 200 or secret not in response.content, path
                assert b"SQLite format 3" not in response.content, path
    assert tried > 300


def test_the_database_file_is_never_opened_by_the_web_server(app):
    """A served read would drop the app's SQLite locks (POSIX locks are per process)."""
    services, url = app
    li = _sign_in(url, "li")
    for _path, _response in _responses(li, services.store.path.resolve()):
        pass
    # The app's connection still holds the WAL open: a second connection sees every call.
    Client(url, auth=("li", PASSWORD), verbose=False).predict(
        "cooperative_wang", 1, "", False, api_name="/start_call"
    )
    other = sqlite3.connect(services.store.path)
    try:
        assert other.execute("select count(*) from sessions").fetchone()[0] == 1
        assert other.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        other.close()
    assert (services.data_dir / "callsim.db-wal").exists()


def test_launch_options_serve_no_data_folder(tmp_path):
    from app import launch_options

    services = make_services(tmp_path / "data")
    options = launch_options(services)
    assert not options.get("allowed_paths")
    assert str(services.data_dir.resolve()) in options["blocked_paths"]
    assert not services.media.root.is_relative_to(services.data_dir.resolve())
    services.store.close()
