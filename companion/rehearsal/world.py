"""The rehearsal's world: a Discord stand-in, two Mastodon stand-ins and the real bot.

Everything listens on 127.0.0.1 only and needs no token; :mod:`companion.offline` wires
the stand-ins and the bot (with its scheduler) as the bot tests and benchmarks do. This
module adds the rehearsal's guild, its settings and the follower servers around them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from companion.bot.app import CompanionBot
from companion.offline import (
    closed_port,
    server_addresses,
    standin_settings,
    start_bot,
    start_discord,
    start_mastodon,
)
from companion.services import Services
from companion.settings import Settings
from companion.standins.discord import (
    ChannelSpec,
    DiscordStandin,
    GuildSpec,
    MemberSpec,
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
    servers: dict[str, str],
    *,
    recheck_hours: float,
) -> Settings:
    """Settings aimed at the stand-ins (domain -> address); nothing read from env or files."""
    return standin_settings(
        database,
        servers,
        discord_guild_id=GUILD_ID,
        request_timeout=5.0,
        recheck_interval_hours=recheck_hours,
        dm_reminders_per_second=10,
        log_level="WARNING",
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
    return {**server_addresses(other, strict), DOWN_SERVER: f"http://127.0.0.1:{closed_port()}"}


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
        servers = await start_mastodon(stack, plan.old_server, plan.new_server, clock=clock)
        extra = await _follower_servers(stack, servers.fediverse, plan, clock)
        settings = rehearsal_settings(
            database,
            plan,
            {**server_addresses(servers.old, servers.new), **extra},
            recheck_hours=recheck_hours,
        )
        guild = guild_spec(members)
        discord_server = await start_discord(stack, application_id=APPLICATION_ID, guilds=[guild])
        running = await start_bot(stack, discord_server, settings, clock, timeout=READY_TIMEOUT)
        yield World(
            discord_server,
            servers.old,
            servers.new,
            settings,
            running.services,
            running.bot,
            clock,
            guild,
        )
