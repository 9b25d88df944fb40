"""A member's follows file, mended: old handles of moved accounts replaced by the new ones.

Mastodon refuses to follow an account that has moved (FollowService, mastodon-facts.md §9),
so the rows of a ``following_accounts.csv`` exported before a community's move that name
other members' old accounts fail, silently, when the file is imported on the new account.
This module reads the two files that carry follows (mastodon-facts.md §5):

- following: the header ``Account address,Show boosts,Notify on new posts,Languages``
  then one row per account, or the header-less form, one ``user@domain`` per line;
- lists: ``list name,user@domain`` rows, without a header (``List name,Account address``
  accepted too);

and writes them back in the same form, each row's options kept, with moved accounts
replaced, duplicates and the member's own accounts dropped, gone accounts left out, split
into parts Mastodon accepts (20,000 rows, 20 MB) and named so its importer recognises the
type. Pure: no Discord, no HTTP; nothing here keeps the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from companion.core.exports import (
    FOLLOWING_HEADER,
    FOLLOWING_PREFIX,
    LISTS_PREFIX,
    MAX_ROWS_PER_FILE,
    MEDIA_CSV,
    ExportFile,
    neutralise_formula,
)
from companion.core.handles import Handle, HandleError
from companion.core.models import Member
from companion.i18n import N_, _
from companion.i18n.sentences import SentenceError

# app/models/form/import.rb: FILE_SIZE_LIMIT (20 megabytes).
MAX_FILE_BYTES = 20 * 1024 * 1024
# What the bot reads at all: a little above Mastodon's limit, so a file just over it can
# still be split rather than refused.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# app/validators/follow_limit_validator.rb: LIMIT, and 1.1 × followers when that is larger.
FOLLOW_LIMIT = 7_500
FOLLOW_LIMIT_RATIO = 1.1
LISTS_HEADER = "List name,Account address"
MENDED_SUFFIX = "mended"
MISSING_SUFFIX = "missing"
# More unreadable rows than this share means it is not a follows file at all.
_UNREADABLE_SHARE = 0.5
MUTED_FILE = N_("That is Mastodon's muted accounts file. {upload}")
# Header lines of the other import types, so a wrong file gets a sentence naming it.
_OTHER_HEADERS = {
    ("Account address",): N_("That is Mastodon's blocked accounts file. {upload}"),
    ("Account address", "Hide notifications"): MUTED_FILE,
    ("#domain",): N_("That is Mastodon's blocked domains file. {upload}"),
    ("#uri",): N_("That is Mastodon's bookmarks file. {upload}"),
}
# Why an upload cannot be mended, shown in the reader's language.
UPLOAD_EITHER = N_("Upload following_accounts.csv or lists.csv.")
NOT_TEXT = N_(
    "That is not a text file. Upload the CSV file Mastodon gave you "
    "(following_accounts.csv or lists.csv)."
)
TOO_LARGE = N_(
    "That file is larger than {size} MB, far more than a follows file: upload "
    "following_accounts.csv or lists.csv from Mastodon's export."
)
NOT_CSV = N_("That file could not be read as CSV. Upload the file exactly as Mastodon exported it.")
EMPTY = N_("That file is empty: there is no account in it to mend.")
NOT_FOLLOWS = N_("That is not a follows file. Upload following_accounts.csv.")
MOSTLY_NOT_ACCOUNTS = N_(
    "Most lines of that file are not Mastodon accounts (like alice@example.social), so it "
    "is not a Mastodon follows file. Upload following_accounts.csv or lists.csv from "
    "Mastodon's export page."
)
MOSTLY_NOT_LIST_ROWS = N_(
    "Most lines of that file are not list names and accounts (like alice@example.social), "
    "so it is not a Mastodon follows file. Upload following_accounts.csv or lists.csv from "
    "Mastodon's export page."
)


class FileKind(StrEnum):
    """Which of Mastodon's import types a file is."""

    FOLLOWING = "following"
    LISTS = "lists"

    @property
    def prefix(self) -> str:
        """The file-name prefix Mastodon's importer reads to guess the type."""
        return FOLLOWING_PREFIX if self is FileKind.FOLLOWING else LISTS_PREFIX


class FollowsFileError(SentenceError):
    """The upload is not a follows file we can mend; ``message`` says why, plainly."""

    def common_fields(self) -> dict[str, object]:
        """Every sentence may end by saying which file to upload instead."""
        return {"upload": _(UPLOAD_EITHER)}


@dataclass(frozen=True, slots=True)
class FollowRow:
    """One row: the account and the other cells, as given (options, or the list's name)."""

    line: int
    account: Handle
    before: tuple[str, ...] = ()  # cells before the address: the list name in a lists file
    after: tuple[str, ...] = ()  # cells after it: Show boosts, Notify on new posts, Languages

    def with_account(self, account: Handle) -> FollowRow:
        """The same row naming another account."""
        return FollowRow(self.line, account, self.before, self.after)

    def key(self) -> tuple[str, ...]:
        """What makes two rows the same follow (a list may hold the same account as another)."""
        return (*self.before, self.account.acct)


