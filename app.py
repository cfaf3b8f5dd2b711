"""callsim web app: ``python app.py`` serves it at http://127.0.0.1:7860, offline by default.

Gradio's own ``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT`` change the address. The practice
page is at ``/``; each trainee's call lives in their own ``gr.State``.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402  (the analytics switch must be set before gradio loads)

from simulator.services import Services  # noqa: E402
from simulator.ui import practice  # noqa: E402
from simulator.ui.i18n import TOAST_CSS, gradio_i18n  # noqa: E402
from simulator.ui.mount import MAIN_PAGE, auth_for, mount, sign_out_link  # noqa: E402
from simulator.voice.serving import TLSConfigError, tls_options  # noqa: E402

__all__ = ["CONCURRENCY", "build_app", "launch_options"]

CONCURRENCY = 64
"""Events of one kind that run at once. A turn spends most of its time waiting on a voice or
language service, so 64 threads keep 20-40 trainees from queueing behind one another."""


def build_app(services: Services) -> gr.Blocks:
    """The whole app around the given services; launching is the caller's business.

    The practice page is at ``/``, the trainer's studio at ``/studio`` and the manager's review
    at ``/review``; every handler checks the caller's role and only shows a trainee their own calls.
    """
    auth = auth_for(services)
    with gr.Blocks(title="callsim 催收通话训练") as demo:
        if auth.banner():
            gr.Markdown(auth.banner(), elem_id="local-banner")
        sign_out_link(auth)
        practice.build(services)
    mount(demo, services, auth)
    # gradio 6 names the main page "Home" in the navbar unless a gr.Navbar renames it.
    demo.pages[0] = ("", MAIN_PAGE, True)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def trust_proxies() -> None:
    """Trust ``X-Forwarded-For`` only from the proxies named in ``CALLSIM_TRUSTED_PROXIES``.

    uvicorn trusts 127.0.0.1 by default, so anyone on the app's own machine could claim any
    address and slip past the per-address sign-in limit. Behind a reverse proxy, name it
    (``CALLSIM_TRUSTED_PROXIES=127.0.0.1``) to throttle by the real client's address.
    """
    os.environ["FORWARDED_ALLOW_IPS"] = os.environ.get("CALLSIM_TRUSTED_PROXIES", "")


def launch_options(services: Services) -> dict:
    """Keyword arguments for ``launch()``: the address, threads, sign-in, and what is never served."""
    trust_proxies()  # read by uvicorn when launch() builds its server
    return {
        "server_name": os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        "max_threads": CONCURRENCY + 16,
        # The data folder (database, WAL, kept audio) is never served, whatever path form a
        # request uses; audio reaches a page only as a copy a handler hands out after checking
        # the caller (simulator.storage.media).
        "blocked_paths": [str(services.data_dir.resolve())],
        # gradio's own words (buttons, the sign-in form) follow the browser's language; this
        # fills in the few its Simplified Chinese lacks
        "i18n": gradio_i18n(),
        "css": TOAST_CSS,
        **auth_for(services).launch_kwargs(),  # sign-in once accounts exist
        **tls_options(),  # https (CALLSIM_SSL_CERTFILE/KEYFILE): other desks get the microphone
    }


def main() -> int:
    """Start the app; a configuration problem is one line, not a traceback."""
    import logging

    from simulator.clock import TZError, deployment_tz
    from simulator.datafile import DataFileError
    from simulator.engine import EngineError
    from simulator.storage import StoreError
    from simulator.studio_files import report_problems
    from simulator.sweeper import IdleError, Sweeper
    from simulator.voice import UnknownBackend

    def _stderr(line: str) -> None:
        print(f"callsim: {line}", file=sys.stderr)

    # one line per event for operators: refused actions (callsim.refused), faults with tracebacks
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        deployment_tz()
        app_services = Services.from_env()
        # one line per broken persona or rubric file; the good ones are served all the same
        report_problems(app_services.personas_dir, app_services.rubric, emit=_stderr)
        sweeper = Sweeper.for_services(app_services)
        demo = build_app(app_services)
        options = launch_options(app_services)
    except (
        EngineError,
        UnknownBackend,
        DataFileError,
        StoreError,
        TZError,
        IdleError,
        TLSConfigError,
    ) as exc:
        print(f"callsim: {exc}", file=sys.stderr)
        return 2
    sweeper.start()  # calls left open (a closed tab, a trainee gone) end as 未完成
    demo.launch(**options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
