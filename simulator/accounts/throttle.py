"""Slowing down password guessing: per-name and per-address lockouts that grow with each failure.

The rule follows the OWASP Authentication Cheat Sheet ("Account lockout": a failure threshold,
an observation window, a lockout that grows; https://cheatsheetseries.owasp.org/cheatsheets/
Authentication_Cheat_Sheet.html) and NIST SP 800-63B §5.2.2 (rate-limit failed attempts per
account):

- **per name**: after 5 failed sign-ins within 15 minutes the name is locked for 30 s; each
  further failure while the count stays at 5 or more doubles the lockout, up to 15 minutes. A
  successful sign-in clears the name's count. Unknown names are counted the same way, so the
  answer says nothing about which names exist. At most as many checks of one name run at once as
  it has failures left before the threshold, so a burst of guesses is cut off at 5 too;
- **per address**: the same backoff after 20 failures, since a whole call center may sign in from
  one address. A success does not clear it (one valid account must not unlock a guessing run).

Refused attempts cost no password hash. Everything here is in memory: a restart forgets it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ADDRESS_BACKOFF", "NAME_BACKOFF", "Backoff", "Refusal", "SignInThrottle"]


@dataclass(frozen=True)
class Backoff:
    """When failures start to lock, and for how long."""

    threshold: int
    """Failures within ``window`` that start a lockout."""
    window: float
    """Seconds a failure is remembered."""
    base: float
    """Seconds of the first lockout; each further failure doubles it."""
    cap: float
    """The longest lockout, in seconds."""

    def lockout(self, failures: int) -> float:
        """Seconds to lock after the ``failures``-th failure within the window (0 below threshold)."""
        if failures < self.threshold:
            return 0.0
        return min(self.cap, self.base * 2 ** min(failures - self.threshold, 32))


NAME_BACKOFF = Backoff(threshold=5, window=15 * 60, base=30, cap=15 * 60)
ADDRESS_BACKOFF = Backoff(threshold=20, window=15 * 60, base=30, cap=15 * 60)
_SWEEP_AT = 4096
BUSY_RETRY = 2
"""Retry-After (s) when a name already has as many checks in flight as it may fail."""


@dataclass(frozen=True)
class Refusal:
    """A sign-in attempt turned away before its password was checked."""

    retry_after: int
    """Whole seconds until an attempt may be answered (the HTTP ``Retry-After``)."""
    message: str
    """What to tell the person, in Chinese."""


@dataclass
class _Count:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0
    in_flight: int = 0

    def forget_before(self, moment: float) -> None:
        while self.failures and self.failures[0] <= moment:
            self.failures.popleft()

    def idle(self, now: float) -> bool:
        return not self.failures and not self.in_flight and self.locked_until <= now


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"


class SignInThrottle:
    """Per-name and per-address failure counts; :meth:`admit` before a check, :meth:`settle` after.

    Args:
        names: the backoff for one sign-in name.
        addresses: the backoff for one client address.
        clock: seconds, monotonic (tests pass their own).

    """

    def __init__(
        self,
        names: Backoff = NAME_BACKOFF,
        addresses: Backoff = ADDRESS_BACKOFF,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.names, self.addresses, self.clock = names, addresses, clock
        self._by_name: dict[str, _Count] = {}
        self._by_address: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def _count(self, table: dict[str, _Count], key: str, rule: Backoff, now: float) -> _Count:
        count = table.setdefault(key, _Count())
        count.forget_before(now - rule.window)
        return count

    def admit(self, name: str, address: str) -> Refusal | None:
        """None when the attempt may go ahead (and is then counted in flight), else why not."""
        with self._lock:
            now = self.clock()
            by_address = self._count(self._by_address, address, self.addresses, now)
            by_name = self._count(self._by_name, name, self.names, now)
            if by_address.locked_until > now:
                wait = math.ceil(by_address.locked_until - now)
                return Refusal(wait, f"此网络地址登录失败次数过多，请 {_wait_text(wait)}后再试。")
            if by_name.locked_until > now:
                wait = math.ceil(by_name.locked_until - now)
                return Refusal(wait, f"该账号登录失败次数过多，请 {_wait_text(wait)}后再试。")
            allowance = max(1, self.names.threshold - len(by_name.failures))
            if by_name.in_flight >= allowance:
                return Refusal(BUSY_RETRY, "该账号正在登录，请稍后再试。")
            by_name.in_flight += 1
            return None

    def settle(self, name: str, address: str, passed: bool | None) -> None:
        """Record how an admitted attempt ended: True signed in, False wrong, None neither."""
        with self._lock:
            now = self.clock()
            by_name = self._count(self._by_name, name, self.names, now)
            by_name.in_flight = max(0, by_name.in_flight - 1)
            if passed:
                by_name.failures.clear()
                by_name.locked_until = 0.0
            elif passed is False:
                by_address = self._count(self._by_address, address, self.addresses, now)
                for count, rule in ((by_name, self.names), (by_address, self.addresses)):
                    count.failures.append(now)
                    lock = rule.lockout(len(count.failures))
                    if lock:
                        count.locked_until = max(count.locked_until, now + lock)
            for table, key in ((self._by_name, name), (self._by_address, address)):
                if key in table and table[key].idle(now):
                    del table[key]
            if len(self._by_name) + len(self._by_address) > _SWEEP_AT:
                self._sweep(now)

    def _sweep(self, now: float) -> None:
        """Drop counts that remember nothing, so guessing at many names does not grow memory."""
        for table, rule in ((self._by_name, self.names), (self._by_address, self.addresses)):
            for key, count in list(table.items()):
                count.forget_before(now - rule.window)
                if count.idle(now):
                    del table[key]
