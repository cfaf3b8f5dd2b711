"""One bad file, one line: every broken persona, rubric, transcript or labels file is named with
its field and why, and never hides the good files or ends in a traceback (#10).

The catalogues below are the broken files tried: each is written beside good files into a real
folder, then loaded the ways the app, the CLI and the studio load them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from scoring.calibration import calibration_roots, resolve_calibration_dir, run_calibration
from scoring.rubric import RubricError, default_rubric, load_rubric, parse_rubric, rubric_problems
from scoring.safe_regex import regex_problem
from scoring.transcript import TranscriptError, load_transcript
from simulator.datafile import MAX_DEPTH, load_json, load_yaml, report_once
from simulator.persona import PersonaError, check_paths, load_personas, load_personas_report
from simulator.studio_files import list_files, locate, save

from .conftest import PERSONAS_DIR, ROOT

RUBRICS_DIR = ROOT / "scoring" / "rubrics"
WANG = (PERSONAS_DIR / "cooperative_wang.yaml").read_text(encoding="utf-8")
RUBRIC = (RUBRICS_DIR / "cn_card_collection.yaml").read_text(encoding="utf-8")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def deep_block(levels: int) -> str:
    """Block sequences nested ``levels`` deep on one line: ``- - - - a``."""
    return "name: x\nlines:\n  " + "- " * levels + "a\n"


def deep_mapping(levels: int) -> str:
    """Block mappings nested ``levels`` deep, one space of indent each."""
    return "".join(" " * i + "a:\n" for i in range(levels)) + " " * levels + "a: 1\n"


def laughs() -> str:
    """The "billion laughs": nine aliases of nine aliases … 9**10 strings once expanded."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _text(content: str | bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return write


