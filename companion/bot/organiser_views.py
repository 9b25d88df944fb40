"""Cards and restart-safe buttons for the organisers' ``/campaign`` commands."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands, ui

from companion import texts
from companion.bot import cards
from companion.bot.buttons import SafeButton, guild_of, services_of
from companion.bot.permissions import require_organiser
from companion.core.models import Member, Observation
from companion.core.move_status import MoveStatus
from companion.core.reminders import split_key
from companion.core.text import discord_timestamp, escape_markdown
from companion.errors import UserFacingError
from companion.i18n import LANGUAGES, N_, _, ngettext
from companion.i18n.dates import format_short_day
from companion.reports.progress import ProgressReport

if TYPE_CHECKING:
    from companion.services.campaigns import PendingSetup, ReminderPlan

REMINDER_LABELS = {
    "announce": N_("Announcement (14 days before)"),
    "d-7": N_("7 days before"),
    "d-3": N_("3 days before"),
    "d-1": N_("1 day before"),
    "d0": N_("On the day"),
    "d+1": N_("1 day after"),
    "d+7": N_("7 days after"),
    "d+30": N_("30 days after"),
}
FIELD_LIMIT = 1024
# Four fields of help stay well inside Discord's 6,000 characters per embed.
MAX_HELP_FIELDS = 4


def reminder_label(stem: str) -> str:
    """A reminder's name as organisers read it."""
    return _(REMINDER_LABELS[stem]) if stem in REMINDER_LABELS else stem


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 IANA zones containing what was typed."""
    typed = current.strip().casefold().replace(" ", "_")
    matches = [zone for zone in _zones() if typed in zone.casefold()]
    return [app_commands.Choice(name=zone, value=zone) for zone in matches[:25]]


def _status_label(value: str) -> str:
    try:
        return MoveStatus(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


def _deadline_line(days_left: int | None) -> str:
    if days_left is None:
        return _(texts.PROGRESS_DAYS_LEFT).format(days=_(texts.NONE_SET))
    if days_left < 0:
        return ngettext(texts.PROGRESS_DAYS_PAST, -days_left).format(days=-days_left)
    if days_left == 0:
        return _(texts.PROGRESS_DEADLINE_TODAY)
    return _(texts.PROGRESS_DAYS_LEFT).format(days=days_left)


def setup_summary(pending: PendingSetup) -> discord.Embed:
    """What will be saved, for the organiser to confirm."""
    campaign = pending.campaign
    assert campaign.deadline is not None
    embed = discord.Embed(
        title=_(texts.SETUP_SUMMARY_TITLE),
        description=_(texts.SETUP_SUMMARY).format(
            community=escape_markdown(campaign.community_name),
            old=f"`{campaign.old_server}`",
            old_version=escape_markdown(pending.old_info.describe(), 80),
            new=f"`{campaign.new_server}`",
            new_version=escape_markdown(pending.new_info.describe(), 80),
            deadline=f"{discord_timestamp(campaign.deadline, 'F')} ({campaign.timezone})",
            relative=discord_timestamp(campaign.deadline, "R"),
            channel=f"<#{campaign.announcement_channel_id}>"
            if campaign.announcement_channel_id
            else _(texts.NONE_SET),
            role=f"<@&{campaign.organiser_role_id}>"
            if campaign.organiser_role_id
            else _(texts.NONE_SET),
            language=LANGUAGES.get(campaign.language, campaign.language),
        ),
        colour=cards.AMBER if pending.warnings else cards.BLUE,
    )
    for warning in pending.warnings:
        embed.add_field(name="\u26a0\ufe0f", value=warning[:1024], inline=False)
    return embed


def progress_card(report: ProgressReport) -> discord.Embed:
    """Counts per status, shares, moves per day and who needs help."""
    embed = discord.Embed(
        title=_(texts.PROGRESS_TITLE).format(community=escape_markdown(report.community))[:256],
        description=_(texts.PROGRESS_SUMMARY).format(
            linked=report.linked,
            verified=report.verified,
            verified_share=f"{report.share_verified:.0%}",
            moved=report.moved,
            moved_share=f"{report.share_moved:.0%}",
            deadline_line=_deadline_line(report.days_left),
        ),
        colour=cards.GREEN,
    )
    counts = "\n".join(
        f"{_status_label(status)}: {count}" for status, count in report.status_counts.items()
    )
    embed.add_field(name=_(texts.PROGRESS_COUNTS), value=counts or "-", inline=True)
    recent = report.daily_moves[-7:]
    per_day = "\n".join(f"{format_short_day(day)}: {count}" for day, count in recent)
    embed.add_field(name=_(texts.PROGRESS_PER_DAY), value=per_day or "-", inline=True)
    lines = [
        f"**{cards.name_md(item.display_name)}**: {item.detail} → {item.fix}"
        for item in report.needs_help
    ]
    fields = pack_lines(lines, FIELD_LIMIT, MAX_HELP_FIELDS)
    shown = sum(len(field.split("\n")) for field in fields)
    while fields and shown < len(lines):
        # Say how many are left in the last field, dropping its last line if need be.
        more = _(texts.PROGRESS_HELP_MORE).format(count=len(lines) - shown)
        if len(fields[-1]) + 1 + len(more) <= FIELD_LIMIT:
            fields[-1] += "\n" + more
            break
        last = fields[-1].split("\n")
        fields[-1] = "\n".join(last[:-1])
        shown -= 1
    for index, value in enumerate(fields or [_(texts.PROGRESS_HELP_NONE)]):
        embed.add_field(
            name=_(texts.PROGRESS_HELP) if index == 0 else "\u200b", value=value, inline=False
        )
    return embed


def pack_lines(lines: list[str], limit: int, max_chunks: int) -> list[str]:
    """Whole lines in chunks of at most ``limit`` characters; lines that do not fit stop."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        chunks.append(current)
        if len(chunks) == max_chunks:
            return chunks
        current = line
    if current and len(chunks) < max_chunks:
        chunks.append(current)
    return chunks


