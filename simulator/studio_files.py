"""Persona and rubric files as the trainer's studio edits them: list, validate, save, version.

Saving validates first (a broken file in the personas folder would take every customer off the
practice page), writes to a temporary file in the same folder and renames it over the old one, so
a reader sees the old file or the new one, never half of either. The replaced version is kept
outside the working tree, in the app's data folder (``<data>/versions/<kind>/<id>/``, see
:func:`keep_dir`), where a trainer can restore it; files kept by older releases in
``<folder>/.versions/<id>/`` are still listed. File names are checked against a strict pattern,
so a name such as ``../../etc/passwd`` never reaches the file system.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from simulator.datafile import InputError, compose_yaml, load_yaml, read_text, report_once
from simulator.persona import PersonaError, load_personas, parse_persona

__all__ = [
    "KINDS",
    "FileStatus",
    "Version",
    "Problem",
    "SavedFile",
    "StudioError",
    "from_template",
    "keep_dir",
    "list_files",
    "locate",
    "problems_with_lines",
    "read_file",
    "report_problems",
    "restore",
    "safe_name",
    "save",
    "validate",
    "version_list",
    "versions",
]

KINDS = ("persona", "rubric")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_STAMP = re.compile(r"^\d{8}T\d{12}Z$")
VERSIONS_DIR = ".versions"
"""Where releases before #15 kept replaced versions, inside the personas or rubrics folder."""


def keep_dir(data_dir: Path, kind: str) -> Path:
    """Where replaced versions of a kind of file are kept: ``<data>/versions/<kind>``."""
    _check_kind(kind)
    return Path(data_dir) / "versions" / kind


class StudioError(ValueError):
    """A file the studio refuses to write; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def safe_name(name: str) -> str:
    """The file id for ``name`` (a trailing ``.yaml`` is dropped).

    Raises:
        StudioError: anything but lowercase letters, digits, ``_`` and ``-`` (so no paths).

    """
    stem = (name or "").strip()
    if stem.endswith(".yaml"):
        stem = stem[: -len(".yaml")]
    if not _NAME.match(stem):
        raise StudioError(
            [f"文件名 {name!r} 不可用：只能用小写字母、数字、下划线和连字符，如 hostile_zhang"]
        )
    return stem


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")


def validate(kind: str, text: str, source: str) -> list[str]:
    """Every problem in the text, as ``source: field.path: message`` lines; empty when valid."""
    _check_kind(kind)
    if kind == "persona":
        try:
            parse_persona(text, source, persona_id=Path(source).stem)
        except PersonaError as exc:
            return exc.problems
        return []
    from scoring.rubric import RubricError, parse_rubric

    try:
        loaded = parse_rubric(text, source)
    except RubricError as exc:
        return exc.problems
    stem = Path(source).stem
    if loaded.id != stem:
        return [f"{source}: id: must match the file name {stem!r} (is {loaded.id!r})"]
    return []


@dataclass(frozen=True)
class Problem:
    """One validation problem, placed in the editor's text."""

    field: str
    """The dotted field path, e.g. ``facts.monthly_capacity``; ``(top)`` for the whole file."""
    message: str
    line: int | None
    """1-based line in the text where that field sits, when it can be found."""


def locate(text: str, field: str) -> int | None:
    """The 1-based line of a dotted field path in YAML text (the deepest part that exists)."""
    if field.startswith("line "):
        return int(field.split()[1]) if field.split()[1].isdigit() else None
    node = compose_yaml(text)
    if node is None:
        return None
    line = None
    for part in field.split("."):
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            line, node = key.start_mark.line + 1, match
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def problems_with_lines(text: str, problems: list[str], source: str) -> list[Problem]:
    """Split ``source: field: message`` lines and find each field's line in the text."""
    out = []
    for raw in problems:
        rest = raw[len(source) + 2 :] if raw.startswith(f"{source}: ") else raw
        field, sep, message = rest.partition(": ")
        if not sep:
            field, message = "(top)", rest
        out.append(Problem(field, message, locate(text, field)))
    return out


