"""Roster exports: the files organisers share, in the exact shapes Mastodon imports.

Formats (``FORMATS``):

- ``mastodon-follows``: ``following_accounts_<slug>.csv``, Mastodon's own following-list
  export (app/models/export.rb): the header ``Account address,Show boosts,Notify on new
  posts,Languages`` then ``user@domain,true,false,`` per account (boosts shown, no
  notifications, no language filter: what a new follow gets by default).
- ``mastodon-list``: ``lists_<slug>.csv``, rows ``<list name>,<user@domain>`` with no
  header, one list named after the community (Mastodon 4.2+ creates it and follows each
  account it adds).
- ``csv``: a spreadsheet: Discord name, old handle, new handle, moved at (ISO 8601, UTC),
  verified. Cells a spreadsheet would run as a formula start with an apostrophe.
- ``json``: ``{"format", "version", "community", "generated_at", "count", "members": [{
  "discord_name", "old_handle", "new_handle", "moved_at", "verified"}]}``.
- ``markdown``: a heading, one sentence and a table with escaped cells.

Handles are canonical ``user@domain`` (punycode domain), without a leading ``@``, except in
the Markdown table, which people read. Mastodon refuses import files of more than 20,000
rows, so the two Mastodon files are split beyond that into ``…_part1.csv``,
``…_part2.csv`` (the name keeps its prefix, which Mastodon reads to guess the type); the
other formats are for people and spreadsheets and stay whole. Every file is UTF-8 with
Unix line ends; only the plain CSV starts with a byte-order mark, which Excel needs to read
names as UTF-8 (Mastodon's importer would misread its header line, so its files have none).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from companion.core.roster import RosterEntry, display_handle, one_per_new_account
from companion.core.text import MARKDOWN_FILE_ESCAPES, clean_line, escape_markdown_file

# app/models/form/import.rb: ROWS_PROCESSING_LIMIT.
MAX_ROWS_PER_FILE = 20_000
FOLLOWING_HEADER = "Account address,Show boosts,Notify on new posts,Languages"
FOLLOWING_PREFIX = "following_accounts"
LISTS_PREFIX = "lists"
# First cells Mastodon's importer takes for a header line (KNOWN_FIRST_HEADERS): a list
# named like one of them would turn the lists file's first row into a bad header.
_KNOWN_FIRST_HEADERS = frozenset({"Account address", "#domain", "#uri", "List name"})
MAX_SLUG_LENGTH = 40
MAX_LIST_NAME_LENGTH = 80

CSV_HEADER = ("Discord name", "Old handle", "New handle", "Moved at", "Verified")
# OWASP "CSV injection": a cell starting with these is a formula in Excel, LibreOffice
# and Google Sheets. Full-width forms are included as some spreadsheets fold them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
UTF8_BOM = "\ufeff"

MEDIA_CSV = "text/csv; charset=utf-8"
MEDIA_JSON = "application/json"
MEDIA_MARKDOWN = "text/markdown; charset=utf-8"
JSON_FORMAT_NAME = "migration-companion-roster"
JSON_FORMAT_VERSION = 1

FORMATS = ("mastodon-follows", "mastodon-list", "csv", "json", "markdown")
_JSON_TEXT = json.JSONEncoder(ensure_ascii=False)
# Canonical handles: what Handle.parse produces. Rows are written without quoting on this.
_ACCT = re.compile(r"[a-z0-9_.\-]+@[a-z0-9.\-]+\Z")


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One file ready to attach or write: its name, bytes, media type and row count."""

    name: str
    content: bytes
    media_type: str
    rows: int = 0


def community_slug(community: str) -> str:
    """ASCII, file-name-safe form of the community name (``Café Ünïon`` -> ``cafe-union``)."""
    ascii_name = unicodedata.normalize("NFKD", community).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    return slug or "community"


