"""What persona files and rubric files share: YAML read as a mapping, one line per problem.

Both kinds are validated completely at load by a pydantic model; every problem comes out as
``file: field.path: message`` so a trainer can go straight to the line to fix.

Every data file a person can hand us (persona, rubric, calibration labels, transcript JSON) is
read through :func:`read_text` and parsed by :func:`load_yaml` or :func:`load_json`, which put a
limit on size, nesting depth and (for YAML aliases) expanded size, reject duplicate keys, accept
a UTF-8 byte-order mark, and turn every failure into one :class:`InputError` instead of a
``RecursionError`` or a traceback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from simulator.issues import Issue, validation_issues, validation_problems

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "DataFileError",
    "FileMissing",
    "InputError",
    "Issue",
    "check_files",
    "compose_yaml",
    "content_version",
    "load_json",
    "load_yaml",
    "read_data_file",
    "read_mapping",
    "read_text",
    "report_once",
    "validation_issues",
    "validation_problems",
]

MAX_FILE_BYTES = 1_000_000
"""A persona is ~7 kB and a rubric ~26 kB; a file a hundred times bigger is not one of them."""
MAX_DEPTH = 40
"""Nesting deeper than this is refused (the deepest real file nests about 8 levels)."""
MAX_NODES = 200_000
"""YAML values after expanding aliases: a "billion laughs" file stops here, not in memory."""

log = logging.getLogger(__name__)


class DataFileError(Exception):
    """A data file could not be loaded; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class InputError(ValueError):
    """One problem with an input file, before any schema is applied.

    Args:
        where: ``line N`` for a YAML/JSON problem with a place, ``None`` for the file as a whole.
        message: why, in a few words.

    """

    def __init__(
        self,
        where: str | None,
        message: str,
        *,
        problem: str | None = None,
        context: str | None = None,
        found_line: int | None = None,
    ):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message
        self.problem = problem
        """The YAML parser's own problem phrase (``expected ',' or ']'``), for translation."""
        self.context = context
        """What the parser was reading (``while parsing a flow sequence``), if it said."""
        self.found_line = found_line
        """1-based line where the parser noticed; ``where`` names the line of the mistake."""

    def line(self, source: str, whole_file: str | None = None) -> str:
        """The ``source: where: message`` line (``whole_file`` stands in for a missing place)."""
        where = self.where or whole_file
        return f"{source}: {where}: {self.message}" if where else f"{source}: {self.message}"


class FileMissing(InputError):
    """The file does not exist (callers may add what does)."""


