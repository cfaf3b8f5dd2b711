"""Add the realism development scripts' lines to the question corpus' ``train`` split.

Usage: ``.venv/bin/python bench/realism_to_corpus.py [--dry-run]``

The development scripts (``bench/realism_scripts/*.yaml``; never ``heldout/``) were written by
testers who saw no code, each line labelled with what it asks (``asks``). Those labels are the
question corpus' kinds under other names (:data:`KIND_OF`); ``offer`` and ``readback`` are not
question kinds: the customer's negotiation reads terms put and said back before any question
kind, so those steps are left out (labelled with no kind, they taught the model to overrule the
rules' "how much" in plain questions such as 这个月还得上不). Placeholders are filled with the corpus' names
(:data:`simulator.customer.question_corpus.NAMES`) and spoken sums, dates and counts, varied from
line to line. A line already in the corpus (after simplification and punctuation folding) is
skipped, so running this twice adds nothing. Every added line carries ``note: "script:<id>"``,
its own ``group`` and ``split: train``.

After adding, rebuild both indexes (the agent side reads ``train`` questions as lawful lines):
``python -m simulator.customer.question_build`` and ``callsim corpus build``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from realism_play import SCRIPTS_DIR, load_scripts  # noqa: E402

from simulator.customer.question_corpus import CORPUS_PATH, NAMES, corpus_key  # noqa: E402

KIND_OF = {
    "who_speaking": "who_are_you",
    "relation": "relation",
    "back_time": "when_back",
    "name": "name",
    "id_digits": "id_digits",
    "why_late": "why_late",
    "capacity": "capacity",
    "when": "when_pay",
    "channel": "channel",
    "amount_right": "amount_right",
    "message": "leave_message",
    "repeat": "repeat",
    "offer": None,
    "readback": None,
}
"""The bench's question kinds (:data:`realism_judge.KINDS`) as the question corpus names them."""

REGISTER_OF = (
    (("asr", "voice_transcript", "night_shift", "bad_line"), "asr"),
    (
        ("formal", "legal", "script_reader", "compliance", "quality", "service_voice", "checklist"),
        "formal",
    ),
    (
        ("indirect", "conditional", "counsellor", "polite", "bank_veteran", "branch_manager"),
        "polite",
    ),
    (
        (
            "cantonese",
            "guangdong",
            "guangxi",
            "fujian",
            "shanghai",
            "sichuan",
            "yungui",
            "hubei",
            "southern",
        ),
        "regional",
    ),
    (("embedded", "multitasker", "older_colleague", "chatty", "rambl"), "rambling"),
    (("mixed_english", "jargon", "system"), "jargon"),
)
"""The corpus register of a script, by words in its id (the rest: ``colloquial``)."""

_SLOTS = ("debt", "debt_n", "amount", "amount_n", "months", "months_n", "date")
_VALUES = tuple(
    dict(zip(_SLOTS, row, strict=True))
    for row in (
        ("五千三百二", "5320", "一千五", "1473", "十二", "11", "12月5号"),
        ("一万二千八百", "12800", "两千", "2310", "六", "7", "下周五"),
        ("八千六百五十", "8650", "八百", "896", "二十四", "23", "这个月底"),
        ("三万一千二", "31200", "三千", "3150", "三", "5", "12月10号"),
    )
)
"""Spoken values the placeholders take, in turn (the bench fills them from the call instead)."""


def register_of(script_id: str) -> str:
    """The corpus register a script's lines are filed under."""
    for words, register in REGISTER_OF:
        if any(w in script_id for w in words):
            return register
    return "colloquial"


def script_rows(scripts_dir: Path = SCRIPTS_DIR) -> list[dict]:
    """Every line of the development scripts as a corpus row (placeholders filled)."""
    rows = []
    i = 0
    for script in load_scripts(scripts_dir):
        for third_party, steps in ((False, script.cardholder), (True, script.third_party)):
            for n, step in enumerate(steps):
                if step.offer or step.readback or {"offer", "readback"} & set(step.asks):
                    continue
                kinds = sorted({KIND_OF[k] for k in step.asks if KIND_OF[k]})
                for text in filter(None, (step.say, step.say_lump)):
                    i += 1
                    values = dict(
                        _VALUES[i % len(_VALUES)],
                        name=NAMES[i % len(NAMES)],
                        card_last4=str(1000 + (i * 37) % 9000),
                        days_overdue=str(20 + i % 70),
                    )
                    row = {
                        "text": text.format(**values),
                        "kinds": kinds,
                        "register": register_of(script.id),
                        "split": "train",
                        "group": f"script-{script.id}-{'t' if third_party else 'c'}{n}",
                        "note": f"script:{script.id}",
                    }
                    if third_party:
                        row["third_party"] = True
                    rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    """Append the scripts' new lines to the corpus and say how many."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="count, write nothing")
    args = ap.parse_args(argv)
    seen = {
        corpus_key(json.loads(line)["text"])
        for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    new = []
    for row in script_rows():
        key = corpus_key(row["text"])
        if key not in seen:
            seen.add(key)
            new.append(row)
    print(f"{len(new)} new lines from the development scripts")
    if not args.dry_run and new:
        with CORPUS_PATH.open("a", encoding="utf-8") as out:
            for row in new:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
