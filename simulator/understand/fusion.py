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
  by rules, clause by clause, never by the likeness alone.

Acts the index does not model are the rules' alone. The same function serves ``understand`` and
the cross-validation in :mod:`.build`, so the thresholds are tuned on exactly what runs.
"""

from __future__ import annotations

import re
from dataclasses import replace

from simulator.understand.acts import VIOLATION_ACTS, Act
from simulator.understand.examples import Evidence, ExampleModel
from simulator.understand.negation import DISMISSAL_CUES, cues_for, negated, urging
from simulator.understand.normalize import Normalized

__all__ = ["combine", "dismissed", "only_terms"]


def dismissed(nm: Normalized, at: int, end: int | None = None) -> bool:
    """Whether the clause holding normalised position ``at``, or the next one, has a dismissal cue.

    The next clause counts because the dismissal often follows the words (``全家上黑名单，那都是
    网上乱传的``). A cue inside the rule's own words ``[at, end)`` does not: ``你才是骗子`` calls
    the customer a fraud, it does not dismiss one; nor does a cue that urges
    (``你不会去网贷平台周转一下吗``, :func:`.negation.urging`).
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


def only_terms(nm: Normalized, evidence: Evidence) -> bool:
    """Whether the clause carrying the score holds nothing but sums and plan words.

    The fee lines of the corpus hold sums (先交个押金，五百块), so a bare 五百块 or 先还五百块
    resembles them; a sum alone is no violation, whoever says it. What the example layer adds
    as a violation must rest on other words in its clause (转到我个人账户 / 押金 / 洗白).
    """
    return not _TERMS.sub("", nm.text[evidence.clause_start : evidence.clause_end])


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
    for name in model.acts:
        p = probabilities[name]
        if name in ruled or p < model.high[name]:
            continue
        evidence = model.evidence(features, name)
        if evidence is None or not _alike(model, name, evidence):
            continue
        if _other_rule_in(hits, name, evidence):
            continue
        if name in VIOLATION_ACTS and only_terms(nm, evidence):
            continue
        act = Act(
            name,
            nm.quote(evidence.clause_start, evidence.clause_end),
            "example",
            evidence.example,
            evidence.similarity,
            round(p, 3),
            evidence.example_source or None,
        )
        if negated(nm, evidence.start, evidence.end, cues_for(name)):
            denied.append(act)
        else:
            kept.append((evidence.clause_start, act))
    return kept, denied, overruled, probabilities
