"""One simulated call: understand → policy → render, each turn stored the moment it exists."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from simulator import clock
from simulator.persona import LoadedPersona
from simulator.policy import Move, Plan, Policy
from simulator.render import RenderContext, Rendered, Renderer, TemplateRenderer
from simulator.storage import Store, StoreWriteError
from simulator.understand import Understanding, understand

__all__ = ["Call", "Turn", "CallEnded", "ENDINGS", "ReplyStream"]

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


class ReplyStream:
    """The customer's reply, sentence by sentence, while the renderer is still writing it.

    Iterate it for the sentences as they are ready; :meth:`finish` reads whatever is left and
    returns the customer's turn, which is stored only then (with the whole text and its engine).
    Leaving a loop over it early does not lose the reply: :meth:`finish` carries on from there.
    """

    def __init__(self, agent: Turn | None, pieces: Generator[str, None, Turn]):
        self.agent = agent
        """The trainee's turn this answers (already stored); None for the opening line."""
        self._pieces = pieces
        self.turn: Turn | None = None
        """The customer's stored turn, once the reply is complete."""

    def __iter__(self) -> Iterator[str]:
        """Yield each sentence of the reply as soon as the renderer has it."""
        # Not ``yield from``: closing an abandoned loop must not close the reply itself.
        while self.turn is None:
            try:
                piece = next(self._pieces)
            except StopIteration as stop:
                self.turn = stop.value
                return
            yield piece

    def finish(self) -> Turn:
        """The rest of the reply, stored; the customer's turn."""
        for _ in self:
            pass
        assert self.turn is not None
        return self.turn


