"""The labelled corpus and its check, and the ``callsim understand`` / ``callsim corpus`` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.understand.corpus import CORPUS_DIR, check_corpus, corpus_key, load_corpus

GOOD_AGENT = {"text": "您好，我是招商银行的小李。", "acts": ["greeting", "self_intro"]}
GOOD_CUSTOMER = {"text": "喂，哪位？", "acts": ["ask_question"]}


def _line(record: dict, **extra) -> str:
    return json.dumps(
        {"register": "formal", "split": "train", **record, **extra}, ensure_ascii=False
    )


def _corpus(root: Path, agent: list[str], customer: list[str] | None = None) -> Path:
    (root / "agent").mkdir(parents=True)
    (root / "customer").mkdir(parents=True)
    (root / "agent" / "lines.jsonl").write_text("\n".join(agent) + "\n", encoding="utf-8")
    customer = customer if customer is not None else [_line(GOOD_CUSTOMER)]
    (root / "customer" / "lines.jsonl").write_text("\n".join(customer) + "\n", encoding="utf-8")
    return root


def test_the_shipped_corpus_passes_its_check():
    assert check_corpus() == []


def test_the_shipped_corpus_has_what_the_issue_asks_for():
    lines = load_corpus("agent")
    per_act: dict[str, int] = {}
    for ex in lines:
        for act in ex.acts:
            per_act[act] = per_act.get(act, 0) + 1
    violations = [
        "threat",
        "insult",
        "impersonation",
        "false_legal_claim",
        "third_party_pressure",
        "third_party_disclosure",
        "induce_borrowing",
        "illegitimate_fee",
    ]
    assert all(per_act[a] >= 150 for a in violations), per_act
    assert sum(bool(ex.near_miss_of) for ex in lines) >= 150 * len(violations)
    assert {ex.split for ex in lines} == {"train", "heldout"}


BLIND = Path(__file__).resolve().parent.parent / "bench" / "blind"


def test_the_blind_lines_pass_the_corpus_check_and_stay_out_of_the_corpus():
    blind = load_corpus("agent", root=BLIND)  # raises on a line the corpus check rejects
    assert len(blind) >= 250
    keys = [corpus_key(ex.text) for ex in blind]
    assert len(set(keys)) == len(keys)
    corpus = {corpus_key(ex.text) for ex in load_corpus("agent")}
    assert not [ex.text for ex in blind if corpus_key(ex.text) in corpus]


def test_a_clean_corpus_checks_clean(tmp_path):
    root = _corpus(tmp_path, [_line(GOOD_AGENT), _line({"text": "再见", "acts": ["close"]})])
    assert check_corpus(root) == []
    assert len(load_corpus("agent", "train", root)) == 2


def test_duplicates_are_rejected_after_simplifying_and_folding(tmp_path):
    root = _corpus(
        tmp_path,
        [
            _line({"text": "我们会找你家里人。", "acts": ["third_party_pressure"]}),
            _line({"text": "我們會找你家裡人！！", "acts": ["third_party_pressure"]}),
            _line({"text": "我们 会找你家里人", "acts": ["threat"]}, split="heldout"),
        ],
    )
    problems = check_corpus(root)
    assert len(problems) == 2
    assert all("duplicate of" in p and "lines.jsonl:1" in p for p in problems)


def test_unknown_acts_registers_splits_and_fields_are_named(tmp_path):
    root = _corpus(
        tmp_path,
        [
            _line({"text": "一", "acts": ["threaten"]}),
            _line({"text": "二", "acts": []}, register="poetic"),
            _line({"text": "三", "acts": []}, split="dev"),
            _line({"text": "四", "acts": [], "colour": "red"}),
            _line({"text": "五", "acts": ["insult"], "near_miss_of": ["insult"]}),
            _line({"text": "六", "acts": [], "near_miss_of": ["greeting"]}),
            "{not json",
        ],
    )
    problems = check_corpus(root)
    joined = "\n".join(problems)
    assert "lines.jsonl:1: acts: unknown act(s) ['threaten']" in joined
    assert "lines.jsonl:2: register: 'poetic'" in joined
    assert "lines.jsonl:3: split: 'dev'" in joined
    assert "lines.jsonl:4: unknown field(s) ['colour']" in joined
    assert "lines.jsonl:5: near_miss_of overlaps acts" in joined
    assert "lines.jsonl:6: near_miss_of: not violation acts" in joined
    assert "lines.jsonl:7: not JSON" in joined
    with pytest.raises(ValueError, match="lines.jsonl:1"):
        load_corpus("agent", root=root)


def test_customer_acts_are_checked_against_the_customer_vocabulary(tmp_path):
    root = _corpus(tmp_path, [_line(GOOD_AGENT)], [_line({"text": "你好", "acts": ["greeting"]})])
    assert any("customer" in p and "unknown act(s) ['greeting']" in p for p in check_corpus(root))


def test_corpus_check_command_exits_1_with_one_line_per_problem(tmp_path, capsys):
    root = _corpus(
        tmp_path,
        [_line({"text": "一", "acts": ["nope"]}), _line({"text": "一", "acts": []})],
    )
    assert main(["corpus", "check", "--root", str(root)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2
    assert "unknown act(s) ['nope']" in out[0] and "duplicate of" in out[1]


def test_corpus_check_command_passes_on_the_shipped_corpus(capsys):
    assert main(["corpus", "check"]) == 0
    assert "corpus ok" in capsys.readouterr().err


def test_a_copy_of_the_corpus_with_a_bad_line_added_fails(tmp_path, capsys):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, root)
    with (root / "agent" / "threat.jsonl").open("a", encoding="utf-8") as handle:
        first = (root / "agent" / "threat.jsonl").read_text(encoding="utf-8").splitlines()[0]
        handle.write(first + "\n")
    assert main(["corpus", "check", "--root", str(root)]) == 1
    assert "duplicate of" in capsys.readouterr().out


def test_understand_command_prints_acts_with_their_evidence(capsys):
    # a line no rule reads (the example layer finds it, with its nearest labelled line)
    assert main(["understand", "跟你朋友张罗张罗，先把窟窿堵上", "您好"]) == 0
    out = capsys.readouterr().out
    assert "! induce_borrowing" in out and "相似例句" in out
    assert "greeting" in out and "规则 greeting#0" in out


def test_understand_command_json_and_file(tmp_path, capsys):
    lines = tmp_path / "lines.txt"
    lines.write_text("您也别琢磨着去借网贷来还\n\n不還錢的話，就讓你領導知道\n", encoding="utf-8")
    assert main(["understand", "--json", "--file", str(lines), "--today", "2026-11-20"]) == 0
    first, second = (json.loads(row) for row in capsys.readouterr().out.splitlines())
    assert first["acts"] == []
    assert first["denied"][0]["act"] == "induce_borrowing"
    act = second["acts"][0]
    assert act["act"] == "third_party_pressure" and act["quote"] == "就讓你領導知道"
    assert act["source"].startswith("rule:third_party_pressure#")


def test_understand_command_rules_only_leaves_out_the_examples(capsys):
    assert main(["understand", "--json", "--rules-only", "跟你朋友张罗张罗，先把窟窿堵上"]) == 0
    assert json.loads(capsys.readouterr().out)["acts"] == []


def test_understand_command_without_input_is_an_error(capsys):
    assert main(["understand"]) == 2
    assert "give utterances" in capsys.readouterr().err
