"""The bot's real command groups, without running a bot: for the guide and the README.

The guide's "Using the Discord bot" page and the README's command reference are built
from these objects, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from discord import app_commands

from companion.bot.cogs.campaign import CampaignCog
from companion.bot.cogs.move import MoveCog

if TYPE_CHECKING:
    from companion.services import Services


def command_groups() -> list[app_commands.Group]:
    """The ``/move`` and ``/campaign`` groups exactly as the bot registers them."""
    # The cogs only keep a reference to their services; building the groups needs none.
    services = cast("Services", None)
    groups: list[Any] = [MoveCog(services), CampaignCog(services)]
    return [cog.app_command for cog in groups]
