"""The "Using the Discord bot" command reference, generated from the real command groups."""

from __future__ import annotations

from collections.abc import Iterable

from discord import AppCommandOptionType, app_commands

from companion.bot.commands import usage, walk_commands

# Groups the guide knows, in reading order: members first, organisers second.
_AUDIENCE = {
    "move": ("For members", "Everyone in the community can use these. Replies only you can see."),
    "campaign": (
        "For organisers",
        "Only organisers can use these (Manage Server permission or the organiser role).",
    ),
}

_TYPE_NAMES = {
    AppCommandOptionType.string: "text",
    AppCommandOptionType.integer: "whole number",
    AppCommandOptionType.number: "number",
    AppCommandOptionType.boolean: "yes / no",
    AppCommandOptionType.user: "member",
    AppCommandOptionType.channel: "channel",
    AppCommandOptionType.role: "role",
    AppCommandOptionType.mentionable: "member or role",
    AppCommandOptionType.attachment: "file",
}


def _line(text: str) -> str:
    """Text kept on one Markdown line."""
    return " ".join(text.split())


def _anchor(group: str, qualified: str) -> str:
    """Heading id: members' commands get the bare name (``#link``), others are prefixed."""
    parts = qualified.split()
    tail = "-".join(parts[1:])
    return tail if group == "move" else f"{group}-{tail}"


def _parameter_list(command: app_commands.Command) -> list[str]:
    """One bullet per option (a list reads better than a table on a phone)."""
    params = command.parameters
    if not params:
        return ["This command has no options.", ""]
    lines = ["Options:", ""]
    for param in params:
        kind = "choice" if param.choices else _TYPE_NAMES.get(param.type, param.type.name)
        need = "required" if param.required else "optional"
        detail = param.description if param.description not in ("", "…") else ""
        if param.choices:
            choices = ", ".join(f"`{choice.name}`" for choice in param.choices)
            lead = f"{detail.rstrip('.')}. " if detail else ""
            detail = f"{lead}One of: {choices}."
        text = f"- `{param.display_name}` ({need}, {kind})"
        lines.append(f"{text}: {_line(detail)}" if detail else text)
    lines.append("")
    return lines


def commands_reference_markdown(groups: Iterable[app_commands.Group]) -> str:
    """Markdown for every command of the given groups: heading, description, usage, options."""
    ordered = sorted(
        groups, key=lambda g: list(_AUDIENCE).index(g.name) if g.name in _AUDIENCE else 99
    )
    if not ordered:
        raise ValueError("no command groups to document")
    lines: list[str] = []
    for group in ordered:
        audience, note = _AUDIENCE.get(group.name, ("More commands", ""))
        lines += [f"## {audience}: `/{group.name}` {{#{group.name}-commands}}", ""]
        if group.description and group.description != "…":
            lines += [group.description, ""]
        if note:
            lines += [note, ""]
        for command in walk_commands(group):
            anchor = _anchor(group.name, command.qualified_name)
            lines += [f"### `/{command.qualified_name}` {{#{anchor}}}", ""]
            lines += [command.description, ""]
            lines += [f"Type: `{usage(command)}`", ""]
            lines += _parameter_list(command)
    return "\n".join(lines)
