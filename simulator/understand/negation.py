"""Denials and advice *against*, decided per clause by rules: the one negation rule of ``understand``.

Both layers use it. A lexicon hit (:mod:`.core`) and the example layer's evidence
(:mod:`.examples`) are denied when a cue sits in the few characters before them in their own
clause (``我们不会上门的``, ``我可没说要去你家``, ``您也别琢磨着去借网贷``). A condition is not a
denial (``你不还的话后果自负`` stays a threat), nor is a question (``会不会``), nor a rhetorical
``不是…吗`` (``你这不是老赖吗``).

The example layer's features also carry a *scope*: n-grams after a denial cue in a clause are
marked (``我不是律师`` gives ``¬律师``), so the classifier learns what denied words mean instead
of reading them as said. Which words open a scope is a rule (:data:`SCOPE_CUES`); what a denied
phrase means is learned.
"""

from __future__ import annotations

import re

from simulator.understand.lexicon_violations import EXTRA_NEGATIONS
from simulator.understand.normalize import Normalized

__all__ = [
    "COMMON_NEGATIONS",
    "DISMISSAL_CUES",
    "DISMISSED_AFTER",
    "NEGATION_WINDOW",
    "SCOPE_CUES",
    "conditional_cue",
    "conditional_not",
    "cues_for",
    "negated",
    "scope_start",
    "urging",
]

RHETORICAL = (
    r"(?<![你您])(?<!你们)(?<!您们)"
    r"(?:哪能|哪会|哪敢|哪可能|哪里会|哪儿会|怎么会|怎么能|怎么可能|怎会|咋会|咋能|咋可能|岂会|岂能)"
)
"""A rhetorical question that denies (我们哪能上门 / 怎么可能让您坐牢). Put to the listener it
reproaches instead (你怎么会这么蠢 / 你哪能这么不要脸), so not after 你 / 您; and it never
denies an insult (:data:`NO_RHETORICAL`)."""
NO_RHETORICAL = frozenset({"insult"})
"""Acts a rhetorical question does not deny: 哪能让你这种老赖好过 still calls the customer one."""
_PLAIN_NEGATIONS = (
    r"不是|不会|并不|绝不|决不|从不|不可能|没说|没有说|没要|没打算|不打算|没想|从来没|并没"
    r"|没有要|不至于|哪有|谁说|没有|不存在|没讲|绝没|从没|哪里说|谁要|可没|唔会|唔系"
    r"|不得(?!不|了)|勿会|不涉及|不构成|不属于|压根儿?(?:不|没)|根本(?:不|没)"
    r"|没人|没有人|不(?:整|搞|干|弄)(?:那些|那种|这些|这种|那套|这套)"
    r"|不等于|不代表|不意味着|谈不上|算不上|够不上|构不成|是否"
    r"|不带(?=去|上|找|打|联系|通知|告诉|$)"  # northern: 咱这边不带去你家的 ($: the hit follows)
)
COMMON_NEGATIONS = f"{_PLAIN_NEGATIONS}|{RHETORICAL}"
"""Cues that deny what follows them in a clause, for every act (an insult: no rhetorical one)."""
NEGATION_WINDOW = 8
"""How far before a hit (in normalised characters) a cue still denies it."""
DISMISSED_AFTER = re.compile(
    r"(?:瞎说|瞎编|乱说|乱传|谣传|谣言|胡说|胡扯|骗人的|吓唬人的)"
    r"|没有?(?:这|那)(?:回事|种事|个说法|种说法|种做法|种安排|么回事|个规矩|规矩|种规矩|个规定|种规定)"
    rf"|{RHETORICAL}"
    r"(?:干|做|搞|来|这么干|那么干|这么做|那么做|这样|那样)(?:那|这)(?:种|个)?(?:事|种事)"
    r"|^(?:那|这)?(?:怎么可能|哪能呢|哪会呢|哪可能|哪能啊|哪会啊|咋可能|不可能)(?:呢|啊|嘛|的)?$"
    r"|^(?:不会|不会的|不会的啦|没有的事|不存在的?|不至于(?:不至于)?(?:的)?)$"
    r"|^(?:那些|这些|那|这)?都不会(?:的)?$"
    r"|(?:都|也)?不是真的|(?:那|这)(?:些|种|个)?(?:说法)?(?:都|也|就)?是(?:假的|违规的?|违法的?|不对的"
    r"|错的|乱说的|瞎说的)"
    r"|(?:须|需|需要|必须|应|应当|要)?由(?:法院|司法机关|司法部门|法官)(?:依法)?(?:来)?"
    r"(?:认定|决定|裁定|判定|说了算)|(?:法院|司法机关)(?:才)?说了算|以.{0,12}认定为准"
    r"|(?:我们|银行|我方)(?:也)?(?:决定不了|说了不算|无权(?:认定|决定|作出))"
    r"|^(?:我们|银行)?(?:不会|不)(?:那样|这样|这么做|那么做)"
    r"|不沾边|不是一回事|两码事|两回事|不挨着|不搭界|扯不上|是不会的|做不了|办不到|管不着"
    r"|(?:指定|肯定|绝对|保证|一定|从来)不(?:打|找|去|联系|通知|告诉|说)"
    r"|(?:那|这)(?:都|多半|就)?是骗子|(?:千万|可)?(?:别|不要|莫|勿)(?:这么|这样)(?:做|干)"
    r"|^(?:那|这)(?:都|可|就|肯定|绝对)?不是(?:我们|咱们|银行)(?:的人|这边|干的|派的)?$"
    r"|^(?:您|你)?(?:千万|可)?(?:别|不要|莫)(?:去|碰|信|听)(?:的|啊|哈|了)?$"
)
"""A dismissal in a clause just after the words that denies them (``全家上黑名单，那都是网上乱传
的``; ``会不会上门？不会的``)."""
_NOT_DISMISSAL = re.compile(r"(?:以为|不是|别当|当成|当作|觉得)(?:是|都是|在)?$")
_AFTER_CLAUSES = 2
"""How many clauses after the words' own one a dismissal still reaches."""
_RHETORICAL = re.compile(r"(吗|么|是什么|是啥|呢|不成)$")
_URGED_BEFORE = re.compile(
    r"(?:(?:你|您)|怎么|咋|为什么|为啥|干嘛|何)(?:就|还|咋|怎么|为什么|为啥|干嘛|难道|也|都){0,2}$"
)
_URGING_END = re.compile(r"(吗|么|呢|不成)$")
"""A negative question put to the listener urges what it seems to deny: 你就不能找朋友借点吗 /
你不会去网贷平台周转一下吗 / 你怎么不去借呢 (say ``去借``), and so does one led by 难道."""
_CUES: dict[str, re.Pattern[str]] = {}

