"""The real bot against real stand-ins: Discord's gateway and REST, two Mastodon servers.

Tests push Discord's own interaction payloads through the unmodified discord.py client and
the bot's real command tree, and read what discord.py sent back at the HTTP layer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion.bot.app import CompanionBot, open_services
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
    point_discord_py_at,
)
from companion.standins.mastodon import Fediverse, Flavour, MastodonStandIn
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
    db: Path, old: MastodonStandIn, new: MastodonStandIn, **campaign: Any
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
    return Settings(
        _env_file=None,
        database=db,
        allow_private_addresses=True,
        request_timeout=1.0,
        dm_reminders_per_second=10,
        servers={s.state.local_domain: {"api_base_url": s.base_url} for s in (old, new)},
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


def text_of(message: StoredMessage) -> str:
    """Everything readable in a message: content, embed titles, descriptions and fields."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for item in embed.get("fields") or []:
            parts += [item.get("name") or "", item.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


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
        fediverse = Fediverse()
        clock = TestClock(START)
        old = await stack.enter_async_context(
            MastodonStandIn("old.example", old_flavour, fediverse=fediverse, clock=clock)
        )
        new = await stack.enter_async_context(
            MastodonStandIn("new.example", fediverse=fediverse, clock=clock)
        )
        settings = make_settings(db, old, new, **campaign)
        discord_server = await stack.enter_async_context(
            DiscordStandin(application_id=APP_ID, guilds=[guild_spec(), guild_spec(OTHER_GUILD_ID)])
        )
        stack.enter_context(point_discord_py_at(discord_server.api_base))
        world = await start_bot(stack, discord_server, old, new, settings, clock, background)
        yield world


async def start_bot(
    stack: AsyncExitStack,
    discord_server: DiscordStandin,
    old: MastodonStandIn,
    new: MastodonStandIn,
    settings: Settings,
    clock: TestClock,
    background: bool,
) -> World:
    """Open the services and connect a bot; it is closed when the stack unwinds."""
    services = await stack.enter_async_context(open_services(settings, clock))
    bot = CompanionBot(services, run_background_tasks=background)
    previous = discord_server.session  # a bot that ran before on this stand-in
    task = asyncio.create_task(bot.start("test-token"))

    async def stop() -> None:
        await bot.close()
        await asyncio.wait_for(task, 10)

    stack.push_async_callback(stop)
    await discord_server.wait_for(
        lambda: discord_server.session not in (None, previous) and discord_server.session.ready,
        timeout=15,
        what="the bot to identify",
    )
    await discord_server.wait_until_ready(timeout=15)
    return World(discord_server, old, new, settings, clock, bot, services, stack)


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:
    """A running bot with alice's accounts on both servers (old has 120 followers)."""
    async with running_world(tmp_path / "bot.db") as running:
        running.old.create_account("alice", followers_count=120)
        running.new.create_account("alice")
        running.old.create_account("bob", followers_count=40)
        running.new.create_account("bob")
        yield running
