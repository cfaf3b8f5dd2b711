"""What the app's pages share, and the path of one spoken turn through them.

``Services`` is built once at start from the environment (offline defaults) and handed to every
page. Its methods run a practice call end to end: dial, hear the trainee (recording or text),
answer in the customer's voice, keep the audio, and score the finished call. Nothing a trainee
said is lost because a later step failed: their words are stored before the customer answers,
and voice or scoring failures become short Chinese notices while the call goes on.

With a model writing the customer's lines, ``take_turn_streaming`` / ``start_call_streaming``
voice each sentence as soon as the model has written it (TTS of one sentence overlapping the
model writing the next), and keep the whole reply as one audio file for replay.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.call import Call, ReplyStream, Turn
from simulator.engine import build_renderer, build_understander, engine_name
from simulator.llm.stream import speak_streaming
from simulator.persona import LoadedPersona, default_personas_dir, load_personas_report
from simulator.storage import Store, StoreWriteError
from simulator.storage.media import MediaShelf
from simulator.understand import Understanding, encoder, understand
from simulator.voice import (
    ASR,
    TTS,
    ASRError,
    Clip,
    Prosody,
    RecordingRejected,
    TTSError,
    build_asr,
    build_tts,
    check_recording,
    keep_turn_audio,
)
from simulator.voice.asr import transcribe
from simulator.voice.clips import join_clips
from simulator.voice.early import EarlyRecognition
from simulator.voice.whisper_text import call_hints

__all__ = ["Services", "Exchange", "Heard", "Spoken", "TurnEvent"]

log = logging.getLogger(__name__)

BUSY = "上一句还在处理中，请等客户说完再说。"

NO_VOICE = "语音合成暂时不可用，客户的话以文字显示。"
STREAM_WAIT_S = 120.0
"""Longest wait for the next sentence of a streamed reply: the renderer's turn budget and the
TTS budgets end long before; this only keeps a broken backend from holding a page forever."""


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
    unsent: str | None = None
    """The trainee's words when they could not be stored: handed back so the page can put
    them in the text box (nothing the trainee said is lost, nothing unstored is shown)."""


PAUSED = "通话已暂停，刚才的话不会丢。"
"""Said after a write failure's own message on the practice page."""

RESUMED = "保存已恢复。客户刚才的回答已补存并显示在上面，您刚才要说的话还在输入框里，请再发送一次。"


@dataclass(frozen=True)
class Heard:
    """The trainee's turn is stored and the customer is about to answer (streaming only)."""

    agent: Turn


@dataclass(frozen=True)
class Spoken:
    """One sentence of the customer's reply, voiced as soon as the renderer wrote it."""

    index: int
    """0-based position of the sentence in the reply."""
    text: str
    clip: Clip | None
    """The sentence's audio; None when the voice is text-only or failed."""


TurnEvent = Heard | Spoken | Exchange
"""What :meth:`Services.take_turn_streaming` yields: ``Heard``, then ``Spoken`` per sentence,
then the ``Exchange`` (alone, when a recording was rejected or not understood)."""


@dataclass(frozen=True)
class _Done:
    turn: Turn
    audio: Path | None
    notice: str | None


