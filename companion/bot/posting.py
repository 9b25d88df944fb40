"""Posting into the campaign's channels: reminders, direct messages, moves, the roster post.

The services decide what to say and record it; this module only speaks to Discord, and
releases a claim when Discord refuses a post so nothing is recorded as sent that was not.
Every reminder is claimed, sent with its ``reference_line``, then recorded; a crash between
claim and record is settled on start-up (``settle_unrecorded``) by reading the channel back,
so each reminder arrives exactly once however the process died.
A channel is only ever used in the guild it belongs to: a campaign's settings name channel
ids, and a bot in several guilds must never post one guild's campaign into another's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from enum import StrEnum
from typing import TYPE_CHECKING

import discord

from companion import texts
from companion.bot import cards
from companion.core.models import Campaign
from companion.core.reminders import Reminder, reference_line
from companion.core.roster import DISCORD_MESSAGE_LIMIT, RosterEntry, roster_line, roster_pages
from companion.core.text import escape_markdown
from companion.i18n import _, use_language
from companion.store import RosterPost, Store

if TYPE_CHECKING:
    from datetime import date

    from companion.core.models import Member
    from companion.services import Services

log = logging.getLogger(__name__)

MAX_ANNOUNCED_PER_POST = 20
# How far back a channel (or a DM channel) is read to find a reminder sent just before a
# crash: the recovery runs at start-up, so only what was posted while the bot was down
# lies in between.
SETTLE_CHANNEL_HISTORY = 500
SETTLE_DM_HISTORY = 50
MAX_ROSTER_MESSAGES = 10  # the kept-current roster post never takes more of the channel
MIN_LINE_CHARS = 20  # a roster line is longer than this: bounds the lines worth paging
DM_BATCH = 50  # direct messages per scheduler tick; the rest go out on the next ticks


class Outcome(StrEnum):
    """What became of a post."""

    POSTED = "posted"
    TAKEN = "taken"  # claimed already (posted before, or by the other path just now)
    NO_CHANNEL = "no_channel"  # the campaign has no channel, or it is not in this guild
    FORBIDDEN = "forbidden"  # the bot may not post there
    FAILED = "failed"  # Discord refused for another reason; the claim was released


# Discord's JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
MAX_PINS_REACHED = 30003


def pin_failure(exc: discord.HTTPException) -> str:
    """Why pinning failed, in the organiser's words: each cause has its own remedy."""
    if isinstance(exc, discord.Forbidden):
        return _(texts.ANNOUNCE_NOT_PINNED)
    if exc.code == MAX_PINS_REACHED:
        return _(texts.ANNOUNCE_PIN_LIMIT)
    if isinstance(exc, discord.NotFound):
        return _(texts.ANNOUNCE_PIN_GONE)
    if isinstance(exc, discord.DiscordServerError):
        return _(texts.ANNOUNCE_PIN_DOWN)
    detail = escape_markdown(exc.text, 120) or f"HTTP {exc.status}"
    return _(texts.ANNOUNCE_PIN_REFUSED).format(detail=detail)


def guild_channel(
    client: discord.Client, guild_id: int, channel_id: int | None
) -> discord.PartialMessageable | None:
    """The channel to post in, only if it belongs to the guild (None otherwise)."""
    if channel_id is None:
        return None
    guild = client.get_guild(guild_id)
    if guild is None or guild.get_channel_or_thread(channel_id) is None:
        return None
    return client.get_partial_messageable(channel_id, guild_id=guild_id)


async def post_reminder(
    client: discord.Client,
    services: Services,
    campaign: Campaign,
    reminder: Reminder,
    previous_deadline: date | None = None,
) -> Outcome:
    """Post one channel reminder once (claimed first); direct messages follow separately."""
    guild_id = campaign.guild_id
    channel = guild_channel(client, guild_id, campaign.announcement_channel_id)
    if channel is None:
        return Outcome.NO_CHANNEL
    if not await services.campaigns.claim(guild_id, reminder):
        return Outcome.TAKEN
    return await _send_claimed_reminder(channel, services, campaign, reminder, previous_deadline)


