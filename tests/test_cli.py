"""The callsim command, run as a user would: in a subprocess or through main(argv)."""

import json
import subprocess
import sys

import pytest

from simulator.cli import main

from .conftest import PERSONAS_DIR

GOOD = PERSONAS_DIR / "cooperative_wang.yaml"


def callsim(*args, env_dir=None, stdin=None):
    import os

    env = {**os.environ}
    if env_dir:
        env["CALLSIM_DATA_DIR"] = str(env_dir)
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        input=stdin,
    )


def test_personas_list_json(data_dir, capsys):
    assert main(["personas", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {
        "id": "cooperative_wang",
        "name": "王丽娟（忘记还款）",
        "archetype": "cooperative",
        "difficulty": 1,
    } in rows
    assert len(rows) >= 8
    assert all(set(r) == {"id", "name", "archetype", "difficulty"} for r in rows)


def test_personas_check_reports_every_problem_and_exits_nonzero(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    text = GOOD.read_text(encoding="utf-8")
    text = text.replace("monthly_capacity: 8000", "monthly_capacity: -5").replace(
        "difficulty: 1", "difficulty: 9\nmood: happy"
    )
    broken.write_text(text, encoding="utf-8")
    assert main(["personas", "check", str(broken), str(GOOD)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{broken}: facts.monthly_capacity: Input should be greater than 0" in out
    assert f"{broken}: difficulty: Input should be less than or equal to 5" in out
    assert f"{broken}: mood: unknown field" in out
    assert not any(str(GOOD) in line for line in out)


def test_personas_check_all_shipped_files_pass(capsys):
    assert main(["personas", "check"]) == 0


def test_chat_script_json(tmp_path, data_dir):
    script = tmp_path / "lines.txt"
    script.write_text(
        "您好，我是招商银行信用卡中心的客服小李，工号1024，本次通话会录音。\n"
        "请问是王丽娟女士本人吗？麻烦您报一下身份证后四位。\n"
        "您尾号3821的信用卡目前逾期12天，欠款6850元。\n"
        "方便说一下是什么原因没按时还款吗？\n"
        "您看三天内通过手机银行一次性还清6850元可以吗？\n"
        "跟您确认一下，您三天内通过手机银行还6850元，对吗？\n"
        "好的，感谢您的配合，再见。\n"
        "这一句不会被说出来，因为通话已经结束了。\n",
        encoding="utf-8",
    )
    res = callsim(
        "chat",
        "--persona",
        "cooperative_wang",
        "--seed",
        "4",
        "--at",
        "2026-11-28T10:00:00+08:00",
        "--script",
        script,
        "--json",
        env_dir=data_dir,
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == {"session_id", "persona", "started_at", "turns", "ended_by", "plan", "trace"}
    assert out["ended_by"] == "agreement"
    assert out["plan"]["amount"] == 6850 and out["plan"]["due_date"] == "2026-12-01"
    assert out["plan"]["channel"] == "手机银行"
    assert out["turns"][0]["speaker"] == "customer"
    assert all("不会被说出来" not in t["text"] for t in out["turns"])
    assert [t["turn"] for t in out["trace"]] == [
        i for i, t in enumerate(out["turns"]) if t["speaker"] == "customer"
    ]
    assert {"anger", "trust", "patience", "acts"} <= set(out["trace"][1])

    # the same call, stored: listed and exported as the transcript JSON
    listed = json.loads(callsim("sessions", "list", "--json", env_dir=data_dir).stdout)
    assert listed[0]["id"] == out["session_id"]
    exported = json.loads(callsim("sessions", "export", out["session_id"], env_dir=data_dir).stdout)
    assert exported == {
        "persona": "cooperative_wang",
        "started_at": "2026-11-28T10:00:00+08:00",
        "turns": out["turns"],
    }


def test_chat_same_seed_same_call(tmp_path, data_dir):
    script = tmp_path / "lines.txt"
    script.write_text("您好\n\n嗯\n你是谁\n", encoding="utf-8")
    runs = [
        json.loads(
            callsim(
                "chat",
                "--persona",
                "evasive_ma",
                "--seed",
                "9",
                "--at",
                "2026-11-28T10:00:00+08:00",
                "--script",
                script,
                "--json",
                env_dir=data_dir,
            ).stdout
        )
        for _ in range(2)
    ]
    assert runs[0]["turns"] == runs[1]["turns"]
    assert runs[0]["ended_by"] == "script_end"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chat", "--persona", "nobody"], "unknown persona 'nobody'"),
        (
            ["chat", "--persona", "cooperative_wang", "--script", "/no/such/file.txt"],
            "/no/such/file.txt: script file not found",
        ),
        (["chat", "--persona", "cooperative_wang", "--at", "yesterday"], "--at: not an ISO time"),
        (["sessions", "export", "deadbeef"], "no call with id 'deadbeef'"),
    ],
)
def test_bad_input_gets_one_line_and_nonzero_exit(args, message, data_dir):
    res = callsim(*args, env_dir=data_dir)
    assert res.returncode != 0
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_broken_persona_folder_is_reported_not_raised(tmp_path, data_dir, monkeypatch):
    (tmp_path / "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("CALLSIM_PERSONAS_DIR", str(tmp_path))
    res = callsim("personas", "list", env_dir=data_dir)
    assert res.returncode == 2
    assert f"{tmp_path / 'bad.yaml'}: line" in res.stderr
    assert "Traceback" not in res.stderr


def test_interactive_chat_reads_stdin_until_hangup(data_dir):
    res = callsim(
        "chat",
        "--persona",
        "cooperative_wang",
        env_dir=data_dir,
        stdin="您好，我是招商银行的小李。\n/挂断\n",
    )
    assert res.returncode == 0
    assert "客户：" in res.stdout and "agent_end" in res.stdout
