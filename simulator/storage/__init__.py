"""Where calls, turns, scores and accounts are kept: one SQLite file per data folder.

The web server never serves this folder; audio reaches a browser only as a copy handed out by a
handler that checked the caller (:mod:`simulator.storage.media`).
"""

from simulator.storage.store import (
    BUSY_TIMEOUT_MS,
    Store,
    StoreError,
    StoreWriteError,
    default_data_dir,
)

__all__ = ["BUSY_TIMEOUT_MS", "Store", "StoreError", "StoreWriteError", "default_data_dir"]
