"""Turn what members type into ``Handle``s, and suggest the campaign's servers as they type."""

from __future__ import annotations

from typing import Any, ClassVar, cast

import discord
from discord import app_commands

from companion.core.handles import Handle
from companion.services.members import parse_handle


class _HandleTransformer(app_commands.Transformer):
    """A string option that arrives in the command as a valid ``Handle``."""

    which: ClassVar[str]

    async def transform(self, interaction: discord.Interaction, value: str) -> Handle:
        """Parse, or refuse with a sentence naming which handle was wrong."""
        return parse_handle(value, self.which)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        """Complete the server part with the campaign's old or new server."""
        if interaction.guild_id is None:
            return []
        services = cast("Any", interaction.client).services
        campaign = await services.campaign(interaction.guild_id)
        server = campaign.old_server if self.which == "old" else campaign.new_server
        return suggest_handles(value, server)


class OldHandle(_HandleTransformer):
    """The member's old account."""

    which = "old"


class NewHandle(_HandleTransformer):
    """The member's new account."""

    which = "new"


def suggest_handles(typed: str, server: str | None) -> list[app_commands.Choice[str]]:
    """Offer ``@name@server`` completions for what was typed so far."""
    text = typed.strip().lstrip("@")
    if not text or server is None:
        return []
    name, _at, domain_part = text.partition("@")
    if not name or not all(ch.isalnum() or ch in "_.-" for ch in name) or len(name) > 64:
        return []
    suggestions = []
    if server.startswith(domain_part.lower()):
        suggestions.append(f"@{name}@{server}")
    if domain_part and "." in domain_part and f"@{name}@{domain_part}" not in suggestions:
        suggestions.append(f"@{name}@{domain_part}")
    return [app_commands.Choice(name=s[:100], value=s[:100]) for s in suggestions][:25]
