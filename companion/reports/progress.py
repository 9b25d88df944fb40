"""The numbers behind ``/campaign progress``: how far the community got, and who is stuck.

Pure: it takes members, the campaign, the latest check report per member and the time,
and returns plain values the bot formats and the chart draws. Organisers have little
time, so "needs help" lists only the cases where a member is stuck and a person can help,
each with the fix to suggest.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from companion.core.guide_links import status_url
from companion.core.models import Campaign, Member
from companion.i18n import N_, NP_, PluralText, _, format_count, format_share, ngettext

# Statuses in the order a member meets them, for a stable display.
STATUS_ORDER = (
    "unchecked",
    "new_account_missing",
    "wrong_server",
    "alias_missing",
    "alias_unknown",
    "ready_to_move",
    "moved",
    "followers_arrived",
    "moved_elsewhere",
    "old_account_gone",
    "server_unreachable",
    "unsupported_server",
)
# A check that could not read a server says nothing new: the report keeps the last status.
GAP_STATUSES = frozenset({"server_unreachable", "unsupported_server"})
RECENT_DAYS = 7

# Organiser-facing words, marked for the catalogs and translated in ``_help``. ``{days}``,
# ``{before}``, ``{now}``, ``{share}`` and ``{target}`` are filled in per member.
HELP_TEXTS: dict[str, tuple[str | PluralText, str]] = {
    "old_account_gone": (
        N_("Old account gone (deleted or suspended) before the move"),
        N_(
            "Followers cannot be moved from an account that no longer exists. Ask the member "
            "to share their new handle so people follow them again; if the old server "
            "suspended the account, its admins may restore it long enough to move."
        ),
    ),
    "old_account_gone_after_move": (
        N_("Old account deleted after the move, before every follower had arrived"),
        N_(
            "The followers still on their way when it went are lost. Ask the member to share "
            "their new handle where their old followers will see it, and remind everyone to "
            "keep their old account until their followers have arrived."
        ),
    ),
    "moved_elsewhere": (
        N_("Moved to another account than the one linked ({target})"),
        N_(
            "If that account is theirs on purpose, ask them to run /move link again with it. "
            "If it was a typo, they can move again to the right account once Mastodon's "
            "30-day cooldown is over."
        ),
    ),
    "alias_missing": (
        NP_(
            "No alias on the new account, {days} day after linking",
            "No alias on the new account, {days} days after linking",
        ),
        N_(
            "On the new account: Settings → Account → Moving from a different account, add "
            "the old handle as an alias. Then start the move from the old account."
        ),
    ),
    "followers_missing": (
        NP_(
            "{now} of {before} followers ({share}) {days} day after moving",
            "{now} of {before} followers ({share}) {days} days after moving",
        ),
        N_(
            "Followers on servers that were down or blocked did not move. Ask the member to "
            "compare follower lists, share their new handle, and check the new server is not "
            "blocked by their followers' servers."
        ),
    ),
}
UNKNOWN_ACCOUNT = N_("unknown account")
HELP_ORDER = ("old_account_gone", "moved_elsewhere", "alias_missing", "followers_missing")


@dataclass(frozen=True, slots=True)
class HelpNeeded:
    """A member stuck in a way an organiser can help with, and the fix to suggest.

    ``display_name`` is the member's own text: escape it before showing it on Discord.
    """

    user_id: int
    display_name: str
    reason: str
    detail: str
    fix: str
    guide_url: str
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """Where the campaign stands at ``generated_at``."""

    community: str
    generated_at: datetime
    timezone: str
    deadline: datetime | None
    linked: int
    moved: int
    verified: int
    status_counts: dict[str, int]
    daily_moves: tuple[tuple[date, int], ...]
    needs_help: tuple[HelpNeeded, ...]

    @property
    def left(self) -> int:
        """Linked members who have not moved yet."""
        return max(self.linked - self.moved, 0)

    @property
    def share_moved(self) -> float:
        """Moved members as a share of linked members (0 when nobody linked)."""
        return self.moved / self.linked if self.linked else 0.0

    @property
    def share_verified(self) -> float:
        """Verified members as a share of linked members (0 when nobody linked)."""
        return self.verified / self.linked if self.linked else 0.0

    @property
    def today(self) -> date:
        """The report's day in the campaign's time zone."""
        return self.generated_at.astimezone(ZoneInfo(self.timezone)).date()

    @property
    def days_left(self) -> int | None:
        """Calendar days to the deadline's day (0 on the day, negative after)."""
        if self.deadline is None:
            return None
        return (self.deadline.astimezone(ZoneInfo(self.timezone)).date() - self.today).days

    @property
    def time_left(self) -> timedelta | None:
        """Exact time to the deadline (negative after it)."""
        return None if self.deadline is None else self.deadline - self.generated_at

    @property
    def moves_per_day(self) -> float:
        """Average moves per day over the last week (or since the first day, if shorter)."""
        recent = self.daily_moves[-RECENT_DAYS:]
        return sum(n for _, n in recent) / len(recent) if recent else 0.0

    @property
    def needed_per_day(self) -> float | None:
        """Moves per day needed to finish by the deadline (None once it passed)."""
        days = self.days_left
        if days is None or days < 0:
            return None
        return self.left / max(days, 1)

    @property
    def cumulative_moves(self) -> tuple[tuple[date, int], ...]:
        """Members moved by the end of each day, for the chart."""
        total = 0
        points = []
        for day, count in self.daily_moves:
            total += count
            points.append((day, total))
        return tuple(points)


