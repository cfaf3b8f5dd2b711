"""The deployment's clock: what time it is where the trainees sit, and how a time is written.

Calls are dialled, and every time on a page, in the CSV or in the studio is shown, in one time
zone: ``CALLSIM_TZ`` (an IANA name such as ``Asia/Shanghai``, the default). The server's own
zone does not matter: a container running in UTC still places a call made at 23:00 in Beijing
at 23:00, where the contact-hour rule can see it. Stored times keep their UTC offset; only the
way they are shown changes.
"""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_TZ", "TIME_FORMAT", "TZError", "deployment_tz", "local", "now", "shown"]

DEFAULT_TZ = "Asia/Shanghai"
TIME_FORMAT = "%Y-%m-%d %H:%M"
"""The one way a time is written for a person: ``2026-11-20 14:30``."""


class TZError(ValueError):
    """``CALLSIM_TZ`` names no time zone."""


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TZError(
            f"CALLSIM_TZ={name!r} is not a time zone name (e.g. Asia/Shanghai, Asia/Hong_Kong)"
        ) from None


def deployment_tz() -> tzinfo:
    """The zone of ``CALLSIM_TZ`` (``Asia/Shanghai`` when unset).

    Raises:
        TZError: the variable names no known zone.

    """
    return _zone((os.environ.get("CALLSIM_TZ") or DEFAULT_TZ).strip() or DEFAULT_TZ)


def now() -> datetime:
    """The current time in the deployment's zone, with its offset."""
    return datetime.now(deployment_tz())


def local(value: datetime | str) -> datetime:
    """A time in the deployment's zone; a time without an offset is taken as already local.

    Raises:
        ValueError: a string that is not ISO 8601.

    """
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = deployment_tz()
    if when.tzinfo is None:
        return when.replace(tzinfo=zone)
    return when.astimezone(zone)


def shown(value: datetime | str | None, default: str = "—") -> str:
    """A stored time as a person reads it (``TIME_FORMAT`` in the deployment's zone).

    ``default`` stands in for a missing time; a string that is not a time comes back as it was.
    """
    if value is None or value == "":
        return default
    try:
        return local(value).strftime(TIME_FORMAT)
    except (TypeError, ValueError):
        return str(value)
