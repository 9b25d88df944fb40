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
from companion.guide_build.phrases import phrase
from companion.i18n import DEFAULT_LANGUAGE
from companion.i18n.labels import mastodon_label

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


def roster_table(entries: Iterable[RosterEntry], language: str = DEFAULT_LANGUAGE) -> str:
    """The Markdown table of members who moved."""
    lines = [phrase(language, "roster_header"), "| --- | --- | --- | --- |"]
    for entry in entries:
        lines.append(
            f"| {_text(entry.discord_name)} | `{entry.old_handle}` | "
            f"{_profile_link(entry.new_handle)} | {entry.moved_at:%Y-%m-%d} |"
        )
    return "\n".join(lines) + "\n"


def roster_markdown(
    entries: Iterable[RosterEntry], community: str, language: str = DEFAULT_LANGUAGE
) -> str:
    """The generated part of the Roster page: downloads and table, or a plain notice.

    The import type each file is imported as is Mastodon's own label in ``language``.
    """
    rows = list(entries)
    if not rows:
        title, body = phrase(language, "roster_empty_title"), phrase(language, "roster_empty_body")
        return f'!!! info "{title}"\n\n    {body}\n'
    count = len(rows)
    lines = [phrase(language, "roster_one" if count == 1 else "roster_many", count=count), ""]
    for name in roster_files(rows, community):
        key = (
            "import_type_following"
            if name.startswith("following_accounts")
            else ("import_type_lists")
        )
        kind = mastodon_label(key, language)
        lines.append(
            f"[:material-download: {name}]({name}){{ .md-button download }} "
            f"{phrase(language, 'roster_import_as', kind=kind)}  "
        )
    lines += ["", roster_table(rows, language)]
    return "\n".join(lines)
