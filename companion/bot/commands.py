"""The bot's real command groups, without running a bot: for the guide and the README.

The guide's "Using the Discord bot" page and the README's command reference are built
from these objects, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def walk_commands(group: app_commands.Group) -> Iterator[app_commands.Command]:
    """Every command in a group, subgroups included, in definition order."""
    for item in group.commands:
        if isinstance(item, app_commands.Group):
            yield from walk_commands(item)
        else:
            yield item


def usage(command: app_commands.Command) -> str:
    """How a command is typed: ``/move link old new``, optional options in brackets."""
    parts = [f"/{command.qualified_name}"]
    for param in command.parameters:
        parts.append(param.display_name if param.required else f"[{param.display_name}]")
    return " ".join(parts)
