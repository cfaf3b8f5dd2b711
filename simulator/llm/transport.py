"""Talking to an OpenAI-compatible server: one request at a time, failures named, no SDK retries.

Every failure — timeout, 429, 5xx, a dropped connection, a stream that ends without a finish
reason, a chunk that is not JSON — becomes a :class:`ServiceError` with a short reason that is
recorded on the turn (``scripted (fallback: HTTP 429)``). Retrying is the caller's business,
with :class:`Backoff` inside a :class:`Deadline`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Backoff",
    "Deadline",
    "ServiceError",
    "complete",
    "describe_error",
    "stream_text",
    "with_retries",
]

# An attempt with less time than this left is not worth starting.
MIN_ATTEMPT_S = 0.3


class ServiceError(Exception):
    """The model could not be asked, or its answer did not arrive whole."""

    def __init__(self, reason: str, *, retryable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass
class Deadline:
    """A time budget that starts when created."""

    budget_s: float
    start: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.budget_s - (time.monotonic() - self.start))

    @property
    def expired(self) -> bool:
        """True once the budget is spent."""
        return self.remaining() <= 0


@dataclass
class Backoff:
    """Exponential pauses between retries, never past the deadline."""

    first_s: float = 0.2
    factor: float = 2.0
    max_s: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    _next: float | None = None

    def wait(self, deadline: Deadline) -> bool:
        """Pause before the next attempt; False when no attempt would fit in the budget."""
        pause = self.first_s if self._next is None else self._next
        self._next = min(pause * self.factor, self.max_s)
        if deadline.remaining() - pause < MIN_ATTEMPT_S:
            return False
        self.sleep(pause)
        return True


def describe_error(exc: BaseException) -> ServiceError:
    """Name a failure briefly and say whether trying again could help."""
    if isinstance(exc, ServiceError):
        return exc
    try:
        import openai
    except ModuleNotFoundError:  # pragma: no cover - openai is a dependency
        return ServiceError(type(exc).__name__, retryable=False)
    if isinstance(exc, openai.APITimeoutError):
        return ServiceError("timeout")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        return ServiceError(f"HTTP {status}", retryable=status in (408, 409, 429) or status >= 500)
    if isinstance(exc, openai.APIConnectionError):
        return ServiceError("connection error")
    if isinstance(exc, ValueError):  # json.JSONDecodeError from a malformed SSE chunk
        return ServiceError("malformed response")
    if isinstance(exc, openai.OpenAIError):
        return ServiceError(f"openai: {exc}"[:80], retryable=False)
    return ServiceError(f"{type(exc).__name__}: {exc}"[:80])


def _timeout(deadline: Deadline, timeout_s: float | None) -> float:
    """One request's timeout: what is left of the budget, capped by ``timeout_s``."""
    left = deadline.remaining()
    return max(min(left, timeout_s) if timeout_s else left, 0.05)


def stream_text(
    client: Any,
    *,
    model: str,
    messages: list[dict[str, str]],
    deadline: Deadline,
    timeout_s: float | None = None,
    **params: Any,
) -> Iterator[str]:
    """Yield the reply's text pieces as they arrive.

    ``timeout_s`` caps one request (connect, and each wait for the next chunk), so a server
    that hangs leaves time in the budget for a retry.

    Raises:
        ServiceError: the request failed, the stream broke or held a malformed chunk, it ended
            without a finish reason, or the deadline passed while it was still coming.

    """
    try:
        stream = client.chat.completions.create(
            model=model,
            messages=messages,
            stream=True,
            timeout=_timeout(deadline, timeout_s),
            **params,
        )
    except Exception as exc:
        raise describe_error(exc) from exc
    finished = False
    try:
        for chunk in stream:
            if deadline.expired:
                raise ServiceError("timeout (turn budget)")
            for choice in chunk.choices or ():
                content = getattr(choice.delta, "content", None) if choice.delta else None
                if content:
                    yield content
                if choice.finish_reason:
                    finished = True
    except ServiceError:
        raise
    except Exception as exc:
        raise describe_error(exc) from exc
    finally:
        stream.close()
    if not finished:
        raise ServiceError("stream ended early")


def complete(
    client: Any,
    *,
    model: str,
    messages: list[dict[str, str]],
    deadline: Deadline,
    timeout_s: float | None = None,
    **params: Any,
) -> str:
    """The whole reply of one non-streamed request.

    Raises:
        ServiceError: the request failed or the answer had no text.

    """
    try:
        response = client.chat.completions.create(
            model=model,
            messages=messages,
            timeout=_timeout(deadline, timeout_s),
            **params,
        )
        text = response.choices[0].message.content if response.choices else None
    except Exception as exc:
        raise describe_error(exc) from exc
    if not text:
        raise ServiceError("empty reply")
    return text


def with_retries(
    attempt: Callable[[], str], deadline: Deadline, backoff: Backoff | None = None
) -> str:
    """Run ``attempt`` until it succeeds, retrying retryable failures inside the deadline.

    Raises:
        ServiceError: the last failure, once no further attempt fits in the budget.

    """
    backoff = backoff or Backoff()
    while True:
        try:
            return attempt()
        except ServiceError as exc:
            if not exc.retryable or not backoff.wait(deadline):
                raise
