"""Specs that describe the stand-in's world, and records of what the bot did in it."""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1420070400000


class Perm(enum.IntFlag):
    """Discord permission bits the stand-in reasons about (names as in Discord's docs)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    SEND_MESSAGES_IN_THREADS = 1 << 38
    PIN_MESSAGES = 1 << 51


ALL_PERMISSIONS = (1 << 52) - 1

DEFAULT_EVERYONE_PERMISSIONS = int(
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.SEND_MESSAGES_IN_THREADS
)

DEFAULT_BOT_PERMISSIONS = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.MANAGE_MESSAGES
    | Perm.PIN_MESSAGES
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.SEND_MESSAGES_IN_THREADS
)


class Intent(enum.IntFlag):
    """Gateway intent bits the stand-in honours when deciding which events to send."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15


PRIVILEGED_INTENTS = int(Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT)


class MessageFlag(enum.IntFlag):
    """Message flag bits with a meaning in the stand-in."""

    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_VOICE_MESSAGE = 1 << 13
    IS_COMPONENTS_V2 = 1 << 15


def as_int(value: int | str | None, default: int = 0) -> int:
    """Accept Discord's string bitfields/snowflakes and plain ints alike."""
    if value is None:
        return default
    return int(value)


# --------------------------------------------------------------------------- specs


@dataclass
class RoleSpec:
    """A guild role; `permissions` is a bitfield (int or Discord's decimal string)."""

    id: int
    name: str
    permissions: int | str = 0
    position: int = 1
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    tags: dict[str, Any] | None = None


@dataclass
class ChannelSpec:
    """A guild channel; the two flags make the bot lack Send Messages or Pin Messages there."""

    id: int
    name: str
    type: int = 0
    topic: str | None = None
    position: int = 0
    parent_id: int | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    bot_can_send: bool = True
    bot_can_pin: bool = True


@dataclass
class MemberSpec:
    """A guild member (and the user behind it).

    `permissions` is granted through a role of the member's own (added on top of @everyone and
    `roles`), so an organiser is `permissions=Perm.MANAGE_GUILD` and a plain member `0` without
    modelling roles; discord.py's `Member.guild_permissions` then agrees with the payloads.
    `dms_open=False` makes DMs to this user fail with 50007 like a user who closed them.
    """

    id: int
    username: str
    global_name: str | None = None
    roles: list[int] = field(default_factory=list)
    permissions: int | str | None = None
    nick: str | None = None
    bot: bool = False
    dms_open: bool = True
    locale: str = "en-US"
    joined_at: str = "2023-01-15T18:01:02.345000+00:00"
    avatar: str | None = None


@dataclass
class GuildSpec:
    """A guild the bot is in: its channels, members, roles and the bot's own role permissions."""

    id: int
    name: str
    channels: list[ChannelSpec] = field(default_factory=list)
    members: list[MemberSpec] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    owner_id: int | None = None
    features: list[str] = field(default_factory=list)
    preferred_locale: str = "en-US"
    description: str | None = None
    everyone_permissions: int | str = DEFAULT_EVERYONE_PERMISSIONS
    bot_permissions: int | str = DEFAULT_BOT_PERMISSIONS


# --------------------------------------------------------------------------- records


