"""``/move``: what members use every day of the campaign.

Thin: parse, call the member service, show a card. Replies are ephemeral; anything that
talks to a Mastodon server defers first so Discord's 3-second deadline is never missed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from companion import texts
from companion.bot import cards, follows, views
from companion.bot.buttons import guild_of
from companion.bot.followers import run_followers
from companion.bot.transformers import NewHandle, OldHandle
from companion.core.guide_links import TOPICS, topic_url
from companion.core.handles import Handle
from companion.core.text import escape_markdown
from companion.i18n import _

if TYPE_CHECKING:
    from companion.services import Services

GUIDE_MENU = (
    "start",
    "create-account",
    "export",
    "import",
    "alias",
    "move",
    "followers",
    "problems",
    "roster",
    "privacy",
)


@app_commands.guild_only()
class MoveCog(commands.GroupCog, group_name="move", group_description=texts.MOVE_GROUP):
    """The members' command group."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="link", description=texts.LINK)
    @app_commands.describe(old=texts.LINK_OLD, new=texts.LINK_NEW)
    async def link(
        self,
        interaction: discord.Interaction,
        old: app_commands.Transform[Handle, OldHandle],
        new: app_commands.Transform[Handle, NewHandle],
    ) -> None:
        """Link the old and new accounts, check them, and ask about the roster once."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_of(interaction)
        state = await self.services.members.link(
            guild_id, interaction.user.id, interaction.user.display_name, old, new
        )
        campaign = await self.services.campaign(guild_id)
        content = _(texts.LINK_SAVED)
        if state.member.roster_consent is None:
            content += "\n\n" + _(texts.CONSENT_QUESTION)
        await interaction.followup.send(
            content,
            embed=cards.status_card(state.member, state.report, state.checklist, campaign),
            view=views.link_view(state, campaign.guide_url),
            ephemeral=True,
        )

    @app_commands.command(name="verify", description=texts.VERIFY)
    async def verify(self, interaction: discord.Interaction) -> None:
        """Give a one-time code to put in the new account's bio, with a Check now button."""
        guild_id = guild_of(interaction)
        member, code = await self.services.members.start_verification(guild_id, interaction.user.id)
        await interaction.response.send_message(
            embed=cards.verify_card(member, code),
            view=views.verify_view(interaction.user.id),
            ephemeral=True,
        )

    @app_commands.command(name="status", description=texts.STATUS)
    async def status(self, interaction: discord.Interaction) -> None:
        """Ask the servers unless they were asked within the cooldown, then show the card."""
        guild_id = guild_of(interaction)
        members = self.services.members
        state = await members.fresh_state(guild_id, interaction.user.id)
        campaign = await self.services.campaign(guild_id)
        if state is not None:
            await interaction.response.send_message(
                cards.freshness_note(state.member, self.services.clock.now()),
                embed=cards.status_card(state.member, state.report, state.checklist, campaign),
                view=views.status_view(state, campaign.guide_url),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        state = await members.check(guild_id, interaction.user.id)
        await interaction.followup.send(
            _(texts.STATUS_CHECKED_NOW),
            embed=cards.status_card(state.member, state.report, state.checklist, campaign),
            view=views.status_view(state, campaign.guide_url),
            ephemeral=True,
        )

    @app_commands.command(name="checklist", description=texts.CHECKLIST)
    async def checklist(self, interaction: discord.Interaction) -> None:
        """The personal checklist: servers tick what they show, the member ticks the rest."""
        guild_id = guild_of(interaction)
        state = await self.services.members.state(guild_id, interaction.user.id)
        campaign = await self.services.campaign(guild_id)
        await interaction.response.send_message(
            embed=cards.checklist_card(state.checklist, campaign, state.report),
            view=views.checklist_view(state.checklist, interaction.user.id),
            ephemeral=True,
        )

    @app_commands.command(name="followers", description=texts.FOLLOWERS)
    async def followers(self, interaction: discord.Interaction) -> None:
        """Save the followers list before the move; after it, see who came along."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await run_followers(interaction, self.services)

    @app_commands.command(name="whois", description=texts.WHOIS)
    @app_commands.describe(member=texts.WHOIS_MEMBER)
    async def whois(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Another member's new account, only if they agreed to be listed."""
        name = cards.name_md(member.display_name)
        if member.bot:
            await interaction.response.send_message(_(texts.WHOIS_BOT), ephemeral=True)
            return
        listed = await self.services.members.listed_member(guild_of(interaction), member.id)
        if listed is None:
            message = _(texts.WHOIS_NOT_LISTED).format(name=name)
        elif listed.has_moved:
            message = _(texts.WHOIS_FOUND).format(
                name=name,
                new=cards.handle_md(listed.new_handle),
                old=cards.handle_md(listed.old_handle),
            )
        else:
            message = _(texts.WHOIS_NOT_MOVED).format(
                name=name, new=cards.handle_md(listed.new_handle)
            )
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="roster", description=texts.ROSTER)
    async def roster(self, interaction: discord.Interaction) -> None:
        """The first page of the roster, with page buttons."""
        guild_id = guild_of(interaction)
        entries = await self.services.members.roster(guild_id)
        campaign = await self.services.campaign(guild_id)
        embed, pages = cards.roster_page(entries, 1, campaign)
        await interaction.response.send_message(
            embed=embed, view=views.roster_view(1, pages), ephemeral=True
        )

    @app_commands.command(name="reminders", description=texts.REMINDERS)
    @app_commands.describe(setting=texts.REMINDERS_SETTING)
    async def reminders(
        self, interaction: discord.Interaction, setting: Literal["on", "off"]
    ) -> None:
        """Opt in or out of personal reminders by direct message."""
        enabled = setting == "on"
        await self.services.members.set_reminders(
            guild_of(interaction), interaction.user.id, enabled
        )
        message = _(texts.REMINDERS_ON) if enabled else _(texts.REMINDERS_OFF)
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="privacy", description=texts.PRIVACY)
    async def privacy(self, interaction: discord.Interaction) -> None:
        """Everything stored about the member, and the roster choice to change."""
        guild_id = guild_of(interaction)
        data = await self.services.members.personal_data(guild_id, interaction.user.id)
        if data is None:
            await interaction.response.send_message(
                embed=cards.privacy_card(None, None), ephemeral=True
            )
            return
        member = await self.services.members.member(guild_id, interaction.user.id)
        await interaction.response.send_message(
            embed=cards.privacy_card(data, member),
            view=views.privacy_view(member.roster_consent, interaction.user.id),
            ephemeral=True,
        )

    @app_commands.command(name="forget", description=texts.FORGET)
    async def forget(self, interaction: discord.Interaction) -> None:
        """Ask for confirmation, then delete everything (the button does it)."""
        await interaction.response.send_message(
            _(texts.FORGET_CONFIRM), view=views.forget_view(interaction.user.id), ephemeral=True
        )

    @app_commands.command(name="mend-follows", description=texts.MEND_FOLLOWS)
    @app_commands.describe(file=texts.MEND_FOLLOWS_FILE)
    async def mend_follows(
        self, interaction: discord.Interaction, file: discord.Attachment
    ) -> None:
        """Send back the follows file with the community's new accounts (bot/follows.py)."""
        await follows.mend_follows(interaction, self.services, file)

    @app_commands.command(name="check-import", description=texts.CHECK_IMPORT)
    @app_commands.describe(file=texts.CHECK_IMPORT_FILE)
    async def check_import(
        self, interaction: discord.Interaction, file: discord.Attachment
    ) -> None:
        """Say which follows of the file have not arrived yet, as a file to import again."""
        await follows.check_import(interaction, self.services, file)

    @app_commands.command(name="guide", description=texts.GUIDE)
    @app_commands.describe(topic=texts.GUIDE_TOPIC)
    async def guide(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        """Links into the member guide: one topic, or the main sections."""
        campaign = await self.services.campaign(guild_of(interaction))
        base = campaign.guide_url
        if topic is None:
            lines = [_(texts.GUIDE_INTRO)] + [
                _(texts.GUIDE_ONE).format(title=_(TOPICS[key].title), url=topic_url(base, key))
                for key in GUIDE_MENU
            ]
            message = "\n".join(lines)
        elif topic in TOPICS:
            message = _(texts.GUIDE_ONE).format(
                title=_(TOPICS[topic].title), url=topic_url(base, topic)
            )
        else:
            message = _(texts.GUIDE_UNKNOWN).format(
                topic=escape_markdown(topic, 40), url=topic_url(base, "start")
            )
        await interaction.response.send_message(message, ephemeral=True, suppress_embeds=True)

    @guide.autocomplete("topic")
    async def _guide_topics(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest guide topics whose title or key contains what was typed."""
        typed = current.casefold().strip()
        titles = {topic.key: _(topic.title) for topic in TOPICS.values()}
        return [
            app_commands.Choice(name=title[:100], value=key)
            for key, title in titles.items()
            if typed in title.casefold() or typed in key
        ][:25]
