"""Speech recognition backends for the trainee's Mandarin, chosen by name.

``build_asr(name)`` is the one factory: ``google`` (zh-CN, online), ``openai`` (any
OpenAI-compatible ``/v1/audio/transcriptions`` at ``OPENAI_BASE_URL``), ``faster-whisper``
(offline: the bundled base model, see :mod:`simulator.voice.whisper`), ``none`` (typed input
only) and ``auto`` (the first that is configured and reachable, else ``none``). Every failure is
an :class:`ASRError` with a Chinese message for the trainee and an English reason for the logs;
:func:`transcribe` hands the call's vocabulary to backends that can use it.
"""

from __future__ import annotations

import io
import logging
import math
import os
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from simulator.voice.base import ASR, ASRError, Transcript, UnknownBackend
from simulator.voice.whisper import WhisperASR

__all__ = [
    "ASR_NAMES",
    "FasterWhisperASR",
    "GoogleASR",
    "NoneASR",
    "OpenAIASR",
    "WhisperASR",
    "build_asr",
    "choose_asr",
    "tcp_probe",
    "transcribe",
]

log = logging.getLogger(__name__)

ASR_NAMES = ("auto", "google", "openai", "faster-whisper", "none")

UNREACHABLE = "语音识别服务暂时连不上，请直接打字。"
NOT_HEARD = "没听清您说的话，请再说一遍，或者直接打字。"
NOT_SET_UP = "语音识别还没有配置好，请直接打字。"
SERVICE_ERROR = "语音识别服务出错了，请稍后再说一遍，或者直接打字。"
KEY_REJECTED = "语音识别服务拒绝了访问，请直接打字，并告诉培训管理员检查密钥。"
TIMED_OUT = "语音识别超时了，请再说一遍，或者直接打字。"
TYPED_ONLY = "语音识别没有开启，请直接打字。"


def tcp_probe(host: str, port: int, timeout: float = 1.5) -> str | None:
    """``None`` when a TCP connection to ``host:port`` opens in time, else the reason."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return f"cannot reach {host}:{port} ({exc.strerror or type(exc).__name__})"


def _audio_data(wav: bytes):
    """SpeechRecognition's ``AudioData`` for a checked WAV."""
    import speech_recognition as sr

    with sr.AudioFile(io.BytesIO(wav)) as source:
        return sr.Recognizer().record(source)


class NoneASR:
    """No recogniser: the trainee types."""

    name = "none"

    def __init__(self, why: str = "CALLSIM_ASR=none") -> None:
        self.why = why

    def transcribe(self, wav: bytes) -> Transcript:
        """Always refuse: typing is the input."""
        raise ASRError(TYPED_ONLY, f"no speech recogniser ({self.why})")


class GoogleASR:
    """Google's free web speech API through SpeechRecognition (online).

    Args:
        language: BCP-47 tag.
        timeout: seconds for the request.
        endpoint: the API URL (tests point it at a local server).

    """

    name = "google"

    def __init__(
        self, language: str = "zh-CN", timeout: float = 8.0, endpoint: str | None = None
    ) -> None:
        self.language = language
        self.timeout = timeout
        self.endpoint = endpoint

    def probe(self) -> str | None:
        """``None`` when the service's host answers, else why not."""
        url = urlsplit(self.endpoint or "http://www.google.com/speech-api/v2/recognize")
        return tcp_probe(url.hostname or "", url.port or (443 if url.scheme == "https" else 80))

    def transcribe(self, wav: bytes) -> Transcript:
        """Recognise Mandarin; see :meth:`simulator.voice.base.ASR.transcribe`."""
        import speech_recognition as sr

        recognizer = sr.Recognizer()
        recognizer.operation_timeout = self.timeout
        extra = {"endpoint": self.endpoint} if self.endpoint else {}
        try:
            text, confidence = recognizer.recognize_google(
                _audio_data(wav), language=self.language, with_confidence=True, **extra
            )
        except sr.UnknownValueError as exc:
            raise ASRError(NOT_HEARD, "google heard no words", retry=True) from exc
        except sr.RequestError as exc:
            raise ASRError(UNREACHABLE, f"google: {exc}") from exc
        except (TimeoutError, OSError) as exc:
            raise ASRError(TIMED_OUT, f"google: {type(exc).__name__}: {exc}", retry=True) from exc
        if not text.strip():
            raise ASRError(NOT_HEARD, "google returned empty text", retry=True)
        return Transcript(text=text.strip(), confidence=float(confidence), backend=self.name)


