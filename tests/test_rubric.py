"""Rubric files: schema, version, loading, and every shipped criterion's examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring import RubricError, check_paths, default_rubric, load_rubric
from scoring.examples import example_fires
from scoring.rubric import default_rubrics_dir, parse_rubric

RUBRICS = sorted(default_rubrics_dir().glob("*.yaml"))
DEFAULT = default_rubric()


def _cases():
    for path in RUBRICS:
        loaded = load_rubric(path)
        for c in loaded.model.criteria:
            for label in ("good", "bad"):
                for j, _ in enumerate(getattr(c.examples, label)):
                    yield pytest.param(path, c.id, label, j, id=f"{path.stem}-{c.id}-{label}{j}")


@pytest.mark.parametrize(("path", "criterion_id", "label", "index"), list(_cases()))
def test_every_example_fires_or_stays_silent(path, criterion_id, label, index):
    loaded = load_rubric(path)
    criterion = loaded.model.criterion(criterion_id)
    example = getattr(criterion.examples, label)[index]
    assert example_fires(loaded, criterion, example) is (label == "bad")


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_shipped_rubrics_check_clean(path):
    assert check_paths([path]) == []


def test_default_rubric_covers_compliance_md():
    ids = {c.id for c in DEFAULT.model.criteria}
    critical = {c.id for c in DEFAULT.model.criteria if c.severity == "critical"}
    assert {
        "impersonation",
        "threat",
        "false_legal_claim",
        "insult",
        "third_party_disclosure",
        "third_party_pressure",
        "induce_borrowing",
        "contact_time",
        "illegitimate_fee",
    } <= critical
    assert {
        "self_intro",
        "verify_identity",
        "recording_notice",
        "state_debt",
        "ask_reason",
        "explain_consequence",
        "offer_options",
        "summarize_confirm",
        "polite_close",
        "register_dispute",
        "disclosure_before_verification",
        "empathy_ack",
        "calm_under_pressure",
        "plan_reached",
        "plan_affordable",
    } <= ids
    secondary = [c for c in DEFAULT.model.criteria if "CBA2026" in c.source or "协会" in c.source]
    assert all("二手" in c.source for c in secondary)


def test_version_is_content_hash_prefix(tmp_path):
    text = DEFAULT.path.read_text(encoding="utf-8")
    a = parse_rubric(text, "a.yaml")
    b = parse_rubric(text + "\n# edited\n", "b.yaml")
    assert a.version == DEFAULT.version and len(a.version) == 12
    assert a.version != b.version


def test_load_by_id_and_env_dir(tmp_path, monkeypatch):
    assert load_rubric("cn_card_collection").version == DEFAULT.version
    (tmp_path / "mine.yaml").write_text(DEFAULT.path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("CALLSIM_RUBRICS_DIR", str(tmp_path))
    assert load_rubric("mine").id == "cn_card_collection"
    with pytest.raises(RubricError, match="rubric not found.*known ids: mine"):
        load_rubric("nope")


def _broken(tmp_path: Path, mutate) -> list[str]:
    data = yaml.safe_load(DEFAULT.path.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return info.value.problems


def test_unknown_field_named(tmp_path):
    problems = _broken(tmp_path, lambda d: d["criteria"][0].update(colour="red"))
    assert any(p.endswith("broken.yaml: criteria.0.colour: unknown field") for p in problems)


def test_unknown_act_named(tmp_path):
    problems = _broken(tmp_path, lambda d: d["criteria"][1]["detect"].update(acts=["shouting"]))
    assert any("criteria.1.detect.acts: " in p and "unknown act 'shouting'" in p for p in problems)


def test_prohibited_needs_severity_and_bad_regex_named(tmp_path):
    def mutate(d):
        del d["criteria"][0]["severity"]
        d["criteria"][2]["detect"]["patterns"] = ["(unclosed"]

    problems = _broken(tmp_path, mutate)
    assert any(
        p.endswith("criteria.0.severity: required for a prohibited criterion") for p in problems
    )
    assert any("criteria.2.detect.patterns" in p and "not a valid regex" in p for p in problems)


def test_unknown_reference_and_duplicate_id(tmp_path):
    def mutate(d):
        d["criteria"][1]["id"] = d["criteria"][0]["id"]
        for c in d["criteria"]:
            if c["id"] == "state_debt":
                c["detect"]["after"] = ["nowhere"]

    problems = _broken(tmp_path, mutate)
    assert any("duplicate id 'impersonation'" in p for p in problems)
    assert any("unknown criterion 'nowhere'" in p for p in problems)


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ncriteria: [\n", encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert info.value.problems[0].startswith(f"{path}: line ")


def test_check_reports_an_example_that_does_not_fire(tmp_path):
    data = yaml.safe_load(DEFAULT.path.read_text(encoding="utf-8"))
    data["criteria"][1]["examples"]["bad"].append("您好，请问您最近方便吗？")
    path = tmp_path / "weak.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_paths([path])
    assert len(problems) == 1
    assert (
        "criteria.1.examples.bad." in problems[0] and "should fire but stays silent" in problems[0]
    )
