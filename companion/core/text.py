"""Make untrusted text (display names, community names) safe to show, without discord.py.

A member's display name is hostile input: it may try to ping everyone (``@everyone``),
mention a user or role (``<@123>``), fake a link (``[x](https://evil)``), break the
formatting of a roster post (``**``, backticks, ``||``) or flip the line's direction with
invisible bidi controls. The core escapes it here so the bot, the CLI and the exports agree,
and tests run without Discord.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

# Characters Discord's markdown gives a meaning; a backslash shows them literally.
# ``<`` and ``:`` matter too: ``\<@123>`` and ``\:emoji:`` are shown as typed, and an
# escaped ``:`` stops ``https://…`` from becoming a link.
_DISCORD_SPECIAL = frozenset("\\*_~|>`[]()#<:")
# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that can
# start a link, an HTML tag, an entity, emphasis or a table cell in a Markdown file.
_MARKDOWN_FILE_SPECIAL = frozenset("\\*_~|>`[]()#<:@&!")
# Invisible characters worth keeping: the zero-width joiner builds emoji sequences
# (👩‍💻) and tag characters build subdivision flags.
_KEEP_FORMAT_CHARS = {"\u200d"}
_WHITESPACE_RUN = re.compile(r"\s+")
ZERO_WIDTH_SPACE = "\u200b"
_DISCORD_TABLE = {ord(ch): "\\" + ch for ch in _DISCORD_SPECIAL} | {
    # discord.py's own escape_mentions does this: a zero-width space after the @ is the one
    # form Discord never resolves to @everyone, @here or a user.
    ord("@"): "@" + ZERO_WIDTH_SPACE
}
# For ``str.translate`` on text already passed through ``clean_line``.
MARKDOWN_FILE_ESCAPES = {ord(ch): "\\" + ch for ch in _MARKDOWN_FILE_SPECIAL}


def clean_line(text: str, max_length: int | None = None) -> str:
    """Drop control and invisible direction characters, fold whitespace to single spaces."""
    if text.isprintable() and unicodedata.is_normalized("NFC", text):
        # The common case, in C: no control, format or odd space characters to look at.
        line = " ".join(text.split())
    else:
        kept = []
        for ch in unicodedata.normalize("NFC", text):
            category = unicodedata.category(ch)
            if category == "Cc":
                kept.append(" ")  # a newline or tab separates words: keep them apart
            elif category == "Cf" and ch not in _KEEP_FORMAT_CHARS and not _is_tag_char(ch):
                continue  # bidi overrides and zero-width marks can disguise a name
            else:
                kept.append(ch)
        line = _WHITESPACE_RUN.sub(" ", "".join(kept)).strip()
    if max_length is not None and len(line) > max_length:
        line = line[: max_length - 1].rstrip() + "…"
    return line


def escape_markdown(text: str, max_length: int | None = None) -> str:
    """Show ``text`` literally in a Discord message: no formatting, links or mentions."""
    return clean_line(text, max_length).translate(_DISCORD_TABLE)


def escape_markdown_file(text: str, max_length: int | None = None) -> str:
    """Show ``text`` literally in a Markdown file (a table cell stays one cell)."""
    return clean_line(text, max_length).translate(MARKDOWN_FILE_ESCAPES)


def discord_timestamp(moment: datetime, style: str = "F") -> str:
    """Discord's ``<t:…>`` tag, which each reader sees in their own time zone."""
    if moment.tzinfo is None:
        raise ValueError("a naive time has no fixed moment: pass an aware datetime")
    return f"<t:{int(moment.timestamp())}:{style}>"


def _is_tag_char(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007F