SCOPE_CUES = re.compile(
    r"不是|不会|并不|并没|绝不|决不|从不|从来不|从没|不可能|没说|没有说|没要|没打算|不打算|没想"
    r"|没有要|不至于|可没|绝对不|不用|不需要|无需|不必|无权|不能|不得|不收|免收|不属于|不算"
    rf"|{RHETORICAL}"
    r"|不构成|不涉及|不存在|别|不要|不建议|千万别|切勿|勿|莫|唔好|唔会|唔系|冇|避免|不提倡|不应该"
    r"|没有(?=联系|打|告诉|通知|说|交|给)|没(?=联系|打过|告诉|通知)"
)
"""Words that open a denial scope for the example layer's features (to the end of the clause)."""
DISMISSAL_CUES = re.compile(
    r"不会|不是(?![^吗么]{0,8}[吗么])|没有|没(?!还)|别(?!让|怪|逼|给脸|找不|以为|想|跑|躲|不|的|人|处|家)|不要|不用|不需要|不必|放心|瞎|乱|谣|不存在|不至于|不算|不属于"
    r"|不影响|不受|不建议|千万|莫|唔|冇|无权|不能|不可能|担心|怕|说的|听说|所谓|说法|以为|传言"
    r"|骗子|并非|并不|绝不|不得|勿|避免|不收|不做|不搞|就算了|您说|你说|您提到|你提到"
    r"|不如|不值|划不来|犯不着|犯不上|当心|提防|留个心眼"
)
"""Words that can turn a clause's rule hit lawful wherever they stand in it: a denial after the
words (``黑名单那种说法都是瞎编的``), reassurance (``放心``), advice against (``可别碰``, or by
comparison and warning: ``借钱还不如办个分期`` / ``有人推荐您借钱还卡，您可得当心``), or the
customer's fear reported (``您担心会不会坐牢``). A rule hit may be overruled by the example layer
only in a clause that has one (:mod:`.fusion`); elsewhere the rule stands."""
_WHOLE_CLAUSE = re.compile(r"[^\W\d_]不了")
"""A potential-complement denial (``封不了`` / ``动不了``) denies the verb before it too."""


def cues_for(act: str) -> re.Pattern[str]:
    """The denial cues for one act: the common ones plus the act's own (``EXTRA_NEGATIONS``)."""
    pattern = _CUES.get(act)
    if pattern is None:
        common = _PLAIN_NEGATIONS if act in NO_RHETORICAL else COMMON_NEGATIONS
        extra = EXTRA_NEGATIONS.get(act)
        body = f"{common}|{extra}" if extra else common
        pattern = _CUES[act] = re.compile(f"(?:{body})")
    return pattern


