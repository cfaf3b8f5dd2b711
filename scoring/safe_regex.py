r"""Rubric regexes that cannot hang the scorer: catastrophic backtracking is refused at load.

A rubric's ``patterns`` and ``unless`` are searched over every agent turn of every scored call
(up to 2,000 characters each). Python's regex engine backtracks, so ``(a+)+$`` takes hours on
forty ``a`` and ``.*a.*b.*c`` takes minutes on one long turn. A
rubric is a file a trainer edits, so it is checked, not trusted:

- a repeated group that itself repeats (``(a+)+``, ``(\d*,)*``) is refused;
- alternatives that can start with the same character inside a repeat (``(a|a)+``,
  ``(a|aa)+``) are refused;
- the repeats met one after another may multiply to at most :data:`MAX_TRIES` tries per
  starting position, an unbounded one (``*``, ``+``, ``{n,}``) counting as a whole turn, so
  ``.*a.*c`` is refused and ``.{0,6}`` is what the shipped rubric uses instead;
- a pattern is at most :data:`MAX_PATTERN_CHARS` long;
- and it must answer within :data:`PROBE_BUDGET_S` on probe lines made to trigger backtracking.

The scorer also searches with a time budget per turn (``scoring.analysis``), so a pattern that
slips past these checks costs one turn's budget, never the whole app.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the parser's opcodes: no public API names them
from re import _parser as sre_parse

__all__ = ["MAX_PATTERN_CHARS", "MAX_TRIES", "PROBE_BUDGET_S", "regex_problem"]

MAX_PATTERN_CHARS = 500
MAX_TRIES = 20_000
_UNBOUNDED = 2_000  # the longest turn the scorer reads (scoring.transcript.MAX_TURN_CHARS)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ANY = None  # a first-character set that may hold anything


class _Unsafe(Exception):
    pass


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a safe rubric regex, or None when it is.

    The answer is a short phrase for a ``file: field: message`` line.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters"
    try:
        tree = sre_parse.parse(pattern)
        re.compile(pattern)
    except re.error as exc:
        return f"not a valid regex: {exc}"
    except (RecursionError, OverflowError, MemoryError):
        return "too complex to compile"
    try:
        tries = _cost(list(tree), in_repeat=False)
    except _Unsafe as exc:
        return str(exc)
    if tries > MAX_TRIES:
        return (
            f"its repeats multiply to about {tries:,} tries per position (limit {MAX_TRIES:,}): "
            "it could stall scoring; bound them, e.g. .{0,10} instead of .* or .+"
        )
    return _probe(pattern)


PROBE_BUDGET_S = 0.05
"""Longest a pattern may take on one probe line at load (seconds)."""


def _probe(pattern: str) -> str | None:
    """Run the pattern on lines built to make backtracking explode; refuse it if one is slow.

    The static checks above miss shapes such as ``(a?){30}a{30}`` (an optional inside a
    counted repeat: 2^30 ways). The probe lines repeat each literal character of the pattern
    (and a Chinese one) several times over and end in a character that matches nothing.
    """
    import regex  # a time budget per match; the standard library has none

    compiled = regex.compile(pattern)
    chars = sorted({c for c in pattern if c.isalnum()})[:12] + ["你", " "]
    for char in chars:
        for length in _PROBE_LENGTHS:
            line = char * length + "\x00"
            try:
                compiled.search(line, timeout=PROBE_BUDGET_S)
            except TimeoutError:
                return (
                    f"took over {PROBE_BUDGET_S * 1000:.0f} ms on a line of {char!r} repeated "
                    f"{length} times (catastrophic backtracking): simplify its repeats"
                )
    return None


# A counted repeat explodes just short of its count, so several lengths are tried.
_PROBE_LENGTHS = (9, 17, 25, 31, 41, 63)


def _cost(items: list, in_repeat: bool) -> int:
    """Tries per starting position for a sequence: the product of its parts."""
    total = 1
    for op, av in items:
        total *= _item_cost(op, av, in_repeat)
        total = min(total, MAX_TRIES * _UNBOUNDED)  # no need to count past "too many"
    return total


def _item_cost(op, av, in_repeat: bool) -> int:
    if op in _REPEATS:
        low, high, body = av
        repeats = high > 1
        if repeats and _has_repeat(body):
            raise _Unsafe(
                "nested quantifier (a repeated group that itself repeats, like (a+)+): "
                "it can take exponential time"
            )
        inner = _cost(list(body), in_repeat or repeats)
        span = _UNBOUNDED if high == sre.MAXREPEAT else min(high, _UNBOUNDED)
        return (span - low + 1) * inner if span >= low else inner
    if op == sre.SUBPATTERN:
        return _cost(list(av[3]), in_repeat)
    if op == sre.ATOMIC_GROUP:
        return _cost(list(av), in_repeat)
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return _cost(list(av[1]), in_repeat)
    if op == sre.BRANCH:
        branches = [list(b) for b in av[1]]
        if in_repeat:
            _check_overlap(branches)
        return sum(_cost(b, in_repeat) for b in branches)
    if op == sre.GROUPREF_EXISTS:
        yes, no = av[1], av[2]
        return max(_cost(list(yes), in_repeat), _cost(list(no or []), in_repeat))
    return 1


def _has_repeat(items) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            return True
        for child in _children(op, av):
            if _has_repeat(child):
                return True
    return False


def _children(op, av) -> list:
    if op in _REPEATS:
        return [av[2]]
    if op == sre.SUBPATTERN:
        return [av[3]]
    if op == sre.ATOMIC_GROUP:
        return [av]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op == sre.BRANCH:
        return list(av[1])
    if op == sre.GROUPREF_EXISTS:
        return [av[1]] + ([av[2]] if av[2] else [])
    return []


def _check_overlap(branches: list[list]) -> None:
    seen: list[set[int] | None] = []
    for branch in branches:
        # the parser factors out a shared start: (a|a)+ becomes a(|)+ and (a|aa)+ a(|a)+, so
        # an empty alternative overlaps whatever may follow it
        first = _first(branch) if branch else _ANY
        for other in seen:
            if first is _ANY or other is _ANY or first & other:
                raise _Unsafe(
                    "alternatives that can match the same text inside a repeat "
                    "(like (a|a)+ or (a|aa)+): it can take exponential time"
                )
        seen.append(first)


def _first(items: list) -> set[int] | None:
    """The characters a sequence can start with (None: anything, or too hard to say)."""
    if not items:
        return _ANY
    op, av = items[0]
    if op == sre.LITERAL:
        return {av}
    if op == sre.IN:
        chars: set[int] = set()
        for kind, value in av:
            if kind == sre.LITERAL:
                chars.add(value)
            elif kind == sre.RANGE and value[1] - value[0] < 5_000:
                chars.update(range(value[0], value[1] + 1))
            else:  # NEGATE, CATEGORY, a huge range
                return _ANY
        return chars
    if op == sre.SUBPATTERN and av[3]:
        return _first(list(av[3]))
    if op == sre.BRANCH:
        out: set[int] = set()
        for branch in av[1]:
            part = _first(list(branch)) if branch else _ANY
            if part is _ANY:
                return _ANY
            out |= part
        return out
    if op in _REPEATS and av[0] >= 1 and av[2]:
        return _first(list(av[2]))
    return _ANY
