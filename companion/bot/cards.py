"""Embeds the bot shows: status cards, checklists, roster pages, privacy and campaign views.

Handles are shown as inline code: they are validated to a safe alphabet, stay copyable,
and cannot render as mentions. Anything else members or servers wrote is escaped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from companion import texts
from companion import texts_followers as followers_texts
from companion.core.checklist import STEP_TOPICS, ChecklistItem
from companion.core.cooldowns import (
    CHECK_COOLDOWN,
    SOFTWARE_NAMES,
    check_wait,
    describe,
    may_move_again_at,
)
from companion.core.guide_links import TOPICS, status_url
from companion.core.handles import Handle
from companion.core.models import Campaign, Member
from companion.core.move_report import MoveReport
from companion.core.move_status import MoveStatus
from companion.core.roster import RosterEntry
from companion.core.text import discord_timestamp, escape_markdown
from companion.i18n import LANGUAGES, _, ngettext

GREEN = discord.Colour(0x2E7D32)
BLUE = discord.Colour(0x5865F2)
AMBER = discord.Colour(0xB26A00)
RED = discord.Colour(0xC62828)
GREY = discord.Colour(0x607D8B)

_STATUS_COLOURS: dict[MoveStatus, discord.Colour] = {
    MoveStatus.FOLLOWERS_ARRIVED: GREEN,
    MoveStatus.MOVED: GREEN,
    MoveStatus.READY_TO_MOVE: BLUE,
    MoveStatus.ALIAS_MISSING: AMBER,
    MoveStatus.ALIAS_UNKNOWN: AMBER,
    MoveStatus.NEW_ACCOUNT_MISSING: AMBER,
    MoveStatus.WRONG_SERVER: AMBER,
    MoveStatus.MOVED_ELSEWHERE: RED,
    MoveStatus.OLD_ACCOUNT_GONE: RED,
    MoveStatus.SERVER_UNREACHABLE: GREY,
    MoveStatus.UNSUPPORTED_SERVER: GREY,
}

ROSTER_PAGE_SIZE = 20


def handle_md(handle: Handle | str) -> str:
    """A handle as inline code: literal, copyable, never a mention."""
    text = handle.display if isinstance(handle, Handle) else str(handle)
    return "`" + text.replace("`", "'") + "`"


def name_md(name: str) -> str:
    """A member's display name, escaped so it cannot format, link or ping."""
    return escape_markdown(name, max_length=80) or "(no name)"


def when_md(moment: datetime | None, style: str = "R") -> str:
    """A time every reader sees in their own zone."""
    return discord_timestamp(moment, style) if moment else _(texts.STATUS_UNKNOWN_NUMBER)


def freshness_note(member: Member, now: datetime) -> str:
    """Above a status card shown from the store: when the servers were asked, and when next."""
    cooldown = describe(CHECK_COOLDOWN)
    last = member.last_checked_at
    if last is None or not check_wait(last, now):  # the fresh check is the one under way
        return _(texts.STATUS_BEING_CHECKED).format(cooldown=cooldown)
    return _(texts.STATUS_RECENT).format(when=when_md(last), cooldown=cooldown)


def _number(value: int | None) -> str:
    return f"{value:,}" if value is not None else _(texts.STATUS_UNKNOWN_NUMBER)


