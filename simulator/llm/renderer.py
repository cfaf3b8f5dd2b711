"""The LLM renderer: the model says the move the policy decided, or the persona's line does.

Per turn, inside one time budget (8 s by default):

1. ask the model (streamed) with the prompt of :mod:`simulator.llm.prompt`;
2. cut the reply into sentences as it arrives and check each with :mod:`simulator.llm.guard`;
3. a service failure (timeout, 429, 5xx, broken or malformed stream) is retried with backoff;
   a reply the guard rejects is regenerated once;
4. otherwise the turn is said with the persona's offline line, and ``Rendered.engine`` says why
   (``scripted (fallback: HTTP 429)``).

The decision — accept, refuse, counter, hang up — is never the model's: the move is given.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from simulator.llm.guard import MAX_SENTENCES, build_guard
from simulator.llm.prompt import build_messages
from simulator.llm.settings import LLMSettings, LLMUnavailable, client_factory
from simulator.llm.stream import ends_sentence, split_sentences, stream_sentences
from simulator.llm.transport import MIN_ATTEMPT_S, Backoff, Deadline, ServiceError, stream_text
from simulator.persona import LoadedPersona
from simulator.policy import Move
from simulator.render import RenderContext, Rendered, TemplateRenderer

__all__ = ["LLMRenderer", "StreamedReply", "TurnTrace"]

MAX_REGENERATIONS = 1


class _Rejected(Exception):
    """The guard refused a sentence."""


@dataclass
class TurnTrace:
    """What happened while rendering one turn (for logs and tests)."""

    attempts: list[str] = field(default_factory=list)
    """One entry per model request: ``ok``, ``rejected: …`` or the service failure."""
    elapsed_s: float = 0.0


class StreamedReply:
    """Sentences of one customer turn as they are accepted; ``rendered`` is set at the end."""

    def __init__(self, turn: Generator[str, None, Rendered]):
        self._turn = turn
        self.rendered: Rendered | None = None

    def __iter__(self) -> Iterator[str]:
        """Yield each checked sentence as soon as it is ready (or the fallback's sentences)."""
        self.rendered = yield from self._turn


class LLMRenderer:
    """Voices a decided move with a model over any OpenAI-compatible API.

    Args:
        loaded: the persona being played.
        settings: where the model is; ``LLMSettings.from_env()`` by default.
        client_factory: returns an openai client (built lazily); by default one from settings.
        model: overrides ``settings.model``.
        seed: for the offline fallback lines (and passed to the model).
        budget_s: time for one turn, retries included; then the offline line is said.
        request_timeout_s: longest wait for one request (to connect, for the next chunk).
        backoff: pause schedule between retries (tests shorten it).
        cooldown_s: after a turn the service failed, later turns skip the model for this long,
            so a dead server costs one budget, not one per turn.

    """

    def __init__(
        self,
        loaded: LoadedPersona,
        *,
        settings: LLMSettings | None = None,
        client_factory: Callable[[], Any] | None = None,
        model: str | None = None,
        seed: int = 0,
        budget_s: float = 8.0,
        request_timeout_s: float = 3.0,
        backoff: Callable[[], Backoff] = Backoff,
        temperature: float = 0.8,
        cooldown_s: float = 60.0,
    ):
        self.loaded = loaded
        self.settings = settings or LLMSettings.from_env()
        self.model = model or self.settings.model
        self._client = client_factory or _default_factory(self.settings)
        self.seed = seed
        self.budget_s = budget_s
        self.request_timeout_s = request_timeout_s
        self._backoff = backoff
        self.temperature = temperature
        self.script = TemplateRenderer(loaded, seed=seed)
        self.name = f"llm:{self.model}"
        self.last_trace = TurnTrace()
        self.cooldown_s = cooldown_s
        self._down_until = 0.0

    def render(self, move: Move, ctx: RenderContext) -> Rendered:
        """The whole checked reply (buffered: nothing unchecked ever escapes); never raises."""
        turn = self._turn(move, ctx, live=False)
        try:
            while True:
                next(turn)
        except StopIteration as stop:
            return stop.value

    def stream(self, move: Move, ctx: RenderContext) -> StreamedReply:
        """Sentences as they are checked, for speaking while the model is still writing.

        Each sentence is checked before it is yielded. If a later sentence fails (or the stream
        breaks) after earlier ones were yielded, the reply ends there: what was said stands.
        """
        return StreamedReply(self._turn(move, ctx, live=True))

    # --- one turn -----------------------------------------------------------------------------

    def _turn(
        self, move: Move, ctx: RenderContext, *, live: bool
    ) -> Generator[str, None, Rendered]:
        deadline = Deadline(self.budget_s)
        trace = self.last_trace = TurnTrace()
        reference = self.script.line(move, ctx.today, history=ctx.history)
        guard = build_guard(self.loaded, move, ctx)
        usable_reference = reference if guard.check_text(reference) is None else None
        if time.monotonic() < self._down_until:
            trace.attempts.append("skipped: service down")
            if live:
                yield from split_sentences(reference)
            return self._done(
                trace, deadline, Rendered(reference, "scripted (fallback: LLM down, cooling off)")
            )
        backoff = self._backoff()
        regenerations = 0
        note: str | None = None
        reason = "no attempt"
        while deadline.remaining() >= MIN_ATTEMPT_S:
            messages = build_messages(self.loaded, move, ctx, usable_reference, retry_note=note)
            said: list[str] = []
            finished = 0
            try:
                client = self._client()
                tokens = stream_text(
                    client,
                    model=self.model,
                    messages=messages,
                    deadline=deadline,
                    timeout_s=self.request_timeout_s,
                    temperature=self.temperature,
                    max_tokens=160,
                    seed=self.seed,
                )
                with contextlib.closing(stream_sentences(tokens)) as sentences:
                    for raw in sentences:
                        sentence = guard.clean(raw)
                        if not sentence:
                            continue
                        problem = guard.check(sentence, finished)
                        if problem:
                            raise _Rejected(problem)
                        said.append(sentence)
                        finished += ends_sentence(sentence)
                        if live:
                            yield sentence
                        if finished == MAX_SENTENCES:
                            break  # three sentences said: the rest is not needed
                if not said:
                    raise _Rejected("empty reply")
                trace.attempts.append("ok")
                return self._done(trace, deadline, Rendered("".join(said), self.name))
            except _Rejected as exc:
                trace.attempts.append(f"rejected: {exc}")
                if said and live:
                    return self._done(trace, deadline, Rendered("".join(said), self.name))
                # Only the kind of problem goes on: the value may be a hidden fact (3000).
                kind = str(exc).split(":")[0]
                reason, note = f"rejected: {kind}", kind
                regenerations += 1
                if regenerations > MAX_REGENERATIONS:
                    break
            except LLMUnavailable:
                trace.attempts.append("not configured")
                reason = "no LLM configured"
                break
            except ServiceError as exc:
                trace.attempts.append(exc.reason)
                if said and live:
                    return self._done(trace, deadline, Rendered("".join(said), self.name))
                reason = exc.reason
                if not exc.retryable or not backoff.wait(deadline):
                    self._down_until = time.monotonic() + self.cooldown_s
                    break
        else:
            if reason == "no attempt":
                reason = "turn budget spent"
        if live:
            yield from split_sentences(reference)
        return self._done(trace, deadline, Rendered(reference, f"scripted (fallback: {reason})"))

    @staticmethod
    def _done(trace: TurnTrace, deadline: Deadline, rendered: Rendered) -> Rendered:
        trace.elapsed_s = deadline.budget_s - deadline.remaining()
        return rendered


def _default_factory(settings: LLMSettings) -> Callable[[], Any]:
    return client_factory(settings)
