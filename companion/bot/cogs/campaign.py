"""``/campaign``: the organisers' commands.

Visible by default only to members with Manage Server, and checked again on every use
(Manage Server or the organiser role), because guild admins can change who sees commands.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from companion import texts
from companion.bot import cards, organiser_views
from companion.bot.buttons import guild_of
from companion.bot.followers import add_community_followers
from companion.bot.permissions import require_organiser
from companion.bot.posting import Outcome, guild_channel, pin_failure, post_reminder
from companion.core.exports import FORMATS
from companion.core.guide_links import language_url
from companion.core.reminders import reference_line
from companion.core.text import discord_timestamp, escape_markdown
from companion.errors import UserFacingError
from companion.i18n import LANGUAGES, N_, _, ngettext, use_language
from companion.services.campaigns import MEDIA_ZIP, fit_for_upload, upload_batches

if TYPE_CHECKING:
    from companion.core.models import Campaign
    from companion.services import Services

ExportFormat = Literal["mastodon-follows", "mastodon-list", "csv", "json", "markdown"]
assert set(ExportFormat.__args__) == set(FORMATS)  # type: ignore[attr-defined]
EXPORT_LABELS = {
    "mastodon-follows": N_("a Mastodon following list"),
    "mastodon-list": N_("a Mastodon list"),
    "csv": N_("a CSV spreadsheet"),
    "json": N_("JSON"),
    "markdown": N_("a Markdown table"),
}
PROGRESS_EDIT_SECONDS = 2.0
log = logging.getLogger(__name__)
MAX_FILES_PER_MESSAGE = 10


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CampaignCog(commands.GroupCog, group_name="campaign", group_description=texts.CAMPAIGN_GROUP):
    """The organisers' command group."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every /campaign command: organisers only."""
        await require_organiser(interaction, self.services)
        return True

    @app_commands.command(name="setup", description=texts.SETUP)
    @app_commands.describe(
        old_server=texts.SETUP_OLD,
        new_server=texts.SETUP_NEW,
        deadline=texts.SETUP_DEADLINE,
        timezone=texts.SETUP_TIMEZONE,
        channel=texts.SETUP_CHANNEL,
        organiser_role=texts.SETUP_ROLE,
        language=texts.SETUP_LANGUAGE,
    )
    @app_commands.choices(
        language=[app_commands.Choice(name=name, value=code) for code, name in LANGUAGES.items()]
    )
    async def setup(
        self,
        interaction: discord.Interaction,
        old_server: str,
        new_server: str,
        deadline: str,
        timezone: str | None = None,
        channel: discord.TextChannel | None = None,
        organiser_role: discord.Role | None = None,
        language: str | None = None,
    ) -> None:
        """Check both servers and the deadline, then ask to confirm."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        pending = await self.services.campaigns.prepare_setup(
            guild_of(interaction),
            interaction.user.id,
            old_server=old_server,
            new_server=new_server,
            deadline=deadline,
            timezone=timezone,
            channel_id=channel.id if channel else None,
            organiser_role_id=organiser_role.id if organiser_role else None,
            language=language,
        )
        await interaction.followup.send(
            embed=organiser_views.setup_summary(pending),
            view=organiser_views.setup_view(pending.token),
            ephemeral=True,
        )

    @setup.autocomplete("timezone")
    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest IANA time zones matching what was typed."""
        return organiser_views.zone_choices(current)

    @app_commands.command(name="show", description=texts.SHOW)
    async def show(self, interaction: discord.Interaction) -> None:
        """The current campaign."""
        campaign = await self.services.campaign(guild_of(interaction))
        await interaction.response.send_message(embed=cards.campaign_card(campaign), ephemeral=True)

    @app_commands.command(name="progress", description=texts.PROGRESS)
    async def progress(self, interaction: discord.Interaction) -> None:
        """Counts, moves per day, a chart and who needs help."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_of(interaction)
        report, chart = await self.services.campaigns.progress(guild_id)
        embed = organiser_views.progress_card(report)
        add_community_followers(embed, await self.services.followers.community(guild_id))
        embed.set_image(url="attachment://progress.png")
        await interaction.followup.send(
            embed=embed,
            file=discord.File(io.BytesIO(chart), filename="progress.png"),
            ephemeral=True,
        )

    @app_commands.command(name="recheck", description=texts.RECHECK)
    async def recheck(self, interaction: discord.Interaction) -> None:
        """Recheck everyone, editing one progress message as it goes."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_of(interaction)
        started = time.monotonic()
        last_edit = 0.0
        editing = True

        async def report_progress(done: int, total: int) -> None:
            nonlocal last_edit, editing
            now = time.monotonic()
            if not editing or (now - last_edit < PROGRESS_EDIT_SECONDS and done < total):
                return
            last_edit = now
            eta = (now - started) / done * (total - done) if done else 0
            try:
                await interaction.edit_original_response(
                    content=_(texts.RECHECK_PROGRESS).format(
                        done=f"{done:,}", total=f"{total:,}", eta=f"{round(eta)} s"
                    )
                )
            except discord.HTTPException as exc:
                # The reply expires after 15 minutes; the recheck itself goes on regardless.
                editing = False
                log.info("Stopped showing recheck progress in guild %s: %s", guild_id, exc)

        summary = await self.services.campaigns.recheck_all(guild_id, report_progress)
        if summary.total == 0:
            await interaction.edit_original_response(content=_(texts.RECHECK_NOBODY))
            return
        report, _chart = await self.services.campaigns.progress(guild_id, chart=False)
        try:
            await interaction.edit_original_response(
                content=ngettext(texts.RECHECK_DONE, summary.total).format(
                    total=f"{summary.total:,}", seconds=round(summary.seconds)
                ),
                embed=organiser_views.progress_card(report),
            )
        except discord.HTTPException as exc:
            log.warning("Recheck of guild %s finished; could not show it: %s", guild_id, exc)

    @app_commands.command(name="remind", description=texts.REMIND)
    @app_commands.describe(now=texts.REMIND_NOW)
    async def remind(self, interaction: discord.Interaction, now: bool = False) -> None:
        """The reminder schedule; with now, post the next reminder at once."""
        guild_id = guild_of(interaction)
        if not now:
            plan = await self.services.campaigns.reminder_plan(guild_id)
            await interaction.response.send_message(
                embed=organiser_views.schedule_card(plan), ephemeral=True
            )
            return
        campaign, reminder = await self.services.campaigns.next_unsent(guild_id)
        if reminder is None:
            await interaction.response.send_message(_(texts.REMIND_NOTHING_LEFT), ephemeral=True)
            return
        channel = _announcement_channel(interaction, campaign)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await post_reminder(interaction.client, self.services, campaign, reminder)
        if outcome is Outcome.FORBIDDEN:
            raise UserFacingError(_(texts.CHANNEL_FORBIDDEN).format(channel=channel))
        if outcome is Outcome.FAILED:
            raise UserFacingError(_(texts.REMIND_FAILED))
        scheduler = getattr(interaction.client, "scheduler", None)
        if scheduler is not None:
            scheduler.wake()  # the opted-in members' direct messages go out in the background
        await interaction.followup.send(
            _(texts.REMIND_POSTED).format(
                label=organiser_views.reminder_label(reminder.stem), channel=channel
            ),
            ephemeral=True,
        )

    @app_commands.command(name="announce", description=texts.ANNOUNCE)
    async def announce(self, interaction: discord.Interaction) -> None:
        """Post and pin the announcement in the campaign's channel."""
        campaign = await self.services.campaigns.require_campaign(guild_of(interaction))
        assert campaign.deadline is not None
        mention = _announcement_channel(interaction, campaign)
        channel = guild_channel(
            interaction.client, campaign.guild_id, campaign.announcement_channel_id
        )
        assert channel is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        with use_language(campaign.language):  # the channel's language, not the organiser's
            embed = discord.Embed(
                title=_(texts.ANNOUNCE_TITLE).format(
                    community=escape_markdown(campaign.community_name), new=campaign.new_server
                )[:256],
                description=_(texts.ANNOUNCE_BODY).format(
                    old=campaign.old_server,
                    new=campaign.new_server,
                    deadline_full=discord_timestamp(campaign.deadline, "F"),
                    deadline_relative=discord_timestamp(campaign.deadline, "R"),
                    guide=language_url(campaign.guide_url, campaign.language),
                ),
                colour=cards.BLUE,
            )
        # Claimed first and marked, like every reminder: a crash before the record is
        # settled on start-up by finding this post, never by posting it twice.
        claimed = await self.services.campaigns.claim_announcement(campaign)
        if claimed is not None:
            embed.set_footer(text=reference_line(campaign.guild_id, claimed))
        try:
            message = await channel.send(embed=embed)
        except discord.HTTPException as exc:
            if claimed is not None:
                await self.services.campaigns.release(campaign.guild_id, claimed)
            if isinstance(exc, discord.Forbidden):
                raise UserFacingError(_(texts.CHANNEL_FORBIDDEN).format(channel=mention)) from exc
            raise UserFacingError(_(texts.ANNOUNCE_FAILED)) from exc
        try:
            await message.pin()
            pinned = _(texts.ANNOUNCE_PINNED)
        except discord.HTTPException as exc:
            log.warning("Could not pin the announcement in guild %s: %s", campaign.guild_id, exc)
            pinned = pin_failure(exc)
        await self.services.campaigns.mark_announced(campaign, message.id, claimed)
        scheduler = getattr(interaction.client, "scheduler", None)
        if scheduler is not None:
            scheduler.wake()  # the opted-in members' direct messages go out in the background
        await interaction.followup.send(
            _(texts.ANNOUNCE_POSTED).format(channel=mention, pinned=pinned),
            ephemeral=True,
        )

    @app_commands.command(name="export", description=texts.EXPORT)
    @app_commands.describe(format=texts.EXPORT_FORMAT)
    async def export(self, interaction: discord.Interaction, format: ExportFormat) -> None:
        """Attach the roster file in the chosen format (compressed when too big for Discord)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        files = await self.services.campaigns.export(guild_of(interaction), format)
        rows = sum(f.rows for f in files)
        limit = interaction.filesize_limit
        uploads = await asyncio.to_thread(fit_for_upload, files, limit)
        too_big = max(uploads, key=lambda f: len(f.content))
        if len(too_big.content) > limit:
            raise UserFacingError(
                _(texts.EXPORT_TOO_LARGE).format(
                    size=f"{len(too_big.content) / 1e6:.1f}",
                    limit=f"{limit / 1e6:.0f}",
                    format=format,
                )
            )
        message = ngettext(texts.EXPORT_ATTACHED, rows).format(
            label=_(EXPORT_LABELS[format]), count=f"{rows:,}"
        )
        if len(files) > 1:
            message += _(texts.EXPORT_SPLIT).format(files=len(files))
        zipped = [f.name.removesuffix(".zip") for f in uploads if f.media_type == MEDIA_ZIP]
        if zipped:
            message += _(texts.EXPORT_ZIPPED).format(names=", ".join(zipped))
        batches = upload_batches(uploads, MAX_FILES_PER_MESSAGE, limit)
        for part, batch in enumerate(batches, start=1):
            await interaction.followup.send(
                message
                if part == 1
                else _(texts.EXPORT_CONTINUED).format(part=part, parts=len(batches)),
                files=[discord.File(io.BytesIO(f.content), filename=f.name) for f in batch],
                ephemeral=True,
            )

    @app_commands.command(name="member", description=texts.MEMBER)
    @app_commands.describe(user=texts.MEMBER_USER)
    async def member(self, interaction: discord.Interaction, user: discord.Member) -> None:
        """One member's status and recent checks, with an Unlink button."""
        member, history = await self.services.campaigns.member_history(
            guild_of(interaction), user.id
        )
        if member is None:
            await interaction.response.send_message(
                _(texts.MEMBER_NOT_LINKED).format(name=cards.name_md(user.display_name)),
                ephemeral=True,
            )
            return
        await interaction.response.send_message(
            embed=organiser_views.member_card(member, history),
            view=organiser_views.member_view(member.user_id),
            ephemeral=True,
        )


def _announcement_channel(interaction: discord.Interaction, campaign: Campaign) -> str:
    """The campaign's channel as a mention, refusing none or one of another server."""
    channel_id = campaign.announcement_channel_id
    if channel_id is None:
        raise UserFacingError(_(texts.REMIND_NO_CHANNEL))
    mention = f"<#{channel_id}>"
    if guild_channel(interaction.client, campaign.guild_id, channel_id) is None:
        raise UserFacingError(_(texts.CHANNEL_NOT_IN_SERVER).format(channel=mention))
    return mention
