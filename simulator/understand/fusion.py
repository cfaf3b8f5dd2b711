"""How the rules and the example layer decide together, for every act the index models.

For a modelled act *a* with example-layer probability *p* (thresholds per act, chosen by
cross-validation on the corpus' ``train`` split when the index is built):

- a rule hit stands unless ``p < low[a]`` *and* its clause (or the next) holds a dismissal cue
  (:data:`.negation.DISMISSAL_CUES`: a denial after the words, reassurance, advice against, the
  customer's fear reported). Then it is *overruled* (kept in ``Understanding.extra["overruled"]``,
  not an act): the rule's words were there, but the clause reads like the lawful ones
  (``黑名单那种说法都是瞎编的``). Where no such word stands, the model cannot overrule the rule,
  however unfamiliar the words are to it (``让你吃不了兜着走``);
- with no rule hit, the example layer adds *a* when ``p >= high[a]`` and the nearest labelled
  line carrying *a* is at least ``floor[a]`` alike — unless the n-gram that
  carries most of the score sits under a denial or advice *against* in its clause (the rule of
  :mod:`.negation`), in which case *a* goes to ``denied``. Negation and condition are decided
  by rules, clause by clause, never by the likeness alone. For a violation act, *p* and the
  checks are those of the likeliest reading: the whole line, or a run of clauses of a long one
  (:mod:`.windows`, :func:`strongest`), so that one violating sentence in a long lawful turn is
  not diluted by the rest; a window's reading counts only where the whole line finds the act
  at least :data:`.windows.SUPPORT` likely.

Acts the index does not model are the rules' alone. The same function serves ``understand`` and
the cross-validation in :mod:`.build`, so the thresholds are tuned on exactly what runs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from simulator.understand.acts import VIOLATION_ACTS, Act
from simulator.understand.examples import Evidence, ExampleModel, Features
from simulator.understand.negation import (
    DISMISSAL_CUES,
    conditional_cue,
    cues_for,
    negated,
    urging,
)
from simulator.understand.normalize import Normalized
from simulator.understand.windows import SUPPORT, windows

__all__ = [
    "View",
    "combine",
    "cut_off",
    "dismissed",
    "only_terms",
    "says_no_debt",
    "strongest",
    "views",
]


def dismissed(nm: Normalized, at: int, end: int | None = None) -> bool:
    """Whether the clause holding normalised position ``at``, or the next one, has a dismissal cue.

    The next clause counts because the dismissal often follows the words (``全家上黑名单，那都是
    网上乱传的``). A cue inside the rule's own words ``[at, end)`` does not: ``你才是骗子`` calls
    the customer a fraud, it does not dismiss one; nor does a cue that urges
    (``你不会去网贷平台周转一下吗``, :func:`.negation.urging`), nor the 不 of 只有 … 才不 …
    (``只有今天把钱还上，你才不会被警察带走``, :func:`.negation.conditional_cue`).
    """
    own = nm.clause[at]
    lo = hi = at
    while lo > 0 and nm.clause[lo - 1] == own:
        lo -= 1
    while hi < len(nm.text) and nm.clause[hi] <= own + 1:
        hi += 1
    end = at if end is None else end
    return any(
        (cue.end() <= at or cue.start() >= end)
        and not urging(nm, cue.start(), end)
        and not _a_not_a(nm.text, cue.start())
        and not conditional_cue(nm, cue.start())
        for cue in DISMISSAL_CUES.finditer(nm.text, lo, hi)
    )


def _a_not_a(text: str, at: int) -> bool:
    """Whether the 不 at ``at`` is the middle of a yes-no question (是不是 / 会不会 / 能不能)."""
    return text[at : at + 1] == "不" and 0 < at < len(text) - 1 and text[at - 1] == text[at + 1]


def _alike(model: ExampleModel, name: str, evidence: Evidence) -> bool:
    """Whether the nearest line carrying the act is alike enough (and, with ``margin``, closer).

    Closer means: closer than the nearest lawful near-miss of the act.
    """
    if evidence.similarity < model.floor[name]:
        return False
    return not model.margin[name] or evidence.similarity >= evidence.lawful_similarity


def _other_rule_in(hits: list[tuple[int, Act]], name: str, ev: Evidence) -> bool:
    """A rule already read the evidence clause as another violation (its reading stands)."""
    return any(
        act.name != name and act.name in VIOLATION_ACTS and ev.clause_start <= at < ev.clause_end
        for at, act in hits
    )


_TERMS = re.compile(
    r"[零一二两三四五六七八九十百千万亿\d.,，。、！？!?\s]+|块钱|块|元|钱|期|个月|每个月|每月|一次|"
    r"先还|还上|还|就|那|这|吧|啊|呢|嘛|哈|呀|了|的|行吗|可以吗|好吗|好吧|行吧|嗯|呃|那个|也行|可以"
)


_DEBT_WORDS = re.compile(
    r"欠|还|钱|款|账|帐|卡|期|债|银行|催|额|元|块|万|千|百|贷|利息|罚息|滞纳|违约|征信|黑名单"
    r"|起诉|法院|透支|结清|垫|代偿|负责|承担|管|赖|拖|\d"
)
"""Words of a debt, a sum or paying (逾期 / 欠款 / 替他还 / 一万二), one of which a disclosure needs."""


def says_no_debt(nm: Normalized) -> bool:
    """Whether the utterance holds no word of a debt, a sum or paying at all.

    Disclosure tells a third party of the debt or asks them to pay; a line without one such
    word discloses nothing, however much it resembles the disclosure lines in who it is put to
    (``他是你爱人吧？`` / ``您是他同事？``). The example layer does not add the act to it. On
    ``train``, 3 of 580 disclosure lines had none, two of them an ASR 瑜期 / 预期 (期 is one now).
    """
    return not _DEBT_WORDS.search(nm.text)


def only_terms(nm: Normalized, evidence: Evidence) -> bool:
    """Whether the clause carrying the score holds nothing but sums and plan words.

    The fee lines of the corpus hold sums (先交个押金，五百块), so a bare 五百块 or 先还五百块
    resembles them; a sum alone is no violation, whoever says it. What the example layer adds
    as a violation must rest on other words in its clause (转到我个人账户 / 押金 / 洗白).
    """
    return not _TERMS.sub("", nm.text[evidence.clause_start : evidence.clause_end])


@dataclass
class View:
    """The utterance, or one window of it (:mod:`.windows`), as the example layer reads it."""

    offset: int
    """Where it starts in the whole utterance's normalised text."""
    nm: Normalized
    """Its normalised text (a window's positions are its own)."""
    features: Features
    probabilities: dict[str, float]
    """P per modelled act, read on this text alone."""
    read: list[tuple[int, Act]] | None = None
    """The rules' affirmed acts, when already known (the whole line's); else read on demand."""

    @functools.cached_property
    def hits(self) -> list[tuple[int, Act]]:
        """The rules' affirmed acts in this text, with positions in ``nm`` (read once, if asked)."""
        if self.read is not None:
            return self.read
        from simulator.understand.core import rule_acts  # core calls this module

        return rule_acts(self.nm)[0]


