"""Offline Mandarin speech from espeak-ng.

The first route is the ``espeakng-loader`` wheel's libespeak-ng through ctypes, so
``pip install`` alone gives offline speech; the second is the Debian ``espeak-ng`` binary.
Mandarin only sounds right with the voice ``cmn-latn-pinyin`` (plain ``cmn`` reads pinyin
letters as English).
"""

from __future__ import annotations

import ctypes
import io
import logging
import shutil
import subprocess
import tempfile
import threading
import wave
from pathlib import Path

from simulator.persona import Voice
from simulator.voice.base import NEUTRAL, Clip, Prosody, TTSError
from simulator.voice.pronounce import PRONUNCIATION_VERSION, to_pinyin

__all__ = ["ESPEAK_VOICE", "EspeakTTS", "espeak_settings", "library_status"]

log = logging.getLogger(__name__)

ESPEAK_VOICE = "cmn-latn-pinyin"
_AUDIO_OUTPUT_SYNCHRONOUS = 2  # espeak_Initialize's name for output mode 0x01 (synchronous)
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
# The clearer voice (measured in bench/voice_asr.py: the round trip through Whisper errs least):
# slower than espeak's 175 words (here: syllables) a minute, a little higher, and the widest
# pitch range, so that the four tones are told apart.
CLEAR_RATE, CLEAR_PITCH, CLEAR_RANGE = 150, 60, 100
PLAIN_RATE, PLAIN_PITCH, PLAIN_RANGE = 175, 50, 50
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def espeak_settings(
    voice: Voice, prosody: Prosody, clear: bool = True
) -> tuple[str, int, int, int]:
    """Espeak's voice name, rate (words/min), pitch (0-99) and amplitude (0-200).

    ``clear`` starts from the clearer voice's rate and pitch, else from espeak's defaults.
    """
    name = ESPEAK_VOICE + (f"+{voice.espeak_variant}" if voice.espeak_variant else "")
    base_rate, base_pitch = (CLEAR_RATE, CLEAR_PITCH) if clear else (PLAIN_RATE, PLAIN_PITCH)
    rate = round(base_rate * (1 + prosody.rate_for(voice) / 100))
    pitch = round(base_pitch + 2 * prosody.pitch_for(voice))
    amplitude = round(100 * (1 + prosody.volume_pct / 100))
    return name, max(80, min(450, rate)), max(0, min(99, pitch)), max(0, min(200, amplitude))


def _wav(samples: bytes, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples)
    return out.getvalue()


