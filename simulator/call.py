"""One simulated call: understand → policy → render, each turn stored the moment it exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from simulator.persona import LoadedPersona
from simulator.policy import Move, Plan, Policy
from simulator.render import RenderContext, Renderer, TemplateRenderer
from simulator.storage import Store
from simulator.understand import Understanding, understand

__all__ = ["Call", "Turn", "CallEnded", "ENDINGS"]

ENDINGS = ("agreement", "customer_hangup", "agent_end", "script_end")


class CallEnded(Exception):
    """The agent spoke after the call had ended."""


@dataclass(frozen=True)
class Turn:
    """One utterance in the call."""

    idx: int
    """0-based index into the call's turns."""
    speaker: str
    """``agent`` (the trainee) or ``customer``."""
    text: str
    acts: tuple[str, ...] = ()
    """For agent turns: the acts understood. For customer turns: the agent acts answered."""
    state: dict[str, int] | None = None
    """The customer's anger/trust/patience after this turn (customer turns only)."""
    move: str | None = None
    """The decided situation (customer turns only)."""
    engine: str | None = None
    """Which renderer produced a customer line."""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


class Call:
    """A call between a trainee and one simulated customer.

    Args:
        loaded: the persona to play.
        seed: makes the customer's choices and wording repeatable.
        started_at: when the call happens (with its UTC offset); dates the agent says resolve
            against it. Defaults to now, in local time.
        store: where turns are written as they happen; None keeps the call in memory only.
        renderer: voices the decided moves; the persona's own lines by default.

    """

    def __init__(
        self,
        loaded: LoadedPersona,
        *,
        seed: int = 0,
        started_at: datetime | None = None,
        store: Store | None = None,
        renderer: Renderer | None = None,
        user: str = "local",
        coach: bool = False,
        understand_fn: Callable[..., Understanding] = understand,
    ):
        self.loaded = loaded
        self.seed = seed
        if started_at is None or started_at.tzinfo is None:
            started_at = (started_at or datetime.now()).astimezone()  # local time, with offset
        self.started_at = started_at
        self.today = self.started_at.date()
        self.policy = Policy(loaded.persona, today=self.today, seed=seed)
        self.renderer = renderer or TemplateRenderer(loaded, seed=seed)
        self.fallback = TemplateRenderer(loaded, seed=seed + 1)
        self.store = store
        self.understand = understand_fn
        self.turns: list[Turn] = []
        self.ended_by: str | None = None
        self.plan: Plan | None = None
        self.plan_turn: int | None = None
        self.session_id: str | None = None
        if store is not None:
            self.session_id = store.new_session(
                persona=loaded.id,
                persona_version=loaded.version,
                started_at=self.started_at.isoformat(timespec="seconds"),
                seed=seed,
                user=user,
                engine=getattr(self.renderer, "name", "scripted"),
                coach=coach,
                meta={"archetype": str(loaded.persona.archetype)},
            )

    @property
    def ended(self) -> bool:
        """True once the call has ended, by anyone."""
        return self.ended_by is not None

    @property
    def state(self) -> dict[str, int]:
        """The customer's current mood."""
        return self.policy.state.snapshot()

    def open(self) -> Turn:
        """The customer picks up and says the opening line."""
        return self._customer(Move("opening"), ())

    def say(self, text: str) -> Turn:
        """The trainee says ``text``; returns the customer's reply.

        The trainee's words are stored before anything else runs, so nothing they said is lost
        if a later step fails.

        Raises:
            CallEnded: the call is already over.

        """
        if self.ended:
            raise CallEnded(f"the call has ended ({self.ended_by})")
        text = text.strip()
        u = self.understand(text, today=self.today)
        acts = u.names
        meta = {"denied": [a.name for a in u.denied]} if u.denied else {}
        if u.extra.get("llm_disagreement"):  # the LLM classifier saw acts the rules did not
            meta["llm_disagreement"] = u.extra["llm_disagreement"]
        self._add(Turn(len(self.turns), "agent", text, acts=acts, meta=meta))
        move = self.policy.decide(u)
        reply = self._customer(move, acts)
        if move.plan and move.situation in ("accept", "confirm"):
            self.plan, self.plan_turn = move.plan, reply.idx
        if move.ends_call:
            self._end(move.ends_call)
        return reply

    def hang_up(self, reason: str = "agent_end") -> None:
        """The trainee ends the call (or a script runs out)."""
        if not self.ended:
            self._end(reason)

    def _customer(self, move: Move, acts: tuple[str, ...]) -> Turn:
        ctx = RenderContext(
            today=self.today,
            history=tuple((t.speaker, t.text) for t in self.turns),
            revealed=frozenset(self.policy.state.revealed),
        )
        try:
            rendered = self.renderer.render(move, ctx)
        except Exception as exc:  # a renderer bug must not end the call: say the offline line
            rendered = self.fallback.render(move, ctx)
            rendered = replace(rendered, engine=f"scripted (fallback: {exc})")
        text, engine = rendered.text, rendered.engine
        turn = Turn(
            len(self.turns),
            "customer",
            text,
            acts=acts,
            state=self.state,
            move=move.situation,
            engine=engine,
        )
        self._add(turn)
        return turn

    def _add(self, turn: Turn) -> None:
        self.turns.append(turn)
        if self.store is not None and self.session_id:
            self.store.add_turn(
                self.session_id,
                turn.idx,
                turn.speaker,
                turn.text,
                state=turn.state,
                acts=list(turn.acts),
                move=turn.move,
                engine=turn.engine,
                meta=turn.meta,
            )

    def _end(self, ended_by: str) -> None:
        if ended_by == "agent_end" and self.policy.state.confirmed:
            ended_by = "agreement"
        self.ended_by = ended_by
        if not self.policy.state.confirmed:
            self.plan = None  # an accepted plan nobody read back and confirmed is not a plan
        if self.store is not None and self.session_id:
            self.store.end_session(self.session_id, ended_by, self.plan_dict())

    def plan_dict(self) -> dict | None:
        """The confirmed plan, or None."""
        if not self.plan or not self.policy.state.confirmed:
            return None
        return {**self.plan.as_dict(), "turn": self.plan_turn}

    def trace(self) -> list[dict[str, Any]]:
        """Per customer turn: the mood after it and the agent acts it answered."""
        return [
            {"turn": t.idx, **(t.state or {}), "acts": list(t.acts)}
            for t in self.turns
            if t.speaker == "customer"
        ]

    def transcript(self) -> dict[str, Any]:
        """The transcript JSON of DESIGN.md."""
        return {
            "persona": self.loaded.id,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "turns": [{"speaker": t.speaker, "text": t.text} for t in self.turns],
        }

    def outcome(self) -> dict[str, Any]:
        """What the simulator knows, for the scorer to cross-check."""
        return {
            "ended_by": self.ended_by,
            "plan": self.plan_dict(),
            "trace": self.trace(),
            "persona_archetype": str(self.loaded.persona.archetype),
        }

    def result(self) -> dict[str, Any]:
        """The JSON ``callsim chat --json`` prints."""
        return {
            "session_id": self.session_id,
            **self.transcript(),
            "ended_by": self.ended_by,
            "plan": self.plan_dict(),
            "trace": self.trace(),
        }