def status_card(
    member: Member, report: MoveReport | None, checklist: list[ChecklistItem], campaign: Campaign
) -> discord.Embed:
    """The member's move at a glance: where it stands, what is done, what to do next."""
    embed = discord.Embed(
        title=_(texts.STATUS_TITLE),
        description=f"{handle_md(member.old_handle)} → {handle_md(member.new_handle)}",
    )
    if report is None:
        embed.colour = GREY
        embed.add_field(name=_(texts.STATUS_FIELD_STATUS), value=_(texts.STATUS_NEVER_CHECKED))
    else:
        status = report.status
        embed.colour = _STATUS_COLOURS.get(status, GREY)
        embed.add_field(
            name=_(texts.STATUS_FIELD_STATUS),
            value=f"**{status.label}**\n{report.explanation}"[:1024],
            inline=False,
        )
        link = status_url(campaign.guide_url, status.value)
        embed.add_field(
            name=_(texts.STATUS_FIELD_NEXT),
            value=f"{report.next_step}\n[{_(texts.STATUS_GUIDE_BUTTON)}]({link})"[:1024],
            inline=False,
        )
    embed.add_field(
        name=_(texts.STATUS_FIELD_STEPS), value=checklist_lines(checklist), inline=False
    )
    followers_now = report.followers_now if report else None
    embed.add_field(
        name=_(texts.STATUS_FIELD_FOLLOWERS),
        value=_(texts.STATUS_FOLLOWERS).format(
            before=_number(member.followers_before), now=_number(followers_now)
        ),
        inline=True,
    )
    checked = (
        _(texts.STATUS_CHECKED).format(when=when_md(member.last_checked_at))
        if member.last_checked_at
        else _(texts.STATUS_NEVER_CHECKED)
    )
    if report is not None and report.status.is_observation_gap and member.last_confirmed_at:
        checked += "\n" + _(texts.STATUS_CONFIRMED).format(when=when_md(member.last_confirmed_at))
    verified = _(texts.STATUS_VERIFIED) if member.is_verified else _(texts.STATUS_NOT_VERIFIED)
    embed.add_field(name="\u200b", value=f"{checked}\n{verified}", inline=True)
    _followers_notes(embed, member, report)
    return embed


def _followers_notes(embed: discord.Embed, member: Member, report: MoveReport | None) -> None:
    """Follow requests (locked new account) and when the old account may move again."""
    if report is None:
        return
    if report.new_locked:
        note = (
            _(followers_texts.LOCKED_AFTER)
            if member.has_moved
            else _(followers_texts.LOCKED_BEFORE)
        )
        embed.add_field(name=_(followers_texts.TITLE), value=note, inline=False)
    again = may_move_again_at(report.old_software, member.moved_at)
    if again is not None and member.moved_at is not None:
        embed.add_field(
            name=_(followers_texts.COOLDOWN_FIELD),
            value=_(followers_texts.COOLDOWN).format(
                when=when_md(again, "D"),
                software=SOFTWARE_NAMES.get(report.old_software or "", "The server"),
                days=(again - member.moved_at).days,
            ),
            inline=False,
        )


def checklist_lines(items: list[ChecklistItem]) -> str:
    """One line per step: ticked or not, and which the bot ticks."""
    lines = []
    for item in items:
        mark = texts.STEP_DONE if item.done else texts.STEP_TODO
        suffix = _(texts.CHECKLIST_BOT_MARK) if item.by_bot else ""
        lines.append(f"{mark} {_(texts.CHECKLIST_STEPS[item.key])}{suffix}")
    return "\n".join(lines)


def checklist_card(
    items: list[ChecklistItem], campaign: Campaign, report: MoveReport | None = None
) -> discord.Embed:
    """The personal checklist with a guide link per step (and the follow-approval warning)."""
    embed = discord.Embed(title=_(texts.CHECKLIST_TITLE), description=_(texts.CHECKLIST_INTRO))
    embed.colour = BLUE
    lines = []
    for item in items:
        mark = texts.STEP_DONE if item.done else texts.STEP_TODO
        suffix = _(texts.CHECKLIST_BOT_MARK) if item.by_bot else ""
        url = TOPICS[STEP_TOPICS[item.key]].url(campaign.guide_url)
        lines.append(f"{mark} [{_(texts.CHECKLIST_STEPS[item.key])}]({url}){suffix}")
    embed.add_field(name="\u200b", value="\n".join(lines)[:1024], inline=False)
    if report is not None and report.new_locked and report.moved is not True:
        embed.add_field(name=_(followers_texts.TITLE), value=_(followers_texts.LOCKED_BEFORE))
    return embed


def verify_card(member: Member, code: str) -> discord.Embed:
    """How to prove ownership of the new account with the one-time code."""
    return discord.Embed(
        title=_(texts.VERIFY_TITLE),
        description=handle_md(member.new_handle)
        + "\n\n"
        + _(texts.VERIFY_STEPS).format(
            code=code, expires=when_md(member.verify_code_expires_at, "f")
        ),
        colour=BLUE,
    )


