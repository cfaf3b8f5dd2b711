"""Every word a person reads for a code: criteria, customers, severities, endings, dimensions.

The practice page, the trainee's history, the review page, the CSV export and ``callsim score``
all name things through this module, so 合规 is 合规 and a hang-up is 客户挂断 everywhere. The
fixed vocabularies are tables here; criterion titles and rule citations come from the rubric
file, and customers' names from their persona files, through :class:`Labels`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simulator import clock
from simulator.persona import ARCHETYPE_LABELS

__all__ = [
    "ACTS",
    "ARCHETYPE_LABELS",
    "BANDS",
    "DIMENSIONS",
    "ENDINGS",
    "IN_PROGRESS",
    "KINDS",
    "LOCAL_LABEL",
    "LOCAL_USER",
    "SEVERITIES",
    "Labels",
    "act",
    "criterion_points",
    "criterion_result",
    "dimension",
    "ending",
    "labels_for",
    "quote",
    "severity",
    "turn",
    "user",
    "verdict",
]

log = logging.getLogger(__name__)

DIMENSIONS = {"compliance": "合规", "empathy": "沟通与共情", "outcome": "还款结果"}
"""The scorecard's three dimensions, in the order they are shown."""
SEVERITIES = {"critical": "严重", "major": "较重", "minor": "轻微"}
BANDS = {"high": "优", "medium": "中", "low": "差"}
KINDS = {"prohibited": "禁止行为", "required_step": "必做步骤", "quality": "沟通质量"}
ENDINGS = {
    "agreement": "客户同意还款",
    "customer_hangup": "客户挂断",
    "agent_end": "学员挂断",
    "script_end": "脚本结束",
    "abandoned": "未完成",
}
"""How a call ended (``ended_by``); ``abandoned``: left open (tab closed, or idle too long).

``agreement`` says only that the customer said yes and the call ended there; whether a concrete
plan was reached is the scorecard's 还款计划 (已达成… / 未达成还款计划), so the two never read
as 达成 beside 未达成."""
ACTS = {
    "greeting": "问候",
    "self_intro": "自我介绍",
    "recording_notice": "告知录音",
    "verify_identity": "核实身份",
    "ask_for_cardholder": "找持卡人本人",
    "state_debt": "说明欠款",
    "ask_reason": "询问逾期原因",
    "empathy": "表达理解",
    "apology": "致歉",
    "listen": "倾听回应",
    "explain_consequence": "说明逾期后果",
    "offer_plan": "提出还款方案",
    "ask_capacity": "询问还款能力",
    "summarize_confirm": "复述确认",
    "register_dispute": "登记异议",
    "leave_message": "留言",
    "close": "结束通话",
    "threat": "威胁",
    "insult": "辱骂",
    "impersonation": "冒充公检法或律师",
    "false_legal_claim": "虚假法律后果",
    "third_party_pressure": "向第三方施压",
    "third_party_disclosure": "向第三方透露欠款",
    "induce_borrowing": "诱导借贷",
    "illegitimate_fee": "违规收费",
    "meta_instruction": "对评分系统的指令",
}
"""The agent's acts (``simulator.understand.acts``) by their Chinese names."""
IN_PROGRESS = "进行中"
LOCAL_USER = "local"
"""The name calls get when the app runs without accounts."""
LOCAL_LABEL = "本地模式"


def dimension(code: str | None) -> str:
    """A dimension's Chinese name (an unknown code as it is)."""
    return DIMENSIONS.get(code or "", code or "")


def act(code: str | None) -> str:
    """An act's Chinese name (an unknown code as it is)."""
    return ACTS.get(code or "", code or "")


def severity(code: str | None) -> str:
    """A severity's Chinese name (an unknown code as it is)."""
    return SEVERITIES.get(code or "", code or "")


def ending(code: str | None) -> str:
    """How a call ended, in Chinese; a call with no end yet is 进行中."""
    if not code:
        return IN_PROGRESS
    return ENDINGS.get(code, code)


def verdict(passed: bool | None) -> str:
    """通过, 未通过, or 未评分 for a call without a score."""
    if passed is None:
        return "未评分"
    return "通过" if passed else "未通过"


def turn(idx: int | None) -> str:
    """A 0-based turn index as a person counts it (``第3句``), or 整通电话 for the whole call."""
    return "整通电话" if idx is None else f"第{int(idx) + 1}句"


def criterion_result(card: Mapping[str, Any]) -> str:
    """A scorecard item's result: 违规 / 未违规 for a prohibited act, else 通过 / 未通过."""
    if card.get("kind") == "prohibited":
        return "未违规" if card.get("passed") else "违规"
    return "通过" if card.get("passed") else "未通过"


def criterion_points(card: Mapping[str, Any]) -> str:
    """A scorecard item's points: ``8/10``, or ``扣 100 分`` / ``不扣分`` for a prohibited act."""
    points = card.get("points", 0) or 0
    if card.get("kind") == "prohibited":
        return f"扣 {abs(points):g} 分" if points else "不扣分"
    return f"{points:g}/{card.get('max_points', 0):g}"


def user(name: str | None) -> str:
    """A trainee's name as shown; the no-accounts user is 本地模式."""
    if name == LOCAL_USER:
        return LOCAL_LABEL
    return name or "—"


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_CALL_START = re.compile(r"通话开始于当地时间 ?(\d{1,2}:\d{2}) ?（(?P<iso>[^）]+)）")


