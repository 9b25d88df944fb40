"""Use cases shared by every surface (Discord, CLI, rehearsal), free of Discord itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from companion.core.clock import Clock, SystemClock
from companion.core.models import Campaign
from companion.moves import MoveChecker
from companion.services.campaigns import CampaignService
from companion.services.followers import FollowersService
from companion.services.follows import FollowsService
from companion.services.guild_campaigns import GuildCampaigns
from companion.services.members import MemberService
from companion.settings import Settings
from companion.store import AsyncStore


@dataclass
class Services:
    """Everything the commands need, built once in ``main`` and passed down."""

    settings: Settings
    store: AsyncStore
    checker: MoveChecker
    clock: Clock
    guild_campaigns: GuildCampaigns = field(init=False)
    members: MemberService = field(init=False)
    campaigns: CampaignService = field(init=False)
    followers: FollowersService = field(init=False)
    follows: FollowsService = field(init=False)

    def __post_init__(self) -> None:
        """Give each service the parts it uses, and nothing else."""
        self.guild_campaigns = GuildCampaigns(self.store, self.settings.campaign)
        self.members = MemberService(self.store, self.checker, self.clock, self.guild_campaigns)
        self.followers = FollowersService(self.store, self.checker, self.clock, self.members)
        self.campaigns = CampaignService(
            self.store,
            self.checker,
            self.clock,
            self.guild_campaigns,
            self.followers,
            recheck_every=timedelta(hours=self.settings.recheck_interval_hours),
        )
        self.follows = FollowsService(self.store, self.checker, self.clock)

    async def campaign(self, guild_id: int) -> Campaign:
        """The guild's campaign: what organisers saved, else the settings' campaign."""
        return await self.guild_campaigns.get(guild_id)


@asynccontextmanager
async def open_services(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Services]:
    """Open the store and the Mastodon checker for as long as the caller needs them."""
    clock = clock or SystemClock()
    # The checker gets the same clock: in the rehearsal its timestamps are simulated too.
    async with (
        AsyncStore(settings.database) as store,
        MoveChecker(settings, clock=clock) as checker,
    ):
        yield Services(settings=settings, store=store, checker=checker, clock=clock)
