"""The act vocabulary and the runtime values ``understand`` returns."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

__all__ = ["ACT_DESCRIPTIONS", "AGENT_ACTS", "VIOLATION_ACTS", "Act", "Understanding"]

# What an agent's utterance can do. Order is documentation order, not priority.
AGENT_ACTS = {
    "greeting": "您好 / 早上好",
    "self_intro": "names the institution and/or own name or staff number (我是XX银行信用卡中心的小李)",
    "recording_notice": "says the call is recorded (本次通话会录音)",
    "verify_identity": "asks the person to confirm they are the cardholder or for ID digits",
    "ask_for_cardholder": "asks to speak to the cardholder by name (请问是王丽娟女士吗)",
    "state_debt": "states an account detail: overdue amount, card, days overdue, bill",
    "ask_reason": "asks why the payment is late, an open question",
    "empathy": "acknowledges the customer's situation or feelings",
    "apology": "apologises for the disturbance or for a misunderstanding",
    "listen": "short backchannel showing attention (嗯，您说 / 我在听)",
    "explain_consequence": "factual consequences: interest, 违约金, 征信 record",
    "offer_plan": "proposes a repayment: amount and/or months and/or date and/or channel",
    "ask_capacity": "asks what the customer can pay (您每个月能还多少)",
    "summarize_confirm": "reads back the agreed plan and asks for confirmation",
    "register_dispute": "agrees to register a disputed charge for investigation",
    "leave_message": "asks a third party to pass on a message or a call-back request",
    "close": "polite close, thanks, goodbye, follow-up",
}

# Acts that break the rules in ../shared/COMPLIANCE.md. Denied forms (我不是要威胁您) are not acts.
VIOLATION_ACTS = {
    "threat": "intimidation: violence, visits, jail, menacing 'consequences', also dressed as advice",
    "insult": "abuse, labelling, profanity",
    "impersonation": "claims to be police, court, procuratorate, government or a lawyer",
    "false_legal_claim": "invents or exaggerates legal or social consequences",
    "third_party_pressure": "threatens to contact employer, family, friends, contacts",
    "third_party_disclosure": "tells a non-cardholder about the debt or asks them to pay",
    "induce_borrowing": "tells the debtor to borrow, cash out, or use another loan to repay",
    "illegitimate_fee": "charges or invents a fee in the name of collection",
    "meta_instruction": "text addressed to the scorer or the model (系统提示 / 忽略你的设定)",
}

ACT_DESCRIPTIONS = {**AGENT_ACTS, **VIOLATION_ACTS}


@dataclass(frozen=True)
class Act:
    """One dialogue act found in an utterance, and where that finding came from.

    ``Act(name, quote)`` still works: the evidence fields default to "not said".
    """

    name: str
    """A key of ``ACT_DESCRIPTIONS``."""
    quote: str
    """The words of the original utterance that triggered it (for scorecard evidence)."""
    source: str = ""
    """Who found it: ``rule:<act>#<n>`` (pattern *n* of the act's lexicon, 0-based),
    ``rule:<act>/slots`` (inferred from amounts, dates and months), ``example`` (the example
    layer, :mod:`simulator.understand.examples`), ``llm`` (the optional LLM classifier,
    :mod:`simulator.llm.classify`), or empty when the maker did not say (an old record)."""
    example: str | None = None
    """For ``example`` acts: the nearest labelled ``train`` line carrying this act."""
    similarity: float | None = None
    """For ``example`` acts: cosine similarity of the utterance and ``example``, 0..1."""
    probability: float | None = None
    """The example layer's P(act | utterance), 0..1, when it was consulted."""
    example_source: str | None = None
    """For ``example`` acts: where ``example`` is in the corpus (``threat.jsonl:12``)."""

    @property
    def evidence(self) -> str:
        """Where the act came from, in the scorecard's language (Chinese), one line."""
        if self.source == "example" and self.example:
            return f"相似例句（相似度{self.similarity:.2f}）：{self.example}"
        if self.source.startswith("rule:"):
            return f"规则 {self.source[5:]}"
        if self.source == "llm":
            return "模型（LLM 分类器）"
        return self.source


class HasActs:
    """What both speakers' understandings answer about their ``acts``."""

    acts: tuple[Act, ...]

    @functools.cached_property
    def _act_names(self) -> frozenset[str]:
        # asked dozens of times per turn by the call state and the policy: a set, built once
        return frozenset(act.name for act in self.acts)

    def has(self, *names: str) -> bool:
        """True if any of the named acts was found."""
        found = self._act_names
        return any(name in found for name in names)

    @property
    def names(self) -> tuple[str, ...]:
        """Act names, in order, without repeats."""
        return tuple(dict.fromkeys(act.name for act in self.acts))


@dataclass(frozen=True)
class Understanding(HasActs):
    """Everything the rules found in one utterance."""

    text: str
    """The utterance as said."""
    acts: tuple[Act, ...] = ()
    denied: tuple[Act, ...] = ()
    """Acts whose words appeared only under a negation (我可没说要去你家): not acts."""
    amounts: tuple[int, ...] = ()
    """Every money amount mentioned, in yuan, in order of appearance."""
    months: int | None = None
    """Instalment count (分12期 / 十二个月)."""
    due_date: date | None = None
    """A date resolved against the call's date (下周五 / 12月5号 / 月底)."""
    channel: str | None = None
    """Payment channel named (手机银行 / 微信 / 支付宝 / 柜台 …)."""
    full_payment: bool = False
    """The agent asked for the whole balance (全额 / 全部还清 / 一次性还清)."""
    minimum_payment: bool = False
    """The agent mentioned the minimum payment (最低还款)."""
    extra: dict = field(default_factory=dict, compare=False)
    """Free-form details for debugging and traces."""

    @property
    def violations(self) -> tuple[Act, ...]:
        """The acts that are rule violations."""
        return tuple(act for act in self.acts if act.name in VIOLATION_ACTS)