class Call:
    """A call between a trainee and one simulated customer.

    Args:
        loaded: the persona to play.
        seed: makes the customer's choices and wording repeatable.
        started_at: when the call happens (with its UTC offset); dates the agent says resolve
            against it. Defaults to now in the deployment's zone (``CALLSIM_TZ``); a time
            without an offset is taken as that zone's.
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
        if started_at is None:
            started_at = clock.now()  # the deployment's clock (CALLSIM_TZ), not the server's
        elif started_at.tzinfo is None:
            started_at = clock.local(started_at)
        self.started_at = started_at
        self.today = self.started_at.date()
        self.policy = Policy(loaded.persona, today=self.today, seed=seed)
        self.renderer = renderer or TemplateRenderer(loaded, seed=seed)
        self.fallback = TemplateRenderer(loaded, seed=seed + 1)
        self.store = store
        self.understand = understand_fn
        self.turn_lock = threading.Lock()
        """Held while a turn is in flight: one call takes one turn at a time."""
        self.turns: list[Turn] = []
        """The turns stored so far, in order: what a page may show."""
        self._understood: Understanding | None = None
        """What the trainee's latest turn was understood as (for the call state)."""
        self._waiting: list[tuple[Turn, Move]] = []
        """Customer replies decided but not yet stored (a write failed), with their moves."""
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
    def unsaved(self) -> list[Turn]:
        """Customer replies decided but not yet stored: the call is paused until :meth:`flush`."""
        return [turn for turn, _ in self._waiting]

    @property
    def paused(self) -> bool:
        """True while a reply waits to be stored: nothing more is said until it is."""
        return bool(self._waiting)

    def flush(self) -> list[Turn]:
        """Store the replies a failed write left waiting; returns them (empty: none waited).

        Raises:
            StoreWriteError: the database still cannot be written; the call stays paused.

        """
        flushed = []
        while self._waiting:
            turn, move = self._waiting[0]
            self._store(turn)
            self._waiting.pop(0)
            self.turns.append(turn)
            flushed.append(turn)
            self._after(move, turn)
        return flushed

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
            StoreWriteError: a write failed. If it was the trainee's turn, nothing happened
                (say it again later); if it was the reply, the call is :attr:`paused` with the
                reply waiting in :attr:`unsaved`.

        """
        agent, move = self._hear(text)
        reply = self._customer(move, agent.acts)
        self._after(move, reply)
        return reply

    def say_stream(self, text: str) -> ReplyStream:
        """Like :meth:`say`, but the reply comes sentence by sentence as it is written.

        The trainee's words are stored and the policy decides before this returns; the reply
        is rendered while it is iterated. A renderer that cannot stream (the offline lines)
        gives its whole line as one piece.

        Raises:
            CallEnded: the call is already over.

        """
        agent, move = self._hear(text)
        return ReplyStream(agent, self._customer_stream(move, agent.acts))

    def open_stream(self) -> ReplyStream:
        """Like :meth:`open`, sentence by sentence."""
        return ReplyStream(None, self._customer_stream(Move("opening"), ()))

    def _hear(self, text: str) -> tuple[Turn, Move]:
        """Store the trainee's turn, then let the policy decide the customer's move."""
        if self.ended:
            raise CallEnded(f"the call has ended ({self.ended_by})")
        self.flush()  # a waiting reply is stored first, or nothing new is taken
        text = text.strip()
        u = self.understand(text, today=self.today)
        acts = u.names
        meta = {"denied": [a.name for a in u.denied]} if u.denied else {}
        if u.extra.get("llm_disagreement"):  # the LLM classifier saw acts the rules did not
            meta["llm_disagreement"] = u.extra["llm_disagreement"]
        agent = Turn(len(self.turns), "agent", text, acts=acts, meta=meta)
        self._understood = u
        self._add(agent)
        return agent, self.policy.decide(u)

    def _after(self, move: Move, reply: Turn) -> None:
        """What the decided move does to the call once the reply is stored."""
        if move.plan and move.situation in ("accept", "confirm"):
            self.plan, self.plan_turn = move.plan, reply.idx
        if move.ends_call:
            self._end(move.ends_call)

    def hang_up(self, reason: str = "agent_end") -> None:
        """The trainee ends the call (or a script runs out).

        Raises:
            StoreWriteError: a waiting reply or the end itself could not be stored; the call
                has not ended and can be hung up again.

        """
        if not self.ended:
            self.flush()
            self._end(reason)

    def _context(self) -> RenderContext:
        return RenderContext(
            today=self.today,
            history=tuple((t.speaker, t.text) for t in self.turns),
            revealed=frozenset(self.policy.state.revealed),
            call=self.policy.call,
        )

    def _customer(self, move: Move, acts: tuple[str, ...]) -> Turn:
        ctx = self._context()
        try:
            rendered = self.renderer.render(move, ctx)
        except Exception as exc:  # a renderer bug must not end the call: say the offline line
            rendered = self.fallback.render(move, ctx)
            rendered = replace(rendered, engine=f"scripted (fallback: {exc})")
        return self._store_reply(move, acts, rendered)

    def _customer_stream(self, move: Move, acts: tuple[str, ...]) -> Generator[str, None, Turn]:
        """Yield the reply's sentences as they come; store the turn and return it at the end."""
        stream = getattr(self.renderer, "stream", None)
        if stream is None:  # the offline lines: the whole line at once, exactly as say()
            reply = self._customer(move, acts)
            yield reply.text
            self._after(move, reply)
            return reply
        ctx = self._context()
        said: list[str] = []
        try:
            streamed = stream(move, ctx)
            for sentence in streamed:
                said.append(sentence)
                yield sentence
            rendered = streamed.rendered
            if rendered is None:
                raise RuntimeError("the stream ended without a reply")
        except Exception as exc:  # a renderer bug must not end the call
            if said:  # what was already spoken stands
                rendered = Rendered("".join(said), f"{self.renderer.name} (stream broke: {exc})")
            else:
                rendered = self.fallback.render(move, ctx)
                rendered = replace(rendered, engine=f"scripted (fallback: {exc})")
                yield rendered.text
        reply = self._store_reply(move, acts, rendered)
        self._after(move, reply)
        return reply

    def _store_reply(self, move: Move, acts: tuple[str, ...], rendered: Rendered) -> Turn:
        turn = Turn(
            len(self.turns),
            "customer",
            rendered.text,
            acts=acts,
            state=self.state,
            move=move.situation,
            engine=rendered.engine,
        )
        self._add(turn, move)
        return turn

    def _add(self, turn: Turn, move: Move | None = None) -> None:
        """Store a turn, then count it as said; a customer reply that cannot be stored waits."""
        try:
            self._store(turn)
        except StoreWriteError:
            if move is not None:  # the policy has moved on: keep the reply to store later
                self._waiting.append((turn, move))
            raise
        self.turns.append(turn)
        understood = self._understood if turn.speaker == "agent" else None
        self.policy.observe(turn.idx, turn.speaker, turn.text, understood)

    def _store(self, turn: Turn) -> None:
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
        if not self.policy.state.confirmed:
            self.plan = None  # an accepted plan nobody read back and confirmed is not a plan
        if self.store is not None and self.session_id:
            self.store.end_session(self.session_id, ended_by, self.plan_dict())
        self.ended_by = ended_by  # only once stored: a failed write leaves the call open

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
