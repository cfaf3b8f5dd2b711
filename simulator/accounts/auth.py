"""Sign-in for the web app and the role checks every handler makes.

Pages are hidden from people without the role, but that is only courtesy: the data is guarded in
the handlers, which gradio also exposes as an HTTP API. Every handler asks :class:`Auth` who is
calling (``request.username``, set by gradio's sign-in) and what they may do.

With no accounts at all the app runs for one local user holding every role, and each page shows a
banner saying so. Once an account exists, gradio's sign-in is switched on at the next start; a
request without a signed-in name is then refused rather than treated as the local user.

Password checks run in a thread pool as wide as the machine (``hashlib.scrypt`` releases the GIL),
never on gradio's event loop; failed attempts are throttled and sessions end with their account
(:meth:`Auth.launch_kwargs` installs both in front of gradio's routes).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from simulator import oplog
from simulator.accounts.sessions import SessionTokens
from simulator.accounts.throttle import NAME_BACKOFF, SignInThrottle
from simulator.accounts.users import ROLE_LABELS, ROLES, User, Users

__all__ = ["AccessDenied", "Auth", "LOCAL_USER", "LOCAL_BANNER"]

LOCAL_USER = User("local", frozenset(ROLES))
LOCAL_BANNER = (
    "⚠ 尚未创建任何账号：当前以本地单用户模式运行，拥有学员、培训师、主管全部权限。"
    "用 `callsim users add 姓名 --role manager` 创建账号并重启后即启用登录。"
)
AUTH_MESSAGE = (
    "请使用管理员为您创建的账号登录 callsim 催收通话训练。"
    f"连续输错密码 {NAME_BACKOFF.threshold} 次后，该账号需等待一段时间才能再次登录"
    "（点击登录无反应时请稍候再试）。"
)

# One scrypt check per core at a time: more threads would only share the same cores.
_HASHING = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="callsim-scrypt")


class AccessDenied(PermissionError):
    """The caller may not do this; ``message`` is a short Chinese sentence for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Auth:
    """Who is calling, and may they do it.

    Args:
        users: the accounts; with none, everyone is the local user.
        throttle: the failed-sign-in counts (a fresh one by default).

    """

    def __init__(self, users: Users, throttle: SignInThrottle | None = None):
        self.users = users
        self.throttle = throttle or SignInThrottle()
        self.tokens = SessionTokens(users.session_key)
        """The signed-in browsers of the app this Auth is launched with."""

    @property
    def enabled(self) -> bool:
        """True once at least one account exists."""
        return self.users.count() > 0

    async def check_password(self, username: str, password: str) -> bool:
        """The callable for ``launch(auth=...)``: checks in the hashing pool, off the event loop."""
        loop = asyncio.get_running_loop()
        signed = await loop.run_in_executor(_HASHING, self.users.sign_in, username, password)
        if signed is None:
            return False
        # gradio stores the new token right after this returns, with no await in between.
        self.tokens.expect(signed.user.name, signed.session_key)
        return True

    def launch_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Blocks.launch``: sign-in only when accounts exist.

        With sign-in on, two middlewares go in front of gradio's routes: the sign-in throttle and
        the session check (:mod:`simulator.accounts.middleware`).
        """
        if not self.enabled:
            return {}
        from starlette.middleware import Middleware

        from simulator.accounts.middleware import SessionGuard, SignInGate

        return {
            "auth": self.check_password,
            "auth_message": AUTH_MESSAGE,
            "app_kwargs": {
                "middleware": [
                    Middleware(SignInGate, throttle=self.throttle),
                    Middleware(SessionGuard, tokens=self.tokens),
                ]
            },
        }

    def banner(self) -> str:
        """Markdown shown at the top of each page (empty when sign-in is on)."""
        return "" if self.enabled else LOCAL_BANNER

    def user(self, request: Any, action: str = "a request") -> User:
        """The caller, from a ``gr.Request`` (or anything with a ``username``).

        A refusal is logged (one line, :mod:`simulator.oplog`) naming ``action``.

        Raises:
            AccessDenied: accounts exist but nobody is signed in, or the account is gone.

        """
        user = self._user(request)
        if isinstance(user, AccessDenied):
            oplog.refused(oplog.who(request), action, user.message)
            raise user
        return user

    def _user(self, request: Any) -> User | AccessDenied:
        name = getattr(request, "username", None) if request is not None else None
        if not self.enabled:
            return LOCAL_USER
        if not name:
            return AccessDenied("请先登录。")
        user = self.users.get(name)
        if user is None:
            return AccessDenied("账号不存在或已被删除，请重新登录。")
        return user

    def require(self, request: Any, role: str, action: str | None = None) -> User:
        """The caller, who must hold ``role``; a refusal is logged naming ``action``.

        Raises:
            AccessDenied: not signed in, or without the role.

        """
        action = action or f"an action for the {role} role"
        user = self.user(request, action)
        if not user.has(role):
            denied = AccessDenied(f"此操作需要「{ROLE_LABELS[role]}」权限。")
            oplog.refused(user.name, action, denied.message)
            raise denied
        return user

    def may(self, request: Any, role: str) -> bool:
        """True when the caller holds ``role``; logs nothing (for showing or hiding things)."""
        user = self._user(request)
        return not isinstance(user, AccessDenied) and user.has(role)

    def page_gate(self, role: str, page: str = "") -> Callable[[Any], tuple[User | None, str]]:
        """A page-load helper: (user or None, Markdown notice) for a page needing ``role``.

        A refused page is logged once per load, naming ``page``.
        """

        def gate(request: Any) -> tuple[User | None, str]:
            try:
                user = self.require(request, role, f"open page {page or role}")
            except AccessDenied as exc:
                return None, f"**{exc.message}**"
            head = self.banner() or f"当前用户：**{user.name}**（{user.label}）"
            return user, head

        return gate
