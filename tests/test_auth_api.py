"""A real gradio server with sign-in: roles and the data rule hold through the HTTP API."""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from gradio_client import Client  # noqa: E402

from simulator.accounts.users import Users  # noqa: E402
from simulator.services import Services  # noqa: E402
from simulator.ui.mount import mount  # noqa: E402
from simulator.voice.asr import NoneASR  # noqa: E402
from simulator.voice.tts import NoneTTS  # noqa: E402

from .conftest import PERSONAS_DIR  # noqa: E402
from .test_review import seed_calls  # noqa: E402

PASSWORD = "pass-word-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_services(store, personas_dir=PERSONAS_DIR) -> Services:
    return Services(store=store, personas_dir=personas_dir, tts=NoneTTS(), asr=NoneASR())


def build_demo(services: Services):
    with gr.Blocks() as demo:
        gr.Markdown("首页")
    auth = mount(demo, services)
    demo.queue(default_concurrency_limit=8)
    return demo, auth


@pytest.fixture
def server(store):
    ids = seed_calls(store)
    users = Users(store)
    users.add("boss", ["manager"], PASSWORD)
    users.add("wang", ["trainee"], PASSWORD)
    users.add("li", ["trainee"], PASSWORD)
    users.add("teacher", ["trainer"], PASSWORD)
    demo, auth = build_demo(make_services(store))
    _, url, _ = demo.launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=free_port(),
        quiet=True,
        **auth.launch_kwargs(),
    )
    yield url, ids
    demo.close()


def client(url: str, name: str) -> Client:
    return Client(url, auth=(name, PASSWORD), verbose=False)


FILTER = ["", "", "", "", None, None, "", "全部", "时间（新→旧）"]


def test_wrong_password_is_refused(server):
    url, _ = server
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a plain ValueError/HTTP error
        Client(url, auth=("boss", "wrong-password"), verbose=False)


def test_a_trainee_cannot_read_another_trainees_call_through_the_api(server):
    url, ids = server
    li = client(url, "li")
    table = li.predict(*FILTER, api_name="/review_calls")[0]
    assert [row[0] for row in table["data"]] == [ids["c"]]
    # even when asking for wang's calls by name
    table = li.predict("wang", *FILTER[1:], api_name="/review_calls")[0]
    assert table["data"] == []
    with pytest.raises(Exception, match="无权查看"):
        li.predict(ids["a"], api_name="/review_detail")
    with pytest.raises(Exception, match="无权查看"):
        li.predict(ids["a"], api_name="/review_call_json")
    with pytest.raises(Exception, match="无权查看"):
        li.predict(ids["a"], 1, api_name="/review_audio")
    # their own call opens
    summary = li.predict(ids["c"], api_name="/review_detail")[0]
    assert ids["c"] in summary


def test_only_a_manager_may_override(server):
    url, ids = server
    wang = client(url, "wang")
    with pytest.raises(Exception, match="主管"):
        wang.predict(ids["a"], 10, False, "我想改", api_name="/review_override")
    boss = client(url, "boss")
    audit = boss.predict(ids["a"], 60, False, "抽查下调", api_name="/review_override")[0]
    assert audit["data"][0][1] == "boss" and "85→60" in audit["data"][0][2]


def test_studio_handlers_require_the_trainer_role(server):
    url, _ = server
    text = (PERSONAS_DIR / "hostile_zhang.yaml").read_text(encoding="utf-8")
    with pytest.raises(Exception, match="培训师"):
        client(url, "boss").predict("hostile_zhang", text, 1, api_name="/studio_preflight")
    table = client(url, "teacher").predict("hostile_zhang", text, 1, api_name="/studio_preflight")
    assert len(table["data"]) == 4
