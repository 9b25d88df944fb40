"""The real bot against real stand-ins: Discord's gateway and REST, two Mastodon servers.

Tests push Discord's own interaction payloads through the unmodified discord.py client and
the bot's real command tree, and read what discord.py sent back at the HTTP layer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion import offline
from companion.bot.app import CompanionBot
from companion.offline import server_addresses, standin_settings, start_discord, start_mastodon
from companion.services import Services
from companion.settings import Settings
from companion.standins.discord import (
    ChannelSpec,
    DiscordStandin,
    GuildSpec,
    InteractionRecord,
    MemberSpec,
    Perm,
    RoleSpec,
    StoredMessage,
)
from companion.standins.mastodon import Flavour, MastodonStandIn
from companion.store import Store

APP_ID = 1200000000000000001
GUILD_ID = 1200000000000000002
OTHER_GUILD_ID = 1200000000000000003
GENERAL = 1200000000000000010
ANNOUNCEMENTS = 1200000000000000011
LOCKED = 1200000000000000012
ORGANISER_ROLE = 1200000000000000020

ORGANISER = MemberSpec(
    id=1200000000000000100, username="orga", global_name="Orga", permissions=Perm.MANAGE_GUILD
)
HELPER = MemberSpec(
    id=1200000000000000101,
    username="helper",
    global_name="Helper",
    roles=[ORGANISER_ROLE],
    permissions=0,
)
ALICE = MemberSpec(id=1200000000000000102, username="alice", global_name="Alice", permissions=0)
BOB = MemberSpec(id=1200000000000000103, username="bob", global_name="Bob", permissions=0)
MALLORY = MemberSpec(
    id=1200000000000000104,
    username="mallory",
    global_name="@everyone **pwned** [click](https://evil.example) <@1200000000000000100>",
    permissions=0,
)
CAROL = MemberSpec(
    id=1200000000000000105, username="carol", global_name="Carol", permissions=0, dms_open=False
)
MEMBERS = [ORGANISER, HELPER, ALICE, BOB, MALLORY, CAROL]

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
GUIDE = "https://guide.example.org/"


class TestClock:
    """A clock the test moves by hand; waiting takes no real time."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0.01)

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def guild_spec(guild_id: int = GUILD_ID) -> GuildSpec:
    return GuildSpec(
        id=guild_id,
        name="Birders",
        channels=[
            ChannelSpec(id=GENERAL + guild_id % 7, name="general"),
            ChannelSpec(id=ANNOUNCEMENTS + guild_id % 7, name="announcements"),
            ChannelSpec(
                id=LOCKED + guild_id % 7, name="locked", bot_can_send=False, bot_can_pin=False
            ),
        ],
        roles=[RoleSpec(id=ORGANISER_ROLE, name="Organisers")],
        members=MEMBERS,
    )


def make_settings(
    db: Path,
    old: MastodonStandIn,
    new: MastodonStandIn,
    *,
    extra_servers: Mapping[str, str] | None = None,
    **campaign: Any,
) -> Settings:
    values = {
        "community_name": "Birders",
        "old_server": old.state.local_domain,
        "new_server": new.state.local_domain,
        "deadline": DEADLINE,
        "timezone": "Europe/Berlin",
        "guide_url": GUIDE,
        "announcement_channel_id": ANNOUNCEMENTS + GUILD_ID % 7,
        "organiser_role_id": ORGANISER_ROLE,
        **campaign,
    }
    return standin_settings(
        db,
        {**server_addresses(old, new), **(extra_servers or {})},
        request_timeout=1.0,
        dm_reminders_per_second=10,
        campaign=values,
    )


@dataclass
class World:
    """Everything a bot test touches."""

    discord: DiscordStandin
    old: MastodonStandIn
    new: MastodonStandIn
    settings: Settings
    clock: TestClock
    bot: CompanionBot
    services: Services
    stack: AsyncExitStack = field(repr=False)

    async def slash(
        self,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        user: MemberSpec = ALICE,
        guild_id: int = GUILD_ID,
        enforce_permissions: bool = True,
    ) -> InteractionRecord:
        """Run a slash command and wait for its first response."""
        payload = self.discord.slash(
            path,
            options or {},
            user=user,
            guild_id=guild_id,
            enforce_permissions=enforce_permissions,
        )
        record = await self.discord.dispatch_interaction(payload)
        await record.first_response(timeout=10)
        return record

    async def click(
        self, message: StoredMessage, custom_id: str, *, user: MemberSpec = ALICE
    ) -> InteractionRecord:
        """Press a button on a message and wait for the first response."""
        record = await self.discord.dispatch_interaction(
            self.discord.click(message, custom_id, user=user)
        )
        await record.first_response(timeout=10)
        return record

    async def reply(self, record: InteractionRecord, wait: float = 10) -> StoredMessage:
        """The interaction's visible answer once it is complete (not 'thinking')."""

        def settled() -> bool:
            message = final_message(record)
            return message is not None and not message.loading

        await self.discord.wait_for(settled, timeout=wait, what="the bot's reply")
        message = final_message(record)
        assert message is not None
        return message

    async def until(self, predicate: Callable[[], bool], what: str = "a condition") -> None:
        """Wait until something the bot does becomes visible (edits arrive after the ack)."""
        await self.discord.wait_for(predicate, timeout=10, what=what)

    def store(self) -> Store:
        """A second connection to the bot's real SQLite file, for assertions."""
        return Store(self.settings.database)


def final_message(record: InteractionRecord) -> StoredMessage | None:
    """The latest thing the user sees for an interaction: a follow-up or the original."""
    if record.followups:
        return record.followups[-1]
    return record.original_message


@asynccontextmanager
async def running_world(
    db: Path,
    *,
    background: bool = False,
    old_flavour: Flavour = Flavour.MASTODON,
    **campaign: Any,
) -> AsyncIterator[World]:
    """Start the stand-ins, then the real bot exactly as ``companion run`` does."""
    async with AsyncExitStack() as stack:
        clock = TestClock(START)
        servers = await start_mastodon(stack, clock=clock, old_flavour=old_flavour)
        settings = make_settings(db, servers.old, servers.new, **campaign)
        discord_server = await start_discord(
            stack, application_id=APP_ID, guilds=[guild_spec(), guild_spec(OTHER_GUILD_ID)]
        )
        yield await start_bot(
            stack, discord_server, servers.old, servers.new, settings, clock, background
        )


async def start_bot(
    stack: AsyncExitStack,
    discord_server: DiscordStandin,
    old: MastodonStandIn,
    new: MastodonStandIn,
    settings: Settings,
    clock: TestClock,
    background: bool,
) -> World:
    """Connect a (new) bot to the stand-in; it is closed when the stack unwinds."""
    running = await offline.start_bot(
        stack, discord_server, settings, clock, background=background, timeout=15
    )
    return World(discord_server, old, new, settings, clock, running.bot, running.services, stack)


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:
    """A running bot with alice's accounts on both servers (old has 120 followers)."""
    async with running_world(tmp_path / "bot.db") as running:
        running.old.create_account("alice", followers_count=120)
        running.new.create_account("alice")
        running.old.create_account("bob", followers_count=40)
        running.new.create_account("bob")
        yield running