def schedule_card(plan: ReminderPlan) -> discord.Embed:
    """Every reminder with its time and whether it went out."""
    embed = discord.Embed(title=_(texts.REMIND_TITLE), colour=cards.BLUE)
    if plan.schedule is None:
        embed.description = _(texts.NO_CAMPAIGN)
        return embed
    lines = []
    for reminder in plan.schedule.reminders:
        record = plan.sent.get(reminder.key)
        when = discord_timestamp(reminder.due_at, "f")
        label = reminder_label(reminder.stem)
        if record is None:
            lines.append(
                _(texts.REMIND_LINE_DUE).format(mark=texts.STEP_TODO, label=label, when=when)
            )
        elif record.message_id == 0:
            lines.append(
                _(texts.REMIND_LINE_SKIPPED).format(mark=texts.STEP_DONE, label=label, when=when)
            )
        else:
            lines.append(
                _(texts.REMIND_LINE_SENT).format(mark=texts.STEP_DONE, label=label, when=when)
            )
    older = sorted(k for k in plan.sent if split_key(k)[1] != plan.schedule.deadline_date)
    if older:
        lines.append(f"\nEarlier deadline(s): {len(older)} reminder(s) already posted.")
    embed.description = "\n".join(lines)
    return embed


def member_card(member: Member, history: list[Observation]) -> discord.Embed:
    """An organiser's view of one member."""
    embed = discord.Embed(
        title=_(texts.MEMBER_TITLE).format(name=cards.name_md(member.display_name))[:256],
        description=f"{cards.handle_md(member.old_handle)} → {cards.handle_md(member.new_handle)}",
        colour=cards.BLUE,
    )
    embed.add_field(
        name=_(texts.STATUS_FIELD_STATUS),
        value=_status_label(member.last_status or "unchecked"),
        inline=True,
    )
    embed.add_field(
        name="Verified",
        value=cards.when_md(member.verified_at, "f") if member.verified_at else _(texts.NO),
        inline=True,
    )
    embed.add_field(
        name=_(texts.STATUS_FIELD_FOLLOWERS),
        value=f"{member.followers_before:,}" if member.followers_before is not None else "-",
        inline=True,
    )
    lines = [f"{discord_timestamp(o.checked_at, 'f')}: {_status_label(o.status)}" for o in history]
    embed.add_field(name=_(texts.MEMBER_HISTORY), value="\n".join(lines) or "-", inline=False)
    return embed


