"""A local Discord (REST + Gateway) for running an unmodified discord.py bot in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .models import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    CallbackAttempt,
    ChannelSpec,
    GuildSpec,
    Intent,
    InteractionRecord,
    MemberSpec,
    MessageFlag,
    Perm,
    Pings,
    RecordedRequest,
    RoleSpec,
    StoredMessage,
    UploadedFile,
    Violation,
)
from .payloads import CommandNotVisible
from .rest import GATEWAY_PATH
from .server import DiscordStandin, HeldRequest

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "CallbackAttempt",
    "ChannelSpec",
    "CommandNotVisible",
    "DiscordStandin",
    "GuildSpec",
    "HeldRequest",
    "Intent",
    "InteractionRecord",
    "MemberSpec",
    "MessageFlag",
    "Perm",
    "Pings",
    "RecordedRequest",
    "RoleSpec",
    "StoredMessage",
    "UploadedFile",
    "Violation",
    "point_discord_py_at",
]


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
