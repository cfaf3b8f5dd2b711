"""Where a spoken turn ends: voice activity over a live microphone stream.

A phone call has no record button. :class:`Endpointer` takes the microphone's audio in chunks
as the browser streams it, asks Silero's detector (:mod:`simulator.voice.vad`) which 32 ms
windows are speech, and hands back the utterance — as a WAV the recording check and the
recogniser read — once the trainee has spoken and then paused for ``pause`` seconds. It also
says when speech *starts*, which is what lets a page stop the customer's playback (barge-in),
and hands out the utterance so far at the first short pause (``early``), so that recognition can
start before the turn is over (:mod:`simulator.voice.early`); the finished utterance keeps only
that much trailing silence, so its bytes are the same when the trainee did not speak on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.voice.decode import SAMPLE_RATE, resample, wav_bytes
from simulator.voice.vad import SPEECH_PROB, WINDOW, speech_probabilities

__all__ = ["Endpointer", "Heard"]


@dataclass(frozen=True)
class Heard:
    """What one chunk of the stream changed."""

    started: bool = False
    """Speech began in this chunk (a page stops the customer's playback)."""
    utterance: bytes | None = None
    """A finished utterance as 16 kHz mono WAV, once the trainee paused."""
    so_far: bytes | None = None
    """The utterance as it will be if the trainee says no more: 16 kHz mono WAV, handed out
    once per pause after ``early`` seconds of silence (recognition may start on it)."""


@dataclass
class Endpointer:
    """Cuts a live stream into utterances at natural pauses.

    Args:
        pause: seconds of non-speech after speech that end the turn.
        min_speech: seconds of speech before a turn counts as begun (a cough does not).
        max_seconds: a turn longer than this is cut here.
        lead: seconds kept before the first speech window (the onset of the first syllable).
        early: seconds of silence after speech at which :attr:`Heard.so_far` is handed out;
            the finished utterance keeps this much trailing silence (at most ``pause``).

    """

    pause: float = 0.8
    min_speech: float = 0.25
    max_seconds: float = 30.0
    lead: float = 0.3
    early: float = 0.3
    _pending: list = field(default_factory=list, repr=False)
    _audio: list = field(default_factory=list, repr=False)
    _speech_windows: int = 0
    _silent_windows: int = 0
    _speaking: bool = False

    def reset(self) -> None:
        """Forget everything heard so far."""
        self._pending, self._audio = [], []
        self._speech_windows = self._silent_windows = 0
        self._speaking = False

    def feed(self, samples, rate: int) -> Heard:
        """Add a chunk (float or int16 samples, any rate, mono or channels last)."""
        import numpy as np

        chunk = np.asarray(samples)
        if chunk.dtype.kind in "iu":
            chunk = chunk.astype(np.float32) / 32768.0
        if chunk.ndim > 1:
            chunk = chunk.mean(axis=1)  # average, never sum: a loud stereo mic stays unclipped
        self._pending.append(resample(chunk.astype(np.float32), rate))
        pending = np.concatenate(self._pending)
        whole = len(pending) // WINDOW * WINDOW
        self._pending = [pending[whole:]]
        started, finished, so_far = False, False, None
        if whole:
            windows = pending[:whole]
            probs = speech_probabilities(windows)
            if probs is None:
                raise RuntimeError("no voice activity detector: install faster-whisper")
            for i, prob in enumerate(probs[: whole // WINDOW]):
                self._audio.append(windows[i * WINDOW : (i + 1) * WINDOW])
                began, ended = self._step(prob >= SPEECH_PROB)
                started |= began
                if self._speaking and self._silent_windows == self._early_windows():
                    so_far = self._snapshot()
                if ended:  # the rest of the chunk belongs to what comes next
                    finished = True
                    self._pending.insert(0, windows[(i + 1) * WINDOW :])
                    break
        if finished or self._too_long():
            return Heard(started=started, utterance=self._cut())
        return Heard(started=started, so_far=so_far)

    def _early_windows(self) -> int:
        import math

        return max(1, math.ceil(min(self.early, self.pause) * SAMPLE_RATE / WINDOW))

    def _snapshot(self) -> bytes:
        import numpy as np

        audio = np.concatenate(self._audio) if self._audio else np.zeros(0, np.float32)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
        return wav_bytes(pcm)

    def _step(self, is_speech: bool) -> tuple[bool, bool]:
        """One window: (speech began here, the turn ended here)."""
        per_second = SAMPLE_RATE / WINDOW
        if is_speech:
            self._speech_windows += 1
            self._silent_windows = 0
            if not self._speaking and self._speech_windows >= self.min_speech * per_second:
                self._speaking = True
                return True, False
            return False, False
        self._silent_windows += 1
        if not self._speaking:
            # before the turn: keep only a short lead-in, and let stray blips fade
            keep = int(self.lead * per_second) + self._speech_windows + 1
            del self._audio[:-keep]
            if self._silent_windows > self.pause * per_second:
                self._speech_windows = 0
            return False, False
        return False, self._silent_windows >= self.pause * per_second

    def _too_long(self) -> bool:
        return self._speaking and len(self._audio) * WINDOW > self.max_seconds * SAMPLE_RATE

    def _cut(self) -> bytes:
        extra = self._silent_windows - self._early_windows()
        if extra > 0:  # trailing silence as at the early hand-out: the same bytes
            del self._audio[len(self._audio) - extra :]
        wav = self._snapshot()
        self._audio = []
        self._speech_windows = self._silent_windows = 0
        self._speaking = False
        return wav
