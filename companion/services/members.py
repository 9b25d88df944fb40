"""What members can do, independent of Discord: link, check, verify, tick, consent, forget.

The Discord cog and the rehearsal call these; they talk to the store and the checker and
raise ``UserFacingError`` with a sentence when a member has to change something.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from companion import texts
from companion.core.checklist import ChecklistItem, build_checklist
from companion.core.cooldowns import check_wait
from companion.core.handles import Handle, HandleError
from companion.core.models import CachedAccount, Campaign, Member
from companion.core.move_facts import CachedAccounts
from companion.core.move_report import MoveReport
from companion.core.move_status import MoveStatus
from companion.core.roster import RosterEntry, is_findable
from companion.core.texts_reminders import SOME_NEW_SERVER
from companion.errors import UserFacingError
from companion.i18n import _, current_language
from companion.services.guild_campaigns import GuildCampaigns
from companion.store import AsyncStore, CheckRecord, HandleTakenError, Store

if TYPE_CHECKING:
    from companion.core.clock import Clock
    from companion.moves import MoveChecker

log = logging.getLogger(__name__)

VERIFY_CODE_LIFETIME = timedelta(hours=24)
# Unambiguous characters only: members copy this code by hand on a phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_PREFIX = "MOVE-"


@dataclass(frozen=True, slots=True)
class MemberState:
    """A member's link with the latest report, for status cards and checklists."""

    member: Member
    report: MoveReport | None
    checklist: list[ChecklistItem]


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    """What pressing Check now found."""

    verified: bool
    message: str


def new_verify_code() -> str:
    """A short one-time code such as ``MOVE-7KQ2XM``."""
    return _CODE_PREFIX + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def check_record(user_id: int, report: MoveReport) -> CheckRecord:
    """Translate a check's report into what the store keeps about the member."""
    # Moved to another account than the one linked: not a move of this link, so it
    # leaves the roster until the member links the account they really moved to.
    moved = False if report.status is MoveStatus.MOVED_ELSEWHERE else report.moved
    return CheckRecord(
        user_id=user_id,
        checked_at=report.checked_at,
        status=report.status.value,
        report=report.to_dict(),
        confirmed=report.confirmed,
        moved=moved,
        # The old account's count only means something before the move: afterwards it
        # falls as followers leave, so only a count read before the move is kept.
        followers_before=report.followers_before if report.followers_before_observed else None,
    )


def stored_accounts(accounts: CachedAccounts | None) -> list[CachedAccount]:
    """The resolved accounts of a report, as the store keeps them."""
    if accounts is None:
        return []
    return [account for account in (accounts.old, accounts.new) if account is not None]


