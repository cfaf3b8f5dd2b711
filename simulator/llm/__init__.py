"""LLM customers over any OpenAI-compatible API: the policy decides, the model speaks.

Configured by ``CALLSIM_ENGINE=llm``, ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and
``CALLSIM_LLM_MODEL``. The openai SDK is imported only when a request is made, so the offline
default never loads it.
"""

from __future__ import annotations

from simulator.errors import EngineError
from simulator.llm.classify import LLMClassifier, parse_acts
from simulator.llm.guard import ReplyGuard, build_guard
from simulator.llm.renderer import LLMRenderer, StreamedReply, TurnTrace
from simulator.llm.settings import LLMSettings, LLMUnavailable, available, client_factory
from simulator.llm.stream import speak_streaming, split_sentences, stream_sentences
from simulator.persona import LoadedPersona

__all__ = [
    "LLMClassifier",
    "LLMRenderer",
    "LLMSettings",
    "LLMUnavailable",
    "ReplyGuard",
    "StreamedReply",
    "TurnTrace",
    "available",
    "build_guard",
    "build_llm_renderer",
    "client_factory",
    "parse_acts",
    "speak_streaming",
    "split_sentences",
    "stream_sentences",
]


def build_llm_renderer(loaded: LoadedPersona, *, seed: int = 0) -> LLMRenderer:
    """The renderer ``CALLSIM_ENGINE=llm`` selects (used by ``simulator.engine``).

    Raises:
        EngineError: no LLM is configured; the message names the variables to set.

    """
    settings = LLMSettings.from_env()
    if not settings.configured:
        raise EngineError(
            "CALLSIM_ENGINE=llm needs OPENAI_API_KEY or OPENAI_BASE_URL "
            "(and CALLSIM_LLM_MODEL for a model other than the default)"
        )
    return LLMRenderer(loaded, settings=settings, seed=seed)