async def _send_claimed_reminder(
    channel: discord.PartialMessageable,
    services: Services,
    campaign: Campaign,
    reminder: Reminder,
    previous_deadline: date | None = None,
) -> Outcome:
    """Post a reminder already claimed, marked with its reference, and record the message."""
    guild_id = campaign.guild_id
    with use_language(campaign.language):  # a channel post speaks the campaign's language
        message = await services.campaigns.reminder_message(campaign, reminder, previous_deadline)
    embed = discord.Embed(
        title=message.title[:256], description="\n".join(message.lines)[:4096], colour=cards.BLUE
    )
    embed.set_footer(text=reference_line(guild_id, reminder.key))
    try:
        sent = await channel.send(embed=embed)
    except discord.HTTPException as exc:
        await services.campaigns.release(guild_id, reminder.key)
        log.warning(
            "Could not post reminder %s in channel %s of guild %s: %s",
            reminder.key,
            campaign.announcement_channel_id,
            guild_id,
            exc,
        )
        return Outcome.FORBIDDEN if isinstance(exc, discord.Forbidden) else Outcome.FAILED
    await services.campaigns.posted(guild_id, reminder.key, sent.id)
    log.info("Posted reminder %s in guild %s", reminder.key, guild_id)
    return Outcome.POSTED


async def send_dm_reminders(
    client: discord.Client,
    services: Services,
    campaign: Campaign,
    reminder: Reminder,
    limit: int = DM_BATCH,
) -> tuple[int, bool]:
    """Up to ``limit`` direct messages for one reminder, throttled; (sent, more waiting)."""
    interval = 1.0 / services.settings.dm_reminders_per_second
    guild_id = campaign.guild_id
    waiting = await services.campaigns.dm_recipients(guild_id, reminder, limit + 1)
    sent = 0
    for member in waiting[:limit]:
        if not await services.campaigns.claim_dm(guild_id, member.user_id, reminder.key):
            continue
        outcome = await _send_claimed_dm(client, services, campaign, reminder, member)
        sent += outcome == "sent"
        await asyncio.sleep(interval)
    return sent, len(waiting) > limit


async def _send_claimed_dm(
    client: discord.Client,
    services: Services,
    campaign: Campaign,
    reminder: Reminder,
    member: Member,
    channel: discord.DMChannel | None = None,
) -> str:
    """Send one claimed direct message, marked with its reference, and record how it went."""
    with use_language(member.language):  # a direct message speaks the member's language
        message = await services.campaigns.dm_for(campaign, reminder, member)
    mark = "\n-# " + reference_line(campaign.guild_id, reminder.key)
    try:
        channel = channel or await client.create_dm(discord.Object(id=member.user_id))
        await channel.send(message.text[: DISCORD_MESSAGE_LIMIT - len(mark)] + mark)
        outcome = "sent"
    except discord.Forbidden:
        outcome = "dm_closed"  # recorded on the member; never retried until they opt in
    except discord.HTTPException as exc:
        log.warning("Direct message to %s failed: %s", member.user_id, exc)
        outcome = "failed"
    await services.campaigns.dm_outcome(campaign.guild_id, member.user_id, reminder.key, outcome)
    return outcome


async def settle_unrecorded(client: discord.Client, services: Services, guild_id: int) -> None:
    """Finish every claim a crash left without a record: verify it was sent, else send it.

    Channel reminders first, so the direct messages that follow them find them recorded.
    """
    campaign, claims = await services.campaigns.unrecorded_claims(guild_id)
    for key, reminder in claims:
        await _settle_reminder(client, services, campaign, key, reminder)
    _sent, current = await services.campaigns.dm_reminder(guild_id)
    for member, key in await services.campaigns.pending_dms(guild_id):
        await _settle_dm(client, services, campaign, member, key, current)


