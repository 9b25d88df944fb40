"""The Discord surface of followers lists: ``/move followers`` and its button.

Before the move the bot saves the old account's followers list; after the move it compares
it with the new account's followers and attaches the left-behind file. Long lists are read
in the background while the reply shows progress. Only the member sees any of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import ui

from companion import texts_followers as texts
from companion.bot import cards
from companion.bot.buttons import OwnedButton, guild_of, services_of
from companion.core.followers import STILL_ARRIVING_FOR, CommunityFollowers, FollowersComparison
from companion.core.text import escape_markdown
from companion.i18n import _, ngettext
from companion.moves.followers import ReadProgress

if TYPE_CHECKING:
    from companion.services import Services
    from companion.services.followers import ComparedOutcome, SavedOutcome

PROGRESS_EVERY = 2.0  # seconds between progress edits of the reply
MAX_GROUP_LINES = 12


class FollowersButton(
    OwnedButton, ui.DynamicItem[ui.Button[Any]], template=r"mc:followers:(?P<user>\d+)"
):
    """Save my followers list (before the move) / Who came along? (after it)."""

    prefix = "followers"
    label = texts.SAVE_BUTTON
    style = discord.ButtonStyle.secondary

    def __init__(self, user_id: int, *, moved: bool = False) -> None:
        super().__init__(user_id)
        self.item.label = _(texts.COMPARE_BUTTON) if moved else _(texts.SAVE_BUTTON)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id."""
        return cls(int(match["user"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        """Save the list, or compare it once the account has moved."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await run_followers(interaction, services_of(interaction), save_again=True)


async def run_followers(
    interaction: discord.Interaction, services: Services, *, save_again: bool = False
) -> None:
    """Save or compare, showing progress; the reply is a follow-up of a deferred response."""
    guild_id = guild_of(interaction)
    user_id = interaction.user.id
    member = await services.members.member(guild_id, user_id)
    saved = await services.followers.saved(guild_id, user_id)
    if not member.has_moved and saved is not None and not save_again:
        _record, kept = saved
        await _deliver(
            interaction,
            content=ngettext(texts.SAVED_ALREADY, kept.count).format(
                count=f"{kept.count:,}",
                old=cards.handle_md(member.old_handle),
                when=cards.when_md(kept.saved_at),
            ),
            view=followers_view(user_id, moved=False),
        )
        return
    progress = ReadProgress()
    moved = member.has_moved
    server = (member.new_handle if moved else member.old_handle).display_domain
    reporter = asyncio.create_task(_show_progress(interaction, progress, server, moved))
    try:
        if moved:
            outcome: Any = await services.followers.compare(guild_id, user_id, progress)
        else:
            outcome = await services.followers.save(guild_id, user_id, progress)
    finally:
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reporter
    if moved:
        await _send_comparison(interaction, outcome)
    else:
        await _send_saved(interaction, outcome)


async def _show_progress(
    interaction: discord.Interaction, progress: ReadProgress, server: str, moved: bool
) -> None:
    """Edit the 'thinking' reply with how far the read has got, every few seconds."""
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        expected = f"{progress.expected:,}" if progress.expected is not None else "?"
        template = _(texts.READING_NEW) if moved else _(texts.READING)
        content = template.format(server=server, done=f"{progress.done:,}", expected=expected)
        try:
            await interaction.edit_original_response(content=content)
        except discord.HTTPException:  # progress is a courtesy; the result still comes
            return


async def _send_saved(interaction: discord.Interaction, outcome: SavedOutcome) -> None:
    old = cards.handle_md(outcome.account)
    if outcome.saved is None:
        await _deliver(
            interaction,
            content=_(texts.HIDDEN).format(old=old),
            view=followers_view(interaction.user.id, moved=False),
        )
        return
    content = ngettext(texts.SAVED, outcome.saved.count).format(
        count=f"{outcome.saved.count:,}", old=old, when=cards.when_md(outcome.saved.saved_at)
    )
    if outcome.truncated and outcome.expected is not None:
        content += _(texts.SAVED_TRUNCATED).format(
            expected=f"{outcome.expected:,}", count=f"{outcome.saved.count:,}"
        )
    if outcome.new_locked:
        content += "\n\n" + _(texts.LOCKED_BEFORE)
    await _deliver(interaction, content=content)


def comparison_card(outcome: ComparedOutcome) -> discord.Embed:
    """The comparison at a glance: counts, the groups left behind with reasons, next steps."""
    result: FollowersComparison = outcome.comparison
    embed = discord.Embed(
        title=_(texts.TITLE), colour=cards.GREEN if not result.groups else cards.AMBER
    )
    embed.description = ngettext(texts.RESULT, result.saved).format(
        saved=f"{result.saved:,}",
        saved_when=cards.when_md(result.saved_at),
        arrived=f"{result.arrived:,}",
        new=cards.handle_md(outcome.member.new_handle),
        left=f"{result.left_behind:,}",
        arriving=f"{result.still_arriving:,}",
    )
    if not result.groups:
        embed.add_field(name="\u200b", value=_(texts.NOTHING_LEFT), inline=False)
        return embed
    lines = [
        _(texts.GROUP_LINE).format(
            count=f"{group.count:,}",
            domain=group.domain,
            software=escape_markdown(group.software, 40),
            reason=_(texts.REASONS[group.reason]),
        )
        for group in result.groups[:MAX_GROUP_LINES]
    ]
    if len(result.groups) > MAX_GROUP_LINES:
        lines.append(
            ngettext(texts.MORE_GROUPS, len(result.groups) - MAX_GROUP_LINES).format(
                count=len(result.groups) - MAX_GROUP_LINES
            )
        )
    embed.add_field(name="\u200b", value="\n".join(lines)[:1024], inline=False)
    notes = []
    if result.still_arriving:
        notes.append(_(texts.RESULT_ARRIVING_NOTE).format(days=STILL_ARRIVING_FOR.days))
    if outcome.new_locked:
        notes.append(_(texts.LOCKED_AFTER))
    notes.append(_(texts.CSV_NOTE))
    embed.add_field(name="\u200b", value="\n\n".join(notes)[:1024], inline=False)
    return embed


async def _send_comparison(interaction: discord.Interaction, outcome: ComparedOutcome) -> None:
    embed = comparison_card(outcome)
    if not outcome.comparison.groups:
        await _deliver(interaction, embed=embed)
        return
    await _deliver(
        interaction,
        embed=embed,
        file=discord.File(io.BytesIO(outcome.csv), filename=texts.CSV_NAME),
    )


async def _deliver(
    interaction: discord.Interaction,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    file: discord.File | None = None,
    view: ui.View | None = None,
) -> None:
    """Replace the 'thinking' (or progress) reply with the result, so nothing stale stays."""
    await interaction.edit_original_response(
        content=content,
        embed=embed,
        attachments=[file] if file is not None else [],
        view=view,
    )


def add_community_followers(embed: discord.Embed, picture: CommunityFollowers) -> None:
    """The organisers' followers picture: totals and where most were left behind, and why."""
    if picture.members == 0:
        embed.add_field(name=_(texts.PROGRESS_TITLE), value=_(texts.PROGRESS_NONE), inline=False)
        return
    lines = [
        ngettext(texts.PROGRESS, picture.members).format(
            members=picture.members,
            saved=f"{picture.saved:,}",
            arrived=f"{picture.arrived:,}",
            left=f"{picture.left_behind:,}",
            arriving=f"{picture.still_arriving:,}",
        )
    ]
    top = picture.top_servers()
    if top:
        lines.append(_(texts.PROGRESS_TOP))
        lines += [
            _(texts.PROGRESS_TOP_LINE).format(
                domain=domain, count=f"{count:,}", reason=_(texts.REASONS[reason])
            )
            for domain, reason, count in top
        ]
        lines.append(_(texts.PROGRESS_HINT))
    embed.add_field(name=_(texts.PROGRESS_TITLE), value="\n".join(lines)[:1024], inline=False)


def followers_view(user_id: int, *, moved: bool) -> ui.View:
    """The followers button alone."""
    view = ui.View(timeout=None)
    view.add_item(FollowersButton(user_id, moved=moved))
    return view