@dataclass(frozen=True)
class _Failed:
    error: BaseException


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
    understander: Callable[..., Understanding] = understand
    """The rules, or the rules plus the LLM act classifier (``CALLSIM_LLM_CLASSIFIER``)."""
    media: MediaShelf = field(default_factory=MediaShelf)
    """Where audio handed to a browser is copied; the data folder itself is never served."""
    early: EarlyRecognition = field(
        default_factory=lambda: EarlyRecognition(transcribe), repr=False, compare=False
    )
    """Recognitions started at the trainee's first short pause (:meth:`recognise_early`)."""
    _persona_cache: tuple[tuple, tuple[dict[str, LoadedPersona], list[str]]] | None = field(
        default=None, repr=False, compare=False
    )

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Services:
        """Build from the ``CALLSIM_*`` environment variables (offline defaults)."""
        store = Store(data_dir)
        encoder.warm()  # the example layer's sentence encoder (~1.4 s) loads off the first turn
        return cls(
            store=store,
            personas_dir=default_personas_dir(),
            tts=build_tts(cache_dir=store.data_dir / "tts-cache"),
            asr=build_asr(warm=True),  # a local model loads in the background, off the first turn
            engine=engine_name(),
            understander=build_understander(),
            media=MediaShelf.for_data_dir(store.data_dir),
        )

    @property
    def streams_replies(self) -> bool:
        """True when a model writes the customer's replies, so pages play them as they come."""
        return engine_name(self.engine) == "llm"

    @property
    def data_dir(self) -> Path:
        """Where the database and audio live."""
        return self.store.data_dir

    def personas(self) -> dict[str, LoadedPersona]:
        """The good personas on disk now; parsed again only when a file changed.

        A trainer's edits show up without a restart, and one broken file never hides the good
        ones (:meth:`persona_problems` names the broken ones).

        A page asks for the personas on every dial; stat-ing a dozen files costs microseconds
        where parsing their YAML costs ~0.2 s, which 20 trainees at once would feel.
        """
        return self._personas_report()[0]

    def persona_problems(self) -> list[str]:
        """One line per problem in the persona files that do not load (empty: all load)."""
        return self._personas_report()[1]

    def _personas_report(self) -> tuple[dict[str, LoadedPersona], list[str]]:
        signature = []
        for path in self.personas_dir.glob("*.yaml"):
            try:  # lstat: a dangling link is a broken file, not a reason to re-read all
                st = path.lstat()
            except OSError:  # it vanished mid-scan
                continue
            signature.append((path.name, st.st_mtime_ns, st.st_size))
        key = tuple(sorted(signature))
        cached = self._persona_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        report = load_personas_report(self.personas_dir)
        for problem in report[1]:  # once per change of the folder, not per dial
            log.warning("persona file not loaded: %s", problem)
        self._persona_cache = (key, report)
        return report

    # --- one call ------------------------------------------------------------------------------

    def _new_call(
        self,
        persona: LoadedPersona,
        seed: int,
        started_at: datetime | None,
        user: str,
        coach: bool,
    ) -> Call:
        """A stored call with the configured renderer and understanding."""
        return Call(
            persona,
            seed=seed,
            started_at=started_at,
            store=self.store,
            renderer=build_renderer(persona, seed=seed, name=self.engine),
            understand_fn=self.understander,
            user=user,
            coach=coach,
        )

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
        call = self._new_call(persona, seed, started_at, user, coach)
        opening = call.open()
        audio, _ = self._voice(call, opening)
        return call, opening, audio

    def start_call_streaming(
        self,
        persona: LoadedPersona,
        *,
        seed: int = 0,
        started_at: datetime | None = None,
        user: str = "local",
        coach: bool = False,
    ) -> tuple[Call, Iterator[Spoken | Exchange]]:
        """Dial, with the opening line spoken sentence by sentence.

        The call is stored before this returns; the events are ``Spoken`` per sentence, then an
        ``Exchange`` whose ``customer`` is the opening turn and ``audio`` the kept clip.
        """
        call = self._new_call(persona, seed, started_at, user, coach)

        def events() -> Iterator[Spoken | Exchange]:
            done = yield from self._speak_stream(call, call.open_stream())
            yield Exchange(None, done.turn, audio=done.audio, notice=done.notice)

        return call, events()

    def take_turn(
        self, call: Call, *, text: str | None = None, recording: str | Path | bytes | None = None
    ) -> Exchange:
        """One trainee turn, spoken or typed; the call goes on whatever backend fails."""
        if not call.turn_lock.acquire(blocking=False):
            return Exchange(None, None, notice=BUSY)
        try:
            heard = self._recognise(text, recording, call)
            if isinstance(heard, Exchange):
                return heard
            text, wav = heard
            resumed = self._resume(call, text)
            if resumed is not None:
                return resumed
            agent_turn_idx = len(call.turns)
            try:
                reply = call.say(text or "")
            except StoreWriteError as exc:
                return self._not_stored(call, agent_turn_idx, text, exc)
            self._keep_recording(call, agent_turn_idx, wav)
            audio, notice = self._voice(call, reply)
            return Exchange(call.turns[agent_turn_idx], reply, audio=audio, notice=notice)
        finally:
            call.turn_lock.release()

    def _resume(self, call: Call, text: str | None) -> Exchange | None:
        """For a paused call: store the waiting reply and show it, handing the new words back.

        None when the call was not paused. The trainee has not seen the waiting reply, so their
        new words are not taken yet: they go back to the text box with the reply now shown.
        """
        if not call.paused:
            return None
        try:
            flushed = call.flush()
        except StoreWriteError as exc:
            log.warning("call %s still cannot be stored: %s", call.session_id, exc.reason)
            return Exchange(None, None, notice=exc.message + PAUSED, unsent=text)
        reply = flushed[-1]
        audio, _ = self._voice(call, reply)
        return Exchange(None, reply, audio=audio, notice=RESUMED, unsent=text)

    def _not_stored(
        self, call: Call, agent_turn_idx: int, text: str | None, exc: StoreWriteError
    ) -> Exchange:
        """A write failed mid-turn: show what is stored, hand back what is not."""
        log.warning("call %s: a turn could not be stored: %s", call.session_id, exc.reason)
        notice = exc.message + PAUSED
        if len(call.turns) > agent_turn_idx:  # the trainee's words are stored; the reply waits
            return Exchange(call.turns[agent_turn_idx], None, notice=notice)
        return Exchange(None, None, notice=notice, unsent=text)

    def take_turn_streaming(
        self, call: Call, *, text: str | None = None, recording: str | Path | bytes | None = None
    ) -> Iterator[TurnEvent]:
        """One trainee turn whose reply is voiced sentence by sentence as the model writes it.

        Yields ``Heard`` once the trainee's words are stored, a ``Spoken`` per sentence as soon
        as its audio is ready (the TTS of one sentence overlaps the model writing the next), and
        finally the ``Exchange``, whose ``audio`` is the whole reply kept for replay. With the
        offline lines there is one ``Spoken``, the whole line. The customer's turn is stored
        even if the caller stops reading early.

        Raises:
            CallEnded: the call is already over.

        """
        if not call.turn_lock.acquire(blocking=False):
            yield Exchange(None, None, notice=BUSY)
            return
        try:
            heard = self._recognise(text, recording, call)
            if isinstance(heard, Exchange):
                yield heard
                return
            text, wav = heard
            resumed = self._resume(call, text)
            if resumed is not None:
                yield resumed
                return
            try:
                reply = call.say_stream(text or "")
            except StoreWriteError as exc:
                yield self._not_stored(call, len(call.turns), text, exc)
                return
            assert reply.agent is not None
            self._keep_recording(call, reply.agent.idx, wav)
            yield Heard(reply.agent)
            done = yield from self._speak_stream(call, reply)
            yield Exchange(reply.agent, done.turn, audio=done.audio, notice=done.notice)
        finally:
            call.turn_lock.release()

    def _recognise(
        self, text: str | None, recording: str | Path | bytes | None, call: Call
    ) -> tuple[str | None, Any] | Exchange:
        """The trainee's words and checked recording, or an Exchange saying why there are none."""
        if recording is None:
            return text, None
        try:
            checked = check_recording(recording)
        except RecordingRejected as exc:
            return Exchange(None, None, notice=exc.message)
        try:
            hints = call_hints(call.loaded.persona)  # the name and amounts the trainee may say
            heard = self.early.take(self.asr, checked.wav, hints)
            if heard is None:
                heard = transcribe(self.asr, checked.wav, hints)
        except ASRError as exc:
            log.warning("speech recognition failed: %s", exc.reason)
            return Exchange(None, None, notice=exc.message)
        return heard.text, checked

    def recognise_early(self, call: Call, wav: bytes) -> bool:
        """Start recognising the utterance so far while the trainee pauses (hands-free).

        ``wav`` is :attr:`simulator.voice.endpoint.Heard.so_far`. If the turn then ends with
        the same audio, :meth:`take_turn` uses this result instead of recognising again; a
        recording the check refuses is left for the turn to refuse. False when nothing started
        (the recording was refused, or the recogniser is an online service).
        """
        try:
            checked = check_recording(wav)
        except RecordingRejected:
            return False
        return self.early.start(self.asr, checked.wav, call_hints(call.loaded.persona))

    def _keep_recording(self, call: Call, idx: int, wav: Any) -> None:
        if wav is None:
            return
        try:
            kept = keep_turn_audio(self.data_dir, call.session_id, idx, recording=wav)
            self.store.set_turn_audio(call.session_id, idx, kept.recording)
        except (OSError, StoreWriteError) as exc:  # the words are stored; only the replay is lost
            log.warning("could not keep the recording: %s", exc)

    def _speak_stream(self, call: Call, reply: ReplyStream) -> Generator[Spoken, None, _Done]:
        """Voice each sentence of ``reply`` as it comes; return a ``_Done`` at the end.

        The model is read and the reply stored on a worker thread, so the turn is complete
        (text and kept audio) even when the page stops listening half-way.
        """
        persona = call.loaded.persona
        mood = call.state  # the mood the customer answers in (the policy has decided)
        prosody = Prosody.from_mood(mood.get("anger", 0), mood.get("patience", 100))
        events: queue.Queue[Spoken | _Done | _Failed] = queue.Queue()
        failed: list[str] = []

        def voice(sentence: str) -> Clip | None:
            if failed:  # the voice went away mid-reply: the rest is text, not a mix
                return None
            try:
                return self.tts.synthesize(sentence, persona.voice, prosody)
            except Exception as exc:  # TTSError, or a backend bug: the text still goes on
                log.warning("text to speech failed: %s", exc)
                failed.append(str(exc))
                return None

        def run() -> None:
            try:
                clips = speak_streaming(
                    reply, voice, on_audio=lambda i, text, clip: events.put(Spoken(i, text, clip))
                )
                turn = reply.finish()
                audio = self._keep_reply(call, turn, join_clips([c for c in clips if c]))
                events.put(_Done(turn, audio, NO_VOICE if failed else None))
            except BaseException as exc:  # handed to the reader below
                events.put(_Failed(exc))

        threading.Thread(target=run, name=f"reply-{call.session_id}", daemon=True).start()
        while True:
            try:
                event = events.get(timeout=STREAM_WAIT_S)
            except queue.Empty:
                raise TimeoutError(f"no reply within {STREAM_WAIT_S:g} s") from None
            if isinstance(event, _Failed):
                raise event.error
            if isinstance(event, _Done):
                return event
            yield event

    def _voice(self, call: Call, turn: Turn) -> tuple[Path | None, str | None]:
        """Speak a customer line and keep the clip; a failed voice leaves the text."""
        persona = call.loaded.persona
        mood = turn.state or {}
        prosody = Prosody.from_mood(mood.get("anger", 0), mood.get("patience", 100))
        try:
            clip = self.tts.synthesize(turn.text, persona.voice, prosody)
        except TTSError as exc:
            log.warning("text to speech failed: %s", exc)
            return None, NO_VOICE
        return self._keep_reply(call, turn, clip), None

    def _keep_reply(self, call: Call, turn: Turn, clip: Clip | None) -> Path | None:
        """Keep a customer turn's audio for replay; the file to play (None: no audio)."""
        if clip is None:
            return None
        played = Path(clip.path) if clip.path else None
        if call.session_id:
            try:
                kept = keep_turn_audio(self.data_dir, call.session_id, turn.idx, reply=clip)
                self.store.set_turn_audio(call.session_id, turn.idx, kept.reply)
                played = self.data_dir / kept.reply
            except (OSError, StoreWriteError) as exc:  # the text is stored; replay is lost
                log.warning("could not keep the reply audio: %s", exc)
        return self.hand_out(played)

    def hand_out(self, path: Path | None) -> Path | None:
        """A copy of an audio file for the browser (the caller has checked who asks)."""
        if path is None:
            return None
        try:
            return self.media.hand_out(path)
        except OSError as exc:  # the turn is stored; this time it is only shown as text
            log.warning("could not hand out audio %s: %s", path, exc)
            return None

    def finish_call(self, call: Call) -> dict[str, Any] | None:
        """End the call (if the customer has not) and score it; None if scoring failed."""
        call.hang_up()
        try:
            from simulator.scoring_link import score_session

            return score_session(self.store, call.session_id, self.rubric)
        except Exception:  # the call is stored; the page says it could not be scored
            log.exception("scoring call %s failed", call.session_id)
            return None
