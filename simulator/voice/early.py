"""Early recognition: start recognising at the first short pause, before the turn is over.

A hands-free turn ends after ``pause`` seconds of silence (0.8 s; shorter would cut trainees off
mid-thought). Recognition takes most of a second on two cores, so waiting for the whole pause
before starting it puts both delays end to end. The :class:`~simulator.voice.endpoint.Endpointer`
therefore hands out the utterance *so far* once the trainee has been silent for ``early``
seconds (0.3 s), and cuts the finished utterance to the same samples when the pause completes
without new speech. :class:`EarlyRecognition` starts recognising that WAV on a worker thread;
when the finished turn arrives with identical bytes, the result is taken instead of recognising
again. If the trainee spoke on, the bytes differ and the early result is simply never used
(this is speculative decoding in the streaming-ASR sense; the cost is one wasted decode).

Only backends that run on this machine are asked early (``speculative = True`` on the class):
an online service would be billed for guesses.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor

from simulator.voice.base import ASR, Transcript

__all__ = ["EarlyRecognition"]

log = logging.getLogger(__name__)

Recognise = Callable[[ASR, bytes, Sequence[str]], Transcript]


class EarlyRecognition:
    """Recognitions started early, kept until the finished turn asks for them.

    Args:
        recognise: the function a turn would call, ``(asr, wav, hints) -> Transcript``
            (:func:`simulator.voice.asr.transcribe`); its exceptions reach :meth:`take`.
        keep: how many early recognitions are kept; the oldest is dropped first.

    One worker thread per instance: guesses from many trainees queue rather than take every
    core, and a turn whose guess has not started yet recognises on its own thread as before.
    """

    def __init__(self, recognise: Recognise, keep: int = 16) -> None:
        self._recognise = recognise
        self._keep = keep
        self._jobs: OrderedDict[tuple, Future] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callsim-early-asr")

    @staticmethod
    def _key(asr: ASR, wav: bytes, hints: Sequence[str]) -> tuple:
        return id(asr), hashlib.sha256(wav).digest(), tuple(hints)

    def start(self, asr: ASR, wav: bytes, hints: Sequence[str] = ()) -> bool:
        """Begin recognising ``wav`` in the background; False when ``asr`` is not asked early."""
        if not getattr(asr, "speculative", False):
            return False
        key = self._key(asr, wav, hints)
        with self._lock:
            if key in self._jobs:
                return True
            self._jobs[key] = self._pool.submit(self._recognise, asr, wav, hints)
            while len(self._jobs) > self._keep:
                _, dropped = self._jobs.popitem(last=False)
                dropped.cancel()
        return True

    def take(self, asr: ASR, wav: bytes, hints: Sequence[str] = ()) -> Transcript | None:
        """The early result for exactly these bytes, waiting if it is under way.

        Returns:
            The transcript, or ``None`` when nothing was started for these bytes or it had not
            begun yet (it is cancelled: the caller recognises now, no later than without it).

        Raises:
            Whatever the recogniser raised early (an ``ASRError`` the turn shows as usual).

        """
        with self._lock:
            job = self._jobs.pop(self._key(asr, wav, hints), None)
        if job is None or job.cancel():
            return None
        try:
            return job.result()
        except CancelledError:  # cancelled between the two checks
            return None

    def close(self) -> None:
        """Stop the worker (queued guesses are dropped)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
