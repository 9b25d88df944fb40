"""Mend a member's follows file and check its import: the use cases, free of Discord.

The file is read in memory and handed back; nothing from it is stored. The community's
old -> new mapping comes from the store (``community_moves``), public moves and the new
account's following list from the servers (``companion.moves.follows``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from companion import texts
from companion.core.exports import ExportFile
from companion.core.follows_file import (
    FOLLOW_LIMIT,
    FOLLOW_LIMIT_RATIO,
    MISSING_SUFFIX,
    FileKind,
    FollowsFile,
    FollowsFileError,
    MendedFile,
    community_moves,
    follow_room,
    lookup_candidates,
    mend,
    missing_rows,
    neutralised_cells,
    read_follows_file,
    write_mended,
    write_rows,
)
from companion.core.handles import Handle
from companion.errors import UserFacingError
from companion.i18n import N_, _, ngettext
from companion.moves import follows as remote
from companion.store import AsyncStore, Store

if TYPE_CHECKING:
    from companion.core.clock import Clock
    from companion.core.models import Member
    from companion.moves import MoveChecker

# Mastodon's names for the import types (mastodon-ui.md §6).
# Mastodon's own "Import type" labels (mastodon_labels.json), and the file kinds in words.
IMPORT_TYPE = {FileKind.FOLLOWING: N_("Following list"), FileKind.LISTS: N_("Lists")}
KIND_NAME = {FileKind.FOLLOWING: N_("following"), FileKind.LISTS: N_("lists")}
_SHOWN_LINES = 5
_SHOWN_GONE = 10


@dataclass(frozen=True, slots=True)
class MendReport:
    """A mended file, ready to send, and what the member should read about it."""

    mended: MendedFile
    files: list[ExportFile]
    summary: str
    lookups: int  # accounts the optional public lookups would ask about
    unknown: int = 0


@dataclass(frozen=True, slots=True)
class ImportCheck:
    """The rows of a mended file the new account does not follow yet."""

    rows: int
    missing: int
    files: list[ExportFile]
    message: str
    read: list[Handle] = field(default_factory=list)


def read_upload(data: bytes) -> FollowsFile:
    """Read an uploaded follows file, or refuse with the sentence that says why."""
    try:
        return read_follows_file(data)
    except FollowsFileError as exc:
        raise UserFacingError(exc.message) from exc


def combine(files: list[FollowsFile]) -> FollowsFile:
    """Parts of one split file, read back as one (same kind as the first part)."""
    first = files[0]
    rows = [row for part in files if part.kind is first.kind for row in part.rows]
    unreadable = [line for part in files for line in part.unreadable]
    return FollowsFile(first.kind, first.has_header, rows, unreadable, first.encoding)


class FollowsService:
    """Use cases of ``/move mend-follows`` and ``/move check-import``."""

    def __init__(self, store: AsyncStore, checker: MoveChecker, clock: Clock) -> None:
        self.store = store
        self.checker = checker
        self.clock = clock

    async def _community(self, guild_id: int, user_id: int) -> tuple[dict, Member | None]:
        members = await self.store.call(Store.members, guild_id)
        me = next((m for m in members if m.user_id == user_id), None)
        return community_moves(members), me

    async def mend(
        self,
        guild_id: int,
        user_id: int,
        file: FollowsFile,
        *,
        with_lookups: bool = False,
        progress: remote.Progress | None = None,
    ) -> MendReport:
        """Mend from the community's moves; with ``with_lookups``, from public moves too."""
        community, me = await self._community(guild_id, user_id)
        own = (me.old_handle, me.new_handle) if me is not None else ()
        first = mend(file, community, own=own)
        mended_file = FollowsFile(first.kind, first.has_header, first.rows)
        candidates = lookup_candidates(mended_file, community, own)
        unknown = 0
        mended = first
        if with_lookups and candidates:
            found = await remote.public_moves(self.checker, candidates, progress)
            unknown = len(found.unknown)
            again = mend(mended_file, community, own=own, public=found.moved, gone=found.gone)
            # The summary counts both passes: what the file was, and what it is now.
            mended = MendedFile(
                kind=again.kind,
                has_header=again.has_header,
                rows=again.rows,
                community=first.community,
                public=again.public,
                duplicates=first.duplicates + again.duplicates,
                own=first.own + again.own,
                gone=again.gone,
                unreadable=first.unreadable,
                encoding=first.encoding,
                rows_in=first.rows_in,
            )
        files = write_mended(mended)
        if me is not None:
            await self._tick(guild_id, user_id, "mend")
        room = await self._room(me, len(mended.rows)) if mended.kind is FileKind.FOLLOWING else None
        lookups = 0 if with_lookups else len(candidates)
        return MendReport(
            mended, files, summary(mended, files, lookups, unknown, room), lookups, unknown
        )

    async def _tick(self, guild_id: int, user_id: int, step: str) -> None:
        """Tick the checklist step the member just did (a tick, never the file)."""
        await self.store.call(
            Store.set_checklist_step, guild_id, user_id, step, True, self.clock.now()
        )

    async def _room(self, me: Member | None, rows: int) -> tuple[int, int, int] | None:
        """(room, limit, following) when the rows exceed what the new account may follow."""
        following = followers = 0
        if me is not None:
            counts = await remote.account_counts(self.checker, me.new_handle)
            if counts is not None:
                following, followers = counts
        room = follow_room(following, followers)
        if rows <= room:
            return None
        return room, max(FOLLOW_LIMIT, int(FOLLOW_LIMIT_RATIO * followers)), following

    async def check_import(self, guild_id: int, user_id: int, file: FollowsFile) -> ImportCheck:
        """Compare the file with whom the new account follows now; the rest as a file."""
        community, me = await self._community(guild_id, user_id)
        if me is None:
            raise UserFacingError(_(texts.NOT_LINKED))
        # Mended again first: an unmended file's old handles would all look missing.
        mended = mend(file, community, own=(me.old_handle, me.new_handle))
        new = f"`{me.new_handle.display}`"
        try:
            listed = await remote.following(self.checker, me.new_handle)
        except remote.FollowsUnreadableError as exc:
            if exc.not_found:
                raise UserFacingError(_(texts.CHECK_NOT_FOUND).format(new=new)) from exc
            raise UserFacingError(
                _(texts.CHECK_UNREACHABLE).format(new=new, reason=exc.reason)
            ) from exc
        if listed.hidden:
            raise UserFacingError(_(texts.CHECK_HIDDEN).format(new=new))
        missing = missing_rows(mended, listed.accounts)
        rows = len(mended.rows)
        if not missing:
            message = ngettext(texts.CHECK_ALL_THERE, rows).format(rows=rows, new=new)
            files: list[ExportFile] = []
            if listed.complete:  # every row arrived: the import and its check are done
                await self._tick(guild_id, user_id, "import")
                await self._tick(guild_id, user_id, "check_import")
        else:
            message = ngettext(texts.CHECK_MISSING, len(missing)).format(
                missing=len(missing), rows=rows, new=new
            )
            files = write_rows(mended.kind, mended.has_header, missing, MISSING_SUFFIX)
        if not listed.complete:
            message += ngettext(texts.CHECK_PARTIAL, len(listed.accounts)).format(
                read=len(listed.accounts)
            )
        return ImportCheck(rows, len(missing), files, message, listed.accounts)


