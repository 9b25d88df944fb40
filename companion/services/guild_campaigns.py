"""Each guild's campaign: what its organisers saved, else the campaign in the settings."""

from __future__ import annotations

from companion.core.models import Campaign
from companion.settings import CampaignSettings
from companion.store import AsyncStore, Store


class GuildCampaigns:
    """Reads a guild's campaign; the services share one so every surface sees the same."""

    def __init__(self, store: AsyncStore, defaults: CampaignSettings) -> None:
        """Read from ``store``; ``defaults`` stand for guilds whose organisers saved none."""
        self.store = store
        self.defaults = defaults

    async def get(self, guild_id: int) -> Campaign:
        """The guild's campaign: stored values, else the settings' campaign."""
        return await self.store.call(Store.campaign, guild_id, self.defaults.to_campaign(guild_id))
