"""What the trainee said before, so the customer can hold them to it.

People remember promises: an agent who said "我们不会联系您家人" and later mentions the family
hears "你刚才不是说不打给我家里吗？". :class:`Memory` keeps the agent's denials (``u.denied``:
the violations they said they would not commit, the sore points they said they would leave
alone) and finds the line that goes back on one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.understand import Understanding

__all__ = ["PROMISES", "Memory", "Recall"]

PROMISES = {
    "third_party_pressure": "不找我家里人",
    "third_party_disclosure": "不跟别人说",
    "threat": "不上门",
    "false_legal_claim": "不会起诉我",
    "illegitimate_fee": "不收手续费",
    "induce_borrowing": "不让我去借钱",
    "insult": "不是说我赖账",
    "impersonation": "你不是律师",
}
"""A denied act, as the customer repeats the promise back."""


@dataclass(frozen=True)
class Recall:
    """An earlier promise the trainee's line goes back on."""

    promise: str
    """The promise in the customer's words (不找我家里人)."""
    turn: int
    """The agent's turn (counted by the policy) that made it."""


@dataclass
class Memory:
    """The agent's promises so far, by act or sore-point topic."""

    promises: dict[str, Recall] = field(default_factory=dict)

    def note(self, u: Understanding, turn: int, denied_topics: tuple[str, ...] = ()) -> None:
        """Remember what this line promised not to do."""
        for act in u.denied:
            if act.name in PROMISES:
                self.promises.setdefault(act.name, Recall(PROMISES[act.name], turn))
        for topic in denied_topics:
            self.promises.setdefault(f"topic:{topic}", Recall(f"不提{topic}", turn))

    def broken(
        self, u: Understanding, turn: int, touched_topics: tuple[str, ...] = ()
    ) -> Recall | None:
        """The earlier promise this line breaks (an act now affirmed, a topic now raised)."""
        for act in u.acts:
            kept = self.promises.get(act.name)
            if kept is not None and kept.turn < turn:
                return kept
        for topic in touched_topics:
            kept = self.promises.get(f"topic:{topic}")
            if kept is not None and kept.turn < turn:
                return kept
        return None
