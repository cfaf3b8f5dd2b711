"""Studio files and handlers: validation that points at the field, atomic versioned saves,
safe file names, templates, and test calls against unsaved text.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from simulator.accounts.auth import Auth
from simulator.accounts.users import Users
from simulator.persona import load_persona, load_personas
from simulator.studio_files import (
    StudioError,
    from_template,
    list_files,
    locate,
    problems_with_lines,
    safe_name,
    save,
    validate,
    versions,
)
from simulator.ui.studio import StudioHandlers, TrialState

from .conftest import PERSONAS_DIR, ROOT

RUBRICS_DIR = ROOT / "scoring" / "rubrics"


@pytest.fixture
def personas(tmp_path) -> Path:
    folder = tmp_path / "personas"
    folder.mkdir()
    for name in ("hostile_zhang.yaml", "cooperative_wang.yaml"):
        shutil.copy(PERSONAS_DIR / name, folder)
    return folder


def zhang(personas: Path) -> str:
    return (personas / "hostile_zhang.yaml").read_text(encoding="utf-8")


def test_save_round_trip_keeps_the_previous_version(personas):
    original = zhang(personas)
    edited = original.replace("name: ", "name: 改过的", 1)
    saved = save("persona", personas, "hostile_zhang", edited)
    assert saved.path == personas / "hostile_zhang.yaml"
    assert zhang(personas) == edited
    assert load_persona(saved.path).persona.name.startswith("改过的")
    assert saved.previous and saved.previous.read_text(encoding="utf-8") == original
    assert versions(personas, "hostile_zhang") == [saved.previous]
    # the kept versions do not show up as personas, and no temp file is left behind
    assert sorted(load_personas(personas)) == ["cooperative_wang", "hostile_zhang"]
    assert sorted(p.name for p in personas.iterdir()) == [
        ".versions",
        "cooperative_wang.yaml",
        "hostile_zhang.yaml",
    ]
    again = save("persona", personas, "hostile_zhang", original)
    assert len(versions(personas, "hostile_zhang")) == 2
    assert again.previous.read_text(encoding="utf-8") == edited
    # saving the same text again writes nothing
    assert save("persona", personas, "hostile_zhang", original).previous is None


def test_an_invalid_persona_is_not_saved_and_the_problem_names_the_field_and_line(personas):
    original = zhang(personas)
    broken = original.replace("monthly_capacity:", "monthly_capacity: -5 #", 1)
    with pytest.raises(StudioError) as exc:
        save("persona", personas, "hostile_zhang", broken)
    assert zhang(personas) == original  # untouched
    assert versions(personas, "hostile_zhang") == []
    source = str(personas / "hostile_zhang.yaml")
    assert exc.value.problems == [
        f"{source}: facts.monthly_capacity: Input should be greater than 0"
    ]
    (problem,) = problems_with_lines(broken, exc.value.problems, source)
    assert problem.field == "facts.monthly_capacity"
    line = broken.splitlines()[problem.line - 1]
    assert line.strip().startswith("monthly_capacity:")


def test_locate_finds_nested_fields_and_list_items():
    text = "a: 1\nfacts:\n  x: 2\n  sore_points:\n    - topic: t\n      anger: 3\n"
    assert locate(text, "facts.x") == 3
    assert locate(text, "facts.sore_points.0.anger") == 6
    assert locate(text, "facts.missing") == 2  # the deepest part that exists
    assert locate(text, "line 4") == 4
    assert locate("a: [", "a") is None


def test_yaml_syntax_errors_point_at_the_line(personas):
    problems = validate("persona", "name: x\n  bad: [\n", "p.yaml")
    (problem,) = problems_with_lines("", problems, "p.yaml")
    assert problem.field.startswith("line ") and problem.line is not None


@pytest.mark.parametrize(
    "name",
    [
        "../evil",
        "..",
        "a/b",
        "/etc/passwd",
        "..\\x",
        "Hostile",
        "x.yaml/../y",
        "",
        " ",
        "a" * 80,
        "名字",
    ],
)
def test_a_path_traversing_or_odd_file_name_is_rejected(personas, name):
    text = zhang(personas)
    with pytest.raises(StudioError, match="不可用"):
        save("persona", personas, name, text)
    assert not (personas.parent / "evil.yaml").exists()
    assert sorted(p.name for p in personas.iterdir()) == [
        "cooperative_wang.yaml",
        "hostile_zhang.yaml",
    ]


def test_safe_names():
    assert safe_name("hostile_zhang.yaml") == "hostile_zhang"
    assert safe_name("new-one2") == "new-one2"


def test_new_persona_from_a_template(personas):
    text = from_template("persona", personas, "hostile_zhang", "hostile_new")
    assert "name: 新客户（请改名）" in text
    assert validate("persona", text, str(personas / "hostile_new.yaml")) == []
    save("persona", personas, "hostile_new", text)
    assert "hostile_new" in load_personas(personas)
    with pytest.raises(StudioError, match="已存在"):
        from_template("persona", personas, "hostile_zhang", "hostile_new")
    with pytest.raises(StudioError, match="找不到模板"):
        from_template("persona", personas, "nobody", "other")


def test_listing_shows_broken_files_with_their_problem(personas):
    (personas / "broken.yaml").write_text("name: x\n", encoding="utf-8")
    states = {f.id: f for f in list_files("persona", personas)}
    assert states["hostile_zhang"].ok and states["hostile_zhang"].title
    assert not states["broken"].ok and "archetype" in " ".join(states["broken"].problems)


def test_rubric_round_trip_and_id_must_match_the_file_name(tmp_path):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    shutil.copy(RUBRICS_DIR / "cn_card_collection.yaml", folder)
    text = (folder / "cn_card_collection.yaml").read_text(encoding="utf-8")
    assert [f.ok for f in list_files("rubric", folder)] == [True]
    new = from_template("rubric", folder, "cn_card_collection", "strict_rubric")
    assert "id: strict_rubric" in new
    save("rubric", folder, "strict_rubric", new.replace("pass_mark: 60", "pass_mark: 80"))
    from scoring.rubric import load_rubric

    assert load_rubric(folder / "strict_rubric.yaml").model.pass_mark == 80
    with pytest.raises(StudioError, match="must match the file name"):
        save("rubric", folder, "other_name", text)
    broken = text.replace("pass_mark: 60", "pass_mark: 160")
    problems = validate("rubric", broken, str(folder / "cn_card_collection.yaml"))
    (p,) = problems_with_lines(broken, problems, str(folder / "cn_card_collection.yaml"))
    assert p.field == "pass_mark" and broken.splitlines()[p.line - 1].startswith("pass_mark:")


# --- handlers ------------------------------------------------------------------------------------


def handlers(store, personas, tmp_path):
    services = SimpleNamespace(personas_dir=personas, store=store)
    return StudioHandlers(services, Auth(Users(store)), rubrics_dir=tmp_path / "rubrics")


def test_handlers_validate_live_save_and_try_the_unsaved_version(store, personas, tmp_path):
    h = handlers(store, personas, tmp_path)
    local = SimpleNamespace(username=None)  # no accounts: the local user holds every role
    listing = h.listing("persona", local)
    assert list(listing["文件"]) == ["cooperative_wang", "hostile_zhang"]
    text = h.open("persona", "hostile_zhang", local)
    broken = text.replace("monthly_capacity:", "monthly_capacity: 0 #", 1)
    md = h.check("persona", "hostile_zhang", broken, local)
    assert "facts.monthly_capacity" in md and "第 " in md and "行" in md
    assert h.check("persona", "hostile_zhang", text, local).startswith("**校验通过**")
    assert "未保存" in h.save("persona", "hostile_zhang", broken, local)
    # a test call against the unsaved edit: the customer uses the edited line
    edited = text.replace("opening:\n", "opening:\n  - 试打专用开场白。\n", 1)
    assert edited != text
    state = TrialState()
    history, state, mood = h.trial_start("hostile_zhang", edited, state, local)
    assert state.call.session_id is None  # nothing stored
    history, _, state, mood = h.trial_say("您好，我是信用卡中心的小李。", history, state, local)
    assert len(history) == 3 and "愤怒" in mood
    assert store.sessions() == []
    table = h.preflight("hostile_zhang", edited, 1, local)
    assert list(table["坐席风格"]) == ["规范坐席", "辱骂威胁", "强压全额", "一言不发"]
    assert "已保存" in h.save("persona", "hostile_zhang", edited, local)
    assert "试打专用开场白" in zhang(personas)


def test_handlers_refuse_a_trainee(store, personas, tmp_path):
    Users(store).add("wang", ["trainee"], "password1")
    h = handlers(store, personas, tmp_path)
    wang = SimpleNamespace(username="wang")
    for call in (
        lambda: h.listing("persona", wang),
        lambda: h.open("persona", "hostile_zhang", wang),
        lambda: h.save("persona", "hostile_zhang", zhang(personas), wang),
        lambda: h.preflight("hostile_zhang", zhang(personas), 1, wang),
    ):
        with pytest.raises(gr.Error, match="培训师"):
            call()
    with pytest.raises(gr.Error, match="登录"):
        h.listing("persona", SimpleNamespace(username=None))


def test_calibration_runs_against_the_unsaved_rubric(store, personas, tmp_path):
    h = handlers(store, personas, tmp_path)
    local = SimpleNamespace(username=None)
    text = (RUBRICS_DIR / "cn_card_collection.yaml").read_text(encoding="utf-8")
    cases = str(ROOT / "tests" / "calibration")
    table, summary = h.calibrate("cn_card_collection", text, cases, local)
    assert list(table.columns) == ["评分项", "一致命中", "多判", "漏判", "精确率", "召回率"]
    assert len(table) > 0 and "校准集" in summary
    with pytest.raises(gr.Error, match="找不到校准集"):
        h.calibrate("cn_card_collection", text, str(tmp_path / "nope"), local)
    with pytest.raises(gr.Error, match="先修正"):
        h.calibrate("cn_card_collection", "id: x\n", cases, local)


def test_an_unclosed_brace_is_a_message_not_a_crash_and_the_folder_stays_usable(
    store, personas, tmp_path
):
    """#15: parser text with literal braces is never run through ``str.format``."""
    h = handlers(store, personas, tmp_path)
    local = SimpleNamespace(username=None)
    broken = zhang(personas).replace("difficulty:", "difficulty: {a: 1\n#", 1)
    md = h.check("persona", "hostile_zhang", broken, local)
    assert "花括号 {" in md and "右花括号 }" in md
    assert "`hostile_zhang.yaml` 第 " in md  # the file, as the save message names it
    assert "`hostile_zhang.yaml`" in h.save("persona", "hostile_zhang", broken, local)
    (personas / "braces.yaml").write_text(broken, encoding="utf-8")
    listing = h.listing("persona", local)
    rows = dict(zip(listing["文件"], listing["状态"], strict=True))
    assert rows["hostile_zhang"] == "有效" and rows["cooperative_wang"] == "有效"
    assert rows["braces"].startswith("有 ")
    assert "花括号" in " ".join(listing["首个问题"])
    assert "braces.yaml" in h.broken("persona", local)
