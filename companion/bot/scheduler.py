"""Background work: reminders, periodic rechecks, move announcements, the roster post.

A durable timer: what was posted lives in the store, so a restart resumes where it left
off; one task sleeps until the next thing is due (never longer than ``MAX_NAP``), and
after downtime only the latest missed reminder is posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from companion.bot.posting import (
    Outcome,
    announce_new_moves,
    guild_channel,
    post_reminder,
    send_dm_reminders,
    settle_unrecorded,
    update_roster_post,
)
from companion.errors import UserFacingError
from companion.store import Store

if TYPE_CHECKING:
    from discord.ext import commands

    from companion.services import Services

log = logging.getLogger(__name__)

MAX_NAP = timedelta(minutes=10)
AFTER_FAILURE = timedelta(minutes=1)


class Scheduler:
    """Runs each guild's due work, then sleeps until the next piece is due."""

    def __init__(self, bot: commands.Bot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._last_recheck: dict[int, datetime] = {}
        self.ticks = 0

    def start(self) -> None:
        """Start the background loop (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="companion-scheduler")

    async def stop(self) -> None:
        """Stop the loop and wait for it."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Look again now (a campaign changed)."""
        self._wake.set()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        await self.settle()
        clock = self.services.clock
        while True:
            try:
                next_at = await self.tick()
            except Exception:
                log.exception("Background work failed; trying again shortly")
                next_at = clock.now() + AFTER_FAILURE
            delay = max(0.0, min((next_at - clock.now()), MAX_NAP).total_seconds())
            await self._sleep(delay)

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        sleeper = asyncio.ensure_future(self.services.clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()

    async def settle(self) -> None:
        """Finish the posts a crash left claimed but unrecorded, before anything new."""
        for guild in list(self.bot.guilds):
            try:
                await settle_unrecorded(self.bot, self.services, guild.id)
            except Exception:
                log.exception("Could not settle unfinished reminders of guild %s", guild.id)

    async def tick(self) -> datetime:
        """Do everything due in every guild; return when to look again."""
        self.ticks += 1
        now = self.services.clock.now()
        upcoming = [now + MAX_NAP]
        for guild in list(self.bot.guilds):
            try:
                upcoming.append(await self.run_guild(guild.id))
            except Exception:
                log.exception("Background work failed for guild %s", guild.id)
        return min(upcoming)

    async def run_guild(self, guild_id: int) -> datetime:
        """Reminders and their direct messages, a recheck if due, new moves, the roster post."""
        services = self.services
        campaigns = services.campaigns
        now = services.clock.now()
        upcoming: list[datetime] = []
        campaign, due = await campaigns.due(guild_id)
        if due is not None:
            if due.skipped:
                log.info("Skipping missed reminders in guild %s: %s", guild_id, due.skipped)
                await campaigns.skip(guild_id, due.skipped)
            if due.reminder is not None:
                outcome = await post_reminder(
                    self.bot, services, campaign, due.reminder, due.previous_deadline
                )
                if outcome is Outcome.FAILED:
                    upcoming.append(now + AFTER_FAILURE)
            if due.next_due_at is not None:
                upcoming.append(due.next_due_at)
        if await self._send_dms(guild_id):
            upcoming.append(now)  # more direct messages are waiting: go on at once
        if campaign.is_configured:
            upcoming.append(await self._recheck_if_due(guild_id, now))
            await announce_new_moves(self.bot, services, campaign)
        await update_roster_post(self.bot, services, campaign)
        return min(upcoming) if upcoming else now + MAX_NAP

    async def _send_dms(self, guild_id: int) -> bool:
        """Send the next batch of the current reminder's DMs; True when more are waiting."""
        campaign, reminder = await self.services.campaigns.dm_reminder(guild_id)
        if (
            reminder is None
            or guild_channel(self.bot, guild_id, campaign.announcement_channel_id) is None
        ):
            return False
        _sent, more = await send_dm_reminders(self.bot, self.services, campaign, reminder)
        return more

    async def _recheck_if_due(self, guild_id: int, now: datetime) -> datetime:
        campaign = await self.services.campaign(guild_id)
        interval = self.services.campaigns.recheck_interval(campaign)
        last = await self.services.store.call(Store.oldest_check, guild_id)
        if last is None:
            last = self._last_recheck.get(guild_id)
        if last is not None and now - last < interval:
            return last + interval
        if await self.services.store.call(Store.member_count, guild_id) == 0:
            return now + interval
        try:
            summary = await self.services.campaigns.recheck_all(guild_id)
        except UserFacingError:
            return now + AFTER_FAILURE  # an organiser's /campaign recheck is running
        self._last_recheck[guild_id] = self.services.clock.now()
        log.info(
            "Rechecked %d members of guild %s in %.1f s (%d newly moved)",
            summary.total,
            guild_id,
            summary.seconds,
            len(summary.newly_moved),
        )
        return self._last_recheck[guild_id] + interval
