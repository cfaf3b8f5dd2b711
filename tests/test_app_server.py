"""A real Gradio server on 127.0.0.1 driven by gradio_client, as a trainee's browser would."""

import urllib.request

import gradio as gr
import pytest
from gradio_client import Client

from app import CONCURRENCY, build_app
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve

INTRO = "您好，我是招商银行信用卡中心的小王，工号1234，本次通话会录音。"
VERIFY = "请问是张卫东先生本人吗？麻烦报一下身份证后四位。"

# Positions in the outputs of start_call / say / hang_up (layout columns are not returned).
NOTICE, CHAT, AUDIO, STATUS, COACH = 0, 1, 2, 3, 4
SCORE, VIOLATIONS, MISSED, MOOD, RESULT_CHAT = 10, 11, 12, 13, 14


def text_of(message):
    content = message["content"]
    if isinstance(content, list):  # gradio 6 hands back content blocks
        return "".join(block.get("text", "") for block in content)
    return content


@pytest.fixture
def url(tmp_path):
    services = make_services(tmp_path / "data")
    with serve(services) as address:
        yield address
    services.store.close()


def test_build_app_sizes_the_queue_for_many_trainees(tmp_path):
    services = make_services(tmp_path / "data")
    demo = build_app(services)
    assert isinstance(demo, gr.Blocks)
    assert CONCURRENCY >= 20
    assert demo._queue.default_concurrency_limit == CONCURRENCY
    limits = {fn.concurrency_limit for fn in demo.fns.values() if fn.fn is not None}
    assert limits == {"default"}  # no event pins itself to one trainee at a time


def test_practice_page_is_served_at_root(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        page = response.read().decode("utf-8")
    assert response.status == 200 and "callsim 催收通话训练" in page


def test_a_typed_call_through_to_the_scorecard(url):
    client = Client(url, verbose=False)
    out = client.predict("hostile_zhang", 7, "", False, api_name="/start_call")
    assert out[STATUS] == "等待您说话" and not out[NOTICE]
    opening = text_of(out[CHAT][0])
    assert out[CHAT][0]["role"] == "assistant" and opening

    for line in (INTRO, VERIFY):
        out = client.predict(line, api_name="/say")
    assert [text_of(m) for m in out[CHAT]][3] == VERIFY
    assert len(out[CHAT]) == 5

    out = client.predict(api_name="/hang_up")
    assert out[SCORE].startswith("## 总分 ")
    assert "合规" in out[SCORE] and "还款计划" in out[SCORE]
    assert out[STATUS] == "通话已结束"
    assert len(out[RESULT_CHAT]) == 5 and text_of(out[RESULT_CHAT][0]) == opening

    table, _ = client.predict(api_name="/history")
    assert len(table["data"]) == 1 and table["data"][0][2] == "张卫东（上次被打到家里，一接就火）"


def test_each_client_has_its_own_call(url):
    amy, bob = Client(url, verbose=False), Client(url, verbose=False)
    amy.predict("cooperative_wang", 1, "", False, api_name="/start_call")
    out = bob.predict(INTRO, api_name="/say")
    assert "请先选择客户" in out[NOTICE]
    out = amy.predict(INTRO, api_name="/say")
    assert len(out[CHAT]) == 3 and not out[NOTICE]


def test_a_bad_exam_time_is_a_notice_not_an_error(url):
    client = Client(url, verbose=False)
    out = client.predict("hostile_zhang", 7, "下周三", False, api_name="/start_call")
    assert "2026-11-20 14:30" in out[NOTICE]