def profile_contains_code(profile_text: str, code: str) -> bool:
    """Whether the code stands in the bio or fields (HTML stripped, case-insensitive)."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", profile_text))
    return code.upper() in plain.upper()


class MemberService:
    """Use cases of the ``/move`` commands."""

    def __init__(
        self, store: AsyncStore, checker: MoveChecker, clock: Clock, campaigns: GuildCampaigns
    ) -> None:
        """Work on ``store`` and check with ``checker``; ``clock`` dates every change."""
        self.store = store
        self.checker = checker
        self.clock = clock
        self.campaigns = campaigns
        self._last_manual_check: dict[tuple[int, int], datetime] = {}

    async def campaign(self, guild_id: int) -> Campaign:
        """The guild's campaign (stored, else from settings)."""
        return await self.campaigns.get(guild_id)

    # -- link ------------------------------------------------------------------------
    async def link(
        self, guild_id: int, user_id: int, display_name: str, old: Handle, new: Handle
    ) -> MemberState:
        """Link a member's accounts, record the follower count, and check where they are."""
        if old == new:
            campaign = await self.campaign(guild_id)
            raise UserFacingError(
                _(texts.SAME_HANDLE).format(new_server=campaign.new_server or _(SOME_NEW_SERVER))
            )
        for handle in (old, new):
            owner = await self.store.call(Store.member_by_handle, guild_id, handle)
            if owner is not None and owner.user_id != user_id:
                raise UserFacingError(_(texts.HANDLE_TAKEN).format(handle=handle.display))
        report = await self._run_check(guild_id, old, new, recorded=None, member=None)
        current = await self.store.call(Store.member, guild_id, user_id)
        first_time = current is None or current.old_handle != old
        if first_time and report.status is MoveStatus.OLD_ACCOUNT_GONE:
            # Almost always a typo when linking; a later check keeps the warning instead.
            raise UserFacingError(
                _(texts.OLD_NOT_FOUND).format(old=f"`{old.display}`", server=old.display_domain)
            )
        followers = report.followers_before if report.followers_before_observed else None
        try:
            await self.store.call(
                Store.link_member,
                guild_id,
                user_id,
                display_name,
                old,
                new,
                followers_before=followers,
                now=self.clock.now(),
                language=current_language(),  # the interaction's: DMs follow it
            )
        except HandleTakenError as exc:  # someone else linked it while we checked
            raise UserFacingError(_(texts.HANDLE_TAKEN).format(handle=exc.handle.display)) from exc
        await self._save_report(guild_id, user_id, report)
        return await self.state(guild_id, user_id)

    async def remember_language(self, guild_id: int, user_id: int, language: str) -> None:
        """Keep the member's Discord language, so direct messages later speak it too."""
        await self.store.call(Store.remember_language, guild_id, user_id, language)

    # -- status ----------------------------------------------------------------------
    async def member(self, guild_id: int, user_id: int) -> Member:
        """The member's link, or a friendly refusal if there is none."""
        member = await self.store.call(Store.member, guild_id, user_id)
        if member is None:
            raise UserFacingError(_(texts.NOT_LINKED))
        return member

    async def state(self, guild_id: int, user_id: int) -> MemberState:
        """The member's link, latest report and checklist, from the store only."""
        found = await self.store.call(Store.member_state, guild_id, user_id)
        if found is None:
            raise UserFacingError(_(texts.NOT_LINKED))
        member, latest, ticked = found
        report = MoveReport.from_dict(latest) if latest else None
        return MemberState(member, report, build_checklist(member.last_status, ticked))

    def _last_asked(self, state: MemberState) -> datetime | None:
        """When the member's servers were last asked: the stored check, or one under way."""
        member = state.member
        times = [
            moment
            for moment in (
                member.last_checked_at,
                self._last_manual_check.get((member.guild_id, member.user_id)),
            )
            if moment is not None
        ]
        return max(times) if times else None

    async def fresh_state(self, guild_id: int, user_id: int) -> MemberState | None:
        """The stored state while the servers were asked within the cooldown, else None.

        None also claims the check: the caller asks the servers (``check``) at once.
        """
        state = await self.state(guild_id, user_id)
        now = self.clock.now()
        if check_wait(self._last_asked(state), now):
            return state
        self._last_manual_check[(guild_id, user_id)] = now
        return None

    async def claim_check(self, guild_id: int, user_id: int) -> None:
        """Allow asking the servers once per cooldown (refuse with the wait otherwise)."""
        state = await self.state(guild_id, user_id)
        now = self.clock.now()
        wait = check_wait(self._last_asked(state), now)
        if wait:
            raise UserFacingError(
                _(texts.COOLDOWN).format(seconds=max(1, round(wait.total_seconds())))
            )
        self._last_manual_check[(guild_id, user_id)] = now

    async def check(self, guild_id: int, user_id: int) -> MemberState:
        """Recheck one member against the servers and store what was found."""
        member = await self.member(guild_id, user_id)
        state = await self.state(guild_id, user_id)
        report = await self._run_check(
            guild_id,
            member.old_handle,
            member.new_handle,
            recorded=member.followers_before,
            member=member,
            previous=state.report,
        )
        await self._save_report(guild_id, user_id, report)
        return await self.state(guild_id, user_id)

    async def _run_check(
        self,
        guild_id: int,
        old: Handle,
        new: Handle,
        *,
        recorded: int | None,
        member: Member | None,
        previous: MoveReport | None = None,
    ) -> MoveReport:
        campaign = await self.campaign(guild_id)
        cached = None
        if member is not None:
            stored = await self.store.call(Store.cached_accounts, guild_id)
            cached = self.checker.pair_for(member, stored, previous).cached
        return await self.checker.check(
            old,
            new,
            campaign=campaign,
            recorded_followers=recorded,
            cached=cached,
            previous=previous,
            now=self.clock.now(),
        )

    async def _save_report(self, guild_id: int, user_id: int, report: MoveReport) -> None:
        await self.store.call(Store.save_accounts, guild_id, stored_accounts(report.accounts))
        await self.store.call(Store.record_checks, guild_id, [check_record(user_id, report)])

    # -- verification ----------------------------------------------------------------
    async def start_verification(self, guild_id: int, user_id: int) -> tuple[Member, str]:
        """Give the member a fresh one-time code (or say they are verified already)."""
        member = await self.member(guild_id, user_id)
        if member.is_verified:
            raise UserFacingError(_(texts.VERIFY_ALREADY).format(new=member.new_handle.display))
        now = self.clock.now()
        code = member.verify_code
        if (
            code is None
            or member.verify_code_expires_at is None
            or (member.verify_code_expires_at <= now)
        ):
            code = new_verify_code()
            member = await self.store.call(
                Store.update_member,
                guild_id,
                user_id,
                verify_code=code,
                verify_code_expires_at=now + VERIFY_CODE_LIFETIME,
            )
        return member, code

    async def confirm_verification(self, guild_id: int, user_id: int) -> VerifyOutcome:
        """Look for the member's code on their new profile; verify them if it is there."""
        member = await self.member(guild_id, user_id)
        new = member.new_handle.display
        if member.is_verified:
            return VerifyOutcome(True, _(texts.VERIFY_ALREADY).format(new=new))
        if member.verify_code is None or member.verify_code_expires_at is None:
            raise UserFacingError(_(texts.VERIFY_NO_CODE))
        now = self.clock.now()
        if member.verify_code_expires_at <= now:
            raise UserFacingError(_(texts.VERIFY_EXPIRED))
        profile = await self.checker.profile_text(member.new_handle)
        if profile is None:
            raise UserFacingError(
                _(texts.VERIFY_UNREACHABLE).format(server=member.new_handle.display_domain)
            )
        if not profile_contains_code(profile, member.verify_code):
            return VerifyOutcome(
                False, _(texts.VERIFY_NOT_FOUND).format(code=member.verify_code, new=new)
            )
        await self.store.call(
            Store.update_member,
            guild_id,
            user_id,
            verified_at=now,
            verify_code=None,
            verify_code_expires_at=None,
        )
        return VerifyOutcome(True, _(texts.VERIFY_DONE).format(new=new))

    # -- preferences -----------------------------------------------------------------
    async def set_roster_consent(self, guild_id: int, user_id: int, consent: bool) -> Member:
        """Record whether the member may be listed in the roster."""
        await self.member(guild_id, user_id)
        return await self.store.call(Store.update_member, guild_id, user_id, roster_consent=consent)

    async def set_reminders(self, guild_id: int, user_id: int, enabled: bool) -> Member:
        """Opt in or out of direct-message reminders (a new opt-in retries closed DMs)."""
        await self.member(guild_id, user_id)
        return await self.store.call(
            Store.update_member, guild_id, user_id, dm_reminders=enabled, dm_closed_at=None
        )

    async def tick(self, guild_id: int, user_id: int, step: str, done: bool) -> MemberState:
        """Tick or untick a checklist step the member does by hand."""
        await self.store.call(
            Store.set_checklist_step, guild_id, user_id, step, done, self.clock.now()
        )
        return await self.state(guild_id, user_id)

    # -- privacy ---------------------------------------------------------------------
    async def personal_data(self, guild_id: int, user_id: int) -> dict[str, Any] | None:
        """Everything stored about the member in this guild."""
        return await self.store.call(Store.personal_data, guild_id, user_id)

    async def forget(self, guild_id: int, user_id: int) -> bool:
        """Delete everything about the member in this guild, at once."""
        self._last_manual_check.pop((guild_id, user_id), None)
        return await self.store.call(Store.forget_member, guild_id, user_id)

    # -- other members ---------------------------------------------------------------
    async def listed_member(self, guild_id: int, user_id: int) -> Member | None:
        """Another member's link, only if ``/move whois`` may show it (``WHOIS_RULE``)."""
        member = await self.store.call(Store.member, guild_id, user_id)
        return member if member is not None and is_findable(member) else None

    async def roster(self, guild_id: int) -> list[RosterEntry]:
        """The public roster: moved, verified, consenting members."""
        return await self.store.call(Store.roster, guild_id)


def parse_handle(text: str, which: str) -> Handle:
    """Parse a handle typed into a command, naming which one was wrong."""
    try:
        return Handle.parse(text)
    except HandleError as exc:
        template = _(texts.BAD_OLD_HANDLE) if which == "old" else _(texts.BAD_NEW_HANDLE)
        raise UserFacingError(template.format(reason=exc.message)) from exc
