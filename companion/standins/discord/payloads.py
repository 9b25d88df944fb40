"""Builders for the JSON Discord sends: users, guilds, READY and messages."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .models import (
    ChannelSpec,
    GuildSpec,
    MemberSpec,
    RoleSpec,
    StoredMessage,
    UploadedFile,
    as_int,
    iter_components,
)

API_VERSION = 10
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def iso_now() -> str:
    """Discord's timestamp format: ISO 8601 with microseconds and an explicit +00:00."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def interaction_token(interaction_id: int) -> str:
    """A token shaped like Discord's (base64 `interaction:<id>:` + random), never reused."""
    prefix = (
        base64.urlsafe_b64encode(f"interaction:{interaction_id}:".encode()).decode().rstrip("=")
    )
    return prefix + secrets.token_urlsafe(96)


# --------------------------------------------------------------------------- entities


def user_payload(spec: MemberSpec) -> dict[str, Any]:
    """A user object as the API returns it (modern usernames: discriminator "0")."""
    data: dict[str, Any] = {
        "id": str(spec.id),
        "username": spec.username,
        "global_name": spec.global_name,
        "discriminator": "0",
        "avatar": spec.avatar,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }
    if spec.bot:
        data["bot"] = True
    return data


def member_payload(
    spec: MemberSpec,
    role_ids: list[int],
    *,
    permissions: int | None = None,
    include_user: bool = True,
) -> dict[str, Any]:
    """A guild member; `permissions` is added where Discord adds it (interactions, resolved)."""
    data: dict[str, Any] = {
        "avatar": None,
        "banner": None,
        "communication_disabled_until": None,
        "deaf": False,
        "flags": 0,
        "joined_at": spec.joined_at,
        "mute": False,
        "nick": spec.nick,
        "pending": False,
        "premium_since": None,
        "roles": [str(r) for r in role_ids],
        "unusual_dm_activity_until": None,
    }
    if include_user:
        data["user"] = user_payload(spec)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def role_payload(role: RoleSpec) -> dict[str, Any]:
    """A role object with the fields discord.py 2.7 reads (colors included)."""
    data: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "description": None,
        "permissions": str(as_int(role.permissions)),
        "position": role.position,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "managed": role.managed,
        "mentionable": role.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if role.tags is not None:
        data["tags"] = role.tags
    return data


def channel_payload(
    spec: ChannelSpec,
    guild_id: int,
    *,
    overwrites: list[dict[str, Any]],
    last_message_id: int | None = None,
    permissions: int | None = None,
) -> dict[str, Any]:
    """A guild channel object, in the shape of channel-guild-text-example.json."""
    data: dict[str, Any] = {
        "id": str(spec.id),
        "guild_id": str(guild_id),
        "name": spec.name,
        "type": spec.type,
        "position": spec.position,
        "permission_overwrites": overwrites,
        "rate_limit_per_user": spec.rate_limit_per_user,
        "nsfw": spec.nsfw,
        "topic": spec.topic,
        "last_message_id": str(last_message_id) if last_message_id else None,
        "parent_id": str(spec.parent_id) if spec.parent_id else None,
        "flags": 0,
    }
    if spec.type in (0, 5):
        data["default_auto_archive_duration"] = 1440
    if spec.type in (2, 13):
        data.update(bitrate=64000, user_limit=0, rtc_region=None)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def dm_channel_payload(
    channel_id: int, recipient: MemberSpec, last_message_id: int | None
) -> dict[str, Any]:
    """A DM channel object, in the shape of channel-dm-example.json."""
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": str(last_message_id) if last_message_id else None,
        "flags": 0,
        "recipients": [user_payload(recipient)],
    }


def guild_payload(spec: GuildSpec, roles: list[dict[str, Any]], owner_id: int) -> dict[str, Any]:
    """The guild object, field for field as guild-object-example.json (values from the spec)."""
    return {
        "id": str(spec.id),
        "name": spec.name,
        "icon": None,
        "description": spec.description,
        "splash": None,
        "discovery_splash": None,
        "features": list(spec.features),
        "emojis": [],
        "stickers": [],
        "banner": None,
        "owner_id": str(owner_id),
        "application_id": None,
        "region": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "system_channel_id": None,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 1,
        "roles": roles,
        "default_message_notifications": 1,
        "mfa_level": 0,
        "explicit_content_filter": 2,
        "max_presences": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "system_channel_flags": 0,
        "preferred_locale": spec.preferred_locale,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "nsfw_level": 0,
        "incidents_data": None,
    }