@dataclass(frozen=True, slots=True)
class FollowsFile:
    """A follows file as read: its kind, whether it had a header, and its rows."""

    kind: FileKind
    has_header: bool
    rows: list[FollowRow]
    unreadable: list[int] = field(default_factory=list)  # line numbers
    encoding: str = "utf-8"  # "utf-8", "utf-8 with BOM" or "Latin-1"

    def accounts(self) -> list[Handle]:
        """Each account named, once, in file order."""
        return list(dict.fromkeys(row.account for row in self.rows))


@dataclass(frozen=True, slots=True)
class MendedFile:
    """What mending did, row by row, and the rows to write."""

    kind: FileKind
    has_header: bool
    rows: list[FollowRow]
    community: list[tuple[Handle, Handle]]  # (old, new) replaced from the community's moves
    public: list[tuple[Handle, Handle]]  # (old, new) replaced from public `moved` lookups
    duplicates: int
    own: int  # rows naming the member's own old or new account, dropped
    gone: list[Handle]  # accounts that no longer exist (or are suspended), left out
    unreadable: list[int]
    encoding: str
    rows_in: int

    @property
    def replaced(self) -> int:
        """Rows now naming a new account."""
        return len(self.community) + len(self.public)


# -- reading ---------------------------------------------------------------------------------
def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else Latin-1."""
    if b"\x00" in data[:4096]:
        raise FollowsFileError(NOT_TEXT)
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:]), "utf-8 with BOM"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Spreadsheets on Windows save CSV as Windows-1252 (Latin-1 for handles): handles
        # are ASCII, so only list names could differ, and they read right this way.
        return data.decode("cp1252", errors="replace"), "Latin-1"


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_follows_file(data: bytes) -> FollowsFile:
    """Read a following or lists file, or raise ``FollowsFileError`` with a sentence."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise FollowsFileError(TOO_LARGE, size=MAX_UPLOAD_BYTES // (1024 * 1024))
    text, encoding = decode(data)
    try:
        lines = [
            (number, row)
            for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
            if row and any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise FollowsFileError(NOT_CSV) from exc
    if not lines:
        raise FollowsFileError(EMPTY)
    first = tuple(cell.strip() for cell in lines[0][1])
    other = _OTHER_HEADERS.get(first)
    if other is not None:
        raise FollowsFileError(other)
    if first[0] == "Account address":
        return _rows(FileKind.FOLLOWING, True, lines[1:], encoding)
    if first[0] == "List name":
        return _rows(FileKind.LISTS, True, lines[1:], encoding)
    if first[0] in {"#domain", "#uri"}:
        raise FollowsFileError(NOT_FOLLOWS)
    kind = FileKind.LISTS if _looks_like_list_row(lines[0][1]) else FileKind.FOLLOWING
    return _rows(kind, False, lines, encoding)


def _looks_like_list_row(row: list[str]) -> bool:
    return len(row) >= 2 and Handle.try_parse(row[0]) is None and _handle(row[1]) is not None


def _handle(cell: str) -> Handle | None:
    text = cell.strip()
    if not text or len(text) > 320:
        return None
    try:
        return Handle.parse(text)
    except HandleError:
        return None


def _rows(
    kind: FileKind, has_header: bool, lines: list[tuple[int, list[str]]], encoding: str
) -> FollowsFile:
    position = 1 if kind is FileKind.LISTS else 0
    rows: list[FollowRow] = []
    unreadable: list[int] = []
    for number, cells in lines:
        handle = _handle(cells[position]) if len(cells) > position else None
        if handle is None:
            unreadable.append(number)
            continue
        rows.append(
            FollowRow(number, handle, tuple(cells[:position]), tuple(cells[position + 1 :]))
        )
    if len(unreadable) > _UNREADABLE_SHARE * max(1, len(lines)) or not rows:
        raise FollowsFileError(
            MOSTLY_NOT_LIST_ROWS if kind is FileKind.LISTS else MOSTLY_NOT_ACCOUNTS
        )
    return FollowsFile(kind, has_header, rows, unreadable, encoding)


# -- the community's moves -------------------------------------------------------------------
def community_moves(members: Iterable[Member]) -> dict[Handle, Handle]:
    """Old account -> new account for every member whose move the servers confirmed.

    Only a confirmed move counts: the old profile then names the new account publicly, so
    replacing it reveals nothing, and a member cannot point others' follows at an account
    by linking a handle that is not theirs. Roster members are a subset (moved, verified,
    listed). A member who has not moved yet keeps their old row: it still works.
    """
    return {m.old_handle: m.new_handle for m in members if m.has_moved}


def lookup_candidates(
    file: FollowsFile, community: Mapping[Handle, Handle], own: Collection[Handle] = ()
) -> list[Handle]:
    """Accounts worth a public lookup: named, not the community's, not the member's own."""
    mapped = set(community.values())
    return [
        account
        for account in file.accounts()
        if account not in community and account not in mapped and account not in own
    ]


# -- mending ---------------------------------------------------------------------------------
def mend(
    file: FollowsFile,
    community: Mapping[Handle, Handle],
    *,
    own: Collection[Handle] = (),
    public: Mapping[Handle, Handle] | None = None,
    gone: Collection[Handle] = (),
) -> MendedFile:
    """Replace moved accounts, then drop the member's own accounts, gone ones and duplicates."""
    public = public or {}
    own_set, gone_set = set(own), set(gone)
    seen: set[tuple[str, ...]] = set()
    rows: list[FollowRow] = []
    from_community: dict[Handle, Handle] = {}
    from_public: dict[Handle, Handle] = {}
    gone_found: dict[Handle, None] = {}
    duplicates = own_rows = 0
    for row in file.rows:
        account = row.account
        if account in own_set:
            own_rows += 1
            continue
        if account in gone_set:
            gone_found[account] = None
            continue
        target = community.get(account)
        if target is not None:
            from_community[account] = target
        elif (moved := public.get(account)) is not None:
            # A public move may land on a member's old account that moved on since.
            target = community.get(moved, moved)
            from_public[account] = target
        mended = row if target is None else row.with_account(target)
        if mended.account in own_set:
            own_rows += 1
            continue
        key = mended.key()
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        rows.append(mended)
    return MendedFile(
        kind=file.kind,
        has_header=file.has_header,
        rows=rows,
        community=list(from_community.items()),
        public=list(from_public.items()),
        duplicates=duplicates,
        own=own_rows,
        gone=list(gone_found),
        unreadable=list(file.unreadable),
        encoding=file.encoding,
        rows_in=len(file.rows) + len(file.unreadable),
    )


def missing_rows(mended: MendedFile, following: Collection[Handle]) -> list[FollowRow]:
    """The rows whose account the new account does not follow yet."""
    followed = set(following)
    return [row for row in mended.rows if row.account not in followed]


def follow_room(already_following: int, followers: int = 0) -> int:
    """How many more accounts the new account may follow (FollowLimitValidator)."""
    limit = max(FOLLOW_LIMIT, int(FOLLOW_LIMIT_RATIO * followers))
    return max(0, limit - already_following)


# -- writing ---------------------------------------------------------------------------------
def write_rows(
    kind: FileKind, has_header: bool, rows: list[FollowRow], suffix: str = MENDED_SUFFIX
) -> list[ExportFile]:
    """The rows as Mastodon import files, split at 20,000 rows and 20 MB, named by type.

    Cells a spreadsheet would run as formulas (a list named ``=HYPERLINK(…)``) get the
    roster exports' apostrophe; addresses are canonical ``user@domain`` and never need it.
    """
    header = ""
    if has_header:
        header = (FOLLOWING_HEADER if kind is FileKind.FOLLOWING else LISTS_HEADER) + "\n"
    budget = MAX_FILE_BYTES - len(header.encode("utf-8"))
    parts: list[list[str]] = [[]]
    size = 0
    for line in _lines(rows):
        length = len(line.encode("utf-8"))
        if parts[-1] and (len(parts[-1]) >= MAX_ROWS_PER_FILE or size + length > budget):
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += length
    stem = f"{kind.prefix}_{suffix}"
    names = (
        [f"{stem}.csv"]
        if len(parts) == 1
        else [f"{stem}_part{i}.csv" for i in range(1, len(parts) + 1)]
    )
    return [
        ExportFile(
            name=name,
            content=(header + "".join(part)).encode("utf-8"),
            media_type=MEDIA_CSV,
            rows=len(part),
        )
        for name, part in zip(names, parts, strict=True)
    ]


def write_mended(mended: MendedFile) -> list[ExportFile]:
    """The mended file (or its parts)."""
    return write_rows(mended.kind, mended.has_header, mended.rows)


def neutralised_cells(rows: Iterable[FollowRow]) -> int:
    """How many cells the written file neutralises (for the summary)."""
    return sum(
        1 for row in rows for cell in (*row.before, *row.after) if neutralise_formula(cell) != cell
    )


def _lines(rows: Iterable[FollowRow]) -> Iterable[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        if not row.before and not row.after:
            yield row.account.acct + "\n"  # canonical: never needs quoting
            continue
        writer.writerow(
            [
                *map(neutralise_formula, row.before),
                row.account.acct,
                *map(neutralise_formula, row.after),
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
