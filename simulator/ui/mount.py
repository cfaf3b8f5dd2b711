"""Wiring the studio and review pages, and sign-in, into the app.

``build_app`` calls :func:`mount` after its main ``with gr.Blocks() as demo:`` block and passes
:func:`launch_kwargs` to ``launch``; both read the accounts in the services' database, so the
pages and the sign-in agree on who exists.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from simulator.accounts.auth import Auth
from simulator.accounts.users import Users
from simulator.services import Services
from simulator.ui import review, studio

__all__ = ["mount", "auth_for", "launch_kwargs"]


def auth_for(services: Services) -> Auth:
    """The sign-in and role checks over the accounts in the services' database."""
    return Auth(Users(services.store))


def mount(demo: gr.Blocks, services: Services, auth: Auth | None = None) -> Auth:
    """Add 训练师工作台 (/studio) and 通话复盘 (/review) to ``demo``; returns the auth used.

    Call it outside any ``with demo:`` block (gradio's ``route`` requires that).
    """
    auth = auth or auth_for(services)
    with demo.route("训练师工作台", "/studio"):
        studio.build(services, auth)
    with demo.route("通话复盘", "/review"):
        review.build(services, auth)
    return auth


def launch_kwargs(auth: Auth) -> dict[str, Any]:
    """``launch`` keyword arguments: sign-in when accounts exist, nothing otherwise."""
    return auth.launch_kwargs()