def list_name(community: str) -> str:
    """The Mastodon list title for the community: one clean line Mastodon keeps as given."""
    name = clean_line(community, MAX_LIST_NAME_LENGTH) or "Community"
    if name in _KNOWN_FIRST_HEADERS:
        name = f"{name} (community)"
    return name


def export_roster(
    entries: Iterable[RosterEntry],
    community: str,
    fmt: str,
    *,
    generated_at: datetime | None = None,
) -> list[ExportFile]:
    """The files of one format (``FORMATS``, or ``all`` for every one)."""
    if fmt != "all" and fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {FORMATS}")
    table = _Table(unique_entries(entries), community, (generated_at or datetime.now(UTC)))
    names = FORMATS if fmt == "all" else (fmt,)
    return [file for name in names for file in _WRITERS[name](table)]


class _Table:
    """The rows once, with each column computed the first time a format needs it."""

    def __init__(self, rows: list[RosterEntry], community: str, generated_at: datetime) -> None:
        self.rows = rows
        self.community = community
        self.slug = community_slug(community)
        self.generated_at = generated_at.astimezone(UTC)

    @cached_property
    def names(self) -> list[str]:
        """Display names as one clean line each (not yet escaped for any format)."""
        return [clean_line(e.discord_name) for e in self.rows]

    @cached_property
    def old(self) -> list[str]:
        """Old accounts as ``user@domain``."""
        return [e.old_handle.acct for e in self.rows]

    @cached_property
    def new(self) -> list[str]:
        """New accounts as ``user@domain``."""
        return [e.new_handle.acct for e in self.rows]

    @cached_property
    def moved(self) -> list[str]:
        """Move times in ISO 8601 UTC."""
        return [iso_utc(e.moved_at) for e in self.rows]

    @cached_property
    def verified(self) -> list[str]:
        """``true`` or ``false``, as both CSV and JSON write it."""
        return ["true" if e.verified else "false" for e in self.rows]


def unique_entries(entries: Iterable[RosterEntry]) -> list[RosterEntry]:
    """Entries in the given order, once per new account, and only importable handles."""
    # A handle outside Mastodon's alphabet (only possible in data written by hand) would
    # break the rows around it and fail the import: it is left out, not escaped.
    importable = (
        entry
        for entry in entries
        if _ACCT.match(entry.new_handle.acct) and _ACCT.match(entry.old_handle.acct)
    )
    return one_per_new_account(importable)


