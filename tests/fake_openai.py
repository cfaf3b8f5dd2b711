"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

Real sockets, real HTTP: the real ``openai`` client talks to it exactly as it would to a
vLLM or Ollama server, so nothing in the SDK is patched. A test scripts the server with a queue
of responses (or a ``responder`` function that sees each request), and reads back the requests
it got.

Implements ``POST /v1/chat/completions`` (JSON, or SSE when the request says ``stream: true``)
and ``POST /v1/audio/transcriptions`` (returns scripted text).

Example::

    with FakeOpenAI() as server:
        server.push(Reply("喂，哪位？"), Error(429), Reply("好的。", first_token_s=0.3))
        client = OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "Cut",
    "Error",
    "FakeOpenAI",
    "Hang",
    "Malformed",
    "Reply",
    "Response",
]


@dataclass(frozen=True)
class Reply:
    """A successful completion: ``text`` (JSON replies are just text), streamed or not.

    Streaming sends ``chars_per_token`` characters per chunk, the first after
    ``first_token_s`` and the rest at ``tokens_per_s``.
    """

    text: str
    first_token_s: float = 0.0
    tokens_per_s: float = 0.0
    """0 means as fast as possible."""
    chars_per_token: int = 1
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Error:
    """An HTTP error with an OpenAI-style JSON body (429, 500, 503, ...)."""

    status: int
    message: str = "scripted error"
    delay_s: float = 0.0


@dataclass(frozen=True)
class Hang:
    """Accept the request and answer nothing for ``seconds`` (then close): a timeout."""

    seconds: float


@dataclass(frozen=True)
class Cut:
    """Stream ``text[:after_chars]`` and then drop the connection mid-stream."""

    text: str
    after_chars: int
    first_token_s: float = 0.0


@dataclass(frozen=True)
class Malformed:
    """Stream ``text[:after_chars]`` and then a chunk that is not JSON."""

    text: str
    after_chars: int
    garbage: str = '{"choices": [{"delta": {"content": "半'


Response = Reply | Error | Hang | Cut | Malformed


@dataclass
class Recorded:
    """One request the server got."""

    path: str
    body: dict[str, Any] | None
    headers: dict[str, str]
    raw: bytes = b""
    at: float = field(default_factory=time.monotonic)


class FakeOpenAI:
    """The server: start it with ``with FakeOpenAI() as s`` or ``start()``/``close()``.

    Args:
        responder: called with each chat request's JSON body when the queue is empty; returns
            the response. Without one, an empty queue answers 500 ("script exhausted").
        transcripts: texts ``/v1/audio/transcriptions`` returns, in order (then "").

    """

    def __init__(
        self,
        responder: Callable[[dict[str, Any]], Response] | None = None,
        *,
        transcripts: list[str] | None = None,
    ):
        self.responder = responder
        self._queue: queue.Queue[Response] = queue.Queue()
        self._transcripts: queue.Queue[str] = queue.Queue()
        for text in transcripts or []:
            self._transcripts.put(text)
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ----------------------------------------------------------------------------

    def push(self, *responses: Response) -> None:
        """Queue responses for the next chat requests, in order."""
        for response in responses:
            self._queue.put(response)

    def push_transcript(self, *texts: str) -> None:
        """Queue texts for the next transcription requests."""
        for text in texts:
            self._transcripts.put(text)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of the chat requests received so far."""
        with self._lock:
            return [r.body or {} for r in self.requests if r.path.endswith("/chat/completions")]

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to pass as the openai client's ``base_url``."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        """Bind an ephemeral port on 127.0.0.1 and serve in a daemon thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; hanging responses are released."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- used by the handler ------------------------------------------------------------------

    def _next(self, body: dict[str, Any]) -> Response:
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            if self.responder is not None:
                return self.responder(body)
            return Error(500, "fake server: script exhausted")

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server is closing; False when it is."""
        return not self._stop.wait(seconds) if seconds > 0 else not self._stop.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a timeout, a closed pool) is normal here: stay quiet."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _completion(model: str, text: str, finish_reason: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": 1,
            "completion_tokens": len(text),
            "total_tokens": 1 + len(text),
        },
    }


def _chunk(model: str, content: str | None, finish_reason: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeOpenAI

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep test output quiet."""

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        """Route the two endpoints."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: dict[str, Any] | None = None
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
        with self.fake._lock:
            self.fake.requests.append(Recorded(self.path, body, dict(self.headers), raw))
        try:
            if self.path.endswith("/chat/completions"):
                self._chat(body or {})
            elif self.path.endswith("/audio/transcriptions"):
                try:
                    text = self.fake._transcripts.get_nowait()
                except queue.Empty:
                    text = ""
                self._json(200, {"text": text})
            else:
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "fake"}})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer

    def _json(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _chat(self, body: dict[str, Any]) -> None:
        fake = self.fake
        response = fake._next(body)
        model = str(body.get("model", "fake-model"))
        if isinstance(response, Hang):
            fake._sleep(response.seconds)
            self.close_connection = True
            return
        if isinstance(response, Error):
            fake._sleep(response.delay_s)
            error = {"message": response.message, "type": "fake_error", "code": response.status}
            self._json(response.status, {"error": error})
            return
        if not body.get("stream"):
            if isinstance(response, Reply):
                fake._sleep(response.first_token_s)
                self._json(200, _completion(model, response.text, response.finish_reason))
            else:  # a cut or malformed non-streamed body: send broken JSON
                payload = b'{"id": "chatcmpl-fake", "choices": [{"mess'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            return
        self._stream(response, model)

    def _stream(self, response: Reply | Cut | Malformed, model: str) -> None:
        fake = self.fake
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        step = response.chars_per_token if isinstance(response, Reply) else 1
        limit = len(response.text) if isinstance(response, Reply) else response.after_chars
        text = response.text[:limit]
        pieces = [text[i : i + step] for i in range(0, len(text), step)]
        first = getattr(response, "first_token_s", 0.0)
        rate = response.tokens_per_s if isinstance(response, Reply) else 0.0
        if not fake._sleep(first):
            return
        for i, piece in enumerate(pieces):
            if i and rate and not fake._sleep(1.0 / rate):
                return
            self._write_chunk(_chunk(model, piece))
        if isinstance(response, Cut):
            self.close_connection = True
            self.connection.shutdown(2)  # no terminating chunk: the body is truncated
            return
        if isinstance(response, Malformed):
            self._write_chunk(f"data: {response.garbage}\n\n".encode())
        else:
            self._write_chunk(_chunk(model, None, response.finish_reason))
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


# --- pytest helpers (import them into a test module to use them) ------------------------------

try:
    import pytest
except ModuleNotFoundError:  # pragma: no cover - benchmarks run without pytest
    pytest = None  # type: ignore[assignment]


def openai_client(server: FakeOpenAI, *, timeout: float = 5.0) -> Any:
    """A real openai client for the fake server, with the SDK's own retries off."""
    from openai import OpenAI

    return OpenAI(base_url=server.base_url, api_key="test-key", timeout=timeout, max_retries=0)


if pytest is not None:

    @pytest.fixture
    def time_bound():
        """Fail a test that runs longer than 30 s instead of hanging the suite."""
        import signal

        def expired(signum: int, frame: object) -> None:
            raise TimeoutError("test took longer than 30 s")

        previous = signal.signal(signal.SIGALRM, expired)
        signal.alarm(30)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
