"""Serving the microphone: https from a self-signed certificate, and the mic's state per recogniser."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import urllib.request

import pytest

from simulator.voice.asr import NoneASR, WhisperASR
from simulator.voice.serving import TLSConfigError, mic_state, tls_options
from tests.fixtures.fakes import FakeASR, make_services
from tests.fixtures.server import free_port

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")


def self_signed(tmp_path):
    """The README's self-signed route, as a trainer would run it."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=callsim"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_no_certificate_means_plain_http():
    assert tls_options({}) == {}


def test_half_a_certificate_names_what_is_missing(tmp_path):
    with pytest.raises(TLSConfigError, match="CALLSIM_SSL_KEYFILE is not set"):
        tls_options({"CALLSIM_SSL_CERTFILE": str(tmp_path / "cert.pem")})


def test_an_unreadable_or_wrong_file_is_named(tmp_path):
    with pytest.raises(TLSConfigError, match="CALLSIM_SSL_CERTFILE=.*cert.pem"):
        tls_options(
            {"CALLSIM_SSL_CERTFILE": str(tmp_path / "cert.pem"), "CALLSIM_SSL_KEYFILE": "k"}
        )
    (tmp_path / "cert.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    with pytest.raises(TLSConfigError, match="not a PEM file"):
        tls_options(
            {
                "CALLSIM_SSL_CERTFILE": str(tmp_path / "cert.pem"),
                "CALLSIM_SSL_KEYFILE": str(tmp_path / "key.pem"),
            }
        )


@needs_openssl
@pytest.mark.slow
def test_the_app_serves_https_with_a_self_signed_certificate(tmp_path, monkeypatch):
    from app import build_app, launch_options

    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("CALLSIM_SSL_CERTFILE", str(cert))
    monkeypatch.setenv("CALLSIM_SSL_KEYFILE", str(key))
    services = make_services(tmp_path / "data")
    demo = build_app(services)
    port = free_port()
    options = {**launch_options(services), "server_port": port, "server_name": "127.0.0.1"}
    assert options["ssl_certfile"] == str(cert) and options["ssl_verify"] is False
    demo.launch(prevent_thread_lock=True, quiet=True, **options)
    try:
        assert demo.local_url.startswith("https://")
        context = ssl.create_default_context(cafile=str(cert))  # the trainee trusts this cert
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/", context=context) as reply:
            assert reply.status == 200
            assert "callsim" in reply.read().decode("utf-8", "replace")
    finally:
        demo.close()


def test_no_recogniser_turns_the_microphone_off_with_the_reason():
    state = mic_state(NoneASR("auto found no recogniser: faster-whisper: not installed"))
    assert not state.on
    assert "麦克风已关闭" in state.message and "打字" in state.message
    assert "not installed" in state.reason


def test_a_recogniser_whose_model_is_missing_turns_it_off(tmp_path):
    state = mic_state(WhisperASR(str(tmp_path / "nowhere" / "model")))
    assert not state.on and "no such folder" in state.reason


def test_services_without_a_recogniser_turn_it_off():
    assert not mic_state(None).on


def test_a_working_recogniser_leaves_it_on():
    assert mic_state(FakeASR()).on
