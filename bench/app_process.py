"""Start ``app.py`` as its own process on a free port of 127.0.0.1, offline, for a benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, **env: str) -> tuple[subprocess.Popen, str]:
    """``app.py`` on a fresh data folder (scripted engine, no voice unless ``env`` says so).

    Returns the process and its URL (no trailing slash). Exits the benchmark when the app
    stops or does not answer within 90 s.
    """
    port = free_port()
    settings = {
        **os.environ,
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "CALLSIM_DATA_DIR": str(data_dir),
        "CALLSIM_ENGINE": "scripted",
        "CALLSIM_TTS": "none",
        "CALLSIM_ASR": "none",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env,
    }
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=settings,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited: {proc.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("app.py did not answer within 90 s")
