"""Which language the bot speaks to whoever is interacting: their Discord app's.

Discord sends every interaction with the client's locale (``de``, ``fr``, ``en-US``,
``es-ES`` ...). Replies follow it when a catalog exists and fall back to English
otherwise; the choice holds for the rest of the interaction's task (a context variable),
so every sentence the handler and the services say is in that language.
"""

from __future__ import annotations

import discord

from companion.i18n import negotiate
from companion.i18n.catalog import set_language


def reader_language(interaction: discord.Interaction) -> str:
    """The shipped language for the interacting member's Discord app."""
    return negotiate(interaction.locale.value)


def speak_to(interaction: discord.Interaction) -> str:
    """Answer this interaction in its member's language; returns that language."""
    language = reader_language(interaction)
    set_language(language)
    return language