def views(model: ExampleModel, whole: View) -> list[View]:
    """The whole utterance, then each of its windows, each read on its own.

    Only the violation acts look at the windows (:func:`strongest`), and only where the whole
    line finds one at least :data:`.windows.SUPPORT` likely; other lines, and lines too short to
    have windows, are read whole only, at no extra cost.
    """
    out = [whole]
    if max((whole.probabilities.get(a, 0.0) for a in VIOLATION_ACTS), default=0.0) < SUPPORT:
        return out
    found = [(offset, window, model.features(window)) for offset, window in windows(whole.nm)]
    found = [(offset, window, f) for offset, window, f in found if f.index.size]
    for offset, window, features in found:
        # n-grams only: the sentence embedding is the whole line's (a window costs ~0.2 ms)
        probabilities = model.probabilities(features, encode=False)
        out.append(View(offset, window, features, probabilities))
    return out


def cut_off(nm: Normalized, view: View, evidence: Evidence) -> bool:
    """Whether a window ends at the clause carrying the act, and the next clause dismisses it.

    A window drops what follows it: ``您刚才说有朋友劝您去网上借钱先还上`` ends one, and
    ``这个我真心不建议`` opens the next. Read whole, that clause has a dismissal cue just after
    (:func:`dismissed`), so the window's reading does not count.
    """
    if view.nm is nm or view.nm.clause[evidence.clause_start] != view.nm.clause[-1]:
        return False
    begin = nm.clauses[nm.clause[view.offset]][0]  # the window's first character, as said
    first = begin + view.nm.origin[evidence.clause_start]
    last = begin + view.nm.origin[evidence.clause_end - 1]
    inside = [i for i, origin in enumerate(nm.origin) if first <= origin <= last]
    # the clause's own words are the window's to read; only the clause after it may dismiss
    return bool(inside) and dismissed(nm, inside[0], inside[-1] + 1)


