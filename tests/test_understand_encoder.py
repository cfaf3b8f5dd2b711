"""The example layer's sentence encoder: offline, cached, run only past the gate, versioned."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from simulator.understand import encoder, understand
from simulator.understand.build import index_is_current
from simulator.understand.examples import INDEX_PATH, ExampleModel, default_model
from simulator.understand.normalize import normalize_with_map

ROOT = Path(__file__).resolve().parent.parent


def test_the_encoder_loads_and_embeds_with_no_network():
    code = (
        "import socket\n"
        "class NoNet(socket.socket):\n"
        "    def __init__(self, *a, **k):\n"
        "        raise RuntimeError('network attempted')\n"
        "socket.socket = NoNet\n"
        "socket.create_connection = lambda *a, **k: NoNet()\n"
        "from simulator.understand import encoder\n"
        "v = encoder.embed('不还钱的话，就让你领导知道')\n"
        "print(v.shape, v.dtype, round(float(v @ v), 3))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "(512,) float32 1.0"


def test_the_same_text_gives_the_same_vector_of_512():
    text = "你这样的人谁敢借钱给你"
    first = encoder.embed(text)
    assert first.shape == (encoder.DIM,) == (512,)
    assert first.dtype == np.float32
    assert encoder.embed(text) is first  # from the cache
    assert encoder.cached(text)
    assert np.allclose(encoder.embed_batch([text])[0], first, atol=1e-5)
    assert not first.flags.writeable  # shared through the cache: nobody may change it


def test_paraphrases_are_nearer_than_unrelated_lines():
    a, b, c = encoder.embed_batch(
        ["再不还钱就让你们领导知道", "不还的话我们就联系你单位", "请问您方便什么时候还款"]
    )
    assert a @ b > a @ c


def test_warm_returns_at_once_and_the_encoder_is_then_ready():
    encoder.warm()
    encoder.warm()  # a second call starts nothing new
    assert encoder.embed("热身之后").shape == (512,)


def test_what_is_embedded_is_the_simplified_utterance():
    nm = normalize_with_map("不還錢的話，就讓你領導知道")
    assert encoder.text_of(nm) == "不还钱的话，就让你领导知道"


def test_an_ordinary_question_does_not_run_the_encoder():
    model = default_model()
    text = "请问您是持卡人本人的什么人呀？"
    assert not model.opens_gate(model.features(normalize_with_map(text)))
    understand(text)
    assert not encoder.cached(encoder.text_of(normalize_with_map(text)))


def test_a_violation_like_line_runs_the_encoder():
    model = default_model()
    text = "跟你朋友张罗张罗，先把这个窟窿堵上吧"
    assert model.opens_gate(model.features(normalize_with_map(text)))
    understand(text)
    assert encoder.cached(encoder.text_of(normalize_with_map(text)))


def _arrays() -> dict[str, np.ndarray]:
    with np.load(INDEX_PATH, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def test_without_the_encoder_the_layer_falls_back_to_the_mean_term():
    def unavailable(text: str) -> np.ndarray:
        raise encoder.EncoderUnavailable("not installed")

    arrays = _arrays()
    gone = ExampleModel(arrays, embed=unavailable)
    shut = ExampleModel({**arrays, "gate": np.array(1.0, dtype=np.float32)})
    f = gone.features(normalize_with_map("跟你朋友张罗张罗，先把窟窿堵上"))
    assert gone.opens_gate(f)
    assert gone.probabilities(f) == pytest.approx(shut.probabilities(f))


def test_the_index_stores_the_encoder_weights_per_act():
    arrays = _arrays()
    acts = [str(a) for a in arrays["acts"]]
    assert arrays["use_coef"].shape == (512, len(acts)) and arrays["use_coef"].dtype == np.int8
    encoded = {a for a, w in zip(acts, arrays["use_weight"], strict=True) if w > 0}
    from simulator.understand import VIOLATION_ACTS

    assert encoded == set(VIOLATION_ACTS)
    assert 0 < float(arrays["gate"]) < 1


def test_the_index_records_the_encoder_version_pinned_in_pyproject():
    meta = json.loads(str(_arrays()["meta"]))
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = next(d for d in deps if d.startswith(encoder.PACKAGE))
    assert re.fullmatch(rf"{encoder.PACKAGE}==[\d.]+", pinned)
    assert meta["encoder"] == {"package": encoder.PACKAGE, "version": pinned.split("==")[1]}
    assert encoder.version() == pinned.split("==")[1]


def test_another_encoder_version_makes_the_index_stale(monkeypatch):
    assert index_is_current()[0]
    monkeypatch.setattr(encoder, "version", lambda: "9.9.9")
    current, why = index_is_current()
    assert not current and "9.9.9" in why and "callsim corpus build" in why


def test_a_calls_lines_that_need_the_encoder_are_embedded_in_one_batch():
    from simulator.understand.examples import prepare

    lines = ["你再拖着不还，我们就只能找你们单位领导了解情况", "请问您今天方便说话吗？", ""]
    assert prepare(lines) == 1
    assert encoder.cached(encoder.text_of(normalize_with_map(lines[0])))
    assert not encoder.cached(encoder.text_of(normalize_with_map(lines[1])))
    assert prepare(lines) == 0  # already cached
