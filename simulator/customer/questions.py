"""Which question the trainee's line asks the customer, so that the customer can answer it.

A collections agent asks a small set of questions, each with its own honest answer: who picked
up, how they are related to the cardholder and when the cardholder is back; whether this is the
cardholder (by name) and the last digits of their ID; why the payment is late, how much a month,
when, through which channel; whether the amount is right; and "what did you say?". The reading
works clause by clause on the simplified text, over the acts ``understand`` found, so a
paraphrase (``他一般几点到家``, ``您跟李强是什么关系``, ``徐桂芳是吧``) is read like the textbook form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from simulator.customer.follow_ups import bare_kind, follow_up_kinds, is_bare
from simulator.customer.question_model import QuestionModel, default_question_model
from simulator.customer.question_patterns import IMPERATIVE as _IMPERATIVE
from simulator.customer.question_patterns import PATTERNS as _PATTERNS
from simulator.customer.question_patterns import mandarin as _mandarin
from simulator.customer.question_shapes import embedded, guesses
from simulator.understand import Understanding
from simulator.understand.simplify import to_simplified
from simulator.understand.terms import CHANNEL

__all__ = [
    "QUESTIONS",
    "Question",
    "ask",
    "clauses",
    "follow_up",
    "is_question",
    "on_topic_question",
    "rule_questions",
]

QUESTIONS = {
    "who_are_you": "asks who picked up (您是哪位 / 怎么称呼您)",
    "relation": "asks how the person who picked up is related to the cardholder",
    "is_in": "asks whether the cardholder is there (请问李强在家吗)",
    "when_back": "asks when the cardholder is back or how to reach them",
    "name": "asks whether this is the cardholder, by name (请问是王丽娟女士吗 / 本人吗)",
    "id_digits": "asks for ID-card digits or other identity details (身份证后四位)",
    "why_late": "asks why the payment is late",
    "capacity": "asks how much the customer can pay (a month)",
    "when_pay": "asks when the customer can pay",
    "channel": "asks how / through which channel the customer will pay",
    "amount_right": "asks whether the stated amount is right",
    "repeat": "asks the customer to say it again (您说什么 / 没听清)",
    "leave_message": "asks a third party to pass a message on (麻烦您转告他回个电话)",
}

_CLAUSE = re.compile(r"[，,。.！!？?；;、\s…~～]+")
_QMARK = re.compile(r"[？?]")
_MA = re.compile(r"(?<!干)吗(?!啡)")  # 吗 asks even mid-clause, where a recogniser dropped the ？
_PARTICLE = re.compile(r"(吗|嘛|么|呢|吧|是不是|对不对|对吧|是吧|不是|没有|没)$")
_TAG = re.compile(
    r"(对吗|对吧|是吧|是吗|好吗|行吗|可以吗|没问题吧|没错吧|对不对|是不是"
    r"|(您|你)(看|觉得|认为)(呢|怎么样|如何))"
)
_WH = re.compile(r"什么|啥|谁|哪|几|多少|怎么|为何|为什么|咋")

_COMPILED = {kind: re.compile("|".join(f"(?:{p})" for p in ps)) for kind, ps in _PATTERNS.items()}
# A clause that names an amount and asks 对吗 asks about the amount only when it is the debt.
_DEBT_WORDS = re.compile(
    r"欠|(?<![到入])账(?!户)|逾期|应还|未还|待还|要还的|金额|总共|一共|消费|刷的|没有?缴|未缴|尚欠|剩余未"
)
"""Words of the debt (not 到账 / 入账 / 账户: where a payment lands)."""
_BACKED_BY = {"why_late": "ask_reason", "capacity": "ask_capacity"}
"""Kinds the rules found that the understanding's acts confirm: the model does not drop them."""
_ABOUT_SOMEONE = re.compile(r"(?<![其吉])他|她|本人|持卡人|机主|卡主|先生|女士|家里人|家人")
_NO_NEED = re.compile(
    r"(不用|不需要|不必|无需|甭|别)(再)?(报|说|提供|念|给)|我们?(这|这边|这儿|系统里)?都有"
)
"""身份证号不用报 / 我这都有: the digits are not asked for."""
_PLAN_WORDS = re.compile(
    r"每个?月|一个月|(?<!逾)期|头一笔|第一笔|分.{0,3}(期|个月)|(之前|以前|前)(还|到账|入账|拿齐|还清)"
    r"|还款计划|方案"
)


