"""The README's generated sections: commands, CLI and settings, rendered from the code.

``python -m companion.reference`` rewrites those sections of README.md in place; a test
fails when they differ from the code, so the README cannot drift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

SECTIONS = ("slash-commands", "cli", "settings")
_MARKERS = re.compile(
    r"(<!-- generated:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)",
    re.DOTALL,
)


def slash_commands_markdown() -> str:
    """One table per command group: usage and description, straight from the command tree."""
    from companion.bot.commands import command_groups, usage, walk_commands

    titles = {"move": "Members: `/move`", "campaign": "Organisers: `/campaign`"}
    lines: list[str] = []
    for group in command_groups():
        lines += [f"**{titles.get(group.name, group.name)}** ({group.description})", ""]
        lines += ["| Command | What it does |", "| --- | --- |"]
        for command in walk_commands(group):
            lines.append(f"| `{usage(command)}` | {command.description} |")
        lines.append("")
    return "\n".join(lines)


def cli_markdown() -> str:
    """Every ``companion`` command with its one-line help, from the click group itself."""
    from companion.cli import cli

    lines = ["| Command | What it does |", "| --- | --- |"]

    def walk(command: click.Command, prefix: str) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], f"{prefix} {name}")
            return
        params = " ".join(
            p.human_readable_name.upper() if isinstance(p, click.Argument) else ""
            for p in command.params
        ).split()
        usage = " ".join([prefix, *params])
        lines.append(f"| `{usage}` | {command.get_short_help_str(100)} |")

    walk(cli, "companion")
    return "\n".join(lines) + "\n"


def settings_markdown() -> str:
    """The settings table shared with the guide."""
    from companion.guide_build.settings_table import settings_table_markdown

    return settings_table_markdown().rstrip("\n") + "\n"


def render(name: str) -> str:
    """One generated section's body."""
    return {
        "slash-commands": slash_commands_markdown,
        "cli": cli_markdown,
        "settings": settings_markdown,
    }[name]()


def sections_of(text: str) -> dict[str, str]:
    """The generated sections found in a README, by name."""
    return {match["name"]: match["body"] for match in _MARKERS.finditer(text)}


def rewrite(text: str) -> str:
    """The README with every generated section rendered afresh."""
    return _MARKERS.sub(lambda m: m.group(1) + render(m["name"]) + m.group(4), text)


def main() -> None:
    """Rewrite README.md's generated sections (run from the repository root)."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Updated the generated sections of {path}.")


if __name__ == "__main__":
    main()
