"""Voice latency: time to first audio with espeak, and what ``auto`` costs when edge is down.

Prints, for a 20-character customer reply:

* the median time to first audio with espeak (target < 50 ms), uncached and cached;
* the extra time ``auto`` spends over plain espeak when edge-tts is unreachable — refused
  (a dead proxy port), with no network at all (DNS fails), and hung (a server that accepts and
  never answers) — on the first call and the median of later calls (target < 50 ms after the
  first, thanks to the cool-down).

Run: ``.venv/bin/python bench/voice_latency.py``.
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.persona import Voice  # noqa: E402 - after the path set-up
from simulator.voice import Prosody, build_tts  # noqa: E402

REPLY = "我这个月工资还没发，下周一定先还一部分。"  # 20 characters
VOICE = Voice(edge_voice="zh-CN-XiaoyiNeural", rate="+5%", espeak_variant="f2")
RUNS = 30


def timed(tts, text: str) -> float:
    start = time.perf_counter()
    clip = tts.synthesize(text, VOICE, Prosody.from_mood(60, 50))
    took = time.perf_counter() - start
    assert clip is not None and clip.data, "no audio"
    return took


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def black_hole() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                held.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    return sock, sock.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        espeak = build_tts("espeak", cache_dir=Path(tmp) / "espeak")
        timed(espeak, "预热。")  # loads the library once, as the app does at its first line
        uncached = [timed(espeak, f"{REPLY[:-1]}{i}。") for i in range(RUNS)]
        cached = [timed(espeak, f"{REPLY[:-1]}{i}。") for i in range(RUNS)]
        base = statistics.median(uncached)
        print(f"reply: {REPLY} ({len(REPLY)} characters), {RUNS} runs each")
        print(f"espeak time to first audio, median  uncached {ms(base)}   (target < 50 ms)")
        print(f"                                    cached   {ms(statistics.median(cached))}")

        hole, hole_port = black_hole()
        scenarios = [
            ("edge refused (dead proxy port)", f"http://127.0.0.1:{dead_port()}"),
            ("edge with no network (DNS)", None),
            ("edge hung (accepts, never answers)", f"http://127.0.0.1:{hole_port}"),
        ]
        print("auto = edge -> espeak -> none; extra time over plain espeak:")
        for label, proxy in scenarios:
            auto = build_tts("auto", cache_dir=Path(tmp) / label[:8], edge_proxy=proxy)
            first = timed(auto, f"第一句。{REPLY}")
            later = [timed(auto, f"{REPLY[:-1]}{i}。") for i in range(RUNS)]
            print(
                f"  {label:<36} first call {ms(first - base)}   "
                f"later calls (median) {ms(statistics.median(later) - base)}"
            )
        hole.close()
        print("(edge budget in auto: 6.5 s; a failed backend is skipped for 300 s)")


if __name__ == "__main__":
    main()
