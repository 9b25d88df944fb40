"""The "Using the Discord bot" command reference, generated from the real command groups."""

from __future__ import annotations

import gettext
from collections.abc import Iterable

from discord import app_commands

from companion.bot.commands import walk_commands
from companion.bot.translator import NAME_CONTEXT
from companion.guide_build.phrases import phrase
from companion.i18n import DEFAULT_LANGUAGE
from companion.i18n.catalog import translations

# Groups the guide knows, in reading order: members first, organisers second.
_AUDIENCE = {"move": ("members", "members_note"), "campaign": ("organisers", "organisers_note")}


def _line(text: str) -> str:
    """Text kept on one Markdown line."""
    return " ".join(text.split())


def _anchor(group: str, qualified: str) -> str:
    """Heading id: members' commands get the bare name (``#link``), others are prefixed.

    Ids stay English in every language, so the bot's links land on the same heading.
    """
    parts = qualified.split()
    tail = "-".join(parts[1:])
    return tail if group == "move" else f"{group}-{tail}"


class _Words:
    """Names and descriptions of the command tree as Discord shows them in one language.

    The catalogs hold them (names under the ``command name`` context, as the Discord
    translator looks them up); a string no translator has filled yet stays English.
    """

    def __init__(self, language: str, catalog: gettext.NullTranslations | None = None) -> None:
        self.language = language
        self.catalog = catalog if catalog is not None else translations(language)

    def name(self, text: str) -> str:
        return self.catalog.pgettext(NAME_CONTEXT, text)

    def text(self, text: str) -> str:
        return self.catalog.gettext(text) if text else text

    def qualified(self, command: app_commands.Command | app_commands.Group) -> str:
        parts: list[str] = []
        item: app_commands.Command | app_commands.Group | None = command
        while item is not None:
            parts.append(self.name(item.name))
            item = item.parent
        return " ".join(reversed(parts))

    def usage(self, command: app_commands.Command) -> str:
        parts = [f"/{self.qualified(command)}"]
        for param in command.parameters:
            name = self.name(param.display_name)
            parts.append(name if param.required else f"[{name}]")
        return " ".join(parts)

    def phrase(self, key: str, **values: object) -> str:
        return phrase(self.language, key, **values)


def _parameter_list(command: app_commands.Command, words: _Words) -> list[str]:
    """One bullet per option (a list reads better than a table on a phone)."""
    params = command.parameters
    if not params:
        return [words.phrase("no_options"), ""]
    lines = [words.phrase("options"), ""]
    for param in params:
        kind = words.phrase("type_choice" if param.choices else f"type_{param.type.name}")
        need = words.phrase("required" if param.required else "optional")
        detail = words.text(param.description) if param.description not in ("", "…") else ""
        if param.choices:
            choices = ", ".join(f"`{words.name(choice.name)}`" for choice in param.choices)
            lead = f"{detail.rstrip('.')}. " if detail else ""
            detail = lead + words.phrase("one_of", choices=choices)
        text = f"- `{words.name(param.display_name)}` ({need}, {kind})"
        lines.append(f"{text}: {_line(detail)}" if detail else text)
    lines.append("")
    return lines


def commands_reference_markdown(
    groups: Iterable[app_commands.Group],
    language: str = DEFAULT_LANGUAGE,
    catalog: gettext.NullTranslations | None = None,
) -> str:
    """Markdown for every command of the given groups: heading, description, usage, options.

    Names and descriptions are the ones a Discord client in ``language`` shows (from the
    shipped catalog of ``language`` unless another ``catalog`` is given).
    """
    ordered = sorted(
        groups, key=lambda g: list(_AUDIENCE).index(g.name) if g.name in _AUDIENCE else 99
    )
    if not ordered:
        raise ValueError("no command groups to document")
    words = _Words(language, catalog)
    lines: list[str] = []
    for group in ordered:
        audience_key, note_key = _AUDIENCE.get(group.name, ("more_commands", ""))
        audience = words.phrase(audience_key)
        lines += [f"## {audience}: `/{words.name(group.name)}` {{#{group.name}-commands}}", ""]
        if group.description and group.description != "…":
            lines += [words.text(group.description), ""]
        if note_key:
            lines += [words.phrase(note_key), ""]
        for command in walk_commands(group):
            anchor = _anchor(group.name, command.qualified_name)
            lines += [f"### `/{words.qualified(command)}` {{#{anchor}}}", ""]
            lines += [words.text(command.description), ""]
            lines += [words.phrase("type_it", usage=words.usage(command)), ""]
            lines += _parameter_list(command, words)
    return "\n".join(lines)
