"""What the app's pages share, and the path of one spoken turn through them.

``Services`` is built once at start from the environment (offline defaults) and handed to every
page. Its methods run a practice call end to end: dial, hear the trainee (recording or text),
answer in the customer's voice, keep the audio, and score the finished call. Nothing a trainee
said is lost because a later step failed: their words are stored before the customer answers,
and voice or scoring failures become short Chinese notices while the call goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.call import Call, Turn
from simulator.engine import build_renderer, engine_name
from simulator.persona import LoadedPersona, default_personas_dir, load_personas
from simulator.storage import Store
from simulator.voice import (
    ASR,
    TTS,
    ASRError,
    Prosody,
    RecordingRejected,
    TTSError,
    build_asr,
    build_tts,
    check_recording,
    keep_turn_audio,
)

__all__ = ["Services", "Exchange"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exchange:
    """The result of one trainee turn, ready for a page to show."""

    agent: Turn | None
    """The trainee's turn as stored; None when the recording was rejected (nothing to store)."""
    customer: Turn | None
    """The customer's reply; None when there was nothing to answer."""
    audio: Path | None = None
    """The customer's reply as audio, when a voice backend produced one."""
    notice: str | None = None
    """A short Chinese notice for the trainee (a rejected recording, a failed backend)."""


@dataclass
class Services:
    """The app's dependencies, built once at start."""

    store: Store
    personas_dir: Path
    tts: TTS
    asr: ASR
    engine: str = "scripted"
    rubric: str | None = None
    """Rubric id or path for scoring finished calls; None uses the default rubric."""
    _persona_cache: tuple[tuple, dict[str, LoadedPersona]] | None = field(
        default=None, repr=False, compare=False
    )

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Services:
        """Build from the ``CALLSIM_*`` environment variables (offline defaults)."""
        store = Store(data_dir)
        return cls(
            store=store,
            personas_dir=default_personas_dir(),
            tts=build_tts(cache_dir=store.data_dir / "tts-cache"),
            asr=build_asr(),
            engine=engine_name(),
        )

    @property
    def data_dir(self) -> Path:
        """Where the database and audio live."""
        return self.store.data_dir

    def personas(self) -> dict[str, LoadedPersona]:
        """The personas on disk now (re-read so a trainer's edits show up without a restart)."""
        return load_personas(self.personas_dir)

    def current_personas(self) -> dict[str, LoadedPersona]:
        """Like :meth:`personas`, but parses the files again only when one of them changed.

        A page asks for the personas on every dial; stat-ing a dozen files costs microseconds
        where parsing their YAML costs ~0.2 s, which 20 trainees at once would feel.
        """
        try:
            signature = tuple(
                sorted(
                    (p.name, st.st_mtime_ns, st.st_size)
                    for p in self.personas_dir.glob("*.yaml")
                    for st in (p.stat(),)
                )
            )
        except OSError:  # a file vanished mid-scan: read the folder as it is now
            return load_personas(self.personas_dir)
        cached = self._persona_cache
        if cached is not None and cached[0] == signature:
            return cached[1]
        loaded = load_personas(self.personas_dir)
        self._persona_cache = (signature, loaded)
        return loaded

    # --- one call ------------------------------------------------------------------------------

    def start_call(
        self,
        persona: LoadedPersona,
        *,
        seed: int = 0,
        started_at: datetime | None = None,
        user: str = "local",
        coach: bool = False,
    ) -> tuple[Call, Turn, Path | None]:
        """Dial: the call is stored and the customer's opening line comes back with its audio."""
        call = Call(
            persona,
            seed=seed,
            started_at=started_at,
            store=self.store,
            renderer=build_renderer(persona, seed=seed, name=self.engine),
            user=user,
            coach=coach,
        )
        opening = call.open()
        audio, _ = self._voice(call, opening)
        return call, opening, audio

    def take_turn(
        self, call: Call, *, text: str | None = None, recording: str | Path | bytes | None = None
    ) -> Exchange:
        """One trainee turn, spoken or typed; the call goes on whatever backend fails."""
        wav = None  # the checked Recording, kept for replay
        if recording is not None:
            try:
                checked = check_recording(recording)
            except RecordingRejected as exc:
                return Exchange(None, None, notice=exc.message)
            try:
                heard = self.asr.transcribe(checked.wav)
            except ASRError as exc:
                log.warning("speech recognition failed: %s", exc.reason)
                return Exchange(None, None, notice=exc.message)
            text, wav = heard.text, checked
        agent_turn_idx = len(call.turns)
        reply = call.say(text or "")
        notice = None
        if wav is not None:
            try:
                kept = keep_turn_audio(
                    self.data_dir, call.session_id, agent_turn_idx, recording=wav
                )
                self.store.set_turn_audio(call.session_id, agent_turn_idx, kept.recording)
            except OSError as exc:  # the words are stored; only the replay is lost
                log.warning("could not keep the recording: %s", exc)
        audio, voice_notice = self._voice(call, reply)
        notice = notice or voice_notice
        return Exchange(call.turns[agent_turn_idx], reply, audio=audio, notice=notice)

    def _voice(self, call: Call, turn: Turn) -> tuple[Path | None, str | None]:
        """Speak a customer line and keep the clip; a failed voice leaves the text."""
        persona = call.loaded.persona
        mood = turn.state or {}
        prosody = Prosody.from_mood(mood.get("anger", 0), mood.get("patience", 100))
        try:
            clip = self.tts.synthesize(turn.text, persona.voice, prosody)
        except TTSError as exc:
            log.warning("text to speech failed: %s", exc)
            return None, "语音合成暂时不可用，客户的话以文字显示。"
        if clip is None:
            return None, None
        try:
            kept = keep_turn_audio(self.data_dir, call.session_id, turn.idx, reply=clip)
        except OSError as exc:
            log.warning("could not keep the reply audio: %s", exc)
            return clip.path, None
        self.store.set_turn_audio(call.session_id, turn.idx, kept.reply)
        return self.data_dir / kept.reply, None

    def finish_call(self, call: Call) -> dict[str, Any] | None:
        """End the call (if the customer has not) and score it; None if scoring failed."""
        call.hang_up()
        try:
            from simulator.scoring_link import score_session

            return score_session(self.store, call.session_id, self.rubric)
        except Exception:  # the call is stored; the page says it could not be scored
            log.exception("scoring call %s failed", call.session_id)
            return None