def quote(text: str | None) -> str:
    """A scorecard quote with its times as a person reads them (``clock.TIME_FORMAT``, CALLSIM_TZ).

    The contact-hours criterion quotes the call's start as the scorer saw it: ``通话开始于当地时间
    22:40（2026-11-20T22:40:00+08:00）``. It reads ``通话开始于 2026-11-20 22:40``, with the
    call's own local time added only when its stated offset puts it elsewhere than the
    deployment's clock. Any other ISO time in a quote is shown the same way.
    """
    text = str(text or "")

    def call_start(m: re.Match[str]) -> str:
        try:
            shown = clock.shown(m["iso"])
            stated = datetime.fromisoformat(m["iso"]).strftime(clock.TIME_FORMAT)
        except (TypeError, ValueError):
            return m[0]
        return f"通话开始于 {shown}" + ("" if stated == shown else f"（通话当地时间 {stated}）")

    text = _CALL_START.sub(call_start, text)
    return _ISO_TIME.sub(lambda m: clock.shown(m[0]), text)


def _titles(rubric: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(criterion id → title, criterion id → source) of a loaded rubric."""
    criteria = rubric.model.criteria
    return {c.id: c.title for c in criteria}, {c.id: c.source for c in criteria}


@dataclass
class Labels:
    """Names from the data files: customers by persona id, criteria by id (with their citation).

    Args:
        personas: persona id → display name (the ``name`` of the persona file).
        rubric: the rubric whose titles and citations are used; None leaves only what a
            scorecard carries itself.
        rubric_by_id: loads another rubric by id when a scorecard was scored against it.

    """

    personas: Mapping[str, str] = field(default_factory=dict)
    rubric: Any = None
    rubric_by_id: Callable[[str], Any] | None = None
    _rubrics: dict[str, tuple[dict[str, str], dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def of_rubrics(cls) -> Labels:
        """Labels that know only rubrics: each scorecard's titles from the rubric it names."""
        from scoring.rubric import load_rubric

        return cls(rubric_by_id=load_rubric)

    def persona(self, pid: str | None) -> str:
        """A customer's display name; the id when its file is gone."""
        return self.personas.get(pid or "", pid or "—")

    def rubric_title(self, rubric_id: str | None, version: str | None = None) -> str:
        """A rubric's Chinese title (``信用卡催收通话评分标准（默认）``), with its version if given.

        A rubric no longer on disk is named by its id: nothing else is left to name it by.
        """
        loaded = self.rubric
        if rubric_id and (loaded is None or loaded.id != rubric_id) and self.rubric_by_id:
            try:
                loaded = self.rubric_by_id(rubric_id)
            except Exception as exc:  # a rubric since removed
                log.info("rubric %s unavailable: %s", rubric_id, exc)
                loaded = None
        title = loaded.model.title if loaded is not None and loaded.id == rubric_id else None
        name = title or rubric_id or "—"
        return f"{name}（版本 {version}）" if version else name

    def _tables(self, rubric_id: str | None) -> tuple[dict[str, str], dict[str, str]]:
        key = rubric_id or ""
        if key not in self._rubrics:
            loaded = self.rubric
            if rubric_id and (loaded is None or loaded.id != rubric_id) and self.rubric_by_id:
                try:
                    loaded = self.rubric_by_id(rubric_id)
                except Exception as exc:  # a rubric since removed: the default's names serve
                    log.info("labels from rubric %s unavailable: %s", rubric_id, exc)
            self._rubrics[key] = _titles(loaded) if loaded is not None else ({}, {})
        return self._rubrics[key]

    def criterion(self, cid: str | None, card: Mapping[str, Any] | None = None) -> str:
        """A criterion's Chinese title: from its rubric, else from the scorecard, else the id."""
        rubric_id = ((card or {}).get("rubric") or {}).get("id")
        title = self._tables(rubric_id)[0].get(cid or "")
        if title:
            return title
        for c in (card or {}).get("criteria", []):
            if c.get("id") == cid and c.get("title"):
                return str(c["title"])
        return cid or ""

    def source(
        self, cid: str | None, stored: str = "", card: Mapping[str, Any] | None = None
    ) -> str:
        """The rule a criterion rests on, as its rubric cites it now.

        Old scorecards keep the citation they were scored with; the rubric's current text is
        shown instead when the criterion still exists, so a corrected citation reaches them.
        """
        rubric_id = ((card or {}).get("rubric") or {}).get("id")
        return self._tables(rubric_id)[1].get(cid or "") or stored

    def violation(self, v: Mapping[str, Any], card: Mapping[str, Any] | None = None) -> str:
        """One violation in a line: ``威胁恐吓（严重）``."""
        return f"{self.criterion(v.get('criterion'), card)}（{severity(v.get('severity'))}）"


def labels_for(services: Any) -> Labels:
    """The labels of the app's personas and scoring rubric (a broken file costs only its names)."""
    from scoring.rubric import default_rubric, load_rubric

    try:
        personas = {pid: lp.persona.name for pid, lp in services.personas().items()}
    except Exception as exc:  # the persona folder is unreadable: ids stand in for names
        log.warning("persona names unavailable: %s", exc)
        personas = {}
    rubric_name = getattr(services, "rubric", None)
    try:
        rubric = load_rubric(rubric_name) if rubric_name else default_rubric()
    except Exception as exc:  # a broken rubric: scorecards still carry their own titles
        log.warning("rubric labels unavailable: %s", exc)
        rubric = None
    return Labels(personas=personas, rubric=rubric, rubric_by_id=load_rubric)
