"""Fixtures shared by every test folder: a clean environment and real files on disk."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

LOCAL_NAMES = {"localhost", "localhost.localdomain", ""}


@pytest.fixture(autouse=True, scope="session")
def _no_name_lookups_leave_the_machine() -> Iterator[None]:
    """No test touches the internet: names other than local ones fail like NXDOMAIN."""
    real_getaddrinfo = socket.getaddrinfo

    def local_only(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            if name.lower() not in LOCAL_NAMES:
                raise socket.gaierror(
                    socket.EAI_NONAME, f"{name}: not looked up in tests"
                ) from None
        return real_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = local_only  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo


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