def _folder(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.yaml")


def _loop(path: Path) -> None:
    path.symlink_to(path)


def _unreadable(path: Path) -> None:
    path.write_text(WANG, encoding="utf-8")
    path.chmod(0)


# (name, how to write it, what its line must say)
BAD_PERSONAS: list[tuple[str, Callable[[Path], None], str]] = [
    ("syntax_bracket", _text("name: [unclosed\nlines:\n  ack: 嗯\n"), "line 1: expected"),
    ("syntax_quote", _text('name: "不闭合\narchetype: hostile\n'), "line"),
    ("syntax_tab", _text("name: x\nbrief:\n\tname: y\n"), "line 3"),
    ("syntax_indent", _text("name: x\n  archetype: hostile\n bad: 1\n"), "line"),
    ("empty", _text(""), "empty file"),
    ("only_comments", _text("# 只有注释\n\n"), "empty file"),
    ("list_top", _text("- 喂\n- 你好\n"), "(top): expected a mapping"),
    ("scalar_top", _text("就一句话\n"), "(top): expected a mapping"),
    ("binary_garbage", _text(bytes(range(256)) * 8), "not UTF-8"),
    ("nul_bytes", _text("name: 王\x00\x01\n"), "not a text file"),
    ("gbk", _text(WANG.encode("gbk", errors="replace")), "not UTF-8"),
    ("utf16", _text(WANG.encode("utf-16")), "not UTF-8"),
    ("laughs", _text(laughs()), "too many values"),
    ("deep_block", _text(deep_block(5000)), f"nested deeper than {MAX_DEPTH}"),
    ("deep_mapping", _text(deep_mapping(1000)), f"nested deeper than {MAX_DEPTH}"),
    ("deep_flow", _text("name: " + "[" * 5000 + "]" * 5000 + "\n"), "nested deeper"),
    ("deep_flow_map", _text("a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n"), "nested deeper"),
    ("huge", _text(WANG + "#" + "长" * 1_000_000 + "\n"), "too large"),
    ("a_folder", _folder, "is a folder"),
    ("fifo", _fifo, "not a regular file"),
    ("dangling_link", _dangling, "broken link"),
    ("link_loop", _loop, "broken link"),
    ("recursive_alias", _text("a: &a [1, *a]\n"), "refers to itself"),
    ("undefined_alias", _text("name: *nobody\n"), "undefined alias"),
    ("python_tag", _text("name: !!python/object/apply:os.system [ls]\n"), "constructor"),
    ("two_documents", _text(WANG + "---\nname: 第二个\n"), "another document"),
    ("unhashable_key", _text("? [a, b]\n: 1\n"), "unhashable key"),
    ("huge_int", _text(WANG.replace("amount: 6850", "amount: " + "9" * 5000)), "number too long"),
    (
        "bad_date",
        _text(WANG.replace("note: 以往还款记录良好，首次逾期。", "note: 2026-02-30")),
        "day is",
    ),
    ("nan_temper", _text(WANG.replace("temper: 0.8", "temper: .nan")), "not a number"),
    ("inf_warmth", _text(WANG.replace("warmth: 1.2", "warmth: .inf")), "not a number"),
    ("nan_amount", _text(WANG.replace("amount: 6850", "amount: .nan")), "not a number"),
    ("bool_difficulty", _text(WANG.replace("difficulty: 1", "difficulty: true")), "integer"),
    ("float_amount", _text(WANG.replace("amount: 6850", "amount: 68.5")), "brief.amount"),
    ("string_amount", _text(WANG.replace("amount: 6850", "amount: 很多")), "brief.amount"),
    ("brief_is_list", _text(re.sub(r"(?m)^brief:\n(  .*\n)+", "brief: [王丽娟]\n", WANG)), "brief"),
    ("duplicate_key", _text(WANG.replace("warmth: 1.2", "warmth: 1.2\n  temper: 2")), "temper"),
    ("missing_archetype", _text(WANG.replace("archetype: cooperative\n", "")), "archetype"),
    ("unknown_archetype", _text(WANG.replace("cooperative\n", "angry\n", 1)), "archetype"),
    ("unknown_field", _text(WANG + "favourite_food: 饺子\n"), "unknown field"),
    (
        "lines_not_list",
        _text(re.sub(r"(?m)^  recording_ok:\n(    .*\n)+", "  recording_ok: 好\n", WANG)),
        "lines.recording_ok",
    ),
    ("control_char", _text("name: 王\x07\n"), "not a text file"),
]
if not IS_ROOT:  # root reads any file whatever its mode
    BAD_PERSONAS.append(("unreadable", _unreadable, "permission denied"))


@pytest.fixture
def personas(tmp_path) -> Path:
    folder = tmp_path / "personas"
    folder.mkdir()
    for name in ("hostile_zhang.yaml", "cooperative_wang.yaml"):
        shutil.copy(PERSONAS_DIR / name, folder)
    return folder


def one_line_each(lines: list[str], path: Path, says: str) -> None:
    assert lines, f"{path.name}: no problem reported"
    for line in lines:
        assert "\n" not in line and "Traceback" not in line
        assert line.startswith(f"{path}: "), line
    assert says in " ".join(lines), lines


@pytest.mark.parametrize(("name", "write", "says"), BAD_PERSONAS, ids=[b[0] for b in BAD_PERSONAS])
def test_a_broken_persona_is_one_line_and_the_good_ones_still_load(personas, name, write, says):
    bad = personas / f"{name}.yaml"
    write(bad)
    started = time.perf_counter()
    good, problems = load_personas_report(personas)
    assert time.perf_counter() - started < 10
    assert sorted(good) == ["cooperative_wang", "hostile_zhang"]
    one_line_each(problems, bad, says)
    assert check_paths([personas]) == problems  # `callsim personas check`
    with pytest.raises(PersonaError) as info:
        from simulator.persona import load_persona

        load_persona(bad)
    assert info.value.problems == problems
    studio = {f.id: f for f in list_files("persona", personas)}
    assert studio["cooperative_wang"].ok and studio["hostile_zhang"].ok
    assert list(studio[name].problems) == problems
    locate(bad.read_text(encoding="utf-8", errors="replace") if bad.is_file() else "", "a")


def test_the_catalogue_is_wide():
    assert len(BAD_PERSONAS) >= 36


def test_load_personas_serves_the_good_and_logs_each_problem_once(personas, caplog):
    (personas / "bad.yaml").write_text("name: [\n", encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert sorted(load_personas(personas)) == ["cooperative_wang", "hostile_zhang"]
        assert sorted(load_personas(personas)) == ["cooperative_wang", "hostile_zhang"]
    logged = [r.getMessage() for r in caplog.records if "bad.yaml" in r.getMessage()]
    assert len(logged) == 1 and logged[0].startswith(f"{personas / 'bad.yaml'}: line")
    (personas / "bad.yaml").write_text("name: x\n", encoding="utf-8")  # changed: said again
    caplog.clear()
    with caplog.at_level("WARNING"):
        load_personas(personas)
    assert any("archetype" in r.getMessage() for r in caplog.records)


def test_report_once_forgets_fixed_problems():
    emitted: list[str] = []
    assert report_once("k:test", ["a", "b"], emitted.append) == ["a", "b"]
    assert report_once("k:test", ["a", "b"], emitted.append) == []
    assert report_once("k:test", [], emitted.append) == []
    assert report_once("k:test", ["a"], emitted.append) == ["a"]
    assert emitted == ["a", "b", "a"]


def test_services_and_the_practice_page_still_offer_every_good_customer(store, personas):
    from simulator.services import Services
    from simulator.ui import call_flow
    from simulator.voice.asr import NoneASR
    from simulator.voice.tts import NoneTTS

    (personas / "deep.yaml").write_text(deep_block(5000), encoding="utf-8")
    (personas / "nan.yaml").write_text(WANG.replace("temper: 0.8", "temper: .nan"), "utf-8")
    services = Services(store=store, personas_dir=personas, tts=NoneTTS(), asr=NoneASR())
    assert sorted(services.personas()) == ["cooperative_wang", "hostile_zhang"]
    state, view = call_flow.start(services, call_flow.PracticeState(), "cooperative_wang")
    assert view.phase == "call" and view.messages


def test_cli_personas_list_check_and_preflight_with_a_broken_file(personas, data_dir):
    from simulator.cli import main

    (personas / "deep.yaml").write_text(deep_block(5000), encoding="utf-8")
    bad = personas / "deep.yaml"
    with _captured() as out:
        assert main(["personas", "list", "--dir", str(personas)]) == 0
    assert "cooperative_wang" in out.stdout and "hostile_zhang" in out.stdout
    line = f"{bad}: line 3: nested deeper than {MAX_DEPTH} levels"
    assert out.stderr.strip() == line
    with _captured() as out:
        assert main(["personas", "check", str(personas)]) == 1
    assert out.stdout.strip() == line
    with _captured() as out:
        code = main(["personas", "preflight", "hostile_zhang", "--dir", str(personas)])
    assert code in (0, 1) and "规范坐席" in out.stdout
    with _captured() as out:
        assert main(["personas", "preflight", "deep", "--dir", str(personas)]) == 2
    assert "nested deeper" in out.stderr and "Traceback" not in out.stderr


class _captured:
    """stdout and stderr of an in-process CLI call."""

    def __enter__(self):
        import io

        self._saved = sys.stdout, sys.stderr
        self._out, self._err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = self._out, self._err
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self._saved
        self.stdout, self.stderr = self._out.getvalue(), self._err.getvalue()
        return False


def test_app_start_names_each_bad_file_and_still_builds(personas, data_dir, monkeypatch, capsys):
    import app

    monkeypatch.setenv("CALLSIM_PERSONAS_DIR", str(personas))
    monkeypatch.setenv("CALLSIM_TTS", "none")
    monkeypatch.setenv("CALLSIM_ASR", "none")
    (personas / "deep.yaml").write_text(deep_block(5000), encoding="utf-8")
    (personas / "list.yaml").write_text("- a\n", encoding="utf-8")
    from simulator.studio_files import report_problems

    services = app.Services.from_env()
    report_problems(
        services.personas_dir,
        services.rubric,
        emit=lambda s: print(f"callsim: {s}", file=sys.stderr),
    )
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"callsim: {personas / 'deep.yaml'}: line 3: nested deeper than {MAX_DEPTH} levels",
        f"callsim: {personas / 'list.yaml'}: (top): expected a mapping of fields",
    ]
    app.build_app(services)  # no RecursionError, no exception: the app starts
    assert capsys.readouterr().err == ""  # said once, not again by the page


# --- rubrics -------------------------------------------------------------------------------------


def with_pattern(pattern: str) -> str:
    """The shipped rubric with ``pattern`` added before its first criterion pattern."""
    first = re.search(r'^( +)- "', RUBRIC, re.M)
    assert first, "the shipped rubric has no criterion pattern left to put one beside"
    at, indent = first.start(), first.group(1)
    return RUBRIC[:at] + f"{indent}- {json.dumps(pattern)}\n" + RUBRIC[at:]


BAD_RUBRICS = [
    ("syntax", _text("id: x\ncriteria: [\n"), "line"),
    ("empty", _text(""), "empty file"),
    ("list_top", _text("- a\n"), "expected a mapping"),
    ("binary", _text(bytes(range(256))), "not UTF-8"),
    ("laughs", _text(laughs()), "too many values"),
    ("deep", _text(deep_block(5000)), "nested deeper"),
    ("huge", _text(RUBRIC + "#" + "x" * 1_100_000), "too large"),
    ("a_folder", _folder, "is a folder"),
    ("nan_weight", _text(RUBRIC.replace("compliance: 0.35", "compliance: .nan")), "not a number"),
    ("duplicate", _text(RUBRIC.replace("pass_mark: 60", "pass_mark: 60\npass_mark: 70")), "dup"),
    ("redos", _text(with_pattern("(a+)+$")), "nested quantifier"),
]


@pytest.mark.parametrize(("name", "write", "says"), BAD_RUBRICS, ids=[b[0] for b in BAD_RUBRICS])
def test_a_broken_rubric_is_one_line_and_the_good_one_still_loads(tmp_path, name, write, says):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    shutil.copy(RUBRICS_DIR / "cn_card_collection.yaml", folder)
    bad = folder / f"{name}.yaml"
    write(bad)
    problems = rubric_problems(folder)
    one_line_each(problems, bad, says)
    assert load_rubric(folder / "cn_card_collection.yaml").id == "cn_card_collection"
    studio = {f.id: f for f in list_files("rubric", folder)}
    assert studio["cn_card_collection"].ok and not studio[name].ok


def test_the_shipped_rubric_and_its_patterns_pass_the_regex_guard():
    rubric = default_rubric()
    for criterion in rubric.model.criteria:
        for pattern in criterion.detect.patterns + criterion.detect.unless:
            assert regex_problem(pattern) is None, pattern


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("(a+)+$", "nested quantifier"),
        (r"(\d*,)*x", "nested quantifier"),
        ("(a|a)+$", "alternatives that can match the same text"),
        ("(a|aa)+$", "alternatives that can match the same text"),
        (".*a.*b.*c", "tries per position"),
        (".*a.*c", "tries per position"),
        ("x" * 600, "longer than 500"),
        ("(", "not a valid regex"),
    ],
)
def test_catastrophic_rubric_regexes_are_refused_with_a_named_error(pattern, says):
    assert says in (regex_problem(pattern) or "")
    text = with_pattern(pattern)
    assert text != RUBRIC
    with pytest.raises(RubricError) as info:
        parse_rubric(text, "r.yaml")
    (line,) = info.value.problems
    assert line.startswith("r.yaml: criteria.") and says in line


