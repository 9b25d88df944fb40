"""The bot: a discord.py client that receives its dependencies instead of creating them.

``run_bot`` is what ``companion run`` calls: ``open_services``, then ``CompanionBot``.
The rehearsal, the bot tests and the benchmarks build the bot from the same two parts,
through :mod:`companion.offline`, pointed at the stand-ins instead of Discord.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from companion.bot.cogs.campaign import CampaignCog
from companion.bot.cogs.move import MoveCog
from companion.bot.errors import CompanionTree
from companion.bot.followers import FollowersButton
from companion.bot.follows import FOLLOWS_BUTTONS
from companion.bot.organiser_views import ORGANISER_BUTTONS
from companion.bot.scheduler import Scheduler
from companion.bot.translator import CatalogTranslator
from companion.bot.views import MEMBER_BUTTONS
from companion.core.clock import Clock
from companion.services import Services, open_services
from companion.settings import Settings

log = logging.getLogger(__name__)


class CompanionBot(commands.Bot):
    """The companion bot; ``services`` is everything its commands and buttons use."""

    def __init__(self, services: Services, *, run_background_tasks: bool = True) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # interactions carry the member; no privileged intents needed
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=CompanionTree,
            # Nothing the bot sends can ping anyone, whatever text members supplied.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.services = services
        self.scheduler = Scheduler(self, services) if run_background_tasks else None

    async def setup_hook(self) -> None:
        """Register the command groups and the restart-safe buttons, then sync.

        The translator runs at sync: every name and description goes to Discord in each
        language we ship, so members' apps show the commands in their language.
        """
        await self.tree.set_translator(CatalogTranslator())
        await self.add_cog(MoveCog(self.services))
        await self.add_cog(CampaignCog(self.services))
        self.add_dynamic_items(
            *MEMBER_BUTTONS, FollowersButton, *FOLLOWS_BUTTONS, *ORGANISER_BUTTONS
        )
        guild_id = self.services.settings.discord_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("Synced %d command groups", len(synced))
        if self.scheduler is not None:
            self.scheduler.start()

    async def on_ready(self) -> None:
        """Log who we are once connected (never the token)."""
        log.info("Connected as %s to %d guild(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        """Stop background work before the connection closes."""
        if self.scheduler is not None:
            await self.scheduler.stop()
        await super().close()


async def run_bot(settings: Settings, clock: Clock | None = None) -> None:
    """Run the live bot until it is stopped; resources close on the way out."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    async with open_services(settings, clock) as services, CompanionBot(services) as bot:
        try:
            await bot.start(token)
        except discord.LoginFailure:
            log.error(
                "Discord refused the token (setting: discord_token). Reset it in the "
                "Developer Portal and update COMPANION_DISCORD_TOKEN."
            )
            raise SystemExit(1) from None
        except asyncio.CancelledError:
            pass
