"""Choosing the customer's renderer by name (``CALLSIM_ENGINE``): one factory, no branches elsewhere."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from simulator.errors import EngineError
from simulator.persona import LoadedPersona
from simulator.render import Renderer, TemplateRenderer
from simulator.understand import Understanding, understand

__all__ = ["ENGINES", "EngineError", "build_renderer", "build_understander", "engine_name"]


def _scripted(loaded: LoadedPersona, seed: int) -> Renderer:
    return TemplateRenderer(loaded, seed=seed)


def _llm(loaded: LoadedPersona, seed: int) -> Renderer:
    # Imported here: the offline default must not load the openai SDK.
    module = importlib.import_module("simulator.llm")
    return module.build_llm_renderer(loaded, seed=seed)


ENGINES: dict[str, Callable[[LoadedPersona, int], Renderer]] = {
    "scripted": _scripted,
    "llm": _llm,
}


def engine_name(name: str | None = None) -> str:
    """The engine to use: ``name``, else ``CALLSIM_ENGINE``, else ``scripted``."""
    return (name or os.environ.get("CALLSIM_ENGINE") or "scripted").strip().lower()


def build_renderer(loaded: LoadedPersona, *, seed: int = 0, name: str | None = None) -> Renderer:
    """A renderer for this persona.

    Raises:
        EngineError: the name is unknown (the message lists the known ones).
    """
    chosen = engine_name(name)
    if chosen not in ENGINES:
        raise EngineError(
            f"unknown engine {chosen!r} (CALLSIM_ENGINE); known: {', '.join(ENGINES)}"
        )
    return ENGINES[chosen](loaded, seed)


def build_understander(enabled: bool | None = None) -> Callable[..., Understanding]:
    """The rules, plus the LLM act classifier when ``CALLSIM_LLM_CLASSIFIER=1`` and an LLM is set.

    The classifier only adds acts the rules missed; any failure leaves the rules' answer.
    """
    if enabled is None:
        enabled = os.environ.get("CALLSIM_LLM_CLASSIFIER", "").strip().lower() in (
            "1",
            "on",
            "true",
        )
    if not enabled:
        return understand
    llm = importlib.import_module("simulator.llm")
    if not llm.available():
        raise EngineError(
            "CALLSIM_LLM_CLASSIFIER is on but no LLM is configured: set OPENAI_BASE_URL "
            "and/or OPENAI_API_KEY (and CALLSIM_LLM_MODEL)"
        )
    return llm.LLMClassifier(understand)