@pytest.mark.parametrize("pattern", [".{0,6}", "(你|您)(也)?不想", r"\d{4}", "(a|b)+", ".*"])
def test_ordinary_regexes_pass(pattern):
    assert regex_problem(pattern) is None


# --- NaN, duplicate keys, BOM, depth -------------------------------------------------------------


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf"])
def test_nan_and_inf_are_not_numbers_in_any_numeric_field(value):
    from simulator.persona import parse_persona

    for old in ("temper: 0.8", "trust_to_reveal: 30", "amount: 6850", "anger: 20"):
        with pytest.raises(PersonaError) as info:
            parse_persona(WANG.replace(old, old.split(":")[0] + ": " + value, 1), "p.yaml")
        (line,) = info.value.problems
        assert line.endswith(": not a number (.nan and .inf are not allowed)"), line
        assert "≤" not in line and "less than" not in line
    with pytest.raises(RubricError, match="not a number"):
        parse_rubric(RUBRIC.replace("min_recall: 0.85", f"min_recall: {value}"), "r.yaml")


def test_duplicate_keys_name_the_file_line_and_key(tmp_path):
    path = tmp_path / "dup.yaml"
    text = WANG.replace("  warmth: 1.2\n", "  warmth: 1.2\n  temper: 2.5\n")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  temper: 2.5") + 1
    first = text.splitlines().index("  temper: 0.8") + 1
    assert check_paths([path]) == [
        f"{path}: line {line}: duplicate key 'temper' (first on line {first})"
    ]
    assert load_yaml("a:\n  b: 1\n<<: {c: 2}\n") == {"a": {"b": 1}, "c": 2}  # merges still work


