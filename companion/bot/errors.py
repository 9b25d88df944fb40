"""One place that turns any failure into one short, ephemeral sentence for the user.

Expected problems (a malformed handle, a server that is down, a missing permission) are
``UserFacingError``s carrying their message. Anything else is logged with its traceback
and context, and the user gets a calm apology: never a traceback, never silence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import discord
from discord import app_commands

from companion import texts
from companion.bot.language import speak_to
from companion.errors import UserFacingError
from companion.i18n import _

log = logging.getLogger(__name__)


class NotOrganiserError(app_commands.CheckFailure):
    """The user may not run organiser commands."""


def message_for(error: BaseException) -> str | None:
    """The sentence to show for an expected error, or None for an unexpected one."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        original = error.__cause__ or getattr(error, "original", None)
        if original is not None and original is not error:
            found = message_for(original)
            if found is not None:
                return found
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, NotOrganiserError):
        return _(texts.NOT_ORGANISER)
    if isinstance(error, app_commands.NoPrivateMessage):
        return _(texts.NOT_IN_GUILD)
    if isinstance(error, app_commands.CommandOnCooldown):
        return _(texts.COOLDOWN).format(seconds=max(1, round(error.retry_after)))
    if isinstance(error, discord.HTTPException) and error.status < 500:
        return _(texts.DISCORD_ERROR).format(detail=f"code {error.code}")
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user what happened, ephemerally, whatever state the interaction is in."""
    message = message_for(error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = _custom_id(interaction)
        log.error(
            "Unexpected error in %s (guild %s, user %s)",
            command or custom_id or "an interaction",
            interaction.guild_id,
            interaction.user.id,
            exc_info=error,
        )
        message = _(texts.GENERIC_ERROR)
    else:
        log.info("Refused %s for user %s: %s", _what(interaction), interaction.user.id, message)
    await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Reply privately, as a first response or a follow-up; log if Discord refuses."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("Could not tell user %s about an error: %s", interaction.user.id, exc)


def _what(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return "/" + interaction.command.qualified_name
    return _custom_id(interaction) or "an interaction"


def _custom_id(interaction: discord.Interaction) -> str | None:
    """The pressed component's id, if the interaction came from one."""
    data: Mapping[str, object] = interaction.data or {}
    value = data.get("custom_id")
    return None if value is None else str(value)


class CompanionTree(app_commands.CommandTree):
    """The command tree with our error handler, speaking each member's language."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every command (and autocomplete) answers in the member's Discord language.

        The language is also kept on the member's row, so the reminders the bot sends them
        by direct message later, outside any interaction, are in it too.
        """
        language = speak_to(interaction)
        services = getattr(interaction.client, "services", None)
        if interaction.guild_id is not None and services is not None:
            await services.members.remember_language(
                interaction.guild_id, interaction.user.id, language
            )
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Route every command error through ``report_error``."""
        await report_error(interaction, error)
