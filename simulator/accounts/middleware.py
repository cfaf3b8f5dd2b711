"""Two small ASGI middlewares in front of gradio's routes: session checks and sign-in throttling.

They reach gradio through ``launch(app_kwargs={"middleware": [...]})`` (see
:meth:`simulator.accounts.auth.Auth.launch_kwargs`), so they see every request before gradio does:

- :class:`SessionGuard` puts :class:`~simulator.accounts.sessions.SessionTokens` in place of
  gradio's token dict, drops the caller's token when their account was removed or their
  password changed since they signed in, and on ``/logout`` (退出登录) drops this browser's
  token under either cookie name, whichever gradio's own route looks at;
- :class:`SignInGate` counts failed ``POST /login`` attempts per name and per client address and
  answers HTTP 429 with a Chinese ``detail`` and ``Retry-After`` once they pile up
  (:mod:`simulator.accounts.throttle`). gradio's own sign-in form shows nothing on a 429; the
  sign-in message above it states the rule. Every refused sign-in, wrong (400) or throttled
  (429), is one line in the operators' log with the name and the address, never the password.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.requests import Request, cookie_parser

from simulator import oplog
from simulator.accounts.sessions import SessionTokens
from simulator.accounts.throttle import SignInThrottle

__all__ = ["SessionGuard", "SignInGate"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

WRONG_PASSWORD = "wrong name or password"
"""The log's reason for a sign-in gradio refused (HTTP 400); which of the two is not said."""
MAX_LOGIN_BODY = 64 * 1024
"""A sign-in form is a name and a password; anything bigger is refused unread."""

# Session-key lookups wait on the store's lock; keep them off the event loop and out of the
# pool gradio runs handlers in.
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="callsim-session")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class SessionGuard:
    """Ends a browser's session at its next request once its account changed.

    Args:
        app: the next ASGI app.
        tokens: the token store to install in the gradio ``App`` this middleware serves.

    """

    def __init__(self, app: ASGIApp, tokens: SessionTokens):
        self.app = app
        self.tokens = tokens

    def _install(self, server: Any) -> None:
        """Replace gradio's plain token dict (it makes a fresh one whenever it configures)."""
        current = getattr(server, "tokens", None)
        if current is self.tokens or not hasattr(server, "cookie_id"):
            return
        for token, name in dict(current or {}).items():
            self.tokens[token] = name
        server.tokens = self.tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the caller's session token, if any, then pass the request on."""
        server = scope.get("app")
        if scope["type"] in ("http", "websocket") and server is not None:
            self._install(server)
            cookies = cookie_parser(_header(scope, b"cookie"))
            # gradio sets the same token under a secure and a plain cookie name
            names = (
                f"access-token-{server.cookie_id}",
                f"access-token-unsecure-{server.cookie_id}",
            )
            signing_out = scope["type"] == "http" and scope["path"].rstrip("/").endswith("/logout")
            for token in {cookies.get(name) for name in names}:
                if token and token in self.tokens:
                    if signing_out:  # this browser only; the person stays in elsewhere
                        self.tokens.revoke(token)
                        continue
                    loop = asyncio.get_running_loop()
                    await loop.run_in_executor(_LOOKUPS, self.tokens.check, token)
        await self.app(scope, receive, send)


def _is_login(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] == "POST"
        and (scope["path"].rstrip("/").rsplit("/", 1)[-1] == "login")
    )


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is longer than ``limit``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then the client's own messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _form_name(scope: Scope, body: bytes, receive: Receive) -> str:
    """The ``username`` field as gradio will read it (stripped); empty when unreadable."""
    request = Request(scope, _replay(body, receive))
    try:
        form = await request.form()
    except Exception:  # a malformed form: gradio answers it (422); count it under ""
        return ""
    try:
        name = form.get("username")
        return name.strip() if isinstance(name, str) else ""
    finally:
        await form.close()


async def _respond(send: Send, status: int, detail: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SignInGate:
    """Throttles ``POST /login`` per name and per client address.

    Args:
        app: the next ASGI app.
        throttle: the failure counts (shared by every request to this app).

    """

    def __init__(self, app: ASGIApp, throttle: SignInThrottle):
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a throttled sign-in with 429; count how an admitted one ended."""
        if not _is_login(scope):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, MAX_LOGIN_BODY)
        if body is None:
            await _respond(send, 413, "登录请求过大。")
            return
        name = await _form_name(scope, body, receive)
        address = (scope.get("client") or ("unknown",))[0]
        refusal = self.throttle.admit(name, address)
        if refusal is not None:
            oplog.refused(
                f"{name or '(no name)'} from {address}",
                "sign-in",
                f"throttled for {refusal.retry_after} s: {refusal.message}",
            )
            retry = [(b"retry-after", str(refusal.retry_after).encode())]
            await _respond(send, 429, refusal.message, retry)
            return
        settled = False

        def settle(status: int | None) -> None:
            nonlocal settled
            if settled:
                return
            settled = True
            passed = {200: True, 400: False}.get(status) if status is not None else None
            self.throttle.settle(name, address, passed)
            if passed is False:  # the password itself is never read here, let alone logged
                oplog.refused(f"{name or '(no name)'} from {address}", "sign-in", WRONG_PASSWORD)

        async def watch(message: Message) -> None:
            # counted and logged before the answer leaves: the next try always sees this one
            if message["type"] == "http.response.start":
                settle(message["status"])
            await send(message)

        try:
            await self.app(scope, _replay(body, receive), watch)
        finally:
            settle(None)
