"""The terminal speaks the app's labels: customers and rubrics by name, endings in Chinese."""

from __future__ import annotations

from simulator.storage import Store

from .test_cli import callsim


def test_sessions_list_and_rescore_name_the_customer_the_ending_and_the_rubric(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    sid = store.new_session(
        persona="hostile_zhang",
        persona_version="v1",
        started_at="2026-11-20T06:30:00+00:00",
        seed=1,
        user="wang",
    )
    store.add_turn(sid, 0, "customer", "喂？")
    store.add_turn(sid, 1, "agent", "您好，我是银行的小李。")
    store.end_session(sid, "agent_end", None)
    store.close()

    listed = callsim("sessions", "list", env_dir=data)
    assert listed.returncode == 0, listed.stderr
    assert "张卫东" in listed.stdout and "学员挂断" in listed.stdout
    assert "2026-11-20 14:30" in listed.stdout  # CALLSIM_TZ, the one format
    assert "hostile_zhang" not in listed.stdout and "agent_end" not in listed.stdout

    rescored = callsim("sessions", "rescore", env_dir=data)
    assert rescored.returncode == 0, rescored.stderr
    assert "信用卡催收通话评分标准（默认）（版本 " in rescored.stdout
    assert "cn_card_collection" not in rescored.stdout
