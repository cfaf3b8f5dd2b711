"""The studio speaks Chinese at the right line and field; kept versions live outside the tree."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from simulator.accounts.auth import Auth
from simulator.accounts.users import Users
from simulator.oplog import LOGGER
from simulator.studio_files import keep_dir, restore, save, validate, version_list
from simulator.studio_messages import calibration_line, file_problems, studio_problems
from simulator.ui.studio import StudioHandlers

from .conftest import PERSONAS_DIR, ROOT
from .test_bad_files import BAD_PERSONAS, BAD_RUBRICS

WANG = (PERSONAS_DIR / "cooperative_wang.yaml").read_text(encoding="utf-8")
RUBRIC = (ROOT / "scoring" / "rubrics" / "cn_card_collection.yaml").read_text(encoding="utf-8")
ENGLISH = re.compile(r"[A-Za-z]+[ ,]+[A-Za-z]+ [A-Za-z]+")
"""Three English words in a row: a sentence of pydantic's or PyYAML's left untranslated."""
HAN = re.compile(r"[\u4e00-\u9fff]")


def chinese(message: str) -> bool:
    return bool(HAN.search(message)) and not ENGLISH.search(message)


def test_the_issue_example_a_difficulty_above_five():
    text = WANG.replace("difficulty: 1", "difficulty: 7")
    [p] = studio_problems("persona", text, "personas/cooperative_wang.yaml")
    assert (p.field, p.message) == ("difficulty", "不能大于 5（现在是 7）")
    assert text.splitlines()[p.line - 1].startswith("difficulty:")


def test_a_mistake_on_line_five_is_reported_on_line_five():
    text = "name: 测试\narchetype: hostile\ndifficulty: 2\nfacts:\n  accepts: [一次还清, 分期\n  refuses: [减免]\n"
    [p] = studio_problems("persona", text, "p.yaml")
    assert p.line == 5 and "方括号" in p.message and chinese(p.message)
    assert "第 6 行" in p.message  # where the parser noticed, said as such
    # the command line keeps English, at the same line
    [line] = validate("persona", text, "p.yaml")
    assert line.startswith("p.yaml: line 5: expected ',' or ']'")


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ('card_last4: "3821"', "card_last4: 3821", "brief.card_last4", '数字请加引号，如 "3821"'),
        ('card_last4: "3821"', 'card_last4: "38"', "brief.card_last4", "四位数字"),
        ("archetype: cooperative", "archetype: angry", "archetype", "cooperative（配合型）"),
        ("monthly_capacity: 8000", "monthly_capacity: 0", "facts.monthly_capacity", "必须大于 0"),
        ("amount: 6850", "amount: 68.5", "brief.amount", "应为整数"),
        ("name: 王丽娟（忘记还款）", "name: ''", "name", "不能为空"),
        ("temper: 0.8", "temper: .nan", "behaviour.temper", "不允许 .nan"),
    ],
)
def test_schema_errors_by_type(old, new, field, says):
    assert old in WANG
    problems = studio_problems("persona", WANG.replace(old, new, 1), "w.yaml")
    assert [p.field for p in problems] == [field]
    assert says in problems[0].message and chinese(problems[0].message)


def test_our_own_checks_are_worded_in_chinese():
    text = WANG.replace("archetype: cooperative", "archetype: hardship").replace(
        "can_pay_full: true", "can_pay_full: true"
    )
    messages = {p.field: p.message for p in studio_problems("persona", text, "w.yaml")}
    assert "经济困难型客户不能设为能一次还清" in messages["facts.can_pay_full"]
    assert all(chinese(m) for m in messages.values()), messages


@pytest.mark.parametrize(("name", "write", "says"), BAD_PERSONAS, ids=[b[0] for b in BAD_PERSONAS])
def test_every_broken_persona_file_is_explained_in_chinese(tmp_path, name, write, says):
    path = tmp_path / f"{name}.yaml"
    write(path)
    problems = file_problems("persona", path)
    assert problems, name
    for p in problems:
        assert chinese(p.message), (name, p.message)


@pytest.mark.parametrize(("name", "write", "says"), BAD_RUBRICS, ids=[b[0] for b in BAD_RUBRICS])
def test_every_broken_rubric_file_is_explained_in_chinese(tmp_path, name, write, says):
    path = tmp_path / f"{name}.yaml"
    write(path)
    for p in file_problems("rubric", path):
        assert chinese(p.message), (name, p.message)


def test_a_rubric_id_that_is_not_the_file_name():
    [p] = studio_problems("rubric", RUBRIC, "rubrics/strict.yaml")
    assert p.field == "id" and p.message == "必须与文件名 strict 一致（现在是 cn_card_collection）"


# --- kept versions -----------------------------------------------------------------------------


@pytest.fixture
def personas(tmp_path) -> Path:
    folder = tmp_path / "personas"
    folder.mkdir()
    shutil.copy(PERSONAS_DIR / "cooperative_wang.yaml", folder)
    return folder


def test_versions_are_kept_in_the_data_folder_and_restored(tmp_path, personas):
    keep = keep_dir(tmp_path / "data", "persona")
    edited = WANG.replace("name: 王丽娟", "name: 改过的王丽娟", 1)
    saved = save("persona", personas, "cooperative_wang", edited, keep)
    assert saved.previous.is_relative_to(keep)
    assert sorted(p.name for p in personas.iterdir()) == ["cooperative_wang.yaml"]
    [kept] = version_list(personas, "cooperative_wang", keep)
    text, back = restore("persona", personas, "cooperative_wang", kept.id, keep)
    assert text == WANG and (personas / "cooperative_wang.yaml").read_text("utf-8") == WANG
    # the version restored over is kept in turn
    assert back.previous.read_text("utf-8") == edited
    assert len(version_list(personas, "cooperative_wang", keep)) == 2
    for bogus in ("../../etc/passwd", "20261120T143000123456Z", ""):
        with pytest.raises(Exception, match="历史版本"):
            restore("persona", personas, "cooperative_wang", bogus, keep)


def test_versions_kept_by_older_releases_are_still_listed(tmp_path, personas):
    old = personas / ".versions" / "cooperative_wang"
    old.mkdir(parents=True)
    (old / "20260101T000000000000Z.yaml").write_text(WANG, "utf-8")
    (old / "notes.yaml").write_text("x", "utf-8")  # not a kept stamp: ignored
    ids = [v.id for v in version_list(personas, "cooperative_wang", tmp_path / "keep")]
    assert ids == ["20260101T000000000000Z"]


def test_the_git_ignore_covers_old_in_tree_versions():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".versions/" in ignored


def handlers(store, personas, tmp_path):
    services = SimpleNamespace(personas_dir=personas, store=store)
    return StudioHandlers(services, Auth(Users(store)), rubrics_dir=tmp_path / "rubrics")


def test_the_studio_saves_restores_and_logs_a_refused_save(store, personas, tmp_path, caplog):
    h = handlers(store, personas, tmp_path)
    local = SimpleNamespace(username=None)
    text = h.open("persona", "cooperative_wang", local)
    md = h.check(
        "persona", "cooperative_wang", text.replace("difficulty: 1", "difficulty: 9"), local
    )
    assert "第 5 行 `difficulty`：不能大于 5（现在是 9）" in md and "Input" not in md
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = h.save(
            "persona", "cooperative_wang", text.replace("difficulty: 1", "difficulty: 9"), local
        )
    assert out.startswith("**未保存。**") and "不能大于 5" in out
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.getMessage().startswith("refused save a persona file by local")
    assert record.exc_info is None
    edited = text.replace("name: 王丽娟", "name: 新王丽娟", 1)
    assert "旧版本已保留" in h.save("persona", "cooperative_wang", edited, local)
    assert not (personas / ".versions").exists()
    [(label, vid)] = h.versions("persona", "cooperative_wang", local)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 保存前的版本", label)
    assert h.version_text("persona", "cooperative_wang", vid, local) == text
    back, said = h.restore("persona", "cooperative_wang", vid, local)
    assert back == text and said.startswith("已恢复")
    with pytest.raises(gr.Error, match="历史版本"):
        h.restore("persona", "cooperative_wang", "", local)


def test_calibration_results_are_worded_for_a_trainer():
    titles = {"threat": "威胁恐吓"}
    assert (
        calibration_line("threat: recall 0.50 < 0.85", titles)
        == "威胁恐吓：召回率 0.50，低于要求的 0.85"
    )
    assert calibration_line("plan accuracy 0.80 < 0.9", titles).startswith(
        "还款约定判断准确率 0.80"
    )
    assert calibration_line("a.json: 多报 threat 第3轮", titles) == "a.json：多报 威胁恐吓（第4句）"
    assert (
        calibration_line("a.json: 漏报 threat 第None轮", titles)
        == "a.json：漏报 威胁恐吓（整通电话）"
    )
    line = calibration_line("a.json: 档次 期望 high 实际 low（40分）", titles)
    assert line == "a.json: 档次 期望 优 实际 差（40分）"


def test_templates_with_literal_braces_are_filled_without_str_format():
    """#15: only the numbered slots are replaced; the parser's braces pass through."""
    from simulator.datafile import InputError, load_yaml
    from simulator.studio_messages import yaml_message

    try:
        load_yaml("name: x\ndifficulty: {a: 1\n")
    except InputError as err:
        _, said = yaml_message(err, "name: x\ndifficulty: {a: 1\n")
    assert "{" in said and "}" in said
    try:
        load_yaml("name: '{0} {x}' \nb: @{oops}\n")
    except InputError as err:
        _, said = yaml_message(err)
    assert "@" in said


def test_two_saves_in_the_same_minute_have_different_version_labels(tmp_path, monkeypatch):
    """#15: labels carry seconds (and a number for the same second)."""
    from simulator.studio_files import Version
    from simulator.ui.studio import version_labels

    monkeypatch.setenv("CALLSIM_TZ", "Asia/Shanghai")
    kept = [
        Version("20261130T012231000000Z", tmp_path / "a.yaml"),
        Version("20261130T012205000000Z", tmp_path / "b.yaml"),
        Version("20261130T012205500000Z", tmp_path / "c.yaml"),
    ]
    labels = [label for label, _ in version_labels(kept)]
    assert labels == [
        "2026-11-30 09:22:31 保存前的版本",
        "2026-11-30 09:22:05 保存前的版本",
        "2026-11-30 09:22:05 保存前的版本（2）",
    ]
