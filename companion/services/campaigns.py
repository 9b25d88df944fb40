"""What organisers do, independent of Discord: set up, watch, recheck, remind, export.

The ``/campaign`` cog, the background scheduler, the CLI and the rehearsal call these.
Posting to Discord is the caller's job: this module decides what to post and records it.
"""

from __future__ import annotations

import asyncio
import io
import logging
import secrets
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion import texts
from companion.core.exports import ExportFile, export_roster
from companion.core.handles import HandleError, normalise_domain
from companion.core.models import Campaign, Member, Observation
from companion.core.move_report import MoveReport
from companion.core.move_status import MoveStatus
from companion.core.reminders import (
    DueReminders,
    Figures,
    Reminder,
    ReminderMessage,
    ReminderSchedule,
    channel_message,
    dm_message,
    due_reminders,
    schedule_for,
)
from companion.errors import UserFacingError
from companion.i18n import _
from companion.reports.progress import ProgressReport, build_progress
from companion.services.guild_campaigns import GuildCampaigns
from companion.services.members import check_record, stored_accounts
from companion.store import AsyncStore, ReminderRecord, Store

if TYPE_CHECKING:
    from companion.core.clock import Clock
    from companion.moves import MoveChecker, ServerInfo
    from companion.moves.recheck import ProgressCallback
    from companion.services.followers import FollowersService

log = logging.getLogger(__name__)

PENDING_SETUP_LIFETIME = timedelta(minutes=15)
RECHECK_BATCH = 200
LAST_DAYS_HOURLY = timedelta(days=3)
DM_WINDOW = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class PendingSetup:
    """A campaign an organiser asked for, waiting for Confirm."""

    token: str
    campaign: Campaign
    old_info: ServerInfo
    new_info: ServerInfo
    requested_by: int
    expires_at: datetime
    warnings: tuple[str, ...] = ()  # e.g. one server publicly suspends the other


@dataclass(frozen=True, slots=True)
class RecheckSummary:
    """How a whole-community recheck went."""

    total: int
    seconds: float
    newly_moved: list[Member]


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """The schedule with what was sent, for ``/campaign remind``."""

    schedule: ReminderSchedule | None
    sent: dict[str, ReminderRecord]