async def _settle_reminder(
    client: discord.Client,
    services: Services,
    campaign: Campaign,
    key: str,
    reminder: Reminder | None,
) -> None:
    guild_id = campaign.guild_id
    channel = guild_channel(client, guild_id, campaign.announcement_channel_id)
    if channel is None:
        await services.campaigns.release(guild_id, key)  # tried again once there is a channel
        return
    try:
        found = await _own_message(
            client, channel, reference_line(guild_id, key), SETTLE_CHANNEL_HISTORY
        )
    except discord.HTTPException as exc:
        log.warning("Could not read back reminder %s in guild %s: %s", key, guild_id, exc)
        return  # still unsettled: the next start-up looks again
    if found is not None:
        log.info("Reminder %s of guild %s was posted before a restart: recorded", key, guild_id)
        await services.campaigns.posted(guild_id, key, found)
    elif reminder is None or services.clock.now() >= reminder.expires_at:
        log.info("Reminder %s of guild %s was never posted and is out of date", key, guild_id)
        await services.campaigns.posted(guild_id, key, 0)  # recorded as skipped
    else:
        log.info("Reminder %s of guild %s was claimed but never posted: posting", key, guild_id)
        await _send_claimed_reminder(channel, services, campaign, reminder)


async def _settle_dm(
    client: discord.Client,
    services: Services,
    campaign: Campaign,
    member: Member,
    key: str,
    current: Reminder | None,
) -> None:
    guild_id = campaign.guild_id
    try:
        channel = await client.create_dm(discord.Object(id=member.user_id))
        found = await _own_message(
            client, channel, reference_line(guild_id, key), SETTLE_DM_HISTORY
        )
    except discord.HTTPException as exc:
        log.warning("Could not read back the DM %s to %s: %s", key, member.user_id, exc)
        return
    if found is not None:
        await services.campaigns.dm_outcome(guild_id, member.user_id, key, "sent")
    elif current is not None and current.key == key:
        await _send_claimed_dm(client, services, campaign, current, member, channel)
    else:  # its reminder is no longer the one going out: a late "one week left" misleads
        await services.campaigns.dm_outcome(guild_id, member.user_id, key, "failed")


async def _own_message(
    client: discord.Client,
    channel: discord.abc.Messageable,
    reference: str,
    limit: int,
) -> int | None:
    """The id of the bot's latest message in the channel carrying ``reference``, if any."""
    me = client.user.id if client.user else None
    async for message in channel.history(limit=limit):
        if message.author.id != me:
            continue
        lines = [line.removeprefix("-# ") for line in message.content.splitlines()]
        lines += [embed.footer.text or "" for embed in message.embeds]
        if reference in lines:  # whole lines: one guild's key never matches another's
            return message.id
    return None


async def announce_new_moves(
    client: discord.Client, services: Services, campaign: Campaign
) -> list[Member]:
    """Welcome members who moved and agreed to be listed (each once, whole lines only)."""
    channel = guild_channel(client, campaign.guild_id, campaign.announcement_channel_id)
    if channel is None:
        return []
    members = await services.campaigns.moves_to_announce(campaign.guild_id, MAX_ANNOUNCED_PER_POST)
    if not members:
        return []
    batch: list[Member] = []
    lines: list[str] = []
    welcome = _(texts.NEW_MOVES_ANNOUNCEMENT, campaign.language)
    for member in members:
        candidate = [*lines, roster_line(RosterEntry.from_member(member))]
        content = welcome.format(new=campaign.new_server, lines="\n".join(candidate))
        if len(content) > DISCORD_MESSAGE_LIMIT and lines:
            break  # the others are welcomed in the next post
        batch.append(member)
        lines = candidate
    content = welcome.format(new=campaign.new_server, lines="\n".join(lines))
    try:
        await channel.send(content[:DISCORD_MESSAGE_LIMIT])
    except discord.HTTPException as exc:
        log.warning("Could not announce moves in guild %s: %s", campaign.guild_id, exc)
        return []
    await services.campaigns.mark_moves_announced(campaign.guild_id, batch)
    return batch


