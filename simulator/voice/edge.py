"""Online Mandarin voices from Microsoft Edge's read-aloud service (edge-tts).

edge-tts hangs forever on some network errors and leaves 0-byte output on others, so every
call runs in a private event loop on its own thread, bounded by a hard timeout, and anything
that is not real MP3 audio becomes a :class:`TTSError`.
"""

from __future__ import annotations

import asyncio
import re
import threading

from simulator.persona import Voice
from simulator.voice.base import NEUTRAL, Clip, Prosody, TTSError

__all__ = ["EdgeTTS", "looks_like_mp3"]


def looks_like_mp3(data: bytes) -> bool:
    """Whether ``data`` starts like an MP3 stream (an ID3 tag or an MPEG frame sync)."""
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


class EdgeTTS:
    """edge-tts with the persona's voice, shaped by the customer's mood.

    Args:
        timeout: hard limit in seconds for one line, connection included.
        proxy: an HTTP proxy URL for aiohttp (``None``: the environment's, if any).

    """

    name = "edge"

    def __init__(self, timeout: float = 6.0, proxy: str | None = None) -> None:
        self.timeout = timeout
        self.proxy = proxy

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """Speak ``text``; see :meth:`simulator.voice.base.TTS.synthesize`."""
        try:
            import edge_tts  # noqa: F401 - fail early with an install hint
        except ModuleNotFoundError as exc:
            raise TTSError("edge-tts is not installed (pip install edge-tts)") from exc
        box: dict[str, object] = {}

        def run() -> None:
            try:
                box["data"] = asyncio.run(
                    asyncio.wait_for(self._fetch(text, voice, prosody), self.timeout)
                )
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                box["error"] = exc

        # A private thread and loop: the caller may itself be inside a running event loop.
        worker = threading.Thread(target=run, name="edge-tts", daemon=True)
        worker.start()
        worker.join(self.timeout + 1.0)
        if worker.is_alive():
            raise TTSError(f"edge-tts: no answer within {self.timeout:g} s")
        error = box.get("error")
        if isinstance(error, TimeoutError | asyncio.TimeoutError):
            raise TTSError(f"edge-tts: no answer within {self.timeout:g} s")
        if error is not None:
            detail = re.sub(r" ssl:<[^>]*>", "", str(error))  # drop aiohttp's SSLContext repr
            raise TTSError(f"edge-tts: {type(error).__name__}: {detail}") from error
        data = box.get("data", b"")
        assert isinstance(data, bytes)
        if not data:
            raise TTSError("edge-tts returned no audio (0 bytes)")
        if not looks_like_mp3(data):
            raise TTSError("edge-tts returned something that is not MP3 audio")
        return Clip(data=data, format="mp3", backend=self.name)

    async def _fetch(self, text: str, voice: Voice, prosody: Prosody) -> bytes:
        import edge_tts

        connect = max(1, int(self.timeout))
        communicate = edge_tts.Communicate(
            text,
            voice.edge_voice,
            rate=f"{prosody.rate_for(voice):+d}%",
            volume=f"{prosody.volume_pct:+d}%",
            pitch=f"{prosody.pitch_for(voice):+d}Hz",
            proxy=self.proxy,
            connect_timeout=connect,
            receive_timeout=connect,
        )
        chunks: list[bytes] = []
        async for chunk in communicate.stream():
            if chunk["type"] == "audio":
                chunks.append(chunk["data"])
        return b"".join(chunks)