class _Engine:
    """libespeak-ng, loaded once: the library is one global engine per process."""

    def __init__(self) -> None:
        import espeakng_loader

        data_path = Path(espeakng_loader.get_data_path())
        if not (data_path / "cmn_dict").exists():
            raise TTSError(f"espeak data at {data_path} has no Mandarin dictionary (cmn_dict)")
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_path).encode(), 0)
        if self.rate <= 0:
            raise TTSError(f"libespeak-ng failed to initialise with data at {data_path}")
        self.lib = lib
        self.chunks: list[bytes] = []
        self.callback = _CALLBACK(self._collect)  # kept alive as long as the engine
        lib.espeak_SetSynthCallback(self.callback)
        self.voice = ""

    def _collect(self, wav: ctypes.POINTER(ctypes.c_short), count: int, _events: int) -> int:
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = carry on

    def speak(
        self,
        text: str,
        voice: str,
        rate: int,
        pitch: int,
        amplitude: int,
        pitch_range: int = PLAIN_RANGE,
    ) -> bytes:
        if voice != self.voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise TTSError(f"libespeak-ng has no voice {voice!r}")
            self.voice = voice
        settings = ((_RATE, rate), (_PITCH, pitch), (_VOLUME, amplitude), (_RANGE, pitch_range))
        for parameter, value in settings:
            self.lib.espeak_SetParameter(parameter, value, 0)
        self.chunks = []
        encoded = text.encode("utf-8")
        status = self.lib.espeak_Synth(
            encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != 0:
            raise TTSError(f"libespeak-ng espeak_Synth failed with status {status}")
        return b"".join(self.chunks)


_engine: _Engine | None = None
_engine_error: str | None = None
_engine_lock = threading.Lock()  # espeak's engine is global: serialise every call


def _get_engine() -> _Engine:
    """The process's engine; raises the first load error again on every later call."""
    global _engine, _engine_error
    if _engine is None:
        if _engine_error is not None:
            raise TTSError(_engine_error)
        try:
            _engine = _Engine()
        except ModuleNotFoundError:
            _engine_error = "espeakng-loader is not installed (pip install espeakng-loader)"
        except (OSError, RuntimeError, AttributeError) as exc:
            _engine_error = f"libespeak-ng could not be loaded: {exc}"
        except TTSError as exc:
            _engine_error = str(exc)
        if _engine is None:
            raise TTSError(_engine_error)
    return _engine


def library_status() -> str | None:
    """``None`` when libespeak-ng loads and speaks Mandarin, else the English reason."""
    try:
        with _engine_lock:
            _get_engine().speak("你好", ESPEAK_VOICE, 175, 50, 100)
    except TTSError as exc:
        return str(exc)
    return None


class EspeakTTS:
    """espeak-ng Mandarin, from the library or else the binary.

    Args:
        route: ``"auto"`` (library, then binary), ``"library"`` or ``"binary"``.
        binary: the espeak-ng executable for the binary route.
        timeout: limit in seconds for the binary route.
        pronounce: read Chinese through the project's pronunciation (pypinyin and a dictionary
            of this domain's polyphones, numbers and dates as people say them), hand espeak
            numbered pinyin and speak with the clearer rate, pitch and pitch range; ``False``
            is the voice before #14: espeak reads the characters itself, at its defaults.

    """

    name = "espeak"

    def __init__(
        self,
        route: str = "auto",
        binary: str = "espeak-ng",
        timeout: float = 5.0,
        pronounce: bool = True,
    ):
        if route not in ("auto", "library", "binary"):
            raise ValueError(f"espeak route must be auto, library or binary, not {route!r}")
        self.route = route
        self.binary = binary
        self.timeout = timeout
        self.pronounce = pronounce
        self.cache_tag = PRONUNCIATION_VERSION if pronounce else "plain"
        """Part of the clip cache's key: a changed pronunciation is never served stale."""

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """Speak ``text``; see :meth:`simulator.voice.base.TTS.synthesize`."""
        settings = espeak_settings(voice, prosody, clear=self.pronounce)
        pitch_range = CLEAR_RANGE if self.pronounce else PLAIN_RANGE
        if self.pronounce:
            text = to_pinyin(text)
        reasons: list[str] = []
        if self.route in ("auto", "library"):
            try:
                with _engine_lock:
                    samples = _get_engine().speak(text, *settings, pitch_range)
                    rate = _get_engine().rate
                if samples:
                    return Clip(data=_wav(samples, rate), format="wav", backend=self.name)
                reasons.append("libespeak-ng produced no samples")
            except TTSError as exc:
                reasons.append(str(exc))
            if self.route == "auto":
                log.info("espeak library failed (%s); trying the binary", reasons[-1])
        if self.route in ("auto", "binary"):
            try:
                return Clip(data=self._run_binary(text, *settings), format="wav", backend=self.name)
            except TTSError as exc:
                reasons.append(str(exc))
        raise TTSError("; ".join(reasons))

    def _run_binary(self, text: str, voice: str, rate: int, pitch: int, amplitude: int) -> bytes:
        exe = shutil.which(self.binary)
        if exe is None:
            raise TTSError(f"the {self.binary} binary is not on PATH")
        with tempfile.TemporaryDirectory(prefix="callsim-espeak-") as tmp:
            out = Path(tmp) / "out.wav"
            command = [exe, "-v", voice, "-s", str(rate), "-p", str(pitch), "-a", str(amplitude)]
            try:
                done = subprocess.run(
                    [*command, "-w", str(out), "--stdin"],
                    input=text.encode("utf-8"),
                    capture_output=True,
                    timeout=self.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise TTSError(f"{self.binary} took more than {self.timeout:g} s") from exc
            data = out.read_bytes() if out.exists() else b""
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise TTSError(f"{self.binary} failed: {detail[-1] if detail else done.returncode}")
        if len(data) <= 44 or data[:4] != b"RIFF":
            raise TTSError(f"{self.binary} wrote no audio")
        return data