def roster_contents(campaign: Campaign, entries: list[RosterEntry]) -> list[str]:
    """The roster post's messages: a bold heading, then whole lines, each within 2,000.

    At most ``MAX_ROSTER_MESSAGES``: a large community's roster would otherwise fill the
    channel; the last message then says how many more ``/move roster`` lists. In the
    campaign's language, whoever's action updated it.
    """
    with use_language(campaign.language):
        return _roster_contents(campaign, entries)


def _roster_contents(campaign: Campaign, entries: list[RosterEntry]) -> list[str]:
    community = escape_markdown(campaign.community_name, 80)
    title = _(texts.ROSTER_POST_TITLE).format(community=community, count=f"{len(entries):,}")
    heading = f"**{title}**"
    continued = f"**{_(texts.ROSTER_POST_CONTINUED).format(community=community)}**"
    more = _(texts.ROSTER_POST_MORE).format(count=len(entries))
    room = DISCORD_MESSAGE_LIMIT - max(len(heading), len(continued)) - len(more) - 2
    # Enough lines for every message allowed, and no more: the rest are only counted.
    shown = entries[: MAX_ROSTER_MESSAGES * (room // MIN_LINE_CHARS + 1)]
    pages = roster_pages(shown, room) or [_(texts.ROSTER_EMPTY)]
    if len(pages) > MAX_ROSTER_MESSAGES:
        pages = pages[:MAX_ROSTER_MESSAGES]
    listed = sum(page.count("\n") + 1 for page in pages) if entries else 0
    if listed < len(entries):
        pages[-1] += "\n" + _(texts.ROSTER_POST_MORE).format(count=len(entries) - listed)
    return [f"{heading if i == 0 else continued}\n{page}" for i, page in enumerate(pages)]


async def update_roster_post(
    client: discord.Client, services: Services, campaign: Campaign
) -> bool:
    """Keep one roster post current by editing it; returns True when anything changed."""
    guild_id = campaign.guild_id
    channel = guild_channel(client, guild_id, campaign.roster_channel)
    if channel is None:
        return False
    channel_id = channel.id
    entries = await services.members.roster(guild_id)
    existing = await services.store.call(Store.roster_post, guild_id)
    if existing is None and not entries:
        return False  # nothing to show yet: the post appears with the first listed member
    contents = roster_contents(campaign, entries)
    digest = hashlib.sha256("\x00".join(contents).encode()).hexdigest()
    if existing and existing.channel_id == channel_id and existing.content_hash == digest:
        return False
    old_ids = existing.message_ids if existing and existing.channel_id == channel_id else []
    if existing and existing.channel_id != channel_id:
        await _delete_old_post(client, guild_id, existing)
    new_ids: list[int] = []
    try:
        for index, content in enumerate(contents):
            if index < len(old_ids):
                try:
                    await channel.get_partial_message(old_ids[index]).edit(content=content)
                    new_ids.append(old_ids[index])
                    continue
                except discord.NotFound:
                    pass  # someone deleted it: post a new one in its place
            message = await channel.send(content)
            new_ids.append(message.id)
        for stale in old_ids[len(contents) :]:
            with contextlib.suppress(discord.NotFound):
                await channel.get_partial_message(stale).delete()
    except discord.HTTPException as exc:
        log.warning("Could not update the roster post in guild %s: %s", guild_id, exc)
        # Keep every message still showing the roster, so the next try edits, not duplicates.
        kept = new_ids + old_ids[len(new_ids) :]
        if kept:
            await services.store.call(
                Store.save_roster_post,
                guild_id,
                RosterPost(channel_id, kept, ""),
                services.clock.now(),
            )
        return False
    await services.store.call(
        Store.save_roster_post,
        guild_id,
        RosterPost(channel_id, new_ids, digest),
        services.clock.now(),
    )
    return True


async def _delete_old_post(client: discord.Client, guild_id: int, post: RosterPost) -> None:
    """The roster moved to another channel: take it down where it was (best effort)."""
    old = client.get_partial_messageable(post.channel_id, guild_id=guild_id)
    for message_id in post.message_ids:
        try:
            await old.get_partial_message(message_id).delete()
        except discord.HTTPException as exc:
            log.info("Could not delete old roster message %s: %s", message_id, exc)