@dataclass(frozen=True)
class FileStatus:
    """One file in a folder and whether it validates."""

    id: str
    path: Path
    title: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the file validates."""
        return not self.problems


def _title(kind: str, text: str) -> str:
    try:
        data = load_yaml(text)
    except InputError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("name" if kind == "persona" else "title") or "")


def list_files(kind: str, directory: Path) -> list[FileStatus]:
    """Every ``*.yaml`` file in the folder with its validation state, broken ones included."""
    _check_kind(kind)
    out = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            text = read_text(path)
        except InputError as exc:
            out.append(FileStatus(path.stem, path, "", (exc.line(str(path)),)))
            continue
        problems = validate(kind, text, str(path))
        out.append(FileStatus(path.stem, path, _title(kind, text), tuple(problems)))
    return out


@dataclass(frozen=True)
class SavedFile:
    """Where a save went."""

    path: Path
    previous: Path | None
    """The copy of the replaced version, None for a new file."""


def save(kind: str, directory: Path, name: str, text: str, keep: Path | None = None) -> SavedFile:
    """Validate and atomically write ``<directory>/<name>.yaml``, keeping the replaced version.

    ``keep`` is the folder of kept versions (:func:`keep_dir`); without it they go to
    ``<directory>/.versions`` as before.

    Raises:
        StudioError: a bad file name, or the text does not validate (nothing is written).

    """
    stem = safe_name(name)
    directory = Path(directory)
    target = directory / f"{stem}.yaml"
    problems = validate(kind, text, str(target))
    if problems:
        raise StudioError(problems)
    if (target.exists() or target.is_symlink()) and not target.is_file():
        raise StudioError([f"{target.name} 不是普通文件（可能是文件夹或失效的链接），无法保存"])
    directory.mkdir(parents=True, exist_ok=True)
    previous = None
    mode = None
    if target.exists():
        try:
            if read_text(target) == text:
                return SavedFile(target, None)
        except InputError:
            pass  # a broken old file (not UTF-8, too big): replace it, keeping a copy
        mode = stat.S_IMODE(target.stat().st_mode)
        kept = (Path(keep) if keep is not None else directory / VERSIONS_DIR) / stem
        kept.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        previous = kept / f"{stamp}.yaml"
        shutil.copy2(target, previous)
    _write_atomically(target, text, mode)
    return SavedFile(target, previous)


def _write_atomically(target: Path, text: str, mode: int | None) -> None:
    """Write beside ``target`` and rename over it, keeping ``mode`` (None: a new file's default).

    ``tempfile.mkstemp`` would create the file 0600 and the rename would carry that over, so a
    file the app and the trainers' tools could read became readable by its owner alone. Opened
    with 0666 the kernel applies the umask, exactly as for any new file.
    """
    tmp = target.with_name(f".{target.stem}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_file(path: Path) -> str:
    """A persona or rubric file's text for the editor (a byte-order mark dropped).

    Raises:
        StudioError: missing, a folder, too big, unreadable or not UTF-8.

    """
    try:
        return read_text(path)
    except InputError as exc:
        raise StudioError([f"{path.name}: {_CHINESE.get(exc.message, exc.message)}"]) from None


_CHINESE = {
    "file not found": "找不到文件",
    "is a folder, not a file": "这是一个文件夹，不是文件",
    "not a regular file": "不是普通文件",
    "cannot read: permission denied": "没有读取权限",
}


@dataclass(frozen=True)
class Version:
    """One kept earlier version of a file."""

    id: str
    """The stamp it was kept under (``20261120T143000123456Z``, UTC)."""
    path: Path

    @property
    def saved_at(self) -> datetime:
        """When it was replaced (UTC)."""
        return datetime.strptime(self.id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)


def _kept(directory: Path, name: str, keep: Path | None) -> list[Version]:
    stem = safe_name(name)
    places = [Path(directory) / VERSIONS_DIR / stem]
    if keep is not None:
        places.insert(0, Path(keep) / stem)
    found = {}
    for place in places:
        if place.is_dir():
            for path in place.glob("*.yaml"):
                if _STAMP.match(path.stem) and path.is_file():
                    found.setdefault(path.stem, Version(path.stem, path))
    return [found[k] for k in sorted(found)]


def versions(directory: Path, name: str, keep: Path | None = None) -> list[Path]:
    """Kept earlier versions of a file, oldest first (from ``keep`` and the old place)."""
    return [v.path for v in _kept(directory, name, keep)]


def version_list(directory: Path, name: str, keep: Path | None = None) -> list[Version]:
    """Kept earlier versions of a file with their stamps, newest first."""
    return list(reversed(_kept(directory, name, keep)))


def restore(
    kind: str, directory: Path, name: str, version: str, keep: Path | None = None
) -> tuple[str, SavedFile]:
    """Save a kept version over the file (the current text is kept in turn); (text, where).

    Raises:
        StudioError: no such version (an id that is not a kept stamp never reaches the file
            system), or it no longer validates (the schema changed since).

    """
    match = next((v for v in _kept(directory, name, keep) if v.id == version), None)
    if match is None:
        raise StudioError([f"找不到 {safe_name(name)}.yaml 的这个历史版本"])
    text = read_file(match.path)
    return text, save(kind, directory, name, text, keep)


def from_template(kind: str, directory: Path, base: str, new_name: str) -> str:
    """The text of a new file: a copy of ``base`` with its name (persona) or id (rubric) changed.

    Raises:
        StudioError: a bad name, a missing base, or a new name already taken.

    """
    _check_kind(kind)
    stem, base_stem = safe_name(new_name), safe_name(base)
    directory = Path(directory)
    if (directory / f"{stem}.yaml").exists():
        raise StudioError([f"{stem}.yaml 已存在，请换一个文件名"])
    source = directory / f"{base_stem}.yaml"
    if not source.is_file():
        raise StudioError([f"找不到模板文件 {source}"])
    text = read_file(source)
    header = f"# 以 {base_stem}.yaml 为模板新建，请修改下面的内容。\n"
    if kind == "persona":
        text = re.sub(r"(?m)^name:.*$", "name: 新客户（请改名）", text, count=1)
    else:
        text = re.sub(r"(?m)^id:.*$", f"id: {stem}", text, count=1)
    return header + text


def report_problems(
    personas_dir: Path, rubric: str | None = None, emit: Callable[[str], None] | None = None
) -> None:
    """Say once (per change) each problem in the persona and rubric files, as the app starts.

    Goes through the same memo as :func:`simulator.persona.load_personas`, so a page that loads
    the personas next does not say the same lines again.

    Args:
        personas_dir: the personas folder.
        rubric: the rubric the app scores with (id or path), checked too when outside the folder.
        emit: where each line goes; a warning in the log by default.

    """
    from scoring.rubric import RubricError, default_rubrics_dir, load_rubric, rubric_problems

    load_personas(personas_dir, emit=emit)
    problems = rubric_problems(default_rubrics_dir())
    if rubric:
        try:
            load_rubric(rubric)
        except RubricError as exc:
            problems += [p for p in exc.problems if p not in problems]
    report_once(f"rubrics:{default_rubrics_dir().resolve()}", problems, emit)