def strongest(readings: list[View], name: str) -> View:
    """The reading in which act ``name`` is most likely.

    The whole line for acts that are no violation. For a violation, a window only when the
    whole line finds the act at least :data:`.windows.SUPPORT` likely (ties go to the whole
    line): a window must not read as a violation what its neighbours make lawful (``您刚才说有
    朋友劝您去网上借钱先还上，这个我真心不建议``).
    """
    whole = readings[0]
    if name not in VIOLATION_ACTS or len(readings) == 1:
        return whole
    if whole.probabilities.get(name, 0.0) < SUPPORT:
        return whole
    best = whole
    for view in readings[1:]:
        if view.probabilities.get(name, 0.0) > best.probabilities.get(name, 0.0):
            best = view
    return best


def combine(
    model: ExampleModel,
    nm: Normalized,
    hits: list[tuple[int, Act]],
    denied: list[Act],
) -> tuple[list[tuple[int, Act]], list[Act], list[Act], dict[str, float]]:
    """Merge the rules' findings with the example layer's.

    Args:
        model: The example index.
        nm: The normalised utterance.
        hits: The rules' affirmed acts with their positions (``core.rule_acts``).
        denied: The rules' denied acts.

    Returns:
        ``(hits, denied, overruled, probabilities)``: the acts that stand (rule acts carry the
        example layer's probability; example acts carry their nearest labelled line), the
        denied acts, the overruled rule acts, and P per modelled act.

    """
    from simulator.understand.core import rule_end  # core calls this module

    if not nm.text:
        return hits, denied, [], {}
    features = model.features(nm)
    probabilities = model.probabilities(features)
    kept: list[tuple[int, Act]] = []
    overruled: list[Act] = []
    ruled: set[str] = set()
    for at, act in hits:
        p = probabilities.get(act.name)
        if p is None:
            kept.append((at, act))
            continue
        act = replace(act, probability=round(p, 3))
        if p < model.low[act.name] and dismissed(nm, at, rule_end(nm, at, act.name)):
            overruled.append(act)
            continue
        ruled.add(act.name)
        kept.append((at, act))
    denied = list(denied)
    readings = views(model, View(0, nm, features, probabilities, hits))
    probabilities = dict(probabilities)
    for name in model.acts:
        if name in ruled:
            continue
        view = strongest(readings, name)
        p = probabilities[name] = view.probabilities[name]
        if p < model.high[name]:
            continue
        evidence = model.evidence(view.features, name)
        if evidence is None or not _alike(model, name, evidence):
            continue
        if _other_rule_in(view.hits, name, evidence):
            continue
        if cut_off(nm, view, evidence):
            continue
        if name in VIOLATION_ACTS and only_terms(view.nm, evidence):
            continue
        if name == "third_party_disclosure" and says_no_debt(nm):
            continue
        act = Act(
            name,
            view.nm.quote(evidence.clause_start, evidence.clause_end),
            "example",
            evidence.example,
            evidence.similarity,
            round(p, 3),
            evidence.example_source or None,
        )
        if negated(view.nm, evidence.start, evidence.end, cues_for(name)):
            denied.append(act)
        else:
            kept.append((view.offset + evidence.clause_start, act))
    return kept, denied, overruled, probabilities
