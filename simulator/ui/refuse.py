"""A refused action on a page: the person gets a Chinese toast, the log one line, nobody a traceback."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from simulator import oplog

__all__ = ["TITLE", "quiet_error", "refusal"]


TITLE = "提示"
"""The toast's heading (gradio's own is "Error")."""


def quiet_error(message: str) -> gr.Error:
    """A toast for the person that gradio does not print as a traceback (nothing went wrong).

    gradio renders the message as HTML; it is escaped, since it can quote a file name or a
    value someone typed.
    """
    return gr.Error(html.escape(message), title=TITLE, print_exception=False)


def refusal(
    message: str, request: Any, action: str, actor: str | None = None, **detail: Any
) -> gr.Error:
    """Log a refused action (who, what, why) and return the toast to raise.

    Args:
        message: the Chinese reason the person reads; the log quotes it.
        request: the ``gr.Request`` (names the person when ``actor`` is not given).
        action: what they tried, in a few English words.
        actor: who, when the handler knows (the local user has no name on the request).
        **detail: what it concerned, e.g. ``call=session_id``.

    """
    oplog.refused(actor or oplog.who(request), action, message, **detail)
    return quiet_error(message)
