"""callsim web app: ``python app.py`` serves it at http://127.0.0.1:7860, offline by default."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402  (the analytics switch must be set before gradio loads)

from simulator.services import Services  # noqa: E402
from simulator.ui import practice  # noqa: E402


def build_app(services: Services) -> gr.Blocks:
    """The whole app around the given services; launching is the caller's business."""
    with gr.Blocks(title="callsim 催收通话训练") as demo:
        practice.build(services)
    demo.queue(default_concurrency_limit=40)
    return demo


if __name__ == "__main__":
    build_app(Services.from_env()).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
    )
