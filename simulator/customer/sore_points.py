"""Sore points: the topics that anger a customer, touched only by what the agent affirmed.

A keyword under a denial (不收服务费 / 您也别琢磨着去借网贷来还), advice against that closes its
clause (借呗那些就别想了) or a word that only looks like the topic (家里人还是同事) does not
touch it: the line is read as ``understand`` reads it.
"""

from __future__ import annotations

import re

from simulator.understand import Understanding, normalize
from simulator.understand.acts import VIOLATION_ACTS
from simulator.understand.core import is_negated
from simulator.understand.negation import SCOPE_CUES
from simulator.understand.normalize import Normalized, normalize_with_map

__all__ = ["SorePoints", "affirmed", "denied_quotes"]

_NEAR_DENIAL = re.compile(r"(?:不收|不用交?|不需要|不会收|免收?|没有|没|无需?|不存在)$")
"""A denial just before the words (不收服务费 / 免服务费 / 没有服务费); 是不是 and 不能…吗 are not."""


# Each violation act's own denial cues count too, as when ``understand`` reads the line:
# "您也别琢磨着去借网贷来还" rules borrowing out, so a 网贷 sore point is not touched.
_DENIAL_ACTS = ("", *VIOLATION_ACTS)


_RHETORICAL_END = re.compile(r"[吗么呢嘛](?:[啊呀]?)$")
_SET_ASIDE_AFTER = re.compile(
    r"(?:那些|那种|这些|这种)?(?:千万|可)?"
    r"(?:(?:就|都|也)?(?:别|不要|不用|甭|莫)(?:想|考虑|碰|去|沾)了?|碰不得|沾不得|能不碰就不碰)"
)
"""Advice against that ends the words' clause: 借呗那些就别想了 / 网贷那玩意儿沾不得."""


def _set_aside_after(text: str, end: int, last: int) -> bool:
    """Whether the clause ending at ``last`` ends in advice against, a few characters after ``end``.

    ``借呗花呗那些能不碰就不碰`` sets the words aside; ``找朋友借点钱别想着拖了`` does not (the
    advice must close the clause).
    """
    return any(
        m.end() == last for m in _SET_ASIDE_AFTER.finditer(text, end, last) if m.start() - end <= 8
    )


def _in_denial_scope(text: str, first: int, start: int, last: int) -> bool:
    """Whether a denial earlier in the clause ``text[first:last]`` covers the words at ``start``.

    ``不要为了还这个再去借网贷``: 不要 opens a scope to the clause's end. An A不A question (是不是,
    能不能) opens none, and neither does a rhetorical question (你就不能找朋友借一下吗).
    """
    if _RHETORICAL_END.search(text, first, last):
        return False
    for cue in SCOPE_CUES.finditer(text, first, start):
        at = cue.start()
        if at > first and cue.group()[:1] == "不" and text[at - 1] == text[at + 1 : at + 2]:
            continue  # 是不是 / 会不会 asks
        return True
    return False


def affirmed(nm: Normalized, word: str, denied: tuple[str, ...] = ()) -> bool:
    """True if ``word`` occurs in the utterance other than under a denial.

    Args:
        nm: The normalised utterance.
        word: A normalised keyword.
        denied: Normalised quotes of the acts ``understand`` found denied in the line
            (``您也别琢磨着去借网贷来还``): a keyword inside one is not affirmed.

    """
    text, clause = nm.text, nm.clause
    start = text.find(word)
    while word and start >= 0:
        end = start + len(word)
        near = text[max(0, start - 3) : start]  # 不收服务费 / 免服务费 / 没有服务费
        first, last = start, end
        while first > 0 and clause[first - 1] == clause[start]:
            first -= 1
        while last < len(text) and clause[last] == clause[start]:
            last += 1
        spared = (
            _NEAR_DENIAL.search(near)
            or is_negated(nm, start, end, _DENIAL_ACTS)
            or any(word in quote for quote in denied)
            or _set_aside_after(text, end, last)
            or _in_denial_scope(text, first, start, last)
            # 家里人还 in 是家里人还是同事: the word ends inside 还是 (or), not 还 (repay)
            or (word.endswith("还") and text[end : end + 1] == "是")
        )
        if not spared:
            return True
        start = text.find(word, start + 1)
    return False


def denied_quotes(u: Understanding) -> tuple[str, ...]:
    """The normalised quotes of the acts ``understand`` found denied in the line."""
    return tuple(normalize(a.quote) for a in getattr(u, "denied", ()) if a.quote)


class SorePoints:
    """Sore-point reading; mixed into the policy, whose persona facts it uses."""

    def _sore_point(self, u: Understanding) -> float:
        """Anger from sore points the agent touched.

        A denied one (不收手续费, 别去借网贷) does not count: the line is read as ``understand``
        read it.
        """
        nm, denied = normalize_with_map(u.text), denied_quotes(u)
        return sum(
            p.anger
            for p in self.facts.sore_points
            if any(affirmed(nm, normalize(k), denied) for k in p.keywords)
        )

    def _sore_topics(self, u: Understanding) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Sore-point topics this line raises, and those it mentions only to rule out."""
        nm, denied = normalize_with_map(u.text), denied_quotes(u)
        touched, spared = [], []
        for p in self.facts.sore_points:
            words = [normalize(k) for k in p.keywords]
            if any(affirmed(nm, w, denied) for w in words):
                touched.append(p.topic)
            elif any(w and w in nm.text for w in words):
                spared.append(p.topic)
        return tuple(touched), tuple(spared)
