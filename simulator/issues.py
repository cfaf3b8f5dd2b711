"""pydantic's validation errors as one problem per line, kept structured for whoever words them.

The command line prints each :class:`Issue` as ``file: field.path: message`` in English
(:func:`validation_problems`); the trainer's studio words the same issues in Chinese from their
``type`` and ``ctx`` (:mod:`simulator.studio_messages`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

__all__ = ["Issue", "validation_issues", "validation_problems"]

_SUB_PATH = re.compile(r"[a-z_][\w.]*")
_MESSAGES = {
    "extra_forbidden": "unknown field",
    "finite_number": "not a number (.nan and .inf are not allowed)",
    "int_parsing_size": "number too large",
}


@dataclass(frozen=True)
class Issue:
    """One schema problem before it is worded for a person (the studio words it in Chinese)."""

    field: str
    """The dotted field path, ``(top)`` for the file as a whole."""
    type: str
    """pydantic's error type (``less_than_equal``, ``missing``…); ``value_error`` for the
    checks of our own validators, whose English ``message`` is then the whole story."""
    message: str
    """The English message of the ``file: field.path: message`` line."""
    ctx: dict[str, Any] = field(default_factory=dict)
    """pydantic's context values (``le``, ``pattern``, ``expected``…)."""
    input: Any = None


def validation_issues(exc: ValidationError) -> list[Issue]:
    """A pydantic error as one :class:`Issue` per problem.

    A model validator may report several problems, one per line, each starting with its own
    sub-path (``lines.opening: missing``); those are joined onto the error's location.
    """
    issues = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top)"
        kind = err["type"]
        is_value_error = kind == "value_error"
        message = str(err["ctx"]["error"]) if is_value_error and "ctx" in err else err["msg"]
        message = _MESSAGES.get(kind, message)
        value = err.get("input")
        if isinstance(value, float) and not math.isfinite(value):  # in an int field too
            kind, message = "finite_number", _MESSAGES["finite_number"]
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if k != "error"}
        for line in message.splitlines():
            head, sep, rest = line.partition(": ")
            if is_value_error and sep and _SUB_PATH.fullmatch(head):
                where = f"{loc + '.' if loc != '(top)' else ''}{head}"
                issues.append(Issue(where, kind, rest, ctx, value))
            else:
                issues.append(Issue(loc, kind, line, ctx, value))
    return issues


def validation_problems(source: str, exc: ValidationError) -> list[str]:
    """Turn a pydantic error into ``source: field.path: message`` lines (see :class:`Issue`)."""
    return [f"{source}: {i.field}: {i.message}" for i in validation_issues(exc)]