def negated(nm: Normalized, start: int, end: int, cues: re.Pattern[str]) -> bool:
    """True when the words ``nm.text[start:end]`` sit under a denial in their own clause.

    Args:
        nm: The normalised utterance.
        start: Start of the words in ``nm.text``.
        end: End of the words (exclusive).
        cues: Denial cues, e.g. :func:`cues_for` an act.

    Returns:
        Whether a cue within :data:`NEGATION_WINDOW` characters before ``start``, in the same
        clause, denies them (questions such as ``去不去`` and ``是不是`` and rhetorical
        ``不是…吗`` do not).

    """
    text, clause = nm.text, nm.clause
    own = clause[start]
    if _dismissed_after(nm, end, own):
        return True
    if _cue_before_fillers(nm, start, own, cues):
        return True
    if _only_if(nm, start):
        return True
    lo = max(0, start - NEGATION_WINDOW)
    while lo < start and clause[lo] != own:
        lo += 1
    if lo == start:
        return False
    window = text[lo:start]
    if window.endswith("不"):
        before = text[start - 2] if start - 2 >= lo else ""
        if before != text[start] and not urging(nm, start - 1, end):
            return True  # 去不去你家: a question, not a denial
    for cue in cues.finditer(window):
        at = lo + cue.start()
        if at > 0 and text[at - 1] == cue.group()[1:2]:
            continue  # 是不是 / 会不会: a question, not a denial
        if urging(nm, at, end):
            continue  # 你就不能借点钱先还上吗: urged, not denied
        if conditional_cue(nm, at):
            continue  # 只有还钱才不会坐牢: whoever does not pay will, it says
        if cue.group().startswith("不是"):
            hi = end
            while hi < len(text) and clause[hi] == own:
                hi += 1
            # 你这不是老赖吗: rhetorical, not a denial (the 吗 may be the words' own last gram)
            if _RHETORICAL.search(text, max(at + 2, min(end, hi - 1)), hi):
                continue
        return True
    return False


def urging(nm: Normalized, at: int, end: int) -> bool:
    """Whether the denial cue at ``at`` opens a negative question that urges, not denies.

    ``at`` and ``end`` are normalised positions: the cue, and the end of the words it governs
    (你就不能找朋友借点吗 / 难道你不会去网贷平台周转一下吗 put 借 to the listener).
    """
    text, clause = nm.text, nm.clause
    own = clause[at]
    start = at
    while start > 0 and clause[start - 1] == own:
        start -= 1
    hi = end
    while hi < len(text) and clause[hi] == own:
        hi += 1
    if not _URGING_END.search(text, max(at + 1, min(end, hi - 1)), hi):
        return False
    return bool(_URGED_BEFORE.search(text, start, at)) or "难道" in text[start:at]


_FILLER = re.compile(r"(?:那个|就是|就是说|嗯|呃|啊|这个|那啥|那个啥|然后)+")


def _cue_before_fillers(nm: Normalized, start: int, own: int, cues: re.Pattern[str]) -> bool:
    """Whether a clause ending in a denial cue precedes the words, with only fillers between.

    Speech breaks a denial from its verb with fillers (``您千万别，那个，去借网贷``); the cue
    still denies what comes after them, if the words open their own clause.
    """
    text, clause = nm.text, nm.clause
    first = start
    while first > 0 and clause[first - 1] == own:
        first -= 1
    if start - first > 2:  # the words must open their clause (a subject may come first)
        return False
    at, number = first, own - 1
    while at > 0 and number >= 0 and own - number <= 3:
        lo = at
        while lo > 0 and clause[lo - 1] == clause[at - 1]:
            lo -= 1
        piece = text[lo:at]
        if not _FILLER.fullmatch(piece):
            tail = piece[-4:]
            found = [m for m in cues.finditer(tail) if m.end() == len(tail)]
            return bool(found)
        at, number = lo, clause[lo] - 1
    return False


_ONLY_IF = re.compile(
    r"只有|除非|前提是|必须先|(?:要|得)先|(?:要|得)?等到?|直到|经过?(?=法院|司法|判决|诉讼)"
)
_THEN = re.compile(r"才(?:有可能|可能|会|能)(?:被|依法)?[^\W\d_]{0,3}$")
"""才可能 just before the words, or a short verb between (才可能走到强制执行那一步)."""
_LEGAL_STEP = re.compile(
    r"法院|判决|裁定|司法|依法|认定|构成|符合|满足|条件|恶意|非法占有|拒不履行"
)


_CONDITION_REACH = 2
"""How many clauses before the words' own one a stated condition (只有 / 除非 …) still reaches."""


def _condition(before: str) -> bool | None:
    """Whether ``before`` states a condition, and whether a legal step follows it.

    Returns None when ``before`` holds no condition word (只有 / 除非 / 要先 / 直到 …), else
    whether a legal step (法院 / 判决 / 依法 / 恶意 …) follows the first one. The two readings
    of a condition rest on it: one under a legal step states when a lawful consequence may
    follow (:func:`_only_if`); one under none, with 才不 …, says who does not pay will suffer it
    (:func:`conditional_not`).
    """
    found = _ONLY_IF.search(before)
    if found is None:
        return None
    return bool(_LEGAL_STEP.search(before, found.end()))


