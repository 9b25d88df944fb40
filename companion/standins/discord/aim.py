"""Aim an unmodified discord.py at a stand-in for a block, and put it back afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .rest import GATEWAY_PATH


@contextmanager
def point_discord_py_at(api_base: str, gateway_url: str | None = None) -> Iterator[None]:
    """Aim discord.py's REST base (and default gateway) at a stand-in; restore both afterwards.

    discord.py 2.7's unsharded Client never calls GET /gateway/bot: it connects to
    `DiscordWebSocket.DEFAULT_GATEWAY` (wss://gateway.discord.gg/) and only later uses READY's
    `resume_gateway_url`. So the default gateway must be patched too; without `gateway_url` it
    is derived from `api_base` (same host, path /gateway).
    """
    import yarl
    from discord import http
    from discord.gateway import DiscordWebSocket

    base = api_base.rstrip("/")
    if gateway_url is None:
        parsed = yarl.URL(base)
        scheme = "wss" if parsed.scheme == "https" else "ws"
        gateway_url = str(parsed.with_scheme(scheme).with_path(GATEWAY_PATH))
    old_base, old_gateway = http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    http.Route.BASE = base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        http.Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
