"""What persona files and rubric files share: YAML read as a mapping, one line per problem.

Both kinds are validated completely at load by a pydantic model; every problem comes out as
``file: field.path: message`` so a trainer can go straight to the line to fix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

__all__ = [
    "DataFileError",
    "check_files",
    "content_version",
    "read_mapping",
    "validation_problems",
]

_SUB_PATH = re.compile(r"[a-z_][\w.]*")


class DataFileError(Exception):
    """A data file could not be loaded; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_mapping(text: str, source: str, error: type[DataFileError]) -> dict[str, Any]:
    """Parse YAML text that must be a mapping of fields.

    Raises:
        error: the YAML is broken (with its line) or is not a mapping.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "yaml"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error([f"{source}: {where}: {problem}"]) from None
    if not isinstance(data, dict):
        raise error([f"{source}: (top): expected a mapping of fields"])
    return data


def validation_problems(source: str, exc: ValidationError) -> list[str]:
    """Turn a pydantic error into ``source: field.path: message`` lines.

    A model validator may report several problems, one per line, each starting with its own
    sub-path (``lines.opening: missing``); those are joined onto the error's location.
    """
    lines = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top)"
        is_value_error = err["type"] == "value_error"
        message = str(err["ctx"]["error"]) if is_value_error and "ctx" in err else err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        for line in message.splitlines():
            head, sep, rest = line.partition(": ")
            if is_value_error and sep and _SUB_PATH.fullmatch(head):
                lines.append(f"{source}: {loc + '.' if loc != '(top)' else ''}{head}: {rest}")
            else:
                lines.append(f"{source}: {loc}: {line}")
    return lines


def content_version(text: str) -> str:
    """The version recorded with every call or score: a sha256 prefix of the file's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def check_files(
    paths: Iterable[str | Path], kind: str, check: Callable[[Path], list[str]]
) -> list[str]:
    """Run ``check`` on every file named, and on every ``*.yaml`` in every folder named.

    Args:
        paths: files and folders, as the user typed them.
        kind: what the files are, for the "empty folder" message (``persona``, ``rubric``).
        check: returns the problems of one file (raising nothing).
    """
    problems: list[str] = []
    for path in map(Path, paths):
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(f"{path}: no *.yaml {kind} files")
        for file in files:
            problems.extend(check(file))
    return problems
