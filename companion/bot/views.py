"""Buttons that keep working after a restart.

Each button is a ``DynamicItem``: its state lives in its ``custom_id`` (who it belongs to,
which page, which step), and the bot routes any click by pattern, whenever the message was
sent. Every click runs through ``report_error`` so a failure becomes a sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord import ui

from companion import texts
from companion.bot import cards
from companion.bot.buttons import (
    OwnedButton,
    OwnedChoice,
    SafeButton,
    guild_of,
    plain_button,
    services_of,
)
from companion.bot.followers import FollowersButton
from companion.core.checklist import OBSERVABLE_STEPS, STEPS, ChecklistItem
from companion.core.guide_links import status_url
from companion.errors import UserFacingError
from companion.i18n import _

if TYPE_CHECKING:
    from companion.services.members import MemberState


class RecheckButton(
    OwnedButton, ui.DynamicItem[ui.Button[Any]], template=r"mc:recheck:(?P<user>\d+)"
):
    """Check again, from a status card."""

    prefix = "recheck"
    label = texts.STATUS_CHECK_AGAIN

    async def handle(self, interaction: discord.Interaction) -> None:
        """Recheck (with the cooldown) and update the card in place."""
        services = services_of(interaction)
        guild_id = guild_of(interaction)
        await services.members.claim_check(guild_id, interaction.user.id)
        await interaction.response.defer()
        state = await services.members.check(guild_id, interaction.user.id)
        campaign = await services.campaign(guild_id)
        await interaction.edit_original_response(
            embed=cards.status_card(state.member, state.report, state.checklist, campaign),
            # The link card also asks about the roster: keep those buttons until answered.
            view=link_view(state, campaign.guide_url),
        )


class ConsentButton(
    OwnedChoice,
    ui.DynamicItem[ui.Button[Any]],
    template=r"mc:consent:(?P<choice>yes|no):(?P<user>\d+)",
):
    """Yes or no to being listed in the roster."""

    prefix = "consent"
    labels: ClassVar[dict[str, str]] = {"yes": texts.CONSENT_YES, "no": texts.CONSENT_NO}
    styles: ClassVar[dict[str, discord.ButtonStyle]] = {
        "yes": discord.ButtonStyle.success,
        "no": discord.ButtonStyle.secondary,
    }

    async def handle(self, interaction: discord.Interaction) -> None:
        """Store the choice and confirm it privately."""
        services = services_of(interaction)
        consent = self.choice == "yes"
        await services.members.set_roster_consent(
            guild_of(interaction), interaction.user.id, consent
        )
        message = _(texts.CONSENT_SAVED_YES) if consent else _(texts.CONSENT_SAVED_NO)
        await interaction.response.send_message(message, ephemeral=True)


class VerifyCheckButton(
    OwnedButton, ui.DynamicItem[ui.Button[Any]], template=r"mc:verify:(?P<user>\d+)"
):
    """Check now: look for the one-time code on the new profile."""

    prefix = "verify"
    label = texts.VERIFY_CHECK_NOW

    async def handle(self, interaction: discord.Interaction) -> None:
        """Read the profile (slow: defer first) and say what was found."""
        services = services_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await services.members.confirm_verification(
            guild_of(interaction), interaction.user.id
        )
        await interaction.followup.send(outcome.message, ephemeral=True)


class ChecklistButton(
    SafeButton,
    ui.DynamicItem[ui.Button[Any]],
    template=r"mc:tick:(?P<step>[a-z_]+):(?P<done>[01]):(?P<user>\d+)",
):
    """Tick (or untick) a step the member does by hand."""

    def __init__(self, step: str, done: bool, user_id: int) -> None:
        if step not in STEPS:
            raise ValueError(step)
        self.owner = user_id
        self.step = step
        self.done = done
        label = (_(texts.CHECKLIST_BUTTON_DONE) if done else _(texts.CHECKLIST_BUTTON_UNDO)).format(
            step=_(texts.CHECKLIST_STEPS[step])
        )
        super().__init__(
            plain_button(
                label=label[:80],
                style=discord.ButtonStyle.success if done else discord.ButtonStyle.secondary,
                custom_id=f"mc:tick:{step}:{int(done)}:{user_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> ChecklistButton:
        """Rebuild the button from its id (unknown steps are refused)."""
        if match["step"] not in STEPS:
            raise UserFacingError(_(texts.GENERIC_ERROR))
        return cls(match["step"], match["done"] == "1", int(match["user"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        """Store the tick and redraw the checklist."""
        services = services_of(interaction)
        guild_id = guild_of(interaction)
        state = await services.members.tick(guild_id, interaction.user.id, self.step, self.done)
        campaign = await services.campaign(guild_id)
        await interaction.response.edit_message(
            embed=cards.checklist_card(state.checklist, campaign, state.report),
            view=checklist_view(state.checklist, interaction.user.id),
        )


class RosterPageButton(
    SafeButton, ui.DynamicItem[ui.Button[Any]], template=r"mc:roster:(?P<page>\d+):(?P<dir>[pn])"
):
    """Previous or next page of the roster."""

    def __init__(self, page: int, direction: str, *, disabled: bool = False) -> None:
        self.page = page
        self.direction = direction
        super().__init__(
            plain_button(
                label=_(texts.ROSTER_PREVIOUS) if direction == "p" else _(texts.ROSTER_NEXT),
                style=discord.ButtonStyle.secondary,
                custom_id=f"mc:roster:{page}:{direction}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> RosterPageButton:
        """Rebuild the button from its id."""
        return cls(int(match["page"]), match["dir"])

    async def handle(self, interaction: discord.Interaction) -> None:
        """Show the page this button points to."""
        services = services_of(interaction)
        guild_id = guild_of(interaction)
        entries = await services.members.roster(guild_id)
        campaign = await services.campaign(guild_id)
        embed, pages = cards.roster_page(entries, self.page, campaign)
        page = min(max(self.page, 1), pages)
        await interaction.response.edit_message(embed=embed, view=roster_view(page, pages))


class ForgetButton(
    OwnedChoice,
    ui.DynamicItem[ui.Button[Any]],
    template=r"mc:forget:(?P<choice>yes|no):(?P<user>\d+)",
):
    """Confirm or cancel deleting everything stored about the member."""

    prefix = "forget"
    labels: ClassVar[dict[str, str]] = {"yes": texts.FORGET_YES, "no": texts.FORGET_NO}
    styles: ClassVar[dict[str, discord.ButtonStyle]] = {
        "yes": discord.ButtonStyle.danger,
        "no": discord.ButtonStyle.secondary,
    }

    async def handle(self, interaction: discord.Interaction) -> None:
        """Delete at once on yes; replace the question with the outcome either way."""
        if self.choice == "yes":
            deleted = await services_of(interaction).members.forget(
                guild_of(interaction), interaction.user.id
            )
            message = _(texts.FORGET_DONE) if deleted else _(texts.FORGET_NOTHING)
        else:
            message = _(texts.FORGET_KEPT)
        await interaction.response.edit_message(content=message, embed=None, view=None)


def status_view(state: MemberState, guide_url: str) -> ui.View:
    """Buttons under a status card: check again, and the guide for the next step."""
    view = ui.View(timeout=None)
    view.add_item(RecheckButton(state.member.user_id))
    view.add_item(FollowersButton(state.member.user_id, moved=state.member.has_moved))
    status = state.report.status.value if state.report else "not_linked"
    view.add_item(ui.Button(label=_(texts.STATUS_GUIDE_BUTTON), url=status_url(guide_url, status)))
    return view


def link_view(state: MemberState, guide_url: str) -> ui.View:
    """The status card's buttons, plus the roster question when it was never answered."""
    view = status_view(state, guide_url)
    if state.member.roster_consent is None:
        view.add_item(ConsentButton("yes", state.member.user_id))
        view.add_item(ConsentButton("no", state.member.user_id))
    return view


