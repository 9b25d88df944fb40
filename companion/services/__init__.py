"""Use cases shared by every surface (Discord, CLI, rehearsal), free of Discord itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from companion.core.clock import Clock, SystemClock
from companion.core.models import Campaign
from companion.moves import MoveChecker
from companion.services.campaigns import CampaignService
from companion.services.follows import FollowsService
from companion.services.members import MemberService
from companion.settings import Settings
from companion.store import AsyncStore, Store


def campaign_defaults(settings: Settings, guild_id: int) -> Campaign:
    """The campaign as the settings describe it, before organisers change it in Discord."""
    configured = settings.campaign
    return Campaign(
        guild_id=guild_id,
        community_name=configured.community_name,
        old_server=configured.old_server,
        new_server=configured.new_server,
        deadline=configured.deadline,
        timezone=configured.timezone,
        guide_url=configured.guide_url,
        announcement_channel_id=configured.announcement_channel_id,
        roster_channel_id=configured.roster_channel_id,
        organiser_role_id=configured.organiser_role_id,
    )


@dataclass
class Services:
    """Everything the commands need, built once in ``main`` and passed down."""

    settings: Settings
    store: AsyncStore
    checker: MoveChecker
    clock: Clock
    members: MemberService = field(init=False)
    campaigns: CampaignService = field(init=False)
    follows: FollowsService = field(init=False)

    def __post_init__(self) -> None:
        self.members = MemberService(self)
        self.campaigns = CampaignService(self)
        self.follows = FollowsService(self)

    async def campaign(self, guild_id: int) -> Campaign:
        """The guild's campaign: what organisers saved, else the settings' campaign."""
        return await self.store.call(
            Store.campaign, guild_id, campaign_defaults(self.settings, guild_id)
        )


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
