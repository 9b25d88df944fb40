"""The records the whole product passes around: a guild's campaign and its members.

Plain dataclasses with no storage or Discord knowledge; the store maps them to rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from companion.core.handles import Handle


def utcnow() -> datetime:
    """The current time, aware and in UTC (the only kind of time we store)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Campaign:
    """One guild's move: the community, the two servers and the cutover deadline."""

    guild_id: int
    community_name: str = "Example Community"
    old_server: str | None = None
    new_server: str | None = None
    deadline: datetime | None = None
    timezone: str = "UTC"
    guide_url: str = "http://127.0.0.1:8000/"
    announcement_channel_id: int | None = None
    roster_channel_id: int | None = None
    organiser_role_id: int | None = None
    announced_at: datetime | None = None
    language: str = "en"  # channel posts: announcement, reminders, roster, movers

    @property
    def is_configured(self) -> bool:
        """True once both servers and the deadline are known."""
        return bool(self.old_server and self.new_server and self.deadline)

    @property
    def zone(self) -> ZoneInfo:
        """The campaign's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def roster_channel(self) -> int | None:
        """Where the roster post lives: its own channel, else the announcement channel."""
        return self.roster_channel_id or self.announcement_channel_id

    def with_changes(self, **changes: object) -> Campaign:
        """A copy with some fields changed (campaigns are immutable values)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Member:
    """A Discord member's link between their old and new Mastodon accounts."""

    guild_id: int
    user_id: int
    display_name: str
    old_handle: Handle
    new_handle: Handle
    linked_at: datetime
    verified_at: datetime | None = None
    roster_consent: bool | None = None
    dm_reminders: bool = False
    dm_closed_at: datetime | None = None
    followers_before: int | None = None
    followers_recorded_at: datetime | None = None
    verify_code: str | None = None
    verify_code_expires_at: datetime | None = None
    last_status: str | None = None
    last_checked_at: datetime | None = None
    last_confirmed_at: datetime | None = None
    moved_at: datetime | None = None
    move_announced_at: datetime | None = None
    language: str = "en"  # their Discord client's, for direct messages

    @property
    def is_verified(self) -> bool:
        """The member proved they own the new account."""
        return self.verified_at is not None

    @property
    def has_moved(self) -> bool:
        """The servers confirmed the move (followers may still be arriving)."""
        return self.moved_at is not None


@dataclass(frozen=True, slots=True)
class Observation:
    """One recorded check of a member's move, with the evidence behind it."""

    guild_id: int
    user_id: int
    checked_at: datetime
    status: str
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CachedAccount:
    """A handle resolved once to its server's account id and actor URI."""

    handle: Handle
    api_host: str
    account_id: str
    actor_uri: str | None
    resolved_at: datetime
