"""Audio for the browser: copies handed out by handlers, in a folder that holds nothing else.

The data folder (database, kept audio, voice cache) is never served: the app gives gradio no
``allowed_paths`` and lists the data folder in ``blocked_paths``. A handler that has checked who
is asking (a trainee: their own call; a manager: any) hands gradio a copy made here, which gradio
moves into its own cache under a content hash; nothing else in this folder can be reached.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["MediaShelf"]

log = logging.getLogger(__name__)

KEEP_S = 15 * 60
"""How long a handed-out copy stays: long enough for gradio to move it and a page to play it."""


class MediaShelf:
    """A private folder of audio copies, each under its own random name.

    Args:
        root: the folder to use; by default a new one in the system temp folder (which gradio
            accepts for files a handler returns). Must not be inside the data folder.

    """

    @classmethod
    def for_data_dir(cls, data_dir: str | Path) -> MediaShelf:
        """The shelf of the app serving ``data_dir``, emptied when the app starts.

        One folder per data folder, so copies do not pile up in the temp folder across restarts.
        """
        key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:12]
        root = Path(tempfile.gettempdir()) / f"callsim-media-{os.getuid()}-{key}"
        shutil.rmtree(root, ignore_errors=True)
        return cls(root)

    def __init__(self, root: str | Path | None = None):
        if root is None:
            root = tempfile.mkdtemp(prefix="callsim-media-")
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = threading.Lock()
        self._last_prune = time.monotonic()

    def hand_out(self, source: str | Path) -> Path:
        """A fresh copy of ``source`` for a browser to fetch; the original is never exposed.

        Raises:
            OSError: the source cannot be read or the copy written.

        """
        source = Path(source)
        folder = self.root / secrets.token_hex(12)
        folder.mkdir()
        copy = folder / source.name
        shutil.copyfile(source, copy)
        self._prune()
        return copy

    def _prune(self) -> None:
        """Drop copies older than ``KEEP_S`` (at most once a minute)."""
        now = time.monotonic()
        with self._lock:
            if now - self._last_prune < 60:
                return
            self._last_prune = now
        cutoff = time.time() - KEEP_S
        for folder in self.root.iterdir():
            try:
                if folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:  # another thread pruned it first
                continue
