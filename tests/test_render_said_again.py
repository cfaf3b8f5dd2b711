"""A line the customer has said already is never said word for word again in one call.

Wordings of our own: a trainee who reads back the same wrong terms six times gets the same
correction six times, each said the way people repeat themselves (我刚说了，/ 都说了几遍了，…).
"""

from __future__ import annotations

from datetime import date

from simulator.customer.moves import Move, Plan
from simulator.persona import load_personas
from simulator.render import TemplateRenderer

from .conftest import PERSONAS_DIR

TODAY = date(2026, 11, 20)


def test_a_correction_asked_for_again_and_again_is_never_word_for_word():
    loaded = load_personas(PERSONAS_DIR)["cooperative_wang"]
    renderer = TemplateRenderer(loaded, seed=0)
    move = Move(
        "correct_readback", plan=Plan(amount=1500, months=None, due_date=date(2026, 11, 30))
    )
    history: list[tuple[str, str]] = []
    for _ in range(8):
        history.append(("agent", "11月30号前还一千六，对吧？"))
        history.append(("customer", renderer.line(move, TODAY, history=tuple(history))))
    said = [text for speaker, text in history if speaker == "customer"]
    assert len(set(said)) == len(said), said
    assert all("一千五" in text for text in said)