def test_a_byte_order_mark_is_accepted_by_every_reader(tmp_path, personas):
    bom = "\ufeff"
    (personas / "bom_wang.yaml").write_text(bom + WANG, encoding="utf-8")
    good, problems = load_personas_report(personas)
    assert "bom_wang" in good and problems == []
    rubric = tmp_path / "bom_rubric.yaml"
    rubric.write_text(bom + RUBRIC.replace("id: cn_card_collection", "id: bom_rubric"), "utf-8")
    assert load_rubric(rubric).id == "bom_rubric"
    transcript = tmp_path / "t.json"
    data = {
        "started_at": "2026-11-20T14:30:00+08:00",
        "turns": [{"speaker": "agent", "text": "您好"}],
    }
    transcript.write_text(bom + json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_transcript(transcript)["turns"][0]["text"] == "您好"
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(transcript, cases / "t.json")
    (cases / "labels.yaml").write_text(
        bom + "files:\n  t.json: {plan_reached: false, band: low}\n", encoding="utf-8"
    )
    assert run_calibration(cases, default_rubric()).files == 1
    from simulator.studio_files import read_file

    assert read_file(personas / "bom_wang.yaml") == WANG  # the studio's editor gets no BOM
    edited = WANG.replace("name: ", "name: 改", 1)
    saved = save("persona", personas, "bom_wang", edited)
    assert saved.path.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("[" * 5000 + "]" * 5000, "nested deeper than"),
        ('{"turns": ' + "[" * 100_000, "nested deeper than"),
        ('{"a": ' + "1" * 5000 + "}", "number too long"),
        ("\ufeff{", "not JSON"),
        ("", "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("[]", "(top): expected a JSON object"),
    ],
)
def test_a_deep_or_broken_transcript_is_one_line(tmp_path, content, says):
    path = tmp_path / "t.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        load_transcript(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message and says in message