def parse_deadline(text: str, zone_name: str, now: datetime) -> datetime:
    """Read ``2026-12-15 18:00`` (or ISO 8601) in the given zone; refuse the past."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserFacingError(_(texts.SETUP_BAD_ZONE).format(zone=zone_name[:60])) from exc
    cleaned = text.strip().replace("T", " ")
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        moment = None
    if moment is None:
        raise UserFacingError(_(texts.SETUP_BAD_DEADLINE).format(text=f"`{text[:40]}`"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if moment <= now:
        raise UserFacingError(_(texts.SETUP_PAST_DEADLINE).format(when=moment.isoformat(" ")))
    return moment


class CampaignService:
    """Use cases of the ``/campaign`` commands and the background work."""

    def __init__(
        self,
        store: AsyncStore,
        checker: MoveChecker,
        clock: Clock,
        campaigns: GuildCampaigns,
        followers: FollowersService,
        *,
        recheck_every: timedelta,
    ) -> None:
        """Work on ``store`` with ``checker``; members are rechecked every ``recheck_every``."""
        self.followers = followers
        self.store = store
        self.checker = checker
        self.clock = clock
        self.campaigns = campaigns
        self.recheck_every = recheck_every
        self._pending: dict[str, PendingSetup] = {}
        self._rechecks: set[int] = set()

    def now(self) -> datetime:
        """The clock's time."""
        return self.clock.now()

    # -- setup -----------------------------------------------------------------------
    async def prepare_setup(
        self,
        guild_id: int,
        requested_by: int,
        *,
        old_server: str,
        new_server: str,
        deadline: str,
        timezone: str | None,
        channel_id: int | None,
        organiser_role_id: int | None,
        language: str | None = None,
    ) -> PendingSetup:
        """Check both servers and the deadline; keep the result until Confirm."""
        current = await self.campaigns.get(guild_id)
        zone = timezone or current.timezone or "UTC"
        moment = parse_deadline(deadline, zone, self.now())
        domains = []
        for field, value in (("old_server", old_server), ("new_server", new_server)):
            try:
                domains.append(normalise_domain(value))
            except HandleError as exc:
                raise UserFacingError(
                    _(texts.SETUP_BAD_SERVER).format(field=field, reason=exc.message)
                ) from exc
        old, new = domains
        if old == new:
            raise UserFacingError(_(texts.SETUP_SAME_SERVER))
        old_info, new_info = await asyncio.gather(
            self.checker.server_info(old), self.checker.server_info(new)
        )
        for info in (old_info, new_info):
            if not info.usable:
                raise UserFacingError(
                    _(texts.SETUP_SERVER_DOWN).format(server=info.domain, reason=info.reason)
                )
        campaign = current.with_changes(
            old_server=old,
            new_server=new,
            deadline=moment,
            timezone=zone,
            announcement_channel_id=channel_id or current.announcement_channel_id,
            organiser_role_id=organiser_role_id or current.organiser_role_id,
            language=language or current.language,
        )
        self._forget_expired()
        pending = PendingSetup(
            token=secrets.token_hex(6),
            campaign=campaign,
            old_info=old_info,
            new_info=new_info,
            requested_by=requested_by,
            expires_at=self.now() + PENDING_SETUP_LIFETIME,
            warnings=await self.followers.setup_warnings(old, new),
        )
        self._pending[pending.token] = pending
        return pending

    async def confirm_setup(self, guild_id: int, token: str) -> Campaign:
        """Save the campaign an organiser confirmed (same guild only)."""
        self._forget_expired()
        pending = self._pending.pop(token, None)
        if pending is None or pending.campaign.guild_id != guild_id:
            raise UserFacingError(_(texts.SETUP_EXPIRED))
        await self.store.call(Store.save_campaign, pending.campaign, self.now())
        return pending.campaign

    def cancel_setup(self, token: str) -> None:
        """Drop a pending setup."""
        self._pending.pop(token, None)

    def _forget_expired(self) -> None:
        now = self.now()
        for token in [t for t, p in self._pending.items() if p.expires_at <= now]:
            del self._pending[token]

    async def require_campaign(self, guild_id: int) -> Campaign:
        """The campaign, or a refusal telling organisers to set it up."""
        campaign = await self.campaigns.get(guild_id)
        if not campaign.is_configured:
            raise UserFacingError(_(texts.NO_CAMPAIGN))
        return campaign

    async def claim_announcement(self, campaign: Campaign) -> str | None:
        """Claim the scheduled announcement before posting it by hand; its key, or None.

        None when it was posted already: the organiser's post goes out all the same.
        """
        schedule = schedule_for(campaign)
        if schedule is None:
            return None
        announce = schedule.get("announce")
        return announce.key if await self.claim(campaign.guild_id, announce) else None

    async def mark_announced(
        self, campaign: Campaign, message_id: int, claimed_key: str | None
    ) -> None:
        """Remember the announcement went out, as the scheduled announcement if claimed."""
        await self.store.call(
            Store.save_campaign, campaign.with_changes(announced_at=self.now()), self.now()
        )
        if claimed_key is not None:
            await self.posted(campaign.guild_id, claimed_key, message_id)

    # -- progress --------------------------------------------------------------------
    async def progress(self, guild_id: int, *, chart: bool = True) -> tuple[ProgressReport, bytes]:
        """Numbers, the people who need help, and the chart (b"" when not asked for)."""
        campaign = await self.campaigns.get(guild_id)
        members = await self.store.call(Store.members, guild_id)
        reports = await self.store.call(Store.latest_reports, guild_id)
        report = build_progress(members, campaign, self.now(), reports=reports)
        if not chart:
            return report, b""
        # matplotlib (with numpy and Pillow) costs tens of MB: loaded on the first chart only.
        from companion.reports.chart import progress_chart

        return report, await asyncio.to_thread(progress_chart, report)

    # -- recheck ---------------------------------------------------------------------
    async def recheck_all(
        self, guild_id: int, progress: ProgressCallback | None = None
    ) -> RecheckSummary:
        """Recheck every linked member (batched by id), storing each result."""
        if guild_id in self._rechecks:
            raise UserFacingError(_(texts.RECHECK_BUSY))
        self._rechecks.add(guild_id)
        started = time.monotonic()
        try:
            return await self._recheck(guild_id, progress, started)
        finally:
            self._rechecks.discard(guild_id)

    async def _recheck(
        self, guild_id: int, progress: ProgressCallback | None, started: float
    ) -> RecheckSummary:
        campaign = await self.campaigns.get(guild_id)
        members = await self.store.call(Store.members, guild_id)
        if not members:
            return RecheckSummary(0, 0.0, [])
        cached = await self.store.call(Store.cached_accounts, guild_id)
        previous = await self.store.call(Store.latest_reports, guild_id)
        pairs = [
            self.checker.pair_for(member, cached, previous.get(member.user_id))
            for member in members
        ]
        reports = await self.checker.recheck_many(
            pairs,
            progress,
            campaign=campaign,
            now=self.now(),
        )
        was_moved = {m.user_id for m in members if m.has_moved}
        records = []
        accounts = []
        for member, report in zip(members, reports, strict=True):
            records.append(check_record(member.user_id, report))
            accounts.extend(stored_accounts(report.accounts))
        for start in range(0, len(records), RECHECK_BATCH):
            await self.store.call(
                Store.record_checks, guild_id, records[start : start + RECHECK_BATCH]
            )
        await self.store.call(Store.save_accounts, guild_id, accounts)
        after = await self.store.call(Store.members, guild_id)
        newly = [m for m in after if m.has_moved and m.user_id not in was_moved]
        return RecheckSummary(len(members), time.monotonic() - started, newly)

    def recheck_interval(self, campaign: Campaign) -> timedelta:
        """Every few hours; hourly in the last three days before the cutover."""
        interval = self.recheck_every
        if campaign.deadline is not None:
            until = campaign.deadline - self.now()
            if timedelta(0) <= until <= LAST_DAYS_HOURLY:
                return min(interval, timedelta(hours=1))
        return interval

    async def moves_to_announce(self, guild_id: int, limit: int) -> list[Member]:
        """Members who moved, agreed to be listed, and were not announced yet (oldest first)."""
        return await self.store.call(Store.moves_to_announce, guild_id, limit)

    async def mark_moves_announced(self, guild_id: int, members: list[Member]) -> None:
        """Remember these moves were announced."""
        await self.store.call(
            Store.mark_move_announced, guild_id, [m.user_id for m in members], self.now()
        )

    # -- reminders -------------------------------------------------------------------
    async def reminder_plan(self, guild_id: int) -> ReminderPlan:
        """The schedule and what was posted."""
        campaign = await self.campaigns.get(guild_id)
        sent = await self.store.call(Store.reminders_sent, guild_id)
        return ReminderPlan(schedule_for(campaign, set_up_at=campaign.announced_at), sent)

    async def due(self, guild_id: int) -> tuple[Campaign, DueReminders | None]:
        """What is due now for the guild (None when there is no deadline)."""
        campaign = await self.campaigns.get(guild_id)
        schedule = schedule_for(campaign)
        if schedule is None:
            return campaign, None
        sent = await self.store.call(Store.reminders_sent, guild_id)
        return campaign, due_reminders(schedule, sent.keys(), self.now())

    async def next_unsent(self, guild_id: int) -> tuple[Campaign, Reminder | None]:
        """The next reminder not posted yet, for ``/campaign remind now``."""
        campaign = await self.campaigns.get(guild_id)
        schedule = schedule_for(campaign)
        if schedule is None:
            raise UserFacingError(_(texts.NO_CAMPAIGN))
        sent = await self.store.call(Store.reminders_sent, guild_id)
        upcoming = [r for r in schedule.reminders if r.key not in sent]
        return campaign, (upcoming[0] if upcoming else None)

    async def claim(self, guild_id: int, reminder: Reminder) -> bool:
        """Reserve a reminder before posting it (True once, ever)."""
        return await self.store.call(
            Store.claim_reminder, guild_id, reminder.key, reminder.due_at, self.now()
        )

    async def skip(self, guild_id: int, keys: tuple[str, ...]) -> None:
        """Record missed reminders as dealt with, without posting them."""
        for key in keys:
            await self.store.call(Store.claim_reminder, guild_id, key, self.now(), self.now())
            await self.store.call(Store.set_reminder_message, guild_id, key, 0)

    async def release(self, guild_id: int, key: str) -> None:
        """Give a claim back after Discord refused the post, so it is tried again."""
        await self.store.call(Store.release_reminder, guild_id, key)

    async def posted(self, guild_id: int, key: str, message_id: int) -> None:
        """Attach the message to a posted reminder."""
        await self.store.call(Store.set_reminder_message, guild_id, key, message_id)

    async def unrecorded_claims(
        self, guild_id: int
    ) -> tuple[Campaign, list[tuple[str, Reminder | None]]]:
        """Reminders claimed with no message recorded: a crash came between claim and record.

        Each comes with its planned reminder, or None when it belongs to a former deadline.
        """
        campaign = await self.campaigns.get(guild_id)
        schedule = schedule_for(campaign)
        planned = {r.key: r for r in schedule.reminders} if schedule else {}
        sent = await self.store.call(Store.reminders_sent, guild_id)
        return campaign, [
            (key, planned.get(key)) for key, record in sent.items() if record.message_id is None
        ]

    async def pending_dms(self, guild_id: int) -> list[tuple[Member, str]]:
        """Direct messages claimed but not recorded (a crash in between), with their keys."""
        return await self.store.call(Store.pending_dm_reminders, guild_id)

    async def reminder_message(
        self, campaign: Campaign, reminder: Reminder, previous_deadline: Any = None
    ) -> ReminderMessage:
        """The post for a reminder with today's numbers."""
        figures = await self.figures(campaign.guild_id)
        return channel_message(
            reminder, campaign, figures, campaign.guide_url, previous_deadline=previous_deadline
        )

    async def figures(self, guild_id: int) -> Figures:
        """Members moved and linked, right now."""
        members = await self.store.call(Store.members, guild_id)
        return Figures(moved=sum(1 for m in members if m.has_moved), linked=len(members))

    async def dm_recipients(self, guild_id: int, reminder: Reminder, limit: int) -> list[Member]:
        """Opted-in members with open DMs still owed this reminder.

        Before and on moving day only those who have not moved yet; afterwards everyone
        who opted in, as "keep your old account" matters most to those who moved.
        """
        return await self.store.call(
            Store.dm_reminder_pending,
            guild_id,
            reminder.key,
            include_moved=reminder.days > 0,
            limit=limit,
        )

    async def dm_reminder(self, guild_id: int) -> tuple[Campaign, Reminder | None]:
        """The reminder whose direct messages are still going out, if any.

        The latest reminder posted in the channel for the current deadline, for
        ``DM_WINDOW`` after it went out: a member who opts in later gets the next one, not
        an old "one week left".
        """
        campaign = await self.campaigns.get(guild_id)
        schedule = schedule_for(campaign)
        if schedule is None:
            return campaign, None
        sent = await self.store.call(Store.reminders_sent, guild_id)
        now = self.now()
        posted = [
            (record.sent_at, reminder)
            for reminder in schedule.reminders
            if (record := sent.get(reminder.key)) is not None and record.message_id
        ]
        if not posted:
            return campaign, None
        sent_at, latest = max(posted, key=lambda pair: pair[0])
        if now - sent_at > DM_WINDOW or now >= latest.expires_at:
            return campaign, None
        return campaign, latest

    async def dm_for(
        self, campaign: Campaign, reminder: Reminder, member: Member
    ) -> ReminderMessage:
        """A personal reminder with the member's own next step."""
        latest = await self.store.call(Store.observations, campaign.guild_id, member.user_id, 1)
        if latest:
            next_step = MoveReport.from_dict(latest[0].report).next_step
        else:
            next_step = MoveStatus.NOT_LINKED.next_step
        return dm_message(reminder, campaign, next_step, campaign.guide_url)

    async def claim_dm(self, guild_id: int, user_id: int, key: str) -> bool:
        """Reserve one DM reminder for one member (True once)."""
        return await self.store.call(Store.claim_dm_reminder, guild_id, user_id, key, self.now())

    async def dm_outcome(self, guild_id: int, user_id: int, key: str, outcome: str) -> None:
        """Record how the DM went; closed DMs are not retried."""
        await self.store.call(Store.set_dm_reminder_outcome, guild_id, user_id, key, outcome)
        if outcome == "dm_closed":
            await self.store.call(Store.update_member, guild_id, user_id, dm_closed_at=self.now())

    # -- exports and members -----------------------------------------------------------
    async def export(self, guild_id: int, fmt: str) -> list[ExportFile]:
        """The roster in one format (files split at 20,000 rows)."""
        campaign = await self.campaigns.get(guild_id)
        entries = await self.store.call(Store.roster, guild_id)
        if not entries:
            raise UserFacingError(_(texts.EXPORT_EMPTY))
        return await asyncio.to_thread(
            export_roster, entries, campaign.community_name, fmt, generated_at=self.now()
        )

    async def member_history(
        self, guild_id: int, user_id: int
    ) -> tuple[Member | None, list[Observation]]:
        """One member's link and recent checks, for organisers."""
        member = await self.store.call(Store.member, guild_id, user_id)
        if member is None:
            return None, []
        return member, await self.store.call(Store.observations, guild_id, user_id, 10)

    async def unlink(self, guild_id: int, user_id: int) -> bool:
        """Remove a member's link and everything about it (an organiser's request)."""
        return await self.store.call(Store.forget_member, guild_id, user_id)


# -- packaging exports for a chat upload ------------------------------------------------------
MEDIA_ZIP = "application/zip"


def fit_for_upload(files: list[ExportFile], limit: int) -> list[ExportFile]:
    """The files as they can be uploaded: any larger than ``limit`` bytes goes in a .zip.

    CSV, JSON and Markdown shrink several times in a zip; a file still too large stays
    too large, for the caller to refuse with the CLI as the way out.
    """
    return [file if len(file.content) <= limit else _zipped(file) for file in files]


def upload_batches(files: list[ExportFile], max_files: int, limit: int) -> list[list[ExportFile]]:
    """Group files into messages of at most ``max_files`` and ``limit`` bytes together."""
    batches: list[list[ExportFile]] = []
    size = 0
    for file in files:
        length = len(file.content)
        if not batches or len(batches[-1]) >= max_files or size + length > limit:
            batches.append([])
            size = 0
        batches[-1].append(file)
        size += length
    return batches


def _zipped(file: ExportFile) -> ExportFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(file.name, file.content)
    return ExportFile(
        name=file.name + ".zip", content=buffer.getvalue(), media_type=MEDIA_ZIP, rows=file.rows
    )