def read_text(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a regular UTF-8 file of at most ``max_bytes`` (a byte-order mark is dropped).

    Raises:
        InputError: missing (:class:`FileMissing`), a folder or other non-file, too big,
            unreadable, or not UTF-8.

    """
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(None, "is a folder, not a file")
        if not path.exists():
            if path.is_symlink():
                raise InputError(None, "broken link: its target does not exist or loops")
            raise FileMissing(None, "file not found")
        if not path.is_file():  # a FIFO or device would block or never end
            raise InputError(None, "not a regular file")
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            raw = fh.read(max_bytes + 1) if size <= max_bytes else b""
    except PermissionError:
        raise InputError(None, "cannot read: permission denied") from None
    except OSError as exc:
        raise InputError(None, f"cannot read: {exc.strerror or exc}") from None
    if size > max_bytes or len(raw) > max_bytes:
        raise InputError(None, f"{max(size, len(raw))} bytes, more than {max_bytes}: too large")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            None, f"not UTF-8 text (byte {raw[exc.start]:#04x} at {exc.start}); save it as UTF-8"
        ) from None


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with limits on depth and expanded size, and no duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._sizes: dict[int, int] = {}  # id(node) -> values under it, aliases expanded

    def _grow(self, count: int, mark: Any) -> None:
        self._nodes += count
        if self._nodes > MAX_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"too many values (over {MAX_NODES:,}, aliases expanded)", mark
            )

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                if id(target) not in self._sizes:
                    raise yaml.composer.ComposerError(
                        None, None, f"alias *{event.anchor} refers to itself", event.start_mark
                    )
                self._grow(self._sizes[id(target)], event.start_mark)
            return super().compose_node(parent, index)
        mark = self.peek_event().start_mark
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {MAX_DEPTH} levels", mark
            )
        before = self._nodes
        self._grow(1, mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._sizes[id(node)] = self._nodes - before
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue  # unhashable: the base class names it
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key!r} (first on line {first.start_mark.line + 1})",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:  # 2026-02-30, a 5,000-digit integer …
            raise yaml.constructor.ConstructorError(
                None, None, _bad_value(exc), node.start_mark
            ) from None


def _bad_value(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "integer string conversion" in text:
        return "number too long (more than 4,300 digits)"
    return f"bad value: {text}"


# What the parser was reading when it stopped. For these the mistake is where that thing began
# (an unclosed [ or {, a key without its colon, a quote never closed), not where the parser
# gave up, which is often the next line.
_STARTED_AT_CONTEXT = ("flow sequence", "flow mapping", "simple key", "quoted scalar")


def _yaml_problem(exc: yaml.YAMLError) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character
        code = f"#x{ord(char) if isinstance(char, str) else char:04x}"
        return InputError(f"position {exc.position}", f"not a text file (control character {code})")
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    start = getattr(exc, "context_mark", None)
    found = mark.line + 1 if mark else None
    line = found
    if start is not None and context and any(c in context for c in _STARTED_AT_CONTEXT):
        line = start.line + 1
    message = problem if line == found or found is None else f"{problem} on line {found}"
    where = f"line {line}" if line else "yaml"
    return InputError(where, message, problem=problem, context=context, found_line=found)


def load_yaml(text: str) -> Any:
    """Parse one YAML document within the limits (see the module docstring).

    Raises:
        InputError: with ``line N`` where the YAML is broken or over a limit.

    """
    if len(text) > MAX_FILE_BYTES:  # text pasted in the studio's editor has no file size
        raise InputError(None, f"{len(text)} characters, more than {MAX_FILE_BYTES}: too large")
    try:
        loader = _Loader(text)  # checks for control characters at once
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc) from None
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc) from None
    except RecursionError:  # not reachable within MAX_DEPTH; kept as a last guard
        raise InputError("yaml", f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML node tree (with line marks) within the same limits; None when it is broken."""
    if len(text) > MAX_FILE_BYTES:
        return None
    try:
        loader = _Loader(text)
    except yaml.YAMLError:
        return None
    try:
        return loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def load_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON text, refusing nesting deeper than ``max_depth`` before the parser sees it.

    Duplicate keys, ``NaN`` / ``Infinity`` and more than :data:`MAX_NODES` values are refused,
    as they are in YAML.

    Raises:
        InputError: ``line L column C: why`` for bad JSON, the depth or value limits, a
            duplicate key or a non-finite number.

    """
    text = text.removeprefix("\ufeff")
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise InputError(f"line {line}", f"nested deeper than {max_depth} levels")
        elif token in "]}":
            depth -= 1
    if text.count(",") >= MAX_NODES:  # values in lists are counted by their separators
        raise InputError("json", f"too many values (over {MAX_NODES:,})")
    values = 0

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal values
        values += len(pairs) + 1
        if values > MAX_NODES:
            raise _JSONRefused(f"too many values (over {MAX_NODES:,})")
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _JSONRefused(f"duplicate key {key!r}")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise _JSONRefused(f"{name} is not a number JSON allows")

    try:
        data = json.loads(text, object_pairs_hook=mapping, parse_constant=constant)
    except _JSONRefused as exc:
        raise InputError("json", str(exc)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno} column {exc.colno}", exc.msg) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number
        raise InputError("json", _bad_value(exc)) from None
    return data


class _JSONRefused(ValueError):
    """A JSON document the app does not take (duplicate key, NaN, too many values)."""


def read_data_file(path: str | Path, error: type[DataFileError]) -> str:
    """:func:`read_text`, with a problem raised as ``error(["path: why"])``."""
    try:
        return read_text(path)
    except InputError as exc:
        raise error([exc.line(str(path))]) from None


def read_mapping(text: str, source: str, error: type[DataFileError]) -> dict[str, Any]:
    """Parse YAML text that must be a mapping of fields.

    Raises:
        error: the YAML is broken (with its line), over a limit, empty, or not a mapping.

    """
    try:
        data = load_yaml(text)
    except InputError as exc:
        raise error([exc.line(source)]) from None
    if data is None:
        raise error([f"{source}: (top): empty file, expected a mapping of fields"])
    if not isinstance(data, dict):
        raise error([f"{source}: (top): expected a mapping of fields"])
    return data


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


_reported: dict[str, frozenset[str]] = {}
_reported_lock = threading.Lock()


def report_once(
    key: str, problems: Iterable[str], emit: Callable[[str], None] | None = None
) -> list[str]:
    """Emit each problem not already reported under ``key``; return those emitted.

    The app asks for the personas on every dial; a broken file is reported once when it breaks
    (again only after it changes), not once per trainee per call.

    Args:
        key: what the problems belong to, e.g. ``personas:/srv/personas``.
        problems: the problems found now; ones that went away are forgotten.
        emit: where a new problem goes (a warning in this module's log by default).

    """
    now = list(dict.fromkeys(problems))
    with _reported_lock:
        before = _reported.get(key, frozenset())
        new = [line for line in now if line not in before]
        _reported[key] = frozenset(now)
    for line in new:
        (emit or log.warning)(line)
    return new