def test_transcript_folder_and_fifo_are_named(tmp_path):
    (tmp_path / "d.json").mkdir()
    with pytest.raises(TranscriptError, match=r"d.json: \(file\): is a folder"):
        load_transcript(tmp_path / "d.json")
    os.mkfifo(tmp_path / "p.json")
    with pytest.raises(TranscriptError, match=r"p.json: \(file\): not a regular file"):
        load_transcript(tmp_path / "p.json")


def test_score_cli_on_a_deep_transcript_is_one_line(tmp_path, capsys):
    from scoring.cli import main

    path = tmp_path / "deep.json"
    path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"{path}: (file): not JSON (line 1: nested deeper than {MAX_DEPTH} levels)"


def test_load_json_keeps_brackets_inside_strings():
    assert load_json('{"a": "' + "[" * 100 + '\\"]"}') == {"a": "[" * 100 + '"]'}


@pytest.mark.parametrize(
    ("labels", "says"),
    [
        (deep_block(5000), "nested deeper"),
        (laughs(), "too many values"),
        ("files:\n  t.json: {plan_reached: false, band: low}\nfiles: {}\n", "duplicate key"),
        ("files:\n  t.json: {plan_reached: false, band: low, violations: {x: [.nan]}}\n", "number"),
        ("files:\n  ../../etc/passwd.json: {plan_reached: false, band: low}\n", "file name"),
        ("", "files"),
    ],
)
def test_bad_calibration_labels_are_one_line(tmp_path, labels, says, capsys):
    from scoring.calibration import CalibrationError
    from scoring.cli import main

    (tmp_path / "labels.yaml").write_text(labels, encoding="utf-8")
    with pytest.raises(CalibrationError) as info:
        run_calibration(tmp_path, default_rubric())
    assert "\n" not in str(info.value) and says in str(info.value)
    assert main(["rubric", "test", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# --- studio: file mode, calibration folder -------------------------------------------------------


def test_studio_save_keeps_the_file_mode(personas):
    path = personas / "hostile_zhang.yaml"
    path.chmod(0o644)
    text = path.read_text(encoding="utf-8")
    save("persona", personas, "hostile_zhang", text.replace("name: ", "name: 改", 1))
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o664)
    save("persona", personas, "hostile_zhang", text)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_studio_save_of_a_new_file_follows_the_umask(personas):
    old = os.umask(0o027)
    try:
        saved = save("persona", personas, "new_wang", WANG)
    finally:
        os.umask(old)
    assert stat.S_IMODE(saved.path.stat().st_mode) == 0o640


def test_studio_save_refuses_to_write_over_a_folder(personas):
    from simulator.studio_files import StudioError

    (personas / "odd.yaml").mkdir()
    with pytest.raises(StudioError, match="不是普通文件"):
        save("persona", personas, "odd", WANG)


def _studio(store, personas, tmp_path):
    from simulator.accounts.auth import Auth
    from simulator.accounts.users import Users
    from simulator.ui.studio import StudioHandlers

    services = SimpleNamespace(personas_dir=personas, store=store)
    return StudioHandlers(services, Auth(Users(store)), rubrics_dir=tmp_path / "rubrics")


def test_studio_calibration_only_takes_folders_in_the_calibration_area(store, personas, tmp_path):
    h = _studio(store, personas, tmp_path)
    local = SimpleNamespace(username=None)
    outside = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "tests" / "calibration", outside)
    inside = tmp_path / "rubrics" / "calibration" / "mine"
    shutil.copytree(ROOT / "tests" / "calibration", inside)
    link = tmp_path / "rubrics" / "calibration" / "sneaky"
    link.symlink_to(outside)
    for refused in (
        str(outside),
        "/etc",
        "/",
        "../../..",
        "tests/calibration/../../scoring",
        str(link),
        "sneaky",
        "",
    ):
        with pytest.raises(gr.Error, match="校准集只能放在"):
            h.calibrate("cn_card_collection", RUBRIC, refused, local)
    for accepted in ("tests/calibration", str(ROOT / "tests" / "calibration"), "mine", str(inside)):
        _, summary = h.calibrate("cn_card_collection", RUBRIC, accepted, local)
        assert "校准集" in summary
    roots = calibration_roots(tmp_path / "rubrics")
    assert resolve_calibration_dir("mine", roots) == inside.resolve()