def condition_start(nm: Normalized, at: int) -> int:
    """Where a condition governing normalised position ``at`` may start: two clauses back."""
    clause = nm.clause
    first = at
    while first > 0 and clause[first - 1] >= clause[at] - _CONDITION_REACH:
        first -= 1
    return first


def conditional_cue(nm: Normalized, at: int) -> bool:
    """Whether the denial cue at normalised position ``at`` is the 不 of 只有 / 除非 … 才不 ….

    ``只有还钱才不会坐牢`` says who does not pay goes to jail; it denies nothing (no legal step,
    :func:`conditional_not`). ``我们才不会上门呢`` has no 只有 and stays a denial. Used by the
    rules (:func:`negated`) and by the fusion's dismissal cues (:func:`.fusion.dismissed`).
    """
    return conditional_not(nm.text[condition_start(nm, at) : at])


def conditional_not(before: str) -> bool:
    """Whether a 不 cue right after ``before`` is the 不 of 只有 / 除非 … 才不 … (no legal step).

    ``before``: the text before the cue, from up to two clauses back (:func:`condition_start`).
    """
    return before.endswith("才") and _condition(before) is False


def _only_if(nm: Normalized, start: int) -> bool:
    """Whether the words are what happens only under a lawful condition stated before them.

    ``只有经法院判决且拒不履行的，才可能被纳入失信被执行人名单`` states when a consequence
    may follow, not that it will: 才 just before the words (a verb of up to three characters
    may stand between), and 只有 / 除非 with a legal step (法院, 判决, 依法 …) after it, in
    their clause or one of the two before (:func:`_condition`). ``只有还钱才不会坐牢`` has no
    legal step and stays what it is.
    """
    lo = max(0, start - NEGATION_WINDOW)
    if not _THEN.search(nm.text, lo, start):
        return False
    return _condition(nm.text[condition_start(nm, start) : start]) is True


def _dismissed_after(nm: Normalized, end: int, own: int) -> bool:
    """Whether the rest of clause ``own`` after ``end``, or one of the next clauses, dismisses it.

    Only :data:`DISMISSED_AFTER` phrases count, and not when they are themselves denied or
    supposed (``别以为是瞎说``).
    """
    text, clause = nm.text, nm.clause
    last = own + _AFTER_CLAUSES
    at = end  # a clause of fillers only (嗯 / 那个) does not use up the reach
    while at < len(text) and clause[at] <= last:
        up = at
        while up < len(text) and clause[up] == clause[at]:
            up += 1
        if clause[at] != own and _FILLER.fullmatch(text[at:up]):
            last += 1
        at = up
    hi = end
    while hi < len(text) and clause[hi] <= last:
        hi += 1
    if hi == end:
        return False
    spans = []  # the rest of the own clause, then each following clause whole
    start = end
    for i in range(end, hi + 1):
        if i == hi or clause[i] != clause[start]:
            if i > start:
                spans.append((start, i))
            start = i
    for lo, up in spans:
        piece = text[lo:up]
        for found in DISMISSED_AFTER.finditer(piece):
            tail = lo == end and clause[lo] == own  # the own clause's rest, not a clause after
            anchored = found.start() == 0 and found.group().startswith(
                ("不", "没有的", "我们", "银行")
            )
            if tail and anchored:
                continue  # the anchored forms are whole following clauses, not the tail
            if not _NOT_DISMISSAL.search(piece, 0, found.start()):
                return True
    return False


def scope_start(clause: str, before: str = "") -> int | None:
    """Where the denial scope of one clause of normalised text starts, or None if it has none.

    The scope runs from just after the first cue of :data:`SCOPE_CUES` to the clause's end; a
    potential-complement denial (``银行封不了你的房子``) puts the whole clause in scope, and so
    does a dismissal after the words (``跟坐牢完全是两回事``, :data:`DISMISSED_AFTER`), unless
    it is itself supposed (``别以为是瞎说``). ``before`` is the clause before it: a 不 of
    只有 / 除非 … 才不 … (:func:`conditional_not`) opens no scope (``只有你今天还上，才不会被拘留``).
    """
    if _WHOLE_CLAUSE.search(clause):
        return 0
    dismissal = DISMISSED_AFTER.search(clause)
    if (
        dismissal
        and dismissal.start() > 0
        and not _NOT_DISMISSAL.search(clause, 0, dismissal.start())
    ):
        return 0
    for found in SCOPE_CUES.finditer(clause):
        if not conditional_not(before + clause[: found.start()]):
            return found.end()
    return None
