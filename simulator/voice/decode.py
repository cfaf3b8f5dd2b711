"""Decoding a recording to 16 kHz mono 16-bit samples, mixing channels down without clipping.

PCM WAV (what gradio's microphone sends) is read here with numpy: channels are *averaged*, so a
loud stereo recording stays within full scale (SpeechRecognition's ``AudioFile`` adds them,
which clipped a −4 dBFS stereo file). Everything else (FLAC, AIFF, float WAV, webm, ogg, mp3)
goes through PyAV when it is installed (it comes with faster-whisper), else the ``ffmpeg``
binary; both average channels as well.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

__all__ = ["DecodeError", "SAMPLE_RATE", "decode", "resample", "wav_bytes"]

SAMPLE_RATE = 16_000


class DecodeError(Exception):
    """The audio cannot be decoded.

    Attributes:
        code: ``corrupt`` (damaged data) or ``unsupported`` (no decoder for it).

    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def wav_bytes(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Mono 16-bit ``pcm`` wrapped as a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


def resample(samples, rate: int, target: int = SAMPLE_RATE):
    """``samples`` (float, mono) at ``target`` Hz; a windowed-sinc low-pass before decimating."""
    import numpy as np

    if rate == target or len(samples) == 0:
        return samples.astype(np.float32)
    if target < rate:  # keep what the target rate can carry, and no aliases of the rest
        cutoff = 0.5 * target / rate * 0.9
        taps = np.arange(-32, 33)
        kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
        samples = np.convolve(samples, kernel / kernel.sum(), mode="same")
    count = int(round(len(samples) * target / rate))
    positions = np.arange(count) * (rate / target)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def _to_pcm16(samples) -> bytes:
    import numpy as np

    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def _wav_pcm(data: bytes, max_seconds: float) -> bytes | None:
    """Integer PCM WAV read with numpy (``None``: not a WAV this reader handles)."""
    import numpy as np

    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frame = channels * width
            # A streamed WAV claims 4 GB in its header: read what is there, capped past the limit.
            wanted = min(w.getnframes(), int(rate * (max_seconds + 1)), len(data) // max(frame, 1))
            raw = w.readframes(wanted)
    except (wave.Error, EOFError, struct.error):
        return None  # float samples, extensible headers …: PyAV or ffmpeg read those
    if rate <= 0 or width not in (1, 2, 3, 4) or channels < 1:
        return None
    raw = raw[: len(raw) // frame * frame]
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        as32 = np.zeros((len(bytes3), 4), np.uint8)
        as32[:, 1:] = bytes3
        samples = as32.view("<i4").ravel().astype(np.float32) / 2**31
    else:
        dtype = "<i2" if width == 2 else "<i4"
        samples = np.frombuffer(raw, dtype).astype(np.float32) / (2 ** (8 * width - 1))
    mono = samples.reshape(-1, channels).mean(axis=1)  # average: never louder than the loudest
    return _to_pcm16(resample(mono, rate))


def _av_pcm(data: bytes, max_seconds: float) -> bytes:
    """Anything PyAV (FFmpeg's libraries) can decode, resampled to 16 kHz mono."""
    import av

    chunks: list[bytes] = []
    limit = int(SAMPLE_RATE * (max_seconds + 1)) * 2
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise DecodeError("unsupported", "no audio stream")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(bytes(out.planes[0])[: out.samples * 2])
                if sum(map(len, chunks)) > limit:
                    break
            for out in resampler.resample(None):
                chunks.append(bytes(out.planes[0])[: out.samples * 2])
    except av.FFmpegError as exc:
        raise DecodeError("corrupt", f"PyAV: {exc}") from exc
    return b"".join(chunks)


def _ffmpeg_pcm(data: bytes, max_seconds: float) -> bytes:
    """Anything the ffmpeg binary can decode, capped just past the limit."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise DecodeError("unsupported", "neither PyAV nor ffmpeg is available to convert it")
    with tempfile.TemporaryDirectory(prefix="callsim-rec-") as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out.wav"
        src.write_bytes(data)
        command = [exe, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(src)]
        command += ["-t", f"{max_seconds + 1:g}", "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE)]
        command += ["-c:a", "pcm_s16le", "-f", "wav", str(out)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=30, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DecodeError("corrupt", "ffmpeg took more than 30 s") from exc
        if done.returncode != 0 or not out.exists():
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DecodeError("corrupt", f"ffmpeg: {lines[-1] if lines else 'failed'}")
        with wave.open(str(out), "rb") as w:
            return w.readframes(w.getnframes())


def _has_pyav() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def decode(data: bytes, fmt: str, max_seconds: float) -> bytes:
    """16 kHz mono 16-bit samples of ``data`` (sniffed as ``fmt``), at most ~``max_seconds`` + 1.

    Raises:
        DecodeError: the data is damaged, or nothing here can decode it.

    """
    if fmt == "wav":
        pcm = _wav_pcm(data, max_seconds)
        if pcm is not None:
            return pcm
    if _has_pyav():
        try:
            return _av_pcm(data, max_seconds)
        except DecodeError:
            if shutil.which("ffmpeg") is None:
                raise
    return _ffmpeg_pcm(data, max_seconds)