class OpenAIASR:
    """An OpenAI-compatible ``/v1/audio/transcriptions`` endpoint.

    SpeechRecognition's ``recognize_openai`` builds its own client with a 10-minute timeout
    and retries, so this adapter calls the openai client directly, bounded.

    Args:
        model: transcription model (default ``CALLSIM_ASR_MODEL``, else ``whisper-1``).
        base_url: the server (default ``OPENAI_BASE_URL``, else OpenAI).
        api_key: default ``OPENAI_API_KEY``; a local server without keys gets a placeholder.
        timeout: seconds for the request.

    """

    name = "openai"

    def __init__(
        self,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 20.0,
        language: str = "zh",
    ) -> None:
        self.model = model or os.environ.get("CALLSIM_ASR_MODEL") or "whisper-1"
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
        self.timeout = timeout
        self.language = language
        self._client = None

    def configured(self) -> str | None:
        """``None`` when there is a key or a server to talk to, else why not."""
        if self.api_key or self.base_url:
            return None
        return "no OPENAI_API_KEY and no OPENAI_BASE_URL"

    def probe(self) -> str | None:
        """``None`` when configured and the server's host answers, else why not."""
        missing = self.configured()
        if missing:
            return missing
        url = urlsplit(self.base_url or "https://api.openai.com/v1")
        return tcp_probe(url.hostname or "", url.port or (443 if url.scheme == "https" else 80))

    def _get_client(self):
        if self._client is None:
            missing = self.configured()
            if missing:
                raise ASRError(NOT_SET_UP, f"openai: {missing}")
            import openai

            # A client with no key raises at construction, so it is built on first use.
            self._client = openai.OpenAI(
                api_key=self.api_key or "not-needed",
                base_url=self.base_url,
                timeout=self.timeout,
                max_retries=0,
            )
        return self._client

    def transcribe(self, wav: bytes) -> Transcript:
        """Recognise Mandarin; see :meth:`simulator.voice.base.ASR.transcribe`."""
        import openai

        client = self._get_client()
        upload = io.BytesIO(wav)
        upload.name = "recording.wav"
        where = self.base_url or "api.openai.com"
        try:
            result = client.audio.transcriptions.create(
                file=upload, model=self.model, language=self.language
            )
        except openai.APITimeoutError as exc:
            raise ASRError(TIMED_OUT, f"openai at {where}: timed out", retry=True) from exc
        except openai.APIConnectionError as exc:
            raise ASRError(UNREACHABLE, f"openai at {where}: cannot connect ({exc})") from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ASRError(KEY_REJECTED, f"openai at {where}: key rejected ({exc})") from exc
        except openai.APIStatusError as exc:
            raise ASRError(
                SERVICE_ERROR, f"openai at {where}: HTTP {exc.status_code}", retry=True
            ) from exc
        except openai.OpenAIError as exc:
            raise ASRError(SERVICE_ERROR, f"openai at {where}: {exc}", retry=True) from exc
        text = (result if isinstance(result, str) else getattr(result, "text", "") or "").strip()
        if not text:
            raise ASRError(NOT_HEARD, f"openai at {where}: empty transcript", retry=True)
        return Transcript(text=text, confidence=_logprob_confidence(result), backend=self.name)


def _logprob_confidence(result: object) -> float | None:
    """exp(mean token log-probability) when the server sent log-probabilities."""
    logprobs = getattr(result, "logprobs", None)
    values = [getattr(item, "logprob", None) for item in logprobs or []]
    values = [v for v in values if isinstance(v, int | float)]
    return math.exp(sum(values) / len(values)) if values else None


FasterWhisperASR = WhisperASR
"""The name this backend had before it moved to :mod:`simulator.voice.whisper`."""


def transcribe(asr: ASR, wav: bytes, hints: Sequence[str] = ()) -> Transcript:
    """``asr`` on ``wav``, primed with ``hints`` where the backend takes them; simplified text.

    Every recogniser's words go through ``to_simplified`` here, so nothing downstream ever
    reads traditional characters, whichever backend heard them.
    """
    from simulator.understand.simplify import to_simplified

    if hints and getattr(asr, "takes_hints", False):
        heard = asr.transcribe(wav, hints=tuple(hints))
    else:
        heard = asr.transcribe(wav)
    text = to_simplified(heard.text)
    if text == heard.text:
        return heard
    return Transcript(text=text, confidence=heard.confidence, backend=heard.backend)


def choose_asr() -> tuple[ASR, list[str]]:
    """What ``auto`` means here: the first configured, reachable backend, and why the others not.

    Order: ``openai`` (when a key or base URL is set and answers), ``faster-whisper`` (when
    installed with a model: the bundled one by default, so a fresh offline machine has it),
    ``google`` (when its host answers), else ``none``.
    """
    reasons: list[str] = []
    for backend in (OpenAIASR(), WhisperASR(), GoogleASR()):
        why = backend.probe()
        if why is None:
            return backend, reasons
        reasons.append(f"{backend.name}: {why}")
    return NoneASR("auto found no recogniser: " + "; ".join(reasons)), reasons


def build_asr(name: str | None = None, *, warm: bool = False) -> ASR:
    """The ASR backend called ``name`` (default: ``CALLSIM_ASR``, else ``auto``).

    Args:
        name: ``auto``, ``google``, ``openai``, ``faster-whisper`` or ``none``.
        warm: start loading a local model now, in the background (the app does, at start),
            so that the first recording does not wait for it.

    Raises:
        UnknownBackend: for any other name, listing the known ones.

    """
    backend = _build(name)
    if warm and hasattr(backend, "warm"):
        backend.warm()
    return backend


def _build(name: str | None) -> ASR:
    chosen = (name or os.environ.get("CALLSIM_ASR") or "auto").strip().lower()
    if chosen == "google":
        return GoogleASR()
    if chosen == "openai":
        return OpenAIASR()
    if chosen in ("faster-whisper", "faster_whisper"):
        return WhisperASR()
    if chosen == "none":
        return NoneASR()
    if chosen == "auto":
        backend, reasons = choose_asr()
        log.info("CALLSIM_ASR=auto chose %s (%s)", backend.name, "; ".join(reasons) or "first")
        return backend
    raise UnknownBackend(
        f"unknown ASR backend {chosen!r} (CALLSIM_ASR); known: {', '.join(ASR_NAMES)}"
    )