class SetupButton(
    SafeButton,
    ui.DynamicItem[ui.Button[Any]],
    template=r"mc:setup:(?P<choice>yes|no):(?P<token>[0-9a-f]{12})",
):
    """Confirm or cancel a prepared campaign setup."""

    def __init__(self, choice: str, token: str) -> None:
        self.choice = choice
        self.token = token
        yes = choice == "yes"
        super().__init__(
            ui.Button(
                label=_(texts.SETUP_CONFIRM) if yes else _(texts.SETUP_CANCEL),
                style=discord.ButtonStyle.success if yes else discord.ButtonStyle.secondary,
                custom_id=f"mc:setup:{choice}:{token}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> SetupButton:
        """Rebuild the button from its id."""
        return cls(match["choice"], match["token"])

    async def handle(self, interaction: discord.Interaction) -> None:
        """Save (organisers only, checked again) or drop the pending setup."""
        services = services_of(interaction)
        await require_organiser(interaction, services)
        if self.choice == "no":
            services.campaigns.cancel_setup(self.token)
            await interaction.response.edit_message(
                content=_(texts.SETUP_CANCELLED), embed=None, view=None
            )
            return
        campaign = await services.campaigns.confirm_setup(guild_of(interaction), self.token)
        await interaction.response.edit_message(
            content=_(texts.SETUP_SAVED), embed=cards.campaign_card(campaign), view=None
        )
        scheduler = getattr(interaction.client, "scheduler", None)
        if scheduler is not None:
            scheduler.wake()  # a new deadline changes what is due: plan again now


class UnlinkButton(SafeButton, ui.DynamicItem[ui.Button[Any]], template=r"mc:unlink:(?P<user>\d+)"):
    """An organiser removes a member's link (on the member's request)."""

    def __init__(self, user_id: int) -> None:
        self.target = user_id
        super().__init__(
            ui.Button(
                label=_(texts.MEMBER_UNLINK),
                style=discord.ButtonStyle.danger,
                custom_id=f"mc:unlink:{user_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> UnlinkButton:
        """Rebuild the button from its id."""
        return cls(int(match["user"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        """Unlink (organisers only, checked again on click)."""
        services = services_of(interaction)
        await require_organiser(interaction, services)
        guild_id = guild_of(interaction)
        member, _history = await services.campaigns.member_history(guild_id, self.target)
        if member is None:
            raise UserFacingError(_(texts.MEMBER_NOT_LINKED).format(name=f"<@{self.target}>"))
        await services.campaigns.unlink(guild_id, self.target)
        await interaction.response.edit_message(
            content=_(texts.MEMBER_UNLINKED).format(name=cards.name_md(member.display_name)),
            embed=None,
            view=None,
        )


def setup_view(token: str) -> ui.View:
    """Confirm and Cancel under the setup summary."""
    view = ui.View(timeout=None)
    view.add_item(SetupButton("yes", token))
    view.add_item(SetupButton("no", token))
    return view


def member_view(user_id: int) -> ui.View:
    """Unlink under the member card."""
    view = ui.View(timeout=None)
    view.add_item(UnlinkButton(user_id))
    return view


ORGANISER_BUTTONS: tuple[type[ui.DynamicItem[Any]], ...] = (SetupButton, UnlinkButton)