def summary(
    mended: MendedFile,
    files: list[ExportFile],
    lookups: int,
    unknown: int,
    room: tuple[int, int, int] | None,
) -> str:
    """What mending did, in the member's words, and what to do next."""
    lines = [
        ngettext(texts.MEND_TITLE, len(mended.rows)).format(
            kind=_(KIND_NAME[mended.kind]), rows=len(mended.rows), rows_in=mended.rows_in
        )
    ]
    if mended.community:
        lines.append(
            ngettext(texts.MEND_COMMUNITY, len(mended.community)).format(
                count=len(mended.community)
            )
        )
    if mended.public:
        lines.append(
            ngettext(texts.MEND_PUBLIC, len(mended.public)).format(count=len(mended.public))
        )
    if mended.duplicates:
        lines.append(
            ngettext(texts.MEND_DUPLICATES, mended.duplicates).format(count=mended.duplicates)
        )
    if mended.own:
        lines.append(ngettext(texts.MEND_OWN, mended.own).format(count=mended.own))
    if mended.gone:
        shown = ", ".join(f"`{h.display}`" for h in mended.gone[:_SHOWN_GONE])
        if len(mended.gone) > _SHOWN_GONE:
            shown += _(texts.MEND_GONE_MORE).format(count=len(mended.gone) - _SHOWN_GONE)
        lines.append(
            ngettext(texts.MEND_GONE, len(mended.gone)).format(
                count=len(mended.gone), accounts=shown
            )
        )
    if unknown:
        lines.append(ngettext(texts.MEND_UNKNOWN, unknown).format(count=unknown))
    if mended.unreadable:
        shown = ", ".join(str(n) for n in mended.unreadable[:_SHOWN_LINES])
        if len(mended.unreadable) > _SHOWN_LINES:
            shown += ", …"
        lines.append(
            ngettext(texts.MEND_UNREADABLE, len(mended.unreadable)).format(
                count=len(mended.unreadable), lines=shown
            )
        )
    if mended.encoding != "utf-8":
        lines.append(_(texts.MEND_ENCODING).format(encoding=mended.encoding))
    if formulas := neutralised_cells(mended.rows):
        lines.append(ngettext(texts.MEND_FORMULAS, formulas).format(count=formulas))
    if len(files) > 1:
        lines.append(_(texts.MEND_SPLIT).format(parts=len(files)))
    if len(lines) == 1:
        lines.append(_(texts.MEND_UNCHANGED))
    if room is not None:
        lines += ["", _(texts.MEND_LIMIT).format(room=room[0], limit=room[1], following=room[2])]
    lines += ["", _(texts.MEND_NEXT).format(type=_(IMPORT_TYPE[mended.kind]))]
    if lookups:
        lines += ["", ngettext(texts.MEND_LOOKUP_OFFER, lookups).format(count=lookups)]
    return "\n".join(lines)
