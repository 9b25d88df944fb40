"""Command names and descriptions in each Discord client's language, from our catalogs.

discord.py asks the translator for every name, description and choice when it syncs the
commands; Discord then shows each member the strings of their client's locale. Names are
looked up with the message context ``command name`` so that a name such as ``status`` never
takes the translation of a sentence that happens to read the same.
"""

from __future__ import annotations

import discord
from discord import app_commands

from companion.i18n import DEFAULT_LANGUAGE, negotiate
from companion.i18n.catalog import translations

NAME_CONTEXT = "command name"

_NAME_LOCATIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CatalogTranslator(app_commands.Translator):
    """Translate the command tree with the shipped catalogs; English stays as written."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The string in ``locale``'s language, or None to keep the English one."""
        language = negotiate(locale.value)
        if language == DEFAULT_LANGUAGE:
            return None
        catalog = translations(language)
        message = string.message
        if context.location in _NAME_LOCATIONS:
            translated = catalog.pgettext(NAME_CONTEXT, message)
        else:
            translated = catalog.gettext(message)
        return translated if translated != message else None