@dataclass(frozen=True)
class Question:
    """One question found in the trainee's line."""

    kind: str
    """A key of :data:`QUESTIONS`."""
    quote: str
    """The clause that asks it."""


def clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of a line, each with whether it is marked as a question (？ or a particle).

    A question mark marks the clause before it; a trailing ``吗/呢/吧`` marks its own clause.
    """
    simple = _mandarin(to_simplified(text or "").strip())
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CLAUSE.finditer(simple + "。"):
        piece = simple[pos : m.start()].strip()
        pos = m.end()
        if not piece:
            continue
        asked = bool(_QMARK.search(m.group()) or _PARTICLE.search(piece) or _MA.search(piece))
        if out and _TAG.fullmatch(piece):  # 您是王丽娟，对吧？ asks about the clause before
            out[-1] = (out[-1][0] + piece.lower(), True)
            continue
        out.append((piece.lower(), asked))
    return out


_ANY = re.compile(
    r"(有|遇到)(什么|啥|任何)(事|事儿|问题|需要|困难|情况|疑问).{0,8}(随时|可以|都可以|尽管|再)"
)
"""什么 / 啥 meaning "anything" in an offer of later contact (有啥事儿随时回这个电话): no question."""


def _asks(clause: str, asked: bool) -> bool:
    if not asked and _ANY.search(clause):
        return False
    return asked or bool(_WH.search(clause)) or embedded(clause)


_PUT_OFF = re.compile(
    r"^(那|好|行|嗯)?(那就|就|回头|以后|改天|下次|下回|过两天|到时候)再说(吧|了|啦)?$"
)
"""A clause that puts the matter off (回头再说 / 那就再说吧): not a request to say it again."""
# Requests that ask without a question word: 请您告知… / 麻烦您转告他 / 能不能… / 方便…
_REQUEST = re.compile(
    r"(请|麻烦|烦请|劳驾)(您|你)?.{0,4}(说|报|讲|提供|告知|告诉|核对|核实|确认|转告|转达|重复|说明)"
    r"|能不能|可不可以|能否|是否|有没有|会不会|行不行|方便|(还是|或者).{0,8}$|[不没]$|再(说|讲|报)"
)


# "With what will you pay", asked in a line that names ways to pay (terms.CHANNEL): the channel.
_BY_WHAT = re.compile(r"(拿|用)(什么|啥)(来)?(还|付|转|交)")


# What a collector's call is about: a question on these is on topic even when not understood.
_CALL_TOPIC = re.compile(
    r"还|欠|钱|款|卡|账|银行|身份|本人|他|她|电话|多少|几号|哪天|什么时候|方式|关系|称呼|说|逾期|利息|分期"
)


ON_TOPIC_P = 0.5
"""P of the likeliest kind at which a question counts as about the call. Off-topic small talk
(今天天气真不错，你喜欢吃火锅吗) reaches 0.3–0.45 on the day words it shares with 哪天还; above
half the line is more like a question of the call than not."""


def on_topic_question(text: str) -> bool:
    """Whether the line asks something about the call (not 你喜欢吃火锅吗).

    A question on the call the customer did not understand is met with "你是问什么？", not
    taken as off-topic.
    """
    if not is_question(text):
        return False
    model = default_question_model()
    if model is not None and max(model.scores(text)[0].values(), default=0.0) >= ON_TOPIC_P:
        return True
    return bool(_CALL_TOPIC.search(_mandarin(to_simplified(text))))


_ALTERNATIVE = re.compile(r"还是.{0,8}$|[能会要行]不$")
"""An alternative or A-not-A question without a mark: 微信还还是支付宝还 / 今天能还不."""


def is_question(text: str) -> bool:
    """Whether the line asks something at all.

    A question mark, a particle, a question word, an A-not-A, or a request (报一下身份证后四位 /
    麻烦您转告他).
    """
    for clause, asked in clauses(text):
        if _PUT_OFF.search(clause):
            continue  # 回头再说 / 那就再说: putting off, nothing asked
        if _asks(clause, asked) or _IMPERATIVE.search(clause) or _REQUEST.search(clause):
            return True
    return False


def follow_up(
    text: str, previous: Iterable[Question] = (), *, third_party: bool = False
) -> tuple[Question, ...]:
    """The questions an elliptical line asks, read from its topic or the call's last question.

    ``那渠道呢？`` asks which channel; ``最多呢？`` asks again what the last line asked (how much).
    Empty when the line is not elliptical, or names no topic and nothing was asked before.
    """
    before = tuple(q.kind for q in previous if q.kind != "repeat")
    found = follow_up_kinds(clauses(text), before, third_party)
    return tuple(Question(kind, quote) for kind, quote in found)


def ask(
    u: Understanding | str,
    *,
    names: Iterable[str] = (),
    third_party: bool = False,
    model: QuestionModel | None | bool = True,
    previous: Iterable[Question] = (),
) -> tuple[Question, ...]:
    """Every question the line asks, in the order asked (one per kind).

    The clause rules read the line first; the question model (:mod:`.question_model`, char
    n-grams learned from the question corpus) then adds the kinds it is sure of that the rules
    missed, and may drop a rule's hit it finds very unlikely.

    Args:
        u: what ``understand`` made of the line (or the bare text).
        names: the cardholder's name(s), so that ``王丽娟是吧`` reads as a check of identity.
        previous: the questions the trainee's last line asked, for an elliptical follow-up
            (``那渠道呢？`` names its topic; ``最多呢？`` asks the last question again).
        third_party: the person on the line is known not to be the cardholder (``他在家吗`` asks
            when he is back, not whether this is him).
        model: the question model to use: ``True`` the shipped one, ``False``/``None`` none
            (the rules alone), or a model of one's own (cross-validation).

    """
    if isinstance(u, str):
        u = Understanding(text=u)
    ruled = rule_questions(u, names=names)
    found = ruled
    if model is True:
        model = default_question_model()
    if model:
        # the model scores the Mandarin form: 多会儿能先还 is as sure a "when" as 什么时候能先还
        said = _mandarin(to_simplified(u.text))
        found = model.fuse(said, ruled, asked=is_question(u.text))
        found = _checked(u, found, ruled, tuple(n for n in names if n))
        for kind, quote in _shaped(u.text).items():  # a guess's topic is what it asks
            found.setdefault(kind, quote)
    asked = _ordered(u.text, _pruned(found, third_party, ruled))
    said = clauses(u.text)
    if len(said) == 1 and is_bare(said[0][0]):  # 大概几点？ goes on with the call's topic
        return follow_up(u.text, previous, third_party=third_party) or asked
    if len(said) > 1 and all(is_bare(c) for c, _ in said):  # 哪天？多少？ — each of them
        before = tuple(q.kind for q in previous)
        kinds = ((bare_kind(c, before, third_party), c) for c, _ in said)
        return tuple({k: Question(k, c) for k, c in kinds if k}.values())
    if [q.kind for q in asked] == ["repeat"] and "repeat" not in ruled:
        # 您刚说的'回头'，是多长时间？ asks what the customer's word means, not to hear it again
        return follow_up(u.text, previous, third_party=third_party) or asked
    return asked or follow_up(u.text, previous, third_party=third_party)


def _checked(
    u: Understanding, found: dict[str, str], ruled: dict[str, str], names: tuple[str, ...]
) -> dict[str, str]:
    """The model's changes, less those the line's own words contradict.

    A check of identity that names the cardholder (请问这是林浩的电话吗) stands whatever the
    model thinks, and so does a check of the debt stated (欠款12600，这个数有没有问题？); "is the
    amount right" is not added to a read-back of a plan (下周五前还两千，
    对吧？), which the rules leave to the negotiation too.
    """
    out = dict(found)
    quote = ruled.get("name", "")
    for kind, quote in ruled.items():  # a clause that is mostly the question (你先定个日子)
        m = _COMPILED[kind].search(quote) if kind in _COMPILED else None
        if kind not in out and m and len(m.group()) >= 0.6 * len(quote):
            out[kind] = quote
    for kind, act in _BACKED_BY.items():  # the understanding read the same question: it stands
        if kind in ruled and kind not in out and u.has(act) and ruled[kind] != u.text:
            out[kind] = ruled[kind]
    if "leave_message" in ruled and _ABOUT_SOMEONE.search(_mandarin(to_simplified(u.text))):
        out.setdefault("leave_message", ruled["leave_message"])  # 这个手机号您替他记一下好吗？
    titled = tuple(n[0] + t for n in names for t in ("女士", "先生", "小姐"))
    if quote and any(n in quote for n in (*names, *titled)):
        out.setdefault("name", quote)
    for kind in ("when_back", "is_in", "leave_message", "relation"):  # about him, not 钱打进来
        about = _ABOUT_SOMEONE.search(_mandarin(to_simplified(u.text)))
        if kind in out and kind not in ruled and not about:
            if not any(n in u.text for n in names):
                out.pop(kind)
    if "when_back" in out and "when_back" not in ruled and "is_in" in ruled:
        out.pop("when_back")  # 他到家了没？ asks whether he is in; the rules' yes/no reading wins
    if "repeat" in out and "repeat" not in ruled and (u.amounts or u.due_date or u.months):
        out.pop("repeat")  # 刚才念错了一项，应该是12月5号前还八百: terms said, not "say again"
    debt_check = "amount_right" in ruled and _DEBT_WORDS.search(u.text)
    if debt_check and not (_PLAN_WORDS.search(u.text) or u.has("offer_plan", "summarize_confirm")):
        out.setdefault("amount_right", ruled["amount_right"])  # 欠款是…，这个数目有没有问题？
    if "amount_right" in out and "amount_right" not in ruled:
        terms = u.amounts and (u.due_date or u.months)  # 三千，12月1号前到账 — a plan's terms
        if _PLAN_WORDS.search(u.text) or u.has("summarize_confirm", "offer_plan") or terms:
            out.pop("amount_right")
        elif "capacity" in ruled and not _DEBT_WORDS.search(u.text):
            out.pop("amount_right")  # 这个数还能往上提吗？最多多少？ — their sum, not the debt
        elif not u.amounts and re.search(r"\d", u.text) and not _DEBT_WORDS.search(u.text):
            out.pop("amount_right")  # 工号2290……请问是吴志鹏吧？ — digits, but no sum said
    return out


def rule_questions(u: Understanding, *, names: Iterable[str] = ()) -> dict[str, str]:
    """The kinds the clause rules and ``understand``'s acts find, each with its quote."""
    names = tuple(n for n in names if n)
    found: dict[str, str] = {}

    def add(kind: str, quote: str) -> None:
        found.setdefault(kind, quote)

    line_asks = False
    said = "，".join(c for c, _ in clauses(u.text))
    for clause, asked in clauses(u.text):
        if not _asks(clause, asked) and not _IMPERATIVE.search(clause):
            if not _ALTERNATIVE.search(clause):
                continue
        line_asks = True
        if names and re.fullmatch(
            rf"(?:请问|喂)?(?:{'|'.join(map(re.escape, names))})(?:本人)?", clause
        ):
            add("name", clause)  # 喂，银行的。林浩？
        for kind, pattern in _COMPILED.items():
            m = pattern.search(clause)
            if not m:
                continue
            if kind == "name" and not _names_someone(clause, m.group(), names):
                continue
            if kind == "amount_right" and not _DEBT_WORDS.search(u.text):
                plan = _PLAN_WORDS.search(u.text) or u.has("summarize_confirm", "offer_plan")
                plan = plan or u.due_date or u.months  # 三千，12月1号前到账，对伐？ — terms
                if plan or not re.search(r"\d|[一二三四五六七八九十百千万]", clause):
                    continue
            if kind == "id_digits" and _NO_NEED.search(said):
                continue  # 身份证号不用报，我这边有: nothing asked for
            if kind == "repeat" and re.search(
                r"什么(原因|事|时候|方式|关系|人)|我(再|重新)?(说|讲|重复|复述)", clause
            ):
                continue  # 我再说一遍: the trainee repeats, nobody is asked to
            add(kind, clause)
    for kind, quote in _shaped(u.text).items():
        add(kind, quote)
    means = _BY_WHAT.search(said)
    if means and CHANNEL.search(said.lower()):
        add("channel", means.group())  # 到时候您拿什么还？手机银行、微信都行 — by what means
    # Acts the understanding found count as the same questions where the clause rules missed.
    text = u.text
    if not line_asks:
        return found  # 我们需要核实身份: said, not asked
    if u.has("ask_reason"):
        add("why_late", text)
    if u.has("ask_capacity") and "when_pay" not in found:
        add("capacity", text)
    no_need = _NO_NEED.search(_mandarin(to_simplified(text)))
    if u.has("verify_identity") and _COMPILED["id_digits"].search(text.lower()) and not no_need:
        add("id_digits", text)
    if u.has("ask_for_cardholder", "verify_identity") and "id_digits" not in found:
        moot = {"relation", "who_are_you", "when_back", "amount_right", "leave_message"}
        if not (moot & found.keys()):
            add("name", text)
    return found


