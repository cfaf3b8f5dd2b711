"""LLM pipeline latency: time to first audio, streaming sentence by sentence vs sequential.

A local OpenAI-compatible server (tests/fake_openai.py) answers with a 60-character reply at
300 ms to the first token and 30 tokens/s (one token = one character); a TTS stand-in takes
150 ms per sentence. In the same run this measures, through the real openai client and the real
``LLMRenderer`` (prompt, output checks and all):

* streaming — sentences cut as tokens arrive, TTS of sentence 1 while sentence 2 is written;
* sequential — the whole reply first, then TTS.

It prints the medians, their ratio, and the target: streaming ≤ first token + first sentence +
one TTS call + 30 ms.

Run: ``.venv/bin/python bench/llm_pipeline.py [runs]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.llm import LLMRenderer, speak_streaming, split_sentences  # noqa: E402
from simulator.persona import load_persona  # noqa: E402
from simulator.policy import Move  # noqa: E402
from simulator.render import RenderContext  # noqa: E402
from tests.fake_openai import FakeOpenAI, Reply, openai_client  # noqa: E402

FIRST_TOKEN_S = 0.300
TOKENS_PER_S = 30.0
TTS_S = 0.150
REPLY = (
    "唉，这个月手头是真的转不开，我也着急啊。"
    "你们也体谅一下，我真不是故意拖着不还的。"
    "等我这边缓过来，一定第一时间给你回电话。"
)
PERSONA = Path(__file__).resolve().parent.parent / "personas" / "cooperative_short_liu.yaml"


def tts(sentence: str) -> bytes:
    """The TTS stand-in: 150 ms per call."""
    time.sleep(TTS_S)
    return sentence.encode()


def streaming(renderer: LLMRenderer, ctx: RenderContext) -> float:
    """Seconds to the first audio clip when each sentence goes to TTS as it arrives."""
    start = time.perf_counter()
    first: list[float] = []
    reply = renderer.stream(Move("deflect_capacity"), ctx)

    def on_audio(i: int, sentence: str, clip: bytes) -> None:
        if not first:
            first.append(time.perf_counter() - start)

    speak_streaming(reply, tts, on_audio=on_audio)
    assert reply.rendered and reply.rendered.engine.startswith("llm:"), reply.rendered
    return first[0]


def sequential(renderer: LLMRenderer, ctx: RenderContext) -> float:
    """Seconds to the first audio clip when the whole reply comes first, then TTS."""
    start = time.perf_counter()
    rendered = renderer.render(Move("deflect_capacity"), ctx)
    assert rendered.engine.startswith("llm:"), rendered
    tts(rendered.text)
    return time.perf_counter() - start


def main(runs: int = 7) -> None:
    """Run both pipelines ``runs`` times each, interleaved, and print the medians."""
    assert len(REPLY) == 60, len(REPLY)
    loaded = load_persona(PERSONA)
    ctx = RenderContext(today=date(2026, 11, 20), history=(("agent", "您每个月能还多少？"),))

    def responder(body: dict) -> Reply:
        return Reply(REPLY, first_token_s=FIRST_TOKEN_S, tokens_per_s=TOKENS_PER_S)

    with FakeOpenAI(responder=responder) as server:
        client = openai_client(server, timeout=10)
        renderer = LLMRenderer(
            loaded, client_factory=lambda: client, model="bench", budget_s=10, request_timeout_s=5
        )
        renderer.render(Move("deflect_capacity"), ctx)  # warm up the connection pool
        stream_s, seq_s = [], []
        for _ in range(runs):
            stream_s.append(streaming(renderer, ctx))
            seq_s.append(sequential(renderer, ctx))
    first_sentence = split_sentences(REPLY)[0]
    # The first token carries the first character; the rest of the sentence follows at 30/s.
    target = FIRST_TOKEN_S + (len(first_sentence) - 1) / TOKENS_PER_S + TTS_S + 0.030
    s, q = statistics.median(stream_s), statistics.median(seq_s)
    print(
        f"reply: {len(REPLY)} chars; first sentence: {len(first_sentence)} chars "
        f"({first_sentence}); {runs} runs each"
    )
    print(f"time to first audio, streaming : {s * 1000:7.0f} ms (median)")
    print(f"time to first audio, sequential: {q * 1000:7.0f} ms (median)")
    print(f"ratio streaming / sequential   : {s / q:7.2f}")
    verdict = "met" if s <= target else "MISSED"
    print(
        f"target (first token + first sentence + one TTS + 30 ms): {target * 1000:.0f} ms "
        f"-> {verdict}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