def neutralise_formula(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would otherwise run as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def iso_utc(moment: datetime) -> str:
    """``2026-12-01T10:00:00Z``: ISO 8601 in UTC, the one form every tool reads."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat is several times faster than strftime, which counts at 50,000 rows.
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


# -- Mastodon files -----------------------------------------------------------------------
def _mastodon_follows(table: _Table) -> list[ExportFile]:
    # Canonical handles never need CSV quoting (letters, digits, _ . - @ only); Languages
    # is empty, as Mastodon writes a follow without a language filter.
    return [
        ExportFile(
            name=name,
            content="".join(
                [FOLLOWING_HEADER + "\n", *(f"{acct},true,false,\n" for acct in chunk)]
            ).encode("utf-8"),
            media_type=MEDIA_CSV,
            rows=len(chunk),
        )
        for name, chunk in _parts(FOLLOWING_PREFIX, table)
    ]


def _mastodon_list(table: _Table) -> list[ExportFile]:
    # The csv module quotes the list name if it holds a comma or a quote. Every part names
    # the same list, so importing part 2 adds to the list part 1 created.
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([list_name(table.community)])
    prefix = buffer.getvalue() + ","
    return [
        ExportFile(
            name=name,
            content="".join(f"{prefix}{acct}\n" for acct in chunk).encode("utf-8"),
            media_type=MEDIA_CSV,
            rows=len(chunk),
        )
        for name, chunk in _parts(LISTS_PREFIX, table)
    ]


def _parts(prefix: str, table: _Table) -> list[tuple[str, list[str]]]:
    """The new accounts in file-sized parts, with each part's file name."""
    accounts = table.new
    # An empty roster still gives one (empty) file, so "all" always names every format.
    chunks = [
        accounts[i : i + MAX_ROWS_PER_FILE] for i in range(0, len(accounts), MAX_ROWS_PER_FILE)
    ] or [[]]
    if len(chunks) == 1:
        return [(f"{prefix}_{table.slug}.csv", chunks[0])]
    return [(f"{prefix}_{table.slug}_part{i}.csv", c) for i, c in enumerate(chunks, start=1)]


# -- files for people -----------------------------------------------------------------------
def _plain_csv(table: _Table) -> list[ExportFile]:
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(
        zip(
            map(neutralise_formula, table.names),
            table.old,
            table.new,
            table.moved,
            table.verified,
            strict=True,
        )
    )
    return [
        ExportFile(
            name=f"roster_{table.slug}.csv",
            content=buffer.getvalue().encode("utf-8"),
            media_type=MEDIA_CSV,
            rows=len(table.rows),
        )
    ]


def _json(table: _Table) -> list[ExportFile]:
    head = {
        "format": JSON_FORMAT_NAME,
        "version": JSON_FORMAT_VERSION,
        "community": table.community,
        "generated_at": iso_utc(table.generated_at),
        "count": len(table.rows),
    }
    # One member per line: readable and diffable. ``indent`` would switch json to its slow
    # pure-Python encoder, so lines are assembled here; only the name needs encoding, as
    # canonical handles, times and booleans are ASCII that JSON takes as they are.
    dumps = _JSON_TEXT.encode
    members = ",\n    ".join(
        f'{{"discord_name": {dumps(name)}, "old_handle": "{old}", "new_handle": "{new}", '
        f'"moved_at": "{moved}", "verified": {verified}}}'
        for name, old, new, moved, verified in zip(
            table.names, table.old, table.new, table.moved, table.verified, strict=True
        )
    )
    body = ",\n".join(f"  {dumps(key)}: {dumps(value)}" for key, value in head.items())
    members_block = f"[\n    {members}\n  ]" if table.rows else "[]"
    text = "{\n" + body + f',\n  "members": {members_block}\n}}\n'
    return [
        ExportFile(
            name=f"roster_{table.slug}.json",
            content=text.encode("utf-8"),
            media_type=MEDIA_JSON,
            rows=len(table.rows),
        )
    ]


def _markdown(table: _Table) -> list[ExportFile]:
    count = len(table.rows)
    members = f"{count:,} member" + ("" if count == 1 else "s")
    lines = [
        f"# {escape_markdown_file(table.community) or 'Community'}: who moved",
        "",
        f"{members} moved, verified their new account and agreed to be listed "
        f"(as of {table.generated_at:%Y-%m-%d %H:%M} UTC).",
        "",
        "| Discord name | Old account | New account | Moved (UTC) | Verified |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines.extend(
        # Names are clean single lines already; handles go in code spans, shown as people
        # read them (Unicode domains); the date is the first 10 characters of the ISO time.
        f"| {name.translate(MARKDOWN_FILE_ESCAPES) if name else '(no name)'} "
        f"| `{display_handle(e.old_handle)}` | `{display_handle(e.new_handle)}` "
        f"| {moved[:10]} | {'yes' if e.verified else 'no'} |"
        for name, e, moved in zip(table.names, table.rows, table.moved, strict=True)
    )
    return [
        ExportFile(
            name=f"roster_{table.slug}.md",
            content=("\n".join(lines) + "\n").encode("utf-8"),
            media_type=MEDIA_MARKDOWN,
            rows=count,
        )
    ]


_Writer = Callable[[_Table], list[ExportFile]]
_WRITERS: dict[str, _Writer] = {
    "mastodon-follows": _mastodon_follows,
    "mastodon-list": _mastodon_list,
    "csv": _plain_csv,
    "json": _json,
    "markdown": _markdown,
}
