"""Fixtures shared by every test folder: a clean environment and real files on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _clean_companion_environment(monkeypatch, tmp_path):
    """Each test starts with no COMPANION_* variables and an empty working folder."""
    for name in list(os.environ):
        if name.startswith("COMPANION_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's real SQLite file lives."""
    return tmp_path / "companion.db"