def _shaped(text: str) -> dict[str, str]:
    """The kinds a guess or an alternative asks (一个月一千二应该拿得出来吧？), each with its clause."""
    found: dict[str, str] = {}
    said = clauses(text)
    line = "，".join(clause for clause, _ in said)
    for clause, asked in said:
        asks = _asks(clause, asked) or bool(_ALTERNATIVE.search(clause))
        for kind in guesses(clause, line, asked=asks):
            found.setdefault(kind, clause)
    return found


PRUNED_BY = (
    ("is_in", "when_back"),  # 他什么时候在家 asks when, not whether
    ("who_are_you", "relation"),  # 您是他什么人 asks the relation, which says who too
    ("name", "relation"),
    ("repeat", "id_digits"),  # 麻烦您再报一次身份证后四位 asks for the digits, not the last line
)
"""``(moot, by)``: a kind made moot by another found in the same line."""


def _pruned(found: dict[str, str], third_party: bool, ruled: Iterable[str] = ()) -> dict[str, str]:
    """Drop kinds another kind found in the same line makes moot.

    A kind the rules found is not dropped for one only the model added (``ruled``: the
    rules' kinds; 请问他在家吗 stays "is he in" when the model also hears "when is he back").
    """
    ruled = set(ruled)
    out = dict(found)
    for moot, by in PRUNED_BY:
        if by in found and not (moot in ruled and by not in ruled):
            out.pop(moot, None)
    if ("is_in" in out or "when_back" in out) and third_party:
        out.pop("name", None)  # 请问李强在家吗: to a relative, whether he is in
    if {"when_pay", "capacity"} <= out.keys() and out["when_pay"] == out["capacity"]:
        # one clause read as both: 多少 asks the sum (这个月最多可以先还多少), else it asks when
        out.pop("when_pay" if "多少" in out["capacity"] else "capacity")
    return out


def _ordered(text: str, found: dict[str, str]) -> tuple[Question, ...]:
    order = {kind: i for i, kind in enumerate(QUESTIONS)}
    return tuple(
        Question(kind, quote)
        for kind, quote in sorted(found.items(), key=lambda kv: (text.find(kv[1]), order[kv[0]]))
    )


def _names_someone(clause: str, hit: str, names: tuple[str, ...]) -> bool:
    """A ``name`` pattern hit is a check of identity only when it names the cardholder or 本人."""
    if re.search(r"本人|持卡人|机主|卡主|女士|先生|小姐", hit):
        return True
    for name in names:
        if name in clause or (len(name) >= 2 and name[0] + "女士" in clause):
            return True
        if len(name) >= 3 and name[1:] in clause:  # 丽娟是吧
            return True
    return False
