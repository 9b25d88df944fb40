"""The base classes of every button: safe to press, owned by one member, in one guild.

Every click runs through ``report_error``, so a failure becomes a sentence; an owned
button answers anyone else with a sentence instead of acting.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

import discord
from discord import ui

from companion import texts
from companion.bot.errors import report_error
from companion.bot.language import speak_to
from companion.errors import UserFacingError
from companion.i18n import _

if TYPE_CHECKING:
    from companion.services import Services


def services_of(interaction: discord.Interaction) -> Services:
    """The services of the bot that received the interaction."""
    return cast("Any", interaction.client).services


def guild_of(interaction: discord.Interaction) -> int:
    """The guild id, refusing direct messages."""
    if interaction.guild_id is None:
        raise UserFacingError(_(texts.NOT_IN_GUILD))
    return interaction.guild_id


class SafeButton:
    """Mixin: run ``handle`` and turn any failure into an ephemeral sentence."""

    owner: int | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Answer the click in the clicker's Discord language (before any check speaks)."""
        speak_to(interaction)
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        """Check the clicker is the owner, then handle the click."""
        try:
            if self.owner is not None and interaction.user.id != self.owner:
                raise UserFacingError(_(texts.NOT_YOURS))
            await self.handle(interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    async def handle(self, interaction: discord.Interaction) -> None:
        """What the click does."""
        raise NotImplementedError


def plain_button(**kwargs: Any) -> ui.Button[Any]:
    """The ``ui.Button`` a dynamic item wraps."""
    return ui.Button(**kwargs)


class OwnedButton(SafeButton):
    """A member's own button, ``mc:<prefix>:<user id>``: one label, one style."""

    prefix: ClassVar[str]
    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.primary

    def __init__(self, user_id: int) -> None:
        self.owner = user_id
        super().__init__(  # type: ignore[call-arg]
            plain_button(
                label=_(self.label), style=self.style, custom_id=f"mc:{self.prefix}:{user_id}"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id."""
        return cls(int(match["user"]))


class OwnedChoice(SafeButton):
    """A member's yes/no button, ``mc:<prefix>:<yes|no>:<user id>``."""

    prefix: ClassVar[str]
    labels: ClassVar[dict[str, str]]
    styles: ClassVar[dict[str, discord.ButtonStyle]]

    def __init__(self, choice: str, user_id: int) -> None:
        self.owner = user_id
        self.choice = choice
        super().__init__(  # type: ignore[call-arg]
            plain_button(
                label=_(self.labels[choice]),
                style=self.styles[choice],
                custom_id=f"mc:{self.prefix}:{choice}:{user_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id."""
        return cls(match["choice"], int(match["user"]))