def test_studio_lists_broken_files_in_chinese(store, personas, tmp_path):
    h = _studio(store, personas, tmp_path)
    local = SimpleNamespace(username=None)
    assert h.broken("persona", local) == ""
    (personas / "deep.yaml").write_text(deep_block(5000), encoding="utf-8")
    notice = h.broken("persona", local)
    assert notice.startswith("**有 1 个客户文件无法加载**，练习页暂不提供这些客户")
    assert "`deep.yaml`" in notice and "嵌套超过 40 层" in notice and "nested" not in notice
    listing = h.listing("persona", local)
    assert list(listing["文件"]) == ["cooperative_wang", "deep", "hostile_zhang"]
    with pytest.raises(gr.Error, match="找不到文件"):
        h.open("persona", "nobody", local)


def test_the_practice_notice_names_files_only(personas):
    from simulator.ui.cards import unavailable_markdown

    (personas / "nan.yaml").write_text(WANG.replace("temper: 0.8", "temper: .nan"), "utf-8")
    _, problems = load_personas_report(personas)
    notice = unavailable_markdown(problems)
    assert "nan.yaml" in notice and "培训师" in notice and "temper" not in notice
    assert unavailable_markdown([]) == ""


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('{start: "22:00", end: "08:00"}', '{start: 2200, end: "08:00"}', "params.start: must be"),
        ("{max_months: 60}", "{max_months: .nan}", "params.max_months: must be"),
        ("{voids_turn: true}", "{voids_turn: true, colour: red}", "params.colour: unknown"),
        ("{event: [state_debt]}", "{event: 5}", "params.event: must be"),
    ],
)
def test_rubric_params_of_the_wrong_type_are_named(old, new, says):
    assert f"params: {old}" in RUBRIC
    with pytest.raises(RubricError) as info:
        parse_rubric(RUBRIC.replace(f"params: {old}", f"params: {new}", 1), "r.yaml")
    (line,) = info.value.problems
    assert line.startswith("r.yaml: criteria.") and says in line
