"""Followers use cases: save the list before the move, compare after it, sum up for organisers.

Saving is opt-in and per member; the handles stay in the member's own row (deleted by
``/move forget`` and ``db forget-guild``) and only the member sees them. Organisers get
counts per server and reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion import texts_followers as texts
from companion.core.followers import (
    CommunityFollowers,
    FollowersComparison,
    SavedFollowers,
    community_followers,
    compare_followers,
    domain_of,
    left_behind_csv,
)
from companion.core.handles import Handle
from companion.core.models import Member
from companion.errors import UserFacingError
from companion.i18n import _
from companion.moves.followers import (
    AccountList,
    FollowersReader,
    FollowersReadError,
    ReadProgress,
)
from companion.store import AsyncStore, Store

if TYPE_CHECKING:
    from companion.core.clock import Clock
    from companion.moves import MoveChecker
    from companion.services.members import MemberService


@dataclass(frozen=True, slots=True)
class SavedOutcome:
    """A list was saved (or it could not be read because the network is hidden)."""

    account: Handle
    saved: SavedFollowers | None  # None when hidden
    expected: int | None
    truncated: bool
    new_locked: bool | None


@dataclass(frozen=True, slots=True)
class ComparedOutcome:
    """The comparison after the move, with the left-behind file."""

    member: Member
    comparison: FollowersComparison
    csv: bytes
    new_locked: bool


class FollowersService:
    """Use cases of ``/move followers`` and the organisers' followers picture."""

    def __init__(
        self, store: AsyncStore, checker: MoveChecker, clock: Clock, members: MemberService
    ) -> None:
        self.store = store
        self.clock = clock
        self.members = members
        self.reader = FollowersReader(checker)
        self._busy: set[tuple[int, int]] = set()

    async def saved(self, guild_id: int, user_id: int) -> tuple[str, SavedFollowers] | None:
        """The member's saved list, if any."""
        return await self.store.call(Store.follower_list, guild_id, user_id)

    async def save(
        self, guild_id: int, user_id: int, progress: ReadProgress | None = None
    ) -> SavedOutcome:
        """Read the old account's followers from its own server and keep them."""
        member = await self.members.member(guild_id, user_id)
        if member.has_moved:
            raise UserFacingError(_(texts.MOVED_WITHOUT_LIST))
        with self._claim(guild_id, user_id):
            listed = await self._read(member.old_handle, progress)
        if listed.account_moved:
            # Its followers are already leaving: a list read now would replace a good one
            # with a partial one, or look complete when it is not.
            kept = await self.saved(guild_id, user_id)
            raise UserFacingError(_(texts.MOVED_RECHECK) if kept else _(texts.MOVED_WITHOUT_LIST))
        if listed.hidden:
            return SavedOutcome(member.old_handle, None, listed.expected, False, None)
        saved = SavedFollowers(listed.handles, self.clock.now(), listed.moved)
        await self.store.call(Store.save_follower_list, guild_id, user_id, member.old_handle, saved)
        state = await self.members.state(guild_id, user_id)
        locked = state.report.new_locked if state.report else None
        return SavedOutcome(member.old_handle, saved, listed.expected, listed.truncated, locked)

    async def compare(
        self, guild_id: int, user_id: int, progress: ReadProgress | None = None
    ) -> ComparedOutcome:
        """Who of the saved followers follows the new account now, and why the others do not."""
        member = await self.members.member(guild_id, user_id)
        found = await self.saved(guild_id, user_id)
        if found is None:
            raise UserFacingError(_(texts.MOVED_WITHOUT_LIST))
        if not member.has_moved:
            raise UserFacingError(_(texts.NOT_MOVED_YET))
        _record, saved = found
        with self._claim(guild_id, user_id):
            listed = await self._read(member.new_handle, progress)
            if listed.hidden:
                raise UserFacingError(
                    _(texts.HIDDEN_NEW).format(new=f"`{member.new_handle.display}`")
                )
            arrived = set(listed.handles)
            missing = [h for h in saved.handles if h not in arrived]
            counts: dict[str, int] = {}
            for handle in missing:
                counts[domain_of(handle)] = counts.get(domain_of(handle), 0) + 1
            domains = sorted(counts, key=lambda d: (-counts[d], d))
            new_server = member.new_handle.domain
            servers = await self.reader.servers(domains, new_server)
            new_blocks = await self.reader.published_blocks(new_server) or {}
        now = self.clock.now()
        comparison = compare_followers(
            saved,
            arrived,
            servers,
            moved_at=member.moved_at,
            now=now,
            new_server_blocks=new_blocks,
        )
        await self.store.call(
            Store.save_follower_summary, guild_id, user_id, comparison.summary(), now
        )
        return ComparedOutcome(member, comparison, left_behind_csv(comparison), listed.locked)

    async def community(self, guild_id: int) -> CommunityFollowers:
        """The community's followers picture (counts only)."""
        summaries = await self.store.call(Store.follower_summaries, guild_id)
        return community_followers(summaries)

    async def setup_warnings(self, old: str, new: str) -> tuple[str, ...]:
        """Sentences for organisers when either server publicly limits or suspends the other."""
        warnings = []
        for blocker, blocked in ((old, new), (new, old)):
            blocks = await self.reader.published_blocks(blocker) or {}
            severity = blocks.get(blocked)
            if severity in texts.SETUP_VERBS:
                warnings.append(
                    _(texts.SETUP_BLOCKS).format(
                        blocker=f"`{blocker}`",
                        verb=_(texts.SETUP_VERBS[severity]),
                        blocked=f"`{blocked}`",
                    )
                )
        return tuple(warnings)

    async def _read(self, handle: Handle, progress: ReadProgress | None) -> AccountList:
        try:
            return await self.reader.read(handle, "followers", progress)
        except FollowersReadError as exc:
            raise UserFacingError(
                _(texts.READ_FAILED).format(server=handle.display_domain, reason=exc.reason)
            ) from exc

    def _claim(self, guild_id: int, user_id: int) -> _Claim:
        return _Claim(self._busy, (guild_id, user_id))


class _Claim:
    """One read per member at a time: a second press gets a sentence, not a second read."""

    def __init__(self, busy: set[tuple[int, int]], key: tuple[int, int]) -> None:
        self.busy, self.key = busy, key

    def __enter__(self) -> None:
        if self.key in self.busy:
            raise UserFacingError(_(texts.BUSY))
        self.busy.add(self.key)

    def __exit__(self, *exc_info: object) -> None:
        self.busy.discard(self.key)
