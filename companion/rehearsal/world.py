"""The rehearsal's world: a Discord stand-in, two Mastodon stand-ins and the real bot.

Everything listens on 127.0.0.1 only and needs no token: the bot is started the way
``run_bot`` starts it (``open_services`` and ``CompanionBot`` with its scheduler), with
discord.py's REST and gateway addresses pointed at the stand-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from companion.bot.app import CompanionBot, open_services
from companion.services import Services
from companion.settings import Settings
from companion.standins.discord import (
    ChannelSpec,
    DiscordStandin,
    GuildSpec,
    MemberSpec,
    point_discord_py_at,
)
from companion.standins.mastodon import Fediverse, Flavour, MastodonStandIn

from .clock import RehearsalClock

# Where the rehearsal's followers live besides the two campaign servers.
OTHER_SOFTWARE_SERVER = "forum.example"
OTHER_SOFTWARE = "smallfedi"  # a made-up software that does not act on moves
STRICT_SERVER = "strict.example"  # publicly suspends the new server
DOWN_SERVER = "down.example"  # nothing answers there


APPLICATION_ID = 1300000000000000001
GUILD_ID = 1300000000000000002
GENERAL_ID = 1300000000000000010
ANNOUNCEMENTS_ID = 1300000000000000011
DUMMY_TOKEN = "rehearsal-token-not-a-secret"  # noqa: S105 - the stand-in accepts any token
OLD_SERVER = "old.example"
NEW_SERVER = "new.example"
COMMUNITY = "Harbour Birders"
TIMEZONE = "Europe/Berlin"
PLACEHOLDER_GUIDE = "http://127.0.0.1:8000/"
READY_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class CampaignPlan:
    """The campaign the rehearsal runs: servers, deadline and where things are posted."""

    community: str
    old_server: str
    new_server: str
    deadline: datetime
    timezone: str
    guide_url: str
    language: str = "en"  # the campaign's, and every simulated member's Discord app


@dataclass
class World:
    """Everything running during a rehearsal."""

    discord: DiscordStandin
    old: MastodonStandIn
    new: MastodonStandIn
    settings: Settings
    services: Services
    bot: CompanionBot
    clock: RehearsalClock
    guild: GuildSpec

    @property
    def general_id(self) -> int:
        """Where members type their commands."""
        return GENERAL_ID

    @property
    def announcements_id(self) -> int:
        """Where the bot posts the announcement, reminders and the roster."""
        return ANNOUNCEMENTS_ID


def guild_spec(members: list[MemberSpec]) -> GuildSpec:
    """One guild with a general and an announcements channel."""
    return GuildSpec(
        id=GUILD_ID,
        name=COMMUNITY,
        channels=[
            ChannelSpec(id=GENERAL_ID, name="general", topic="Chat and bot commands"),
            ChannelSpec(id=ANNOUNCEMENTS_ID, name="announcements", topic="News from organisers"),
        ],
        members=members,
        owner_id=members[0].id if members else None,
    )


def rehearsal_settings(
    database: Path,
    plan: CampaignPlan,
    old: MastodonStandIn,
    new: MastodonStandIn,
    *,
    recheck_hours: float,
    extra_servers: dict[str, str] | None = None,
) -> Settings:
    """Settings aimed at the stand-ins; nothing is read from the environment or files."""
    servers = {s.state.local_domain: {"api_base_url": s.base_url} for s in (old, new)}
    for domain, url in (extra_servers or {}).items():
        servers[domain] = {"api_base_url": url}
    return Settings(
        _env_file=None,
        database=database,
        discord_guild_id=GUILD_ID,
        allow_private_addresses=True,
        request_timeout=5.0,
        recheck_interval_hours=recheck_hours,
        dm_reminders_per_second=10,
        log_level="WARNING",
        servers=servers,
        campaign={
            "community_name": plan.community,
            "old_server": plan.old_server,
            "new_server": plan.new_server,
            "deadline": plan.deadline,
            "timezone": plan.timezone,
            "guide_url": plan.guide_url,
            "language": plan.language,
            "announcement_channel_id": ANNOUNCEMENTS_ID,
        },
    )


async def _follower_servers(
    stack: AsyncExitStack, fediverse: Fediverse, plan: CampaignPlan, clock: RehearsalClock
) -> dict[str, str]:
    """Servers where some followers live, with their addresses for the settings.

    One whose software ignores moves, one that suspends the new server, and one that is
    down (nothing listens there).
    """
    other = await stack.enter_async_context(
        MastodonStandIn(
            OTHER_SOFTWARE_SERVER,
            Flavour.NOT_MASTODON,
            fediverse=fediverse,
            clock=clock,
            software=OTHER_SOFTWARE,
        )
    )
    strict = await stack.enter_async_context(
        MastodonStandIn(STRICT_SERVER, fediverse=fediverse, clock=clock)
    )
    strict.state.block_domain(plan.new_server, "suspend")
    fediverse.ignores_moves.add(OTHER_SOFTWARE)
    fediverse.offline.add(DOWN_SERVER)
    with socket.socket() as sock:  # a port nobody listens on: connections are refused
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    return {
        OTHER_SOFTWARE_SERVER: other.base_url,
        STRICT_SERVER: strict.base_url,
        DOWN_SERVER: f"http://127.0.0.1:{closed}",
    }


@asynccontextmanager
async def running_world(
    database: Path,
    plan: CampaignPlan,
    members: list[MemberSpec],
    clock: RehearsalClock,
    *,
    recheck_hours: float,
) -> AsyncIterator[World]:
    """Start the stand-ins and the real bot; stop everything on the way out."""
    async with AsyncExitStack() as stack:
        fediverse = Fediverse()
        old = await stack.enter_async_context(
            MastodonStandIn(plan.old_server, fediverse=fediverse, clock=clock)
        )
        new = await stack.enter_async_context(
            MastodonStandIn(plan.new_server, fediverse=fediverse, clock=clock)
        )
        extra = await _follower_servers(stack, fediverse, plan, clock)
        settings = rehearsal_settings(
            database, plan, old, new, recheck_hours=recheck_hours, extra_servers=extra
        )
        guild = guild_spec(members)
        discord_server = await stack.enter_async_context(
            DiscordStandin(application_id=APPLICATION_ID, guilds=[guild])
        )
        stack.enter_context(point_discord_py_at(discord_server.api_base))
        services = await stack.enter_async_context(open_services(settings, clock))
        bot = CompanionBot(services)
        task = asyncio.create_task(bot.start(DUMMY_TOKEN), name="rehearsal-bot")

        async def stop_bot() -> None:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, 15)

        stack.push_async_callback(stop_bot)
        waiting = asyncio.create_task(discord_server.wait_until_ready(timeout=READY_TIMEOUT))
        done, _ = await asyncio.wait({waiting, task}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            waiting.cancel()
            task.result()  # the bot stopped before it was ready: raise its error
            raise RuntimeError("the bot stopped before it connected to the Discord stand-in")
        waiting.result()
        yield World(discord_server, old, new, settings, services, bot, clock, guild)
