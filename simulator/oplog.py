"""The operators' log of refused actions: one line each, saying who and why, never a traceback.

A refusal is the app working as meant (an override without a reason, a page the role does not
open, a sign-in held back after repeated failures), so it is one ``WARNING`` line on the
``callsim.refused`` logger::

    refused override by boss (call 3f2a…): 修改分数必须填写理由。

Tracebacks are kept for real faults. Pages turn a refusal into ``gr.Error(...,
print_exception=False)`` (see :func:`simulator.ui.refuse.refusal`) so gradio does not print
one either.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["LOGGER", "refused", "who"]

LOGGER = "callsim.refused"
log = logging.getLogger(LOGGER)


def who(request: Any) -> str:
    """The caller of a request as the log names them: the signed-in name, else the address."""
    name = getattr(request, "username", None) if request is not None else None
    if name:
        return str(name)
    client = getattr(request, "client", None)
    host = getattr(client, "host", None) if client is not None else None
    return f"(not signed in, {host})" if host else "(not signed in)"


def refused(actor: str, action: str, why: str, **detail: Any) -> None:
    """Log one refused action: who tried it, what it was, and the reason they were given.

    Args:
        actor: the person (see :func:`who`) or a sign-in name and address.
        action: what they tried, in a few English words (``override``, ``open /studio``).
        why: the reason, as the person was told it (one line).
        **detail: what it concerned (``call="3f2a…"``); empty values are left out.

    """
    about = ", ".join(f"{k} {v}" for k, v in detail.items() if v not in (None, ""))
    reason = " ".join(str(why).split())  # one line, whatever the message held
    log.warning("refused %s by %s%s: %s", action, actor, f" ({about})" if about else "", reason)
