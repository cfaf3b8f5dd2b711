"""The studio's validation messages in Chinese, each at the file's line and field.

The command line keeps its English ``file: field.path: message`` lines (DESIGN.md). A trainer in
the studio reads the same problems in Chinese: a YAML syntax error by what the parser was
reading and where it stopped, a schema error by pydantic's error ``type`` and its ``ctx``
values (never pydantic's English), and the checks of our own validators by their known wording.
Anything not recognised still gets a Chinese sentence and the field it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.datafile import InputError, load_yaml
from simulator.issues import Issue, validation_issues
from simulator.persona import ARCHETYPE_LABELS
from simulator.studio_files import Problem, locate

__all__ = [
    "calibration_line",
    "file_problems",
    "first_problem",
    "issue_message",
    "studio_problems",
    "yaml_message",
]

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _fill(template: str, m: re.Match[str]) -> str:
    """The template with ``{0}``, ``{1}`` … replaced by the match's groups.

    Not ``str.format``: templates name literal braces (缺少右花括号 }) and the groups are the
    parser's own text, so only the numbered slots are replaced and nothing else is parsed.
    """
    groups = m.groups()
    return re.sub(
        r"\{(\d)\}",
        lambda slot: (groups[int(slot[1])] or "") if int(slot[1]) < len(groups) else slot[0],
        template,
    )


def _rules(*pairs: tuple[str, str | Callable[[re.Match[str]], str]]) -> list[Rule]:
    out = []
    for pattern, say in pairs:
        fn = say if callable(say) else (lambda m, s=say: _fill(s, m))
        out.append((re.compile(pattern), fn))
    return out


def _first(rules: list[Rule], text: str) -> str | None:
    for pattern, say in rules:
        m = pattern.search(text)
        if m:
            return say(m)
    return None


# --- YAML syntax -------------------------------------------------------------------------------

_YAML = _rules(
    (r"expected ',' or '\]'", "方括号 [ 开始的列表没有正确结束：缺少逗号或右方括号 ]"),
    (r"expected ',' or '\}'", "花括号 { 开始的内容没有正确结束：缺少逗号或右花括号 }"),
    (
        r"mapping values are not allowed here",
        "这里不能出现“键: 值”：可能是缩进不对，或文字里有冒号（含冒号的文字请加引号）",
    ),
    (r"'\\t'|tab character", "不能用 Tab 缩进，请改用空格"),
    (
        r"found character '(.+?)' that cannot start any token",
        "字符 {0} 不能放在开头（以它开头的文字请加引号）",
    ),
    (r"could not find expected ':'", "缺少冒号：每个字段应写成“键: 值”（冒号后有空格）"),
    (r"expected <block end>, but found", "缩进不一致：这一行没有和同一层的其他行对齐"),
    (r"did not find expected key", "缩进不一致，或缺少“键:”"),
    (r"did not find expected '-' indicator", "列表项缩进不一致：每项应以同样缩进的“- ”开头"),
    (r"did not find expected node content", "这里缺少内容"),
    (r"found undefined alias '(.+?)'", "引用了没有定义的锚点 *{0}"),
    (r"alias \*(\S+) refers to itself", "别名 *{0} 引用了它自己"),
    (r"another document|single document", "一个文件只能有一个 YAML 文档（删掉 --- 之后的部分）"),
    (r"constructor for the tag '(.+?)'", "不支持的标签 {0}（不要用 ! 开头的写法）"),
    (r"unhashable key", "键不能是列表或映射"),
    (r"duplicate key (.+?) \(first on line (\d+)\)", "键 {0} 重复（第一次出现在第 {1} 行）"),
    (r"nested deeper than (\d+) levels", "嵌套超过 {0} 层"),
    (r"too many values \(over ([\d,]+)", "内容太多（展开别名后超过 {0} 个值）"),
    (r"control character (#x[0-9a-f]+)", "含有控制字符 {0}，不是纯文本"),
    (r"(\d+) characters, more than (\d+)", "太长：{0} 个字符，上限 {1}"),
    (r"number too long", "数字太长（超过 4300 位）"),
    (r"bad value", "取值无法识别（例如不存在的日期 2026-02-30）"),
    (r"unknown escape character", "引号里的转义字符不认识（反斜杠 \\ 后面的字符）"),
    (r"alphabetic or numeric character", "锚点或别名的名字只能用字母和数字"),
)


def yaml_message(err: InputError, text: str = "") -> tuple[int | None, str]:
    """(line, Chinese message) for a YAML syntax or limit problem; the line of the mistake."""
    line = None
    where = err.where or ""
    if where.startswith("line ") and where[5:].isdigit():
        line = int(where[5:])
    elif where.startswith("position ") and where[9:].isdigit():
        line = text[: int(where[9:])].count("\n") + 1
    raw = " ".join(filter(None, [err.problem or err.message, err.context or ""]))
    said = _first(_YAML, raw)
    if said is None and "end of stream" in raw:
        said = "引号没有闭合" if "quoted" in raw else "文件意外结束：可能少了引号或括号"
    said = said or "YAML 格式有误：请检查这一行的缩进、冒号、引号和括号"
    if err.found_line and line and err.found_line != line:
        said += f"（解析到第 {err.found_line} 行时发现）"
    return line, said


# --- pydantic error types ----------------------------------------------------------------------

_PATTERNS = {
    r"^\d{4}$": '应为四位数字，并加引号，如 "3821"',
    r"^zh-CN-[A-Za-z-]+Neural$": "应为 edge-tts 的普通话声音名，如 zh-CN-XiaoxiaoNeural",
    r"^[+-]\d{1,2}%$": "应写成 +5% 或 -10% 这样的形式",
    r"^[+-]\d{1,2}Hz$": "应写成 +0Hz 或 -5Hz 这样的形式",
    r"^(|[mf][1-7])$": "应为 m1–m7 或 f1–f7，或留空",
    r"^[a-z][a-z0-9_]*$": "只能用小写字母、数字和下划线，并以字母开头",
    r"^(agent|customer)$": "只能是 agent（学员）或 customer（客户）",
}


def _choices(expected: str) -> str:
    from simulator import labels

    known = {str(k): v for k, v in ARCHETYPE_LABELS.items()}
    known |= labels.DIMENSIONS | labels.SEVERITIES | labels.KINDS
    names = re.findall(r"'([^']*)'", expected)
    shown = [f"{n}（{known[n]}）" if n in known else n for n in names]
    return "、".join(shown) if shown else expected


def _count(ctx: dict[str, Any], key: str) -> str:
    return str(ctx.get(key, "?"))


_TYPES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: "缺少必填字段",
    "extra_forbidden": lambda c: "不认识的字段（拼写有误，或不该写在这一层）",
    "int_type": lambda c: "应为整数",
    "int_parsing": lambda c: "应为整数",
    "int_from_float": lambda c: "应为整数，不能带小数",
    "int_parsing_size": lambda c: "数字太大",
    "float_type": lambda c: "应为数字",
    "float_parsing": lambda c: "应为数字",
    "finite_number": lambda c: "不是有效的数字（不允许 .nan 或 .inf）",
    "string_type": lambda c: "应为文字",
    "bool_type": lambda c: "应为 true 或 false",
    "bool_parsing": lambda c: "应为 true 或 false",
    "greater_than": lambda c: f"必须大于 {_count(c, 'gt')}",
    "greater_than_equal": lambda c: f"不能小于 {_count(c, 'ge')}",
    "less_than": lambda c: f"必须小于 {_count(c, 'lt')}",
    "less_than_equal": lambda c: f"不能大于 {_count(c, 'le')}",
    "string_too_short": lambda c: (
        "不能为空" if c.get("min_length") == 1 else f"至少 {_count(c, 'min_length')} 个字"
    ),
    "string_too_long": lambda c: f"最多 {_count(c, 'max_length')} 个字",
    "too_short": lambda c: f"至少要有 {_count(c, 'min_length')} 项",
    "too_long": lambda c: f"最多 {_count(c, 'max_length')} 项",
    "string_pattern_mismatch": lambda c: _PATTERNS.get(
        str(c.get("pattern")), f"格式不对（应符合 {c.get('pattern')}）"
    ),
    "enum": lambda c: f"只能是以下之一：{_choices(str(c.get('expected', '')))}",
    "literal_error": lambda c: f"只能是以下之一：{_choices(str(c.get('expected', '')))}",
    "list_type": lambda c: "应为列表（每项一行，以“- ”开头）",
    "dict_type": lambda c: "应为“键: 值”的映射",
    "model_type": lambda c: "应为“键: 值”的映射（各字段缩进写在下面）",
    "model_attributes_type": lambda c: "应为“键: 值”的映射（各字段缩进写在下面）",
    "date_type": lambda c: "应为日期，如 2026-12-05",
    "date_parsing": lambda c: "应为日期，如 2026-12-05",
}


# --- the checks of our own validators (their English wording, known) ----------------------------

_PARAM_KINDS = {
    "a quoted time like": '加引号的时间，如 "22:00"',
    "a whole number from 1 to 60": "1 到 60 的整数",
    "true or false": "true 或 false",
    "a criterion id or a list of them": "一个评分项 id，或它们的列表",
}


def _param_kind(m: re.Match[str]) -> str:
    wanted = m.group(1)
    said = next((zh for en, zh in _PARAM_KINDS.items() if wanted.startswith(en)), "允许的值")
    return f"取值应为{said}"


def _archetype(m: re.Match[str]) -> str:
    label = next((v for k, v in ARCHETYPE_LABELS.items() if str(k) == m.group(1)), m.group(1))
    return f"缺少这一情境的台词（{label}客户必须有）"


_VALUES = _rules(
    (r"^unknown situation$", "不认识的情境名（可用的情境见 simulator/persona.py）"),
    (r"^missing \(needed for (\w+)\)$", _archetype),
    (r"^needs at least (\d+) variants, has (\d+)$", "至少要写 {0} 种说法，现在只有 {1} 种"),
    (r"^unknown slot \{(.*)\}$", "不认识的占位符 {{{0}}}"),
    (r"^empty line$", "这一句是空的"),
    (r"^required for a disputing customer$", "异议型客户必须写明有争议的消费（dispute）"),
    (r"^required for a third_party persona$", "第三方接听的客户必须写明接电话的人（third_party）"),
    (r"cannot pay in full$", "经济困难型客户不能设为能一次还清（can_pay_full 应为 false）"),
    (r"^must be less than brief\.amount$", "有争议的金额必须小于逾期总额（brief.amount）"),
    (r"^give either say", "示例要么写 say（一句话），要么写 turns（一段对话），二选一"),
    (r"^unknown act '(.+?)'", "不认识的对话行为 {0}（可用的见 simulator/understand）"),
    (r"^pattern (\d+) .*not a valid regex", lambda m: f"第 {int(m[1]) + 1} 个正则表达式写错了"),
    (
        r"^pattern (\d+) .*longer than (\d+)",
        lambda m: f"第 {int(m[1]) + 1} 个正则表达式超过 {m[2]} 个字符",
    ),
    (r"^pattern (\d+) .*too complex", lambda m: f"第 {int(m[1]) + 1} 个正则表达式太复杂"),
    (
        r"^pattern (\d+) .*(nested quantifier|alternatives that can match|tries per position)",
        lambda m: (
            f"第 {int(m[1]) + 1} 个正则表达式可能让评分卡死（嵌套或重叠的重复）；"
            "请给重复加上限，例如用 .{0,10} 代替 .* 或 .+"
        ),
    ),
    (
        r"^pattern (\d+) .*without spaces or punctuation",
        lambda m: f"第 {int(m[1]) + 1} 个正则表达式里有空格或标点：匹配前文本已去掉空格和标点",
    ),
    (r"^unknown check '(.+?)'", "不认识的内置检查 {0}（可用的见 scoring/rubric.py 的 CHECKS）"),
    (r"^unknown param", "不认识的参数"),
    (r"^must be (.+)$", _param_kind),
    (r"^required for a prohibited criterion$", "禁止行为（prohibited）必须写严重程度"),
    (r"^only prohibited criteria have a severity$", "只有禁止行为（prohibited）才有严重程度"),
    (r"^needs acts, patterns or a check$", "需要 acts、patterns 或 check 之一"),
    (r"^a quality criterion needs a built-in check$", "质量类评分项需要一个内置检查（check）"),
    (r"^ordering applies to required steps only$", "先后顺序只适用于必做步骤（required_step）"),
    (r"^give at least one good or bad example$", "至少给一个好例子或坏例子"),
    (r"^at least one weight must be > 0$", "至少一个权重要大于 0"),
    (r"^duplicate id '(.+?)'$", "评分项 id {0} 重复"),
    (r"^unknown criterion '(.+?)'$", "引用了不存在的评分项 {0}"),
    (r"^must not be above bands\.high$", "不能高于 bands.high"),
    (r"^must match the file name '(.+?)' \(is '(.*?)'\)$", "必须与文件名 {0} 一致（现在是 {1}）"),
    (r"empty file", "文件是空的：应为“键: 值”的映射"),
    (r"is a folder", "这是一个文件夹，不是文件"),
    (r"file not found", "找不到文件"),
    (r"not a regular file", "不是普通文件"),
    (r"permission denied", "没有读取权限"),
    (r"broken link", "链接失效（目标不存在或指向自己）"),
    (r"not UTF-8 text", "不是 UTF-8 编码的文本，请另存为 UTF-8"),
    (r"(\d+) bytes, more than (\d+)", "文件太大：{0} 字节，上限 {1}"),
    (r"cannot read", "无法读取文件"),
    (r"expected a mapping of fields", "最外层应为“键: 值”的映射"),
)


def _shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) or (isinstance(value, str) and 0 < len(value) <= 20):
        return f"（现在是 {value}）"
    return ""


def issue_message(issue: Issue) -> str:
    """One schema issue in Chinese, from its pydantic ``type`` and ``ctx`` (or our wording)."""
    if issue.type == "value_error":
        return _first(_VALUES, issue.message) or "取值不符合要求"
    say = _TYPES.get(issue.type)
    if say is None:
        return "取值不符合要求"
    text = say(issue.ctx)
    if issue.type == "string_type" and isinstance(issue.input, int | float):
        text += f'：数字请加引号，如 "{issue.input}"'
    if issue.type in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        value = _shown_value(issue.input)
        text += value if value.startswith("（") else ""
    return text


# --- a whole file --------------------------------------------------------------------------------


def _model(kind: str) -> Any:
    if kind == "persona":
        from simulator.persona import Persona

        return Persona
    from scoring.rubric import Rubric

    return Rubric


def studio_problems(kind: str, text: str, source: str) -> list[Problem]:
    """Every problem in the editor's text, in Chinese, with its field and line (empty: valid).

    Args:
        kind: ``persona`` or ``rubric``.
        text: the editor's YAML.
        source: the file it will be saved as (a rubric's ``id`` must match its name).

    """
    try:
        data = load_yaml(text)
    except InputError as err:
        line, said = yaml_message(err, text)
        return [Problem("(语法)", said, line)]
    if not isinstance(data, dict):
        said = "文件是空的：应为“键: 值”的映射" if data is None else "最外层应为“键: 值”的映射"
        return [Problem("(整个文件)", said, 1 if data is not None else None)]
    try:
        model = _model(kind).model_validate(data)
    except ValidationError as exc:
        return [
            Problem(i.field, issue_message(i), locate(text, i.field))
            for i in validation_issues(exc)
        ]
    stem = Path(source).stem
    if kind == "rubric" and model.id != stem:
        said = f"必须与文件名 {stem} 一致（现在是 {model.id}）"
        return [Problem("id", said, locate(text, "id"))]
    return []


def file_problems(kind: str, path: Path) -> list[Problem]:
    """The problems of a file on disk, in Chinese (one that cannot be read is one problem)."""
    from simulator.datafile import read_text

    try:
        text = read_text(path)
    except InputError as err:
        return [Problem("(文件)", _first(_VALUES, err.message) or "无法读取文件", None)]
    return studio_problems(kind, text, str(path))


def first_problem(problems: list[Problem]) -> str:
    """The first problem in one line: ``第 5 行 difficulty：不能大于 5``."""
    if not problems:
        return ""
    p = problems[0]
    where = f"第 {p.line} 行 " if p.line else ""
    field = "" if p.field.startswith("(") else f"{p.field}："
    return f"{where}{field}{p.message}" if field else f"{where}{p.message}".strip()


_WORDS = {"True": "是", "False": "否", "high": "优", "medium": "中", "low": "差"}


def calibration_line(line: str, titles: dict[str, str]) -> str:
    """A calibration failure or mismatch (``callsim rubric test``'s words) for the studio.

    Criteria are named by their titles and turns counted from 1, as on the scorecard.
    """

    def title(cid: str) -> str:
        return titles.get(cid, cid)

    m = re.fullmatch(r"(\w+): (precision|recall) ([\d.]+) < ([\d.]+)", line)
    if m:
        what = "精确率" if m[2] == "precision" else "召回率"
        return f"{title(m[1])}：{what} {m[3]}，低于要求的 {m[4]}"
    m = re.fullmatch(r"(plan|band) accuracy ([\d.]+) < ([\d.]+)", line)
    if m:
        what = "还款约定判断准确率" if m[1] == "plan" else "评级准确率"
        return f"{what} {m[2]}，低于要求的 {m[3]}"
    m = re.fullmatch(r"(.+?): (多报|漏报) (\w+) 第(\w+)轮", line)
    if m:
        turn = f"第{int(m[4]) + 1}句" if m[4].isdigit() else "整通电话"
        return f"{m[1]}：{m[2]} {title(m[3])}（{turn}）"
    return re.sub(r"\b(True|False|high|medium|low)\b", lambda w: _WORDS[w[1]], line)
