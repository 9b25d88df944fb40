"""The Roster page and the Mastodon-importable files published with the guide.

Entries and files come from the same code as the bot's ``/campaign export``
(``companion.core.roster`` and ``companion.core.exports``), so the guide offers exactly
the files organisers export from Discord.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from companion.core.exports import export_roster
from companion.core.handles import Handle
from companion.core.roster import RosterEntry, build_roster

__all__ = ["RosterEntry", "build_roster", "roster_files", "roster_markdown", "roster_table"]

MASTODON_FORMATS = ("mastodon-follows", "mastodon-list")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def roster_files(entries: Iterable[RosterEntry], community: str) -> dict[str, bytes]:
    """File name -> content of the following list and the list file (none when empty)."""
    rows = list(entries)
    if not rows:
        return {}
    return {
        file.name: file.content
        for fmt in MASTODON_FORMATS
        for file in export_roster(rows, community, fmt)
    }


def _text(value: str) -> str:
    """Member-supplied text made inert in Markdown and HTML, on one line."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def _profile_link(handle: Handle) -> str:
    return f"[`{handle}`]({handle.profile_url})"


def roster_table(entries: Iterable[RosterEntry]) -> str:
    """The Markdown table of members who moved."""
    lines = [
        "| Member on Discord | Old account | New account | Moved on |",
        "| --- | --- | --- | --- |",
    ]
    for entry in entries:
        lines.append(
            f"| {_text(entry.discord_name)} | `{entry.old_handle}` | "
            f"{_profile_link(entry.new_handle)} | {entry.moved_at:%Y-%m-%d} |"
        )
    return "\n".join(lines) + "\n"


def roster_markdown(entries: Iterable[RosterEntry], community: str) -> str:
    """The generated part of the Roster page: downloads and table, or a plain notice."""
    rows = list(entries)
    if not rows:
        return (
            '!!! info "The roster is not published yet"\n\n'
            "    The roster is published here once members have moved and agreed to be "
            "listed. Come back after the move: the files to download will appear on this "
            "page.\n"
        )
    count = len(rows)
    people = "member has" if count == 1 else "members have"
    lines = [f"**{count} {people} moved** and agreed to be listed.", ""]
    for name in roster_files(rows, community):
        kind = "Following list" if name.startswith("following_accounts") else "Lists"
        lines.append(
            f"[:material-download: {name}]({name}){{ .md-button download }} "
            f"(import it as **{kind}**)  "
        )
    lines += ["", roster_table(rows)]
    return "\n".join(lines)