def build_progress(
    members: Iterable[Member],
    campaign: Campaign,
    now: datetime,
    *,
    reports: Mapping[int, Mapping[str, Any]] | None = None,
    alias_days: int = 3,
    followers_days: int = 7,
    followers_floor: float = 0.5,
    min_followers: int = 5,
) -> ProgressReport:
    """Count, chart and triage the guild's members (``reports``: latest check per user)."""
    members = list(members)
    reports = reports or {}
    zone = campaign.zone
    counts = Counter(m.last_status or "unchecked" for m in members)
    ordered = {s: counts[s] for s in STATUS_ORDER if counts[s]}
    ordered.update({s: n for s, n in sorted(counts.items()) if s not in ordered})
    help_items = []
    for member in members:
        item = _needs_help(
            member,
            reports.get(member.user_id) or {},
            now,
            campaign.guide_url,
            alias_days=alias_days,
            followers_days=followers_days,
            followers_floor=followers_floor,
            min_followers=min_followers,
        )
        if item is not None:
            help_items.append(item)
    help_items.sort(
        key=lambda h: (HELP_ORDER.index(h.reason), h.since or now, h.display_name.casefold())
    )
    return ProgressReport(
        community=campaign.community_name,
        generated_at=now,
        timezone=campaign.timezone,
        deadline=campaign.deadline,
        linked=len(members),
        moved=sum(1 for m in members if m.moved_at is not None),
        verified=sum(1 for m in members if m.is_verified),
        status_counts=ordered,
        daily_moves=_daily_moves(members, now, zone),
        needs_help=tuple(help_items),
    )


def _daily_moves(
    members: list[Member], now: datetime, zone: ZoneInfo
) -> tuple[tuple[date, int], ...]:
    """Moves on each local day from the first link (or move) to today, zeros included."""
    if not members:
        return ()
    per_day = Counter(m.moved_at.astimezone(zone).date() for m in members if m.moved_at)
    first = min(
        [m.linked_at.astimezone(zone).date() for m in members] + list(per_day), default=None
    )
    today = now.astimezone(zone).date()
    last = max([today, *per_day])
    assert first is not None
    return tuple(
        (first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    )


def _needs_help(
    member: Member,
    report: Mapping[str, Any],
    now: datetime,
    guide: str,
    *,
    alias_days: int,
    followers_days: int,
    followers_floor: float,
    min_followers: int,
) -> HelpNeeded | None:
    status = member.last_status
    if status in GAP_STATUSES:
        # The servers were silent this time: judge by the last status they did show.
        known = report.get("last_known_status")
        status = known if isinstance(known, str) else status
    if status == "old_account_gone":
        # Deleted after a confirmed move is a different story (and fix) than before it.
        words = "old_account_gone_after_move" if member.moved_at else "old_account_gone"
        return _help(member, "old_account_gone", guide, member.last_checked_at, words=words)
    if status == "moved_elsewhere":
        target = report.get("moved_to")
        shown = target if isinstance(target, str) and target else _(UNKNOWN_ACCOUNT)
        return _help(member, "moved_elsewhere", guide, member.moved_at, target=shown)
    if status == "alias_missing":
        waited = now - member.linked_at
        if waited > timedelta(days=alias_days):
            return _help(member, "alias_missing", guide, member.linked_at, days=waited.days)
        return None
    if member.moved_at is None or status == "followers_arrived":
        return None
    moved_for = now - member.moved_at
    before = _count(member.followers_before) or _count(report.get("followers_before"))
    current = _count(report.get("followers_now"))
    if (
        moved_for >= timedelta(days=followers_days)
        and before is not None
        and before >= min_followers
        and current is not None
        and current < before * followers_floor
    ):
        return _help(
            member,
            "followers_missing",
            guide,
            member.moved_at,
            before=format_count(before),
            now=format_count(current),
            share=format_share(current / before),
            days=moved_for.days,
        )
    return None


def _help(
    member: Member,
    reason: str,
    guide: str,
    since: datetime | None,
    words: str | None = None,
    **values: object,
) -> HelpNeeded:
    detail, fix = HELP_TEXTS[words or reason]
    if isinstance(detail, PluralText):
        days = values["days"]
        worded = ngettext(detail, days if isinstance(days, int) else 2)
    else:
        worded = _(detail)
    return HelpNeeded(
        user_id=member.user_id,
        display_name=member.display_name,
        reason=reason,
        detail=worded.format(**values),
        fix=_(fix),
        guide_url=status_url(guide, reason),
        since=since,
    )


def _count(value: object) -> int | None:
    """A follower count from stored JSON, or None for anything that is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0:  # NaN, infinite or negative: not a count
        return None
    return int(value)
