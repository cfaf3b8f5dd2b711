"""Serving the microphone where trainees sit: https, a reverse proxy, and saying why not.

A browser gives a page the microphone only in a secure context: ``https://``, or
``http://localhost`` / ``http://127.0.0.1`` on the same machine. Opened as
``http://192.168.x.y:7860`` from another desk, the page gets no microphone at all. So:

* :func:`tls_options` turns ``CALLSIM_SSL_CERTFILE`` / ``CALLSIM_SSL_KEYFILE`` into gradio's
  ``launch()`` options (a self-signed certificate works: see the README);
* behind a reverse proxy under a path prefix, gradio's own ``GRADIO_ROOT_PATH`` applies;
* :func:`mic_state` says before the call whether spoken turns can work, and
  :data:`MIC_CHECK_JS` explains in the browser, in Chinese, when the browser withholds it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.voice.base import ASR

__all__ = ["MIC_CHECK_JS", "MicState", "TLSConfigError", "mic_state", "tls_options"]


class TLSConfigError(ValueError):
    """The certificate settings are incomplete or name files that cannot be read."""


def tls_options(env: dict[str, str] | None = None) -> dict:
    """Gradio ``launch()`` options for https, or ``{}`` when no certificate is configured.

    Raises:
        TLSConfigError: one of the two variables is set without the other, or names a file
            that cannot be read (the message names the variable and the file).

    """
    env = os.environ if env is None else env
    cert = env.get("CALLSIM_SSL_CERTFILE", "").strip()
    key = env.get("CALLSIM_SSL_KEYFILE", "").strip()
    if not cert and not key:
        return {}
    if not cert or not key:
        missing = "CALLSIM_SSL_CERTFILE" if not cert else "CALLSIM_SSL_KEYFILE"
        raise TLSConfigError(f"https needs both certificate and key: {missing} is not set")
    for variable, value in (("CALLSIM_SSL_CERTFILE", cert), ("CALLSIM_SSL_KEYFILE", key)):
        path = Path(value).expanduser()
        try:
            with path.open("rb") as f:
                head = f.read(64)
        except OSError as exc:
            raise TLSConfigError(f"{variable}={value}: {exc.strerror or exc}") from exc
        if b"-----BEGIN" not in head:
            raise TLSConfigError(f"{variable}={value}: not a PEM file")
    options = {"ssl_certfile": cert, "ssl_keyfile": key}
    # gradio checks its own URL at start; a self-signed certificate must not fail that check
    options["ssl_verify"] = env.get("CALLSIM_SSL_VERIFY", "0").strip() not in ("", "0", "false")
    return options


@dataclass(frozen=True)
class MicState:
    """Whether the practice page offers the microphone, and what it says about it."""

    on: bool
    message: str
    """Chinese, for the trainee, shown before the call."""
    reason: str
    """English, for the trainer and the logs."""


def mic_state(asr: ASR | None) -> MicState:
    """Can a spoken turn be recognised with ``asr``? Checked once, when the page is built."""
    if asr is None:
        return MicState(
            False, "本机没有可用的语音识别，麦克风已关闭，请打字说话。", "no recogniser"
        )
    if asr.name == "none":
        why = getattr(asr, "why", "CALLSIM_ASR=none")
        return MicState(False, "本机没有可用的语音识别，麦克风已关闭，请打字说话。", why)
    probe = getattr(asr, "probe", None)
    why = probe() if callable(probe) else None
    if why:
        return MicState(False, "语音识别没有准备好，麦克风已关闭，请打字说话。", why)
    return MicState(True, "", f"speech recognition: {asr.name}")


INSECURE = (
    "这个页面不是通过安全连接（https）打开的，浏览器不允许网页使用麦克风。"
    "请让培训管理员提供 https 地址，或在运行本系统的电脑上用 http://127.0.0.1 打开；"
    "现在可以先打字说话。"
)
DENIED = (
    "浏览器拒绝了麦克风权限。请点地址栏左边的图标，允许使用麦克风，再刷新页面；现在可以先打字说话。"
)
NO_DEVICE = "这台电脑没有找到麦克风。请插上耳麦后刷新页面；现在可以先打字说话。"

MIC_CHECK_JS = f"""async () => {{
  const say = (text) => {{
    document.querySelectorAll("#mic, #mic-live").forEach((m) => {{ m.style.display = "none"; }});
    return text;
  }};
  if (!window.isSecureContext || !navigator.mediaDevices) {{ return say({json.dumps(INSECURE, ensure_ascii=False)}); }}
  try {{
    const status = await navigator.permissions.query({{name: "microphone"}});
    if (status.state === "denied") {{ return say({json.dumps(DENIED, ensure_ascii=False)}); }}
  }} catch (e) {{ /* a browser that cannot query the permission asks when recording starts */ }}
  try {{
    const devices = await navigator.mediaDevices.enumerateDevices();
    if (!devices.some((d) => d.kind === "audioinput")) {{ return say({json.dumps(NO_DEVICE, ensure_ascii=False)}); }}
  }} catch (e) {{ }}
  return "";
}}"""
"""Runs in the browser when the page loads: a Chinese explanation when the microphone is
withheld (the page is not a secure context, permission denied, no device), else empty."""
