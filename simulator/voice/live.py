"""Hands-free turns for a page: microphone chunks in, finished utterances out as WAV files.

gradio's streaming microphone sends ``(rate, samples)`` every fraction of a second; a page keeps
one :class:`~simulator.voice.endpoint.Endpointer` per trainee (in ``gr.State``) and calls
:func:`hear_chunk` with each. When the trainee pauses, the utterance is written to a private
temporary folder and its path handed back, to go through the same path as a click-to-talk
recording (checked, recognised, answered). :data:`BARGE_IN_JS` stops the customer's playback in
the browser when the trainee starts to speak over it and reports how much of it was heard, so
that the line can be cut there (:mod:`simulator.voice.barge`).
"""

from __future__ import annotations

import functools
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from simulator.voice.endpoint import Endpointer

__all__ = ["BARGE_IN_JS", "KEEP_FILES", "TRACK_MEDIA_JS", "hear_chunk"]

KEEP_FILES = 200
"""Utterance files kept in the temporary folder; older ones are removed as new ones come."""

TRACK_MEDIA_JS = """() => {
  if (window.callsimPlaying) { return; }
  const playing = new Set();
  window.callsimPlaying = playing;
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (...args) {
    playing.forEach((m) => { if (m.paused || m.ended) { playing.delete(m); } });
    playing.add(this);
    return play.apply(this, args);
  };
}"""
"""Runs once when the page loads: remembers the media elements the page starts playing. gradio's
player (WaveSurfer) plays the customer through an ``<audio>`` it never puts in the page, so
:data:`BARGE_IN_JS` could not find it otherwise."""

BARGE_IN_JS = """() => {
  const media = new Set(document.querySelectorAll("#reply-audio audio"));
  (window.callsimPlaying || new Set()).forEach((m) => media.add(m));
  let heard = "";
  media.forEach((a) => {
    if (a.paused || a.ended) { return; }
    a.pause();
    if (isFinite(a.duration) && a.duration > 0) {
      heard = JSON.stringify({played: a.currentTime, duration: a.duration, at: Date.now()});
    }
  });
  return heard;
}"""
"""Runs in the browser when the trainee starts speaking: the customer stops talking, and the
page is told how far the reply had played (JSON for :func:`simulator.voice.barge.parse_played`,
or empty when nothing was playing)."""


@functools.cache
def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="callsim-live-"))


def _write(wav: bytes) -> str:
    folder = _folder()
    path = folder / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.wav"
    path.write_bytes(wav)
    old = sorted(folder.glob("*.wav"))[:-KEEP_FILES]
    for stale in old:  # they were read by the turn they started long ago
        stale.unlink(missing_ok=True)
    return str(path)


def hear_chunk(
    ear: Endpointer | None, chunk, on_pause: Callable[[bytes], None] | None = None
) -> tuple[Endpointer, str | None, bool]:
    """Feed one streamed chunk; ``(ear, utterance file or None, speech started)``.

    ``chunk`` is gradio's ``(rate, samples)``; ``None`` (the stream stopped) resets the ear.
    ``on_pause`` gets the utterance so far (WAV bytes) at the first short pause, to start
    recognising it early (:meth:`simulator.services.Services.recognise_early`).
    """
    ear = ear if ear is not None else Endpointer()
    if chunk is None:
        ear.reset()
        return ear, None, False
    rate, samples = chunk
    heard = ear.feed(samples, int(rate))
    if heard.so_far and on_pause is not None:
        on_pause(heard.so_far)
    return ear, (_write(heard.utterance) if heard.utterance else None), heard.started
