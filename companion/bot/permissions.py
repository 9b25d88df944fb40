"""Who may run organiser commands: Manage Server, or the campaign's organiser role."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from companion import texts
from companion.bot.errors import NotOrganiserError
from companion.i18n import _

if TYPE_CHECKING:
    from companion.services import Services


async def is_organiser(interaction: discord.Interaction, services: Services) -> bool:
    """Manage Server (as Discord computed it for this interaction), or the organiser role."""
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_guild:
        return True
    campaign = await services.campaign(interaction.guild_id)
    roles = getattr(interaction.user, "roles", [])
    return campaign.organiser_role_id is not None and any(
        role.id == campaign.organiser_role_id for role in roles
    )


async def require_organiser(interaction: discord.Interaction, services: Services) -> None:
    """Refuse anyone else, even when an admin made the command visible to them."""
    if not await is_organiser(interaction, services):
        raise NotOrganiserError(_(texts.NOT_ORGANISER))