def message_payload(
    msg: StoredMessage,
    *,
    user_lookup: Callable[[int], dict[str, Any] | None],
    include_guild_id: bool = False,
    referenced: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message object as REST answers and MESSAGE_CREATE carry it."""
    mentions = [u for u in (user_lookup(i) for i in msg.pings.users) if u is not None]
    data: dict[str, Any] = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "author": msg.author,
        "content": msg.content,
        "timestamp": msg.timestamp,
        "edited_timestamp": msg.edited_timestamp,
        "tts": msg.tts,
        "mention_everyone": msg.pings.everyone,
        "mentions": mentions,
        "mention_roles": [str(r) for r in msg.pings.roles],
        "attachments": msg.attachments,
        "embeds": msg.embeds,
        "pinned": msg.pinned,
        "type": msg.type,
        "flags": msg.flags,
        "components": msg.components,
    }
    if include_guild_id and msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
    if msg.webhook_id is not None:
        data["webhook_id"] = str(msg.webhook_id)
    if msg.application_id is not None:
        data["application_id"] = str(msg.application_id)
    if msg.interaction_metadata is not None:
        data["interaction_metadata"] = msg.interaction_metadata
        if msg.type in (20, 23):
            meta = msg.interaction_metadata
            data["interaction"] = {
                "id": meta["id"],
                "type": meta["type"],
                "name": meta.get("name", ""),
                "user": meta["user"],
            }
    if msg.message_reference is not None:
        data["message_reference"] = msg.message_reference
        data["referenced_message"] = referenced
    return data


def normalise_embeds(embeds: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Discord echoes embeds with `type: rich` and a `content_scan_version`; mimic that."""
    result = []
    for embed in embeds or []:
        copy = dict(embed)
        copy.setdefault("type", "rich")
        copy.setdefault("content_scan_version", 0)
        result.append(copy)
    return result


def number_components(components: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Discord assigns every component a numeric `id` in its answers; do the same."""
    copied = _deep_copy(components or [])
    used = {c["id"] for c in iter_components(copied) if isinstance(c.get("id"), int)}
    counter = 1
    for component in iter_components(copied):
        if not isinstance(component.get("id"), int):
            while counter in used:
                counter += 1
            component["id"] = counter
            used.add(counter)
    return copied


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def ready_payload(
    *,
    bot: MemberSpec,
    application_id: int,
    session_id: str,
    resume_gateway_url: str,
    guild_ids: list[int],
    shard: list[int] | None,
) -> dict[str, Any]:
    """READY: docs list the fields but give no example, so this follows the field table."""
    user = user_payload(bot)
    user.update(verified=True, mfa_enabled=False, email=None, flags=0, bot=True)
    data: dict[str, Any] = {
        "v": API_VERSION,
        "user_settings": {},
        "user": user,
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["rotterdam", "frankfurt", "london", "madrid", "milan"],
        "auth": {},
        "_trace": ['["gateway-prd-standin",{"micros":0}]'],
    }
    if shard is not None:
        data["shard"] = shard
    return data


def application_payload(application_id: int, bot: MemberSpec, owner: MemberSpec) -> dict[str, Any]:
    """GET /oauth2/applications/@me with the keys discord.py's AppInfo requires."""
    bot_user = user_payload(bot)
    return {
        "id": str(application_id),
        "name": bot.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "bot": bot_user,
        "owner": user_payload(owner),
        "team": None,
        "verify_key": secrets.token_hex(32),
        "flags": 0,
        "hook": True,
        "is_monetized": False,
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "tags": [],
        "integration_types_config": {"0": {}},
        "approximate_guild_count": 1,
    }


def file_url(base_url: str, channel_id: int, attachment_id: int, filename: str) -> str:
    """Where the stand-in serves an uploaded file (Discord's CDN path, on the stand-in host)."""
    return f"{base_url}/attachments/{channel_id}/{attachment_id}/{filename}"


def attachment_payload(
    base_url: str,
    channel_id: int,
    attachment_id: int,
    upload: UploadedFile,
    *,
    description: str | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """An attachment object with the keys discord.py's Attachment requires."""
    url = file_url(base_url, channel_id, attachment_id, upload.filename)
    data: dict[str, Any] = {
        "id": str(attachment_id),
        "filename": upload.filename,
        "size": len(upload.data),
        "url": url,
        "proxy_url": url,
        "content_type": upload.content_type,
    }
    if description is not None:
        data["description"] = description
    if ephemeral:
        data["ephemeral"] = True
    return data