def roster_page(
    entries: list[RosterEntry], page: int, campaign: Campaign
) -> tuple[discord.Embed, int]:
    """One page of the roster and the number of pages."""
    pages = max(1, -(-len(entries) // ROSTER_PAGE_SIZE))
    page = min(max(page, 1), pages)
    embed = discord.Embed(
        title=_(texts.ROSTER_TITLE).format(community=escape_markdown(campaign.community_name)),
        colour=GREEN,
    )
    if not entries:
        embed.description = _(texts.ROSTER_EMPTY)
        return embed, 1
    start = (page - 1) * ROSTER_PAGE_SIZE
    lines = [
        f"{name_md(entry.discord_name)}: {handle_md(entry.new_handle)}"
        for entry in entries[start : start + ROSTER_PAGE_SIZE]
    ]
    embed.description = "\n".join(lines)
    embed.set_footer(
        text=ngettext(texts.ROSTER_FOOTER, len(entries)).format(
            page=page,
            pages=pages,
            count=len(entries),
            url=TOPICS["roster"].url(campaign.guide_url),
        )
    )
    return embed, pages


def privacy_card(data: dict[str, Any] | None, member: Member | None) -> discord.Embed:
    """Everything stored about the member, in plain words."""
    embed = discord.Embed(title=_(texts.PRIVACY_TITLE), colour=BLUE)
    if data is None or member is None:
        embed.description = _(texts.PRIVACY_NOTHING)
        return embed

    def yes_no(value: object) -> str:
        words = {True: texts.YES, False: texts.NO, None: texts.NOT_ASKED}
        return _(words[value]) if value in words else str(value)

    embed.description = _(texts.PRIVACY_FIELDS).format(
        name=name_md(member.display_name),
        old=handle_md(member.old_handle),
        new=handle_md(member.new_handle),
        linked=when_md(member.linked_at, "f"),
        verified=when_md(member.verified_at, "f") if member.verified_at else _(texts.NO),
        consent=yes_no(member.roster_consent),
        dm=yes_no(member.dm_reminders),
        followers=_number(member.followers_before),
        checks=len(data["checks"]),
        steps=len(data["checklist"]),
        dms=len(data["direct_messages"]),
        language=LANGUAGES.get(member.language, member.language),
    )
    saved = data.get("followers_list")
    if saved:
        embed.add_field(
            name=_(followers_texts.TITLE),
            value=ngettext(followers_texts.PRIVACY_LIST, saved["total"]).format(
                count=f"{saved['total']:,}",
                old=handle_md(Handle.try_parse(saved["account"]) or saved["account"]),
                when=when_md(datetime.fromisoformat(saved["saved_at"]), "f"),
            ),
            inline=False,
        )
    embed.add_field(name="\u200b", value=_(texts.PRIVACY_WHY), inline=False)
    return embed


def campaign_card(campaign: Campaign) -> discord.Embed:
    """The campaign's settings for organisers."""
    embed = discord.Embed(title=_(texts.SHOW_TITLE), colour=BLUE)
    if not campaign.is_configured:
        embed.description = _(texts.SHOW_NOT_CONFIGURED)
    rows = {
        texts.SHOW_COMMUNITY: escape_markdown(campaign.community_name),
        texts.SHOW_FROM: f"`{campaign.old_server}`" if campaign.old_server else _(texts.NONE_SET),
        texts.SHOW_TO: f"`{campaign.new_server}`" if campaign.new_server else _(texts.NONE_SET),
        texts.SHOW_DEADLINE: (
            f"{when_md(campaign.deadline, 'F')} ({campaign.timezone}, {when_md(campaign.deadline)})"
            if campaign.deadline
            else _(texts.NONE_SET)
        ),
        texts.SHOW_CHANNEL: f"<#{campaign.announcement_channel_id}>"
        if campaign.announcement_channel_id
        else _(texts.NONE_SET),
        texts.SHOW_ROSTER_CHANNEL: f"<#{campaign.roster_channel}>"
        if campaign.roster_channel
        else _(texts.NONE_SET),
        texts.SHOW_ROLE: f"<@&{campaign.organiser_role_id}>"
        if campaign.organiser_role_id
        else _(texts.NONE_SET),
        texts.SHOW_LANGUAGE: LANGUAGES.get(campaign.language, campaign.language),
        texts.SHOW_GUIDE: campaign.guide_url,
    }
    for name, value in rows.items():
        embed.add_field(name=_(name), value=value, inline=True)
    return embed
