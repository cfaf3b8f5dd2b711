"""The rules' first-character skip (:mod:`simulator.understand.scan`) finds exactly what
``finditer`` finds: on every act's lexicon over corpus lines, and on patterns built to trip it."""

from __future__ import annotations

import re

import pytest

from simulator.understand import core
from simulator.understand.corpus import load_corpus
from simulator.understand.normalize import normalize_with_map
from simulator.understand.scan import Scanner, first_characters


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in matches]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    lines = load_corpus("agent", "train")[::7]  # ~2,000 lines of every act and near-miss
    return [normalize_with_map(ex.text).text for ex in lines]


def test_every_act_lexicon_has_a_first_character_class():
    # if an edit makes an act fall back to the plain scan, the rules slow down without a word
    missing = [name for name, pattern, _, _ in core._COMPILED if first_characters(pattern) is None]
    assert missing == []


def test_lexicon_matches_are_finditers_own(texts):
    for name, pattern, _, _ in core._COMPILED:
        scanner = Scanner(pattern)
        for text in texts:
            assert _spans(scanner.finditer(text)) == _spans(pattern.finditer(text)), (name, text)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (
            r"(?<![别不])借钱|找人借",
            "别借钱，不借钱，找人借钱借钱",
        ),  # lookbehind sees before the start
        (r"(?<=您)家人|家属", "您家人和你家属还有家人"),
        (r"(您|你)?的家人", "的家人，您的家人你的家人"),  # optional first part: both starts
        (r"(?:哈){2,}|嗯+", "哈哈哈嗯嗯哈"),
        (r"[一-龥]{2}骗子", "你是骗子吗骗子"),  # a range as first character
        (r"^你好|再见$", "你好你好再见再见"),  # anchors hold only where they did
        (r"欠(?=钱)|欠款", "欠钱欠款欠"),
    ],
)
def test_tricky_patterns_match_as_finditer(source, text):
    pattern = re.compile(source)
    assert first_characters(pattern) is not None
    assert _spans(Scanner(pattern).finditer(text)) == _spans(pattern.finditer(text))


@pytest.mark.parametrize(
    "source",
    [
        r".{0,4}骗子",  # any first character
        r"[^你]骗",  # a negated class
        r"\w+骗",  # a category
        r"(骗子)?",  # can match nothing
        r"(?i)abc",  # flags
    ],
)
def test_patterns_without_a_class_scan_the_plain_way(source):
    pattern = re.compile(source)
    assert first_characters(pattern) is None
    text = "你这个骗子，大骗子abc"
    assert _spans(Scanner(pattern).finditer(text)) == _spans(pattern.finditer(text))