@dataclass
class UploadedFile:
    """One file part of a multipart request, as the bot uploaded it."""

    field_name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request the bot made; `path` is relative to the API base (e.g. `/users/@me`)."""

    index: int
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    at: float
    route: str = ""
    status: int | None = None
    response: Any = None
    authorized: bool = False
    injected: bool = False


@dataclass
class Violation:
    """A request the stand-in rejected the way Discord would (e.g. 50035 Invalid Form Body)."""

    request_index: int
    method: str
    path: str
    code: int
    message: str
    errors: dict[str, Any] | None = None


@dataclass
class Pings:
    """Who a message actually notifies once content and allowed_mentions are combined."""

    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)
    everyone: bool = False
    replied_user: int | None = None


@dataclass
class StoredMessage:
    """A message as the stand-in holds it; edits update it in place and keep `history`."""

    id: int
    channel_id: int
    guild_id: int | None
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: list[UploadedFile] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    pings: Pings = field(default_factory=Pings)
    tts: bool = False
    type: int = 0
    via: str = "channel"
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    message_reference: dict[str, Any] | None = None
    pinned: bool = False
    pinned_at: str | None = None
    deleted: bool = False
    timestamp: str = ""
    edited_timestamp: str | None = None
    created_at: float = field(default_factory=time.monotonic)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        """True for messages only the invoking user sees (flag 64)."""
        return bool(self.flags & MessageFlag.EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while a deferred response still shows "is thinking…" (flag 128)."""
        return bool(self.flags & MessageFlag.LOADING)

    @property
    def custom_ids(self) -> list[str]:
        """All component custom_ids on the message, in layout order, to find buttons quickly."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]


@dataclass
class CallbackAttempt:
    """One POST to /interactions/{id}/{token}/callback and how the stand-in answered it."""

    type: int | None
    body: dict[str, Any]
    files: list[UploadedFile]
    at: float
    latency: float
    status: int
    error_code: int | None = None


class InteractionRecord:
    """Everything that happened to one dispatched interaction (callbacks, messages, timing)."""

    def __init__(
        self,
        payload: dict[str, Any],
        *,
        dispatched_at: float,
        lookup_message: Callable[[int], StoredMessage | None],
    ) -> None:
        """Start tracking `payload` from the moment it was dispatched."""
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type = int(payload["type"])
        user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
        self.user_id = as_int(user.get("id"))
        self.guild_id: int | None = as_int(payload["guild_id"]) if payload.get("guild_id") else None
        self.channel_id = as_int(payload.get("channel_id"))
        self.dispatched_at = dispatched_at
        self.callbacks: list[CallbackAttempt] = []
        self.acknowledged = False
        self.response_type: int | None = None
        self.original_message_id: int | None = None
        self.followup_ids: list[int] = []
        self.autocomplete_choices: list[dict[str, Any]] | None = None
        self.modal: dict[str, Any] | None = None
        self._lookup_message = lookup_message
        self._first: asyncio.Future[CallbackAttempt] = asyncio.get_running_loop().create_future()

    def __repr__(self) -> str:
        """Show the id, type and acknowledgement state when a test fails."""
        return (
            f"<InteractionRecord id={self.id} type={self.type} "
            f"acknowledged={self.acknowledged} callbacks={len(self.callbacks)}>"
        )

    @property
    def message(self) -> dict[str, Any] | None:
        """The message a component interaction was triggered from, as dispatched."""
        return self.payload.get("message")

    @property
    def response_latency(self) -> float | None:
        """Seconds from dispatch to the first callback POST (None if none arrived yet)."""
        return self.callbacks[0].latency if self.callbacks else None

    @property
    def first_status(self) -> int | None:
        """HTTP status the stand-in gave the first callback (204/200, or 404 when too late)."""
        return self.callbacks[0].status if self.callbacks else None

    @property
    def original_message(self) -> StoredMessage | None:
        """The @original message (response, deferred placeholder, or the clicked message)."""
        if self.original_message_id is None:
            return None
        return self._lookup_message(self.original_message_id)

    @property
    def followups(self) -> list[StoredMessage]:
        """Followup messages created through the interaction webhook, oldest first."""
        found = (self._lookup_message(i) for i in self.followup_ids)
        return [m for m in found if m is not None]

    async def first_response(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait for the first callback POST and return its JSON body (payload_json if multipart)."""
        try:
            attempt = await asyncio.wait_for(asyncio.shield(self._first), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"interaction {self.id} got no callback within {timeout}s "
                "(is the command registered and did it respond?)"
            ) from None
        return attempt.body

    def _record(self, attempt: CallbackAttempt) -> None:
        self.callbacks.append(attempt)
        if not self._first.done():
            self._first.set_result(attempt)


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten a component tree (action rows, containers, sections, labels) in layout order."""
    found: list[dict[str, Any]] = []
    for component in components or []:
        found.append(component)
        found.extend(iter_components(component.get("components") or []))
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                found.extend(iter_components([child]))
    return found


class SnowflakeFactory:
    """Time-based, strictly increasing snowflakes, so `created_at` in discord.py looks right."""

    def __init__(self, worker: int = 1) -> None:
        """Use `worker` in the worker-id bits to tell stand-in ids apart from fixture ids."""
        self._worker = worker & 0x1F
        self._increment = 0
        self._last = 0

    def next(self) -> int:
        """Return a fresh snowflake for the current time."""
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (millis << 22) | (self._worker << 17) | (self._increment & 0xFFF)
        self._increment += 1
        value = max(value, self._last + 1)
        self._last = value
        return value


class ChangeFeed:
    """Lets tests wait for "the stand-in's state now satisfies X" without polling sleeps."""

    def __init__(self) -> None:
        """Start with nobody waiting."""
        self._futures: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake every waiter so it re-checks its predicate."""
        for future in self._futures:
            if not future.done():
                future.set_result(None)
        self._futures.clear()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:  # noqa: ASYNC109
        """Return once `predicate()` is true; raise TimeoutError naming `what` otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            future: asyncio.Future[None] = loop.create_future()
            self._futures.add(future)
            try:
                await asyncio.wait_for(future, remaining)
            except TimeoutError:
                continue


def message_text(message: StoredMessage) -> str:
    """Content, embed titles, descriptions, fields and footers of a message, as plain text."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for item in embed.get("fields") or []:
            parts += [item.get("name") or "", item.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p)
