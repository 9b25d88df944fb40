"""The Discord side of mending follows files: attachments in, mended files and a button out.

The file never leaves memory on the bot's side: the mended file is attached to the
member's own ephemeral reply, and the "Look up other moves" button reads it back from
that message, so there is nothing to store between the two steps.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from companion import texts
from companion.bot.views import OwnedButton, guild_of, services_of
from companion.core.exports import FOLLOWING_PREFIX, LISTS_PREFIX, ExportFile
from companion.core.follows_file import MAX_UPLOAD_BYTES, FollowsFile
from companion.errors import UserFacingError
from companion.i18n import _
from companion.services.follows import MendReport, combine, read_upload

if TYPE_CHECKING:
    from companion.services import Services

DOWNLOAD_TIMEOUT = 30.0
MAX_FILES_PER_MESSAGE = 10  # Discord's limit of attachments on one message
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
PROGRESS_EVERY = 2.0  # seconds between progress edits (Discord rate-limits edits)
_MB = 1024 * 1024


async def read_attachment(attachment: discord.Attachment) -> bytes:
    """The uploaded file's bytes, refusing a huge one before downloading it."""
    if attachment.size > MAX_UPLOAD_BYTES:
        raise UserFacingError(_(texts.FOLLOWS_TOO_BIG).format(size=round(attachment.size / _MB)))
    try:
        return await asyncio.wait_for(attachment.read(), DOWNLOAD_TIMEOUT)
    except (discord.HTTPException, TimeoutError) as exc:
        raise UserFacingError(_(texts.FOLLOWS_UNREADABLE_UPLOAD)) from exc


def discord_files(interaction: discord.Interaction, files: list[ExportFile]) -> list[discord.File]:
    """The files as Discord uploads, if they fit in one message here."""
    limit = getattr(interaction.guild, "filesize_limit", None) or DEFAULT_UPLOAD_LIMIT
    total = sum(len(f.content) for f in files)
    if total > limit or len(files) > MAX_FILES_PER_MESSAGE:
        raise UserFacingError(
            _(texts.FOLLOWS_TOO_LARGE_TO_SEND).format(
                size=max(1, round(total / _MB)), limit=round(limit / _MB)
            )
        )
    return [discord.File(io.BytesIO(f.content), filename=f.name) for f in files]


def mended_view(report: MendReport, user_id: int) -> ui.View:
    """The lookup button, when there is something to look up."""
    view = ui.View(timeout=None)
    if report.lookups:
        view.add_item(LookupButton(user_id))
    return view


async def mend_follows(
    interaction: discord.Interaction, services: Services, attachment: discord.Attachment
) -> None:
    """``/move mend-follows``: read, mend from the community's moves, send the file back."""
    guild_id = guild_of(interaction)
    file = await _deferred_upload(interaction, attachment)
    report = await services.follows.mend(guild_id, interaction.user.id, file)
    await interaction.followup.send(
        embed=discord.Embed(description=report.summary),
        files=discord_files(interaction, report.files),
        view=mended_view(report, interaction.user.id),
        ephemeral=True,
    )


async def _deferred_upload(
    interaction: discord.Interaction, attachment: discord.Attachment
) -> FollowsFile:
    """Refuse an oversized file at once, else defer (reading takes time) and read it."""
    if attachment.size > MAX_UPLOAD_BYTES:
        await read_attachment(attachment)  # refuses with the size, before deferring
    await interaction.response.defer(ephemeral=True, thinking=True)
    return read_upload(await read_attachment(attachment))


async def check_import(
    interaction: discord.Interaction, services: Services, attachment: discord.Attachment
) -> None:
    """``/move check-import``: compare the file with whom the new account follows now."""
    guild_id = guild_of(interaction)
    await services.members.member(guild_id, interaction.user.id)  # linked, or a sentence
    file = await _deferred_upload(interaction, attachment)
    checked = await services.follows.check_import(guild_id, interaction.user.id, file)
    await interaction.followup.send(
        embed=discord.Embed(description=checked.message),
        files=discord_files(interaction, checked.files),
        ephemeral=True,
    )


class LookupButton(
    OwnedButton, ui.DynamicItem[ui.Button[Any]], template=r"mc:follows-lookup:(?P<user>\d+)"
):
    """Look up every other account of the mended file on its own server."""

    prefix = "follows-lookup"
    label = texts.MEND_LOOKUP_BUTTON
    style = discord.ButtonStyle.secondary

    async def handle(self, interaction: discord.Interaction) -> None:
        """Read the mended file from the message, look up, then send the final file."""
        services = services_of(interaction)
        guild_id = guild_of(interaction)
        attached = [
            a
            for a in (interaction.message.attachments if interaction.message else [])
            if re.match(rf"({FOLLOWING_PREFIX}|{LISTS_PREFIX})_.*\.csv$", a.filename)
        ]
        if not attached:
            raise UserFacingError(_(texts.MEND_LOOKUP_NO_FILE))
        file = combine([read_upload(await read_attachment(a)) for a in attached])
        await interaction.response.defer(ephemeral=True, thinking=True)
        last = 0.0

        async def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done < total and now - last < PROGRESS_EVERY:
                return
            last = now
            await interaction.edit_original_response(
                content=_(texts.MEND_LOOKUP_PROGRESS).format(done=done, total=total)
            )

        report = await services.follows.mend(
            guild_id, interaction.user.id, file, with_lookups=True, progress=progress
        )
        await interaction.edit_original_response(
            content=None,
            embed=discord.Embed(description=report.summary),
            attachments=discord_files(interaction, report.files),
        )


FOLLOWS_BUTTONS: tuple[type[ui.DynamicItem[Any]], ...] = (LookupButton,)
