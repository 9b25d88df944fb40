"""A local Discord (REST + Gateway) for running an unmodified discord.py bot in tests."""

from __future__ import annotations

from .aim import point_discord_py_at
from .interactions import CommandNotVisibleError
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
    message_text,
)
from .server import DiscordStandin, HeldRequest

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "CallbackAttempt",
    "ChannelSpec",
    "CommandNotVisibleError",
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
    "message_text",
    "point_discord_py_at",
]
