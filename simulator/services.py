"""What the app's pages share: storage, personas, and the backends chosen by configuration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.persona import LoadedPersona, default_personas_dir, load_personas
from simulator.storage import Store

__all__ = ["Services"]


@dataclass
class Services:
    """The app's dependencies, built once at start and handed to every page."""

    store: Store
    personas_dir: Path

    @classmethod
    def from_env(cls) -> Services:
        """Build from the ``CALLSIM_*`` environment variables (offline defaults)."""
        return cls(store=Store(), personas_dir=default_personas_dir())

    def personas(self) -> dict[str, LoadedPersona]:
        """The personas on disk now (re-read so a trainer's edits show up without a restart)."""
        return load_personas(self.personas_dir)
