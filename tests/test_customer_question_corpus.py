"""The question corpus is well formed and the question model's index was built from it."""

from __future__ import annotations

import json

from simulator.customer.question_build import index_is_current
from simulator.customer.question_corpus import CORPUS_PATH, check_corpus, load_questions
from simulator.customer.questions import QUESTIONS


def test_the_corpus_has_no_problems():
    assert check_corpus() == []


def test_every_kind_has_lines_and_statements_outnumber_no_kind():
    rows = load_questions()
    for kind in QUESTIONS:
        assert sum(kind in ex.kinds for ex in rows) >= 60, kind
    statements = sum(not ex.kinds for ex in rows)
    assert statements >= max(sum(kind in ex.kinds for ex in rows) for kind in QUESTIONS)


def test_the_split_is_about_thirty_percent_heldout():
    # the lines taken from the realism bench's development scripts are all train: the customer
    # was tuned on those scripts, so none of them may measure it
    rows = [ex for ex in load_questions() if not ex.group.startswith("script-")]
    assert all(ex.split == "train" for ex in load_questions() if ex.group.startswith("script-"))
    share = sum(ex.split == "heldout" for ex in rows) / len(rows)
    assert 0.2 <= share <= 0.35


def test_the_check_names_each_problem(tmp_path):
    good = json.loads(CORPUS_PATH.read_text(encoding="utf-8").splitlines()[0])
    rows = [
        good,
        dict(good, split="heldout"),  # a duplicate, and its group in both splits
        dict(good, text="你是谁啊", kinds=["who_calls"]),
        dict(good, text="喂", extra=1),
    ]
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    problems = "\n".join(check_corpus(path))
    assert "questions.jsonl:2: duplicate of questions.jsonl:1" in problems
    assert "group" in problems and "also in train" in problems
    assert "unknown kind 'who_calls'" in problems
    assert "unknown field 'extra'" in problems


def test_the_question_index_is_fresh():
    current, why = index_is_current()
    assert current, why
