"""Shared fixtures: a fresh data folder and real SQLite database per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
PERSONAS_DIR = ROOT / "personas"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh CALLSIM_DATA_DIR for the test."""
    path = tmp_path / "data"
    monkeypatch.setenv("CALLSIM_DATA_DIR", str(path))
    monkeypatch.delenv("CALLSIM_PERSONAS_DIR", raising=False)
    return path


@pytest.fixture
def store(data_dir):
    """A real SQLite store in a fresh folder."""
    from simulator.storage import Store

    s = Store(data_dir)
    yield s
    s.close()