def verify_view(user_id: int) -> ui.View:
    """The Check now button under the verification steps."""
    view = ui.View(timeout=None)
    view.add_item(VerifyCheckButton(user_id))
    return view


def checklist_view(items: list[ChecklistItem], user_id: int) -> ui.View:
    """One button per step the member ticks by hand (the bot ticks the others)."""
    view = ui.View(timeout=None)
    for item in items:
        if item.key in OBSERVABLE_STEPS:
            continue
        view.add_item(ChecklistButton(item.key, not item.done, user_id))
    return view


def roster_view(page: int, pages: int) -> ui.View:
    """Previous and next buttons for the roster."""
    view = ui.View(timeout=None)
    view.add_item(RosterPageButton(page - 1, "p", disabled=page <= 1))
    view.add_item(RosterPageButton(page + 1, "n", disabled=page >= pages))
    return view


def privacy_view(consent: bool | None, user_id: int) -> ui.View:
    """Change the roster choice from the privacy card."""
    view = ui.View(timeout=None)
    view.add_item(ConsentButton("no" if consent else "yes", user_id))
    return view


def forget_view(user_id: int) -> ui.View:
    """Confirm or cancel deleting everything."""
    view = ui.View(timeout=None)
    view.add_item(ForgetButton("yes", user_id))
    view.add_item(ForgetButton("no", user_id))
    return view


MEMBER_BUTTONS: tuple[type[ui.DynamicItem[Any]], ...] = (
    RecheckButton,
    ConsentButton,
    VerifyCheckButton,
    ChecklistButton,
    RosterPageButton,
    ForgetButton,
)
