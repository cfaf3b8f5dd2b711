"""Errors shared by modules that must not import each other (the engine and the LLM layer)."""

from __future__ import annotations

__all__ = ["EngineError"]


class EngineError(ValueError):
    """An unknown engine name, or an engine that cannot run here.

    Raised by :mod:`simulator.engine` (re-exported there) and by :mod:`simulator.llm` when the
    LLM engine or classifier is asked for with no LLM configured; the message names the
    variables to set.
    """
