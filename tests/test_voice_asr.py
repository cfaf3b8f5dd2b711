"""ASR backends against real local HTTP servers on 127.0.0.1 (no network needed)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from simulator.persona import Voice
from simulator.voice import ASRError, UnknownBackend, build_asr, check_recording
from simulator.voice.asr import FasterWhisperASR, GoogleASR, NoneASR, OpenAIASR
from simulator.voice.espeak import EspeakTTS


@pytest.fixture(scope="module")
def speech():
    clip = EspeakTTS().synthesize("我下个月能还两千。", Voice())
    return check_recording(clip.data).wav


class Server:
    """An OpenAI-compatible transcription endpoint and a Google speech endpoint."""

    def __init__(self):
        self.mode = "ok"
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body, content_type="application/json"):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                if self.path.startswith("/speech-api/"):
                    result = {
                        "result": [
                            {"alternative": [{"transcript": "我想分期", "confidence": 0.87}]}
                        ],
                        "result_index": 0,
                    }
                    return self._reply(200, '{"result":[]}\n' + json.dumps(result))
                if self.path != "/v1/audio/transcriptions":
                    return self._reply(404, {"error": {"message": "not found"}})
                if server.mode == "slow":
                    time.sleep(3)
                if server.mode == "401":
                    return self._reply(401, {"error": {"message": "bad key", "type": "auth"}})
                if server.mode == "500":
                    return self._reply(500, {"error": {"message": "model crashed"}})
                if server.mode == "logprobs":
                    probs = [{"token": t, "logprob": -0.2, "bytes": [1]} for t in "我想分期"]
                    return self._reply(200, {"text": "我想分期", "logprobs": probs})
                if server.mode == "empty":
                    return self._reply(200, {"text": "  "})
                if b'name="file"' not in body or b"RIFF" not in body or b"WAVE" not in body:
                    return self._reply(400, {"error": {"message": "no wav file part"}})
                return self._reply(200, {"text": "我下个月能还两千。"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def openai_asr(base_url: str, timeout: float = 5.0) -> OpenAIASR:
    return OpenAIASR(base_url=base_url + "/v1", api_key="sk-test", timeout=timeout)


# --- openai-compatible -----------------------------------------------------------------


def test_openai_path_transcribes_through_the_real_client(server, speech):
    heard = openai_asr(server.url).transcribe(speech)
    assert heard.text == "我下个月能还两千。" and heard.backend == "openai"
    assert heard.confidence is None
    sent = server.requests[-1]
    assert sent["headers"]["authorization"] == "Bearer sk-test"
    assert b'name="model"' in sent["body"] and b"whisper-1" in sent["body"]
    assert b'name="language"' in sent["body"] and b"zh" in sent["body"]


def test_openai_confidence_comes_from_log_probabilities_when_sent(server, speech):
    server.mode = "logprobs"
    heard = openai_asr(server.url).transcribe(speech)
    assert heard.text == "我想分期" and heard.confidence == pytest.approx(0.8187, abs=1e-3)


def test_openai_reads_its_server_and_model_from_the_environment(server, speech, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a local server needs no key
    monkeypatch.setenv("CALLSIM_ASR_MODEL", "paraformer-zh")
    assert build_asr("openai").transcribe(speech).text == "我下个月能还两千。"
    assert b"paraformer-zh" in server.requests[-1]["body"]


@pytest.mark.parametrize(
    ("mode", "message", "reason", "retry"),
    [
        ("401", "密钥", "key rejected", False),
        ("500", "出错", "HTTP 500", True),
        ("empty", "没听清", "empty transcript", True),
    ],
)
def test_openai_errors_become_clear_messages(server, speech, mode, message, reason, retry):
    server.mode = mode
    with pytest.raises(ASRError) as caught:
        openai_asr(server.url).transcribe(speech)
    assert message in caught.value.message and reason in caught.value.reason
    assert caught.value.retry is retry


def test_openai_slow_server_times_out(server, speech):
    server.mode = "slow"
    start = time.monotonic()
    with pytest.raises(ASRError) as caught:
        openai_asr(server.url, timeout=1.0).transcribe(speech)
    assert "超时" in caught.value.message and time.monotonic() - start < 2.5


def test_openai_unreachable_server_says_so():
    with pytest.raises(ASRError) as caught:
        openai_asr(closed_url()).transcribe(b"RIFF")
    assert "连不上" in caught.value.message and "cannot connect" in caught.value.reason


def test_openai_without_key_or_server_is_not_set_up(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ASRError) as caught:
        OpenAIASR().transcribe(b"RIFF")
    assert "配置" in caught.value.message and "OPENAI_API_KEY" in caught.value.reason


# --- google (SpeechRecognition's own request, FLAC-encoded) ---------------------------------


def test_google_path_returns_text_and_confidence(server, speech):
    asr = GoogleASR(endpoint=server.url + "/speech-api/v2/recognize")
    heard = asr.transcribe(speech)
    assert (heard.text, heard.confidence, heard.backend) == ("我想分期", 0.87, "google")
    sent = server.requests[-1]
    assert "lang=zh-CN" in sent["path"] and sent["body"][:4] == b"fLaC"


def test_google_unreachable_says_so(speech):
    with pytest.raises(ASRError) as caught:
        GoogleASR(endpoint=closed_url() + "/speech-api/v2/recognize", timeout=3).transcribe(speech)
    assert "连不上" in caught.value.message and "google" in caught.value.reason


# --- the rest ----------------------------------------------------------------------------------


def test_none_asr_asks_the_trainee_to_type():
    with pytest.raises(ASRError) as caught:
        NoneASR().transcribe(b"RIFF")
    assert caught.value.message == "语音识别没有开启，请直接打字。"


def test_faster_whisper_missing_gives_an_install_hint(speech):
    if FasterWhisperASR().probe() is None:
        pytest.skip("faster-whisper is installed here")
    with pytest.raises(ASRError) as caught:
        FasterWhisperASR().transcribe(speech)
    assert "pip install" in caught.value.reason and "配置" in caught.value.message


def test_unknown_asr_lists_the_known_ones():
    with pytest.raises(UnknownBackend, match="known: auto, google, openai, faster-whisper, none"):
        build_asr("siri")


def test_auto_picks_a_configured_reachable_server(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    assert build_asr("auto").name == "openai"


def test_auto_skips_an_unreachable_server(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", closed_url() + "/v1")
    assert build_asr("auto").name != "openai"


def test_callsim_asr_chooses_the_backend(monkeypatch):
    monkeypatch.setenv("CALLSIM_ASR", "none")
    assert build_asr().name == "none"
