"""Browser sessions that end when their account is removed or its password changes.

gradio keeps signed-in browsers in ``App.tokens``, a dict from cookie token to user name: its
sign-in route stores a token there, and every route asks it who is calling. :class:`SessionTokens`
takes that dict's place. It notes the account's session key (see
:mod:`simulator.accounts.users`) when each token is issued, and a token whose account has since
got another key — or is gone — is dropped before the request reaches gradio
(:class:`simulator.accounts.middleware.SessionGuard` asks :meth:`SessionTokens.check`). gradio then
sees the caller as signed out: its API answers 401 and its page shows the sign-in form.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["SessionTokens"]


class SessionTokens(dict):
    """gradio's token → user name map, with the session key each token was issued under.

    gradio reads and writes it on its event loop (``get``, ``[]=``, ``del``); :meth:`check`
    reads the database and belongs in a worker thread.

    Args:
        session_key: the account's current session key by name, None once the account is gone.

    """

    def __init__(self, session_key: Callable[[str], str | None]):
        super().__init__()
        self._session_key = session_key
        self._issued: dict[str, str | None] = {}
        self._expected: dict[str, str] = {}
        self._lock = threading.Lock()

    def expect(self, name: str, session_key: str) -> None:
        """Note the key a password check just saw; gradio stores the new token right after."""
        with self._lock:
            self._expected[name] = session_key

    def __setitem__(self, token: str, name: str) -> None:
        with self._lock:
            key = self._expected.pop(name, None)
        if key is None:  # a sign-in that did not go through Auth: take the key current now
            key = self._session_key(name)
        with self._lock:
            self._issued[token] = key
            super().__setitem__(token, name)

    def __delitem__(self, token: str) -> None:
        with self._lock:
            self._issued.pop(token, None)
            super().__delitem__(token)

    def pop(self, token, *default):
        """Remove a token (dict semantics)."""
        with self._lock:
            self._issued.pop(token, None)
            return super().pop(token, *default)

    def revoke(self, token: str) -> None:
        """Forget a token: the browser holding it is signed out."""
        self.pop(token, None)

    def check(self, token: str | None) -> str | None:
        """The signed-in name for ``token``; a token whose account changed is revoked first.

        Reads the account's session key from the database: call it from a worker thread.
        """
        if token is None:
            return None
        with self._lock:
            name = super().get(token)
            issued = self._issued.get(token)
        if name is None:
            return None
        current = self._session_key(name)
        if current is None or current != issued:
            self.revoke(token)
            return None
        return name
