"""Where a flag or a credit came from: scorecard JSON fields, and one line of Chinese.

Every turn-level finding of the scorer rests on one of these:

- an act of :func:`simulator.understand.understand` found by a **rule** (``rule:<act>#<n>``,
  pattern *n* of the act's lexicon, or ``rule:<act>/slots``, inferred from amounts and dates);
- an act found by the **example layer**: the nearest labelled ``train`` line carrying the act,
  its cosine similarity and the layer's probability;
- an act added by the optional **LLM classifier** (``llm``);
- a regular expression of the rubric itself (``rubric:<criterion>#<n>``), for criteria whose
  ``detect.patterns`` stand beside or instead of acts;
- the **call state** (an offer or a read-back worked out from both speakers' turns, a read-back
  compared with the agreement).

:func:`fields` turns a finding into the optional keys a violation or an evidence entry carries
(``found_by``, ``act``, ``rule``, ``example``, ``example_source``, ``similarity``,
``probability``); :func:`describe`
words those keys for a trainee. Scorecards stored before these keys existed have none and
describe to ``""``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator import labels
from simulator.understand.acts import Act

__all__ = ["FOUND_BY", "describe", "from_act", "from_pattern", "from_state"]

FOUND_BY = {
    "rule": "规则",
    "example": "相似例句",
    "llm": "模型",
    "call_state": "通话记录",
}
"""``found_by`` values and their Chinese names."""


def from_act(act: Act) -> dict[str, Any]:
    """The evidence fields of an act of ``understand`` (empty for an act with no source)."""
    source = act.source
    out: dict[str, Any]
    if source.startswith("rule:"):
        out = {"found_by": "rule", "act": act.name, "rule": source[5:]}
    elif source == "example":
        out = {"found_by": "example", "act": act.name}
        if act.example:
            out["example"] = act.example
        if act.similarity is not None:
            out["similarity"] = round(float(act.similarity), 3)
        if act.example_source:
            out["example_source"] = act.example_source
    elif source == "llm":
        out = {"found_by": "llm", "act": act.name}
    else:
        return {}
    if act.probability is not None:
        out["probability"] = round(float(act.probability), 3)
    return out


def from_pattern(criterion: str, number: int) -> dict[str, Any]:
    """The evidence fields of the rubric's own pattern ``number`` of ``criterion``."""
    return {"found_by": "rule", "rule": f"rubric:{criterion}#{number}"}


def from_state(what: str) -> dict[str, Any]:
    """The evidence fields of a finding of the call state (``offer``, ``readback`` …)."""
    return {"found_by": "call_state", "rule": f"call_state:{what}"}


_STATE_WORDS = {
    "offer": "通话记录：这一句提出了还款条件",
    "readback": "通话记录：这一句复述了还款条件",
    "readback_mismatch": "通话记录：复述与客户同意的条件逐项对照",
    "contact_time": "通话开始时间",
}


def describe(entry: Mapping[str, Any]) -> str:
    """How the finding was made, in the trainee's words; ``""`` when the entry does not say.

    ``规则（威胁，第4条）`` · ``评分标准规则（诱导借贷，第2条）`` ·
    ``与例句「你这种人…」相似（相似度 0.87）`` · ``模型（LLM 分类器）判定`` ·
    ``通话记录：复述与客户同意的条件逐项对照``. Acts are named in Chinese and patterns counted
    from 1; the codes (``threat#3``) stay in the scorecard's JSON only.
    """
    found_by = entry.get("found_by")
    rule = str(entry.get("rule") or "")
    if found_by == "rule":
        if rule.startswith("rubric:"):
            return f"评分标准规则（{_rule_words(rule[7:], entry)}）"
        return f"规则（{_rule_words(rule, entry)}）" if rule else "规则"
    if found_by == "example":
        example = str(entry.get("example") or "")
        text = f"与例句「{_short(example)}」相似" if example else "与标注例句相似"
        figures = []
        similarity = entry.get("similarity")
        if isinstance(similarity, int | float):
            figures.append(f"相似度 {similarity:.2f}")
        probability = entry.get("probability")
        if isinstance(probability, int | float):
            figures.append(f"概率 {probability:.2f}")
        return text + (f"（{'，'.join(figures)}）" if figures else "")
    if found_by == "llm":
        return "模型（LLM 分类器）判定"
    if found_by == "call_state":
        return _STATE_WORDS.get(rule.removeprefix("call_state:"), "通话记录")
    return ""


def _rule_words(rule: str, entry: Mapping[str, Any]) -> str:
    """``threat#3`` → ``威胁，第4条``; ``state_debt/slots`` → ``说明欠款，由金额和日期推断``."""
    code, _, number = rule.partition("#")
    code, slash, _ = code.partition("/")
    name = labels.act(code or str(entry.get("act") or entry.get("criterion") or ""))
    if slash:
        return f"{name}，由金额和日期推断"
    if number.isdigit():
        return f"{name}，第{int(number) + 1}条"
    return name


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
