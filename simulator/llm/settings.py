"""LLM settings from the environment, and the openai client built lazily from them.

The openai SDK raises at construction when it has no key, so nothing here builds a client until
a turn needs one. The SDK's own retries are off (``max_retries=0``): the callers retry with
backoff inside their own per-turn time budget, which the SDK cannot know about.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_MODEL",
    "LLMSettings",
    "LLMUnavailable",
    "available",
    "client_factory",
]

DEFAULT_MODEL = "gpt-4o-mini"
# Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the SDK insists on one.
LOCAL_KEY = "not-needed"


class LLMUnavailable(RuntimeError):
    """No LLM is configured (no ``OPENAI_API_KEY`` and no ``OPENAI_BASE_URL``)."""


@dataclass(frozen=True)
class LLMSettings:
    """Where the model is and how long a request may take."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    """``OPENAI_BASE_URL``; None means the SDK's default (api.openai.com)."""
    api_key: str | None = None
    timeout_s: float = 10.0
    """The client's own timeout; callers pass a smaller one per request from their budget."""

    @property
    def configured(self) -> bool:
        """True when a request could be made: a key, or a (local) server to ask."""
        return bool(self.api_key or self.base_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """Read ``CALLSIM_LLM_MODEL``, ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``."""
        env = os.environ if env is None else env
        return cls(
            model=(env.get("CALLSIM_LLM_MODEL") or "").strip() or DEFAULT_MODEL,
            base_url=(env.get("OPENAI_BASE_URL") or "").strip() or None,
            api_key=(env.get("OPENAI_API_KEY") or "").strip() or None,
        )

    def describe(self) -> str:
        """One line for logs and the UI, without the key."""
        where = self.base_url or "api.openai.com"
        return f"{self.model} @ {where}" + ("" if self.configured else " (not configured)")


def available(env: Mapping[str, str] | None = None) -> bool:
    """True when the environment configures an LLM (a key or a base URL)."""
    return LLMSettings.from_env(env).configured


def client_factory(settings: LLMSettings) -> Callable[[], Any]:
    """A function that builds the openai client on first call and returns the same one after.

    Raises (when called):
        LLMUnavailable: the settings name no key and no server.

    """
    lock = threading.Lock()
    built: list[Any] = []

    def get() -> Any:
        with lock:
            if not built:
                if not settings.configured:
                    raise LLMUnavailable("no LLM configured: set OPENAI_API_KEY or OPENAI_BASE_URL")
                from openai import OpenAI  # imported here: the offline default never loads it

                built.append(
                    OpenAI(
                        api_key=settings.api_key or LOCAL_KEY,
                        base_url=settings.base_url,
                        timeout=settings.timeout_s,
                        max_retries=0,
                    )
                )
            return built[0]

    return get
