"""The campaign's reminder schedule: what to post in the channel, and when. Pure, no I/O.

Rules (the bot's reminder task and ``/campaign remind`` rely on them):

- **Which**: the announcement 14 days before the cutover (``announce``), then 7, 3 and 1
  days before (``d-7``, ``d-3``, ``d-1``), on the day (``d0``), and 1, 7 and 30 days after
  (``d+1``, ``d+7``, ``d+30``).
- **When**: at ``REMINDER_HOUR`` (10:00) local time in the campaign's time zone, on the
  day ``N`` calendar days from the deadline's local date, so a DST change between now and
  the deadline never moves a reminder by an hour. ``d0`` is due at 10:00 on the day, or 3
  hours before the deadline if that is earlier (a cutover at 08:00 still gets its
  reminder in time). The announcement is due 14 days before, or at ``set_up_at`` when
  the campaign was set up later than that.
- **Keys**: ``<stem>@<deadline's local date>``, e.g. ``d-1@2026-12-15``. Keys are per
  deadline: when organisers move the deadline to another day, every reminder is planned
  again for the new date and may be posted again (a ``d-1`` sent for the 15th is followed,
  after a move to the 22nd, by a ``d-1`` for the 22nd: members need the new date), and the
  reminder that follows says the date changed. A deadline moved within the same day keeps
  its keys: nothing is posted twice, the unsent reminders simply follow the new time.
- **Once, and no burst**: a key in ``sent_keys`` is never due again (restart-safe when the
  caller records keys before posting). After downtime only the latest missed reminder is
  posted; the older missed ones come back in ``DueReminders.skipped`` for the caller to
  record without posting. Until the announcement is out, it takes the place of any
  missed reminder before the cutover (a campaign set up 5 days ahead announces at once,
  then posts ``d-3``).
- **Exactly once across crashes**: every post carries ``reference_line`` (the key and
  the guild), so a claim with no recorded message is settled on start-up by reading the
  channel back: found means it was sent; not found means it was not, and it is sent now.
- **Expiry**: a reminder is never posted so late that it misleads: the ones before the
  cutover and ``d0`` expire at the deadline, the ones after it 7 days after they fell due.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from companion.core import texts_reminders as texts
from companion.core.cooldowns import describe_move_cooldowns as move_cooldown_words
from companion.core.guide_links import topic_url
from companion.core.models import Campaign
from companion.core.text import discord_timestamp, escape_markdown
from companion.i18n import _, ngettext

REMINDER_HOUR = 10
ANNOUNCE_DAYS_BEFORE = 14
# (stem, days from the deadline's local date), in order.
STEPS: tuple[tuple[str, int], ...] = (
    ("announce", -ANNOUNCE_DAYS_BEFORE),
    ("d-7", -7),
    ("d-3", -3),
    ("d-1", -1),
    ("d0", 0),
    ("d+1", 1),
    ("d+7", 7),
    ("d+30", 30),
)
STEMS = tuple(stem for stem, _ in STEPS)
D0_LEAD = timedelta(hours=3)
AFTER_DEADLINE_GRACE = timedelta(days=7)
KEY_SEPARATOR = "@"


@dataclass(frozen=True, slots=True)
class Reminder:
    """One planned channel reminder for one deadline."""

    stem: str
    key: str
    days: int
    due_at: datetime
    expires_at: datetime
    deadline: datetime


@dataclass(frozen=True, slots=True)
class ReminderSchedule:
    """Every reminder planned for one deadline, in the order they fall due."""

    deadline: datetime
    timezone: str
    reminders: tuple[Reminder, ...]

    @property
    def deadline_date(self) -> date:
        """The deadline's calendar day in the campaign's time zone (part of every key)."""
        return self.deadline.astimezone(ZoneInfo(self.timezone)).date()

    def key(self, stem: str) -> str:
        """The store key of a reminder of this deadline, e.g. ``d-1@2026-12-15``."""
        return reminder_key(stem, self.deadline_date)

    def get(self, stem: str) -> Reminder:
        """The reminder with this stem (KeyError for an unknown stem)."""
        for reminder in self.reminders:
            if reminder.stem == stem:
                return reminder
        raise KeyError(stem)


@dataclass(frozen=True, slots=True)
class DueReminders:
    """What to do now: post ``reminder`` (if any), record ``skipped``, wake at ``next_due_at``."""

    reminder: Reminder | None
    skipped: tuple[str, ...]
    next_due_at: datetime | None
    previous_deadline: date | None = None


def reminder_key(stem: str, deadline_date: date) -> str:
    """``<stem>@<YYYY-MM-DD>``: stable, and distinct per deadline day."""
    return f"{stem}{KEY_SEPARATOR}{deadline_date.isoformat()}"


def reference_line(guild_id: int, key: str) -> str:
    """The line under a reminder that names it: unique per guild, reminder and deadline."""
    return texts.REFERENCE.format(reference=f"{key}/{guild_id}")


def split_key(key: str) -> tuple[str, date | None]:
    """The stem and deadline day of a stored key (``None`` for keys of another shape)."""
    stem, _, day = key.partition(KEY_SEPARATOR)
    try:
        return stem, date.fromisoformat(day)
    except ValueError:
        return stem, None


def build_schedule(
    deadline: datetime,
    timezone: str = "UTC",
    *,
    set_up_at: datetime | None = None,
    hour: int = REMINDER_HOUR,
) -> ReminderSchedule:
    """Plan every reminder of a deadline at ``hour`` local time (see the module's rules)."""
    if deadline.tzinfo is None:
        raise ValueError("the deadline must be an aware datetime")
    zone = ZoneInfo(timezone)
    day = deadline.astimezone(zone).date()
    reminders = []
    for stem, days in STEPS:
        due = _local(day + timedelta(days=days), hour, zone)
        if stem == "d0":
            due = min(due, deadline - D0_LEAD)
        if stem == "announce" and set_up_at is not None:
            due = max(due, set_up_at)
        expires = deadline if days <= 0 else due + AFTER_DEADLINE_GRACE
        reminders.append(
            Reminder(
                stem=stem,
                key=reminder_key(stem, day),
                days=days,
                due_at=due,
                expires_at=expires,
                deadline=deadline,
            )
        )
    reminders.sort(key=lambda r: (r.due_at, r.days))
    return ReminderSchedule(deadline=deadline, timezone=timezone, reminders=tuple(reminders))


def schedule_for(
    campaign: Campaign, *, set_up_at: datetime | None = None
) -> ReminderSchedule | None:
    """The campaign's schedule, or None while it has no deadline."""
    if campaign.deadline is None:
        return None
    return build_schedule(campaign.deadline, campaign.timezone, set_up_at=set_up_at)


def due_reminders(
    schedule: ReminderSchedule, sent_keys: Collection[str], now: datetime
) -> DueReminders:
    """Pick the one reminder to post now, the missed ones to skip, and the next wake-up."""
    sent = set(sent_keys)
    missed = [r for r in schedule.reminders if r.key not in sent and r.due_at <= now]
    live = [r for r in missed if now < r.expires_at]
    chosen: Reminder | None = live[-1] if live else None
    announce = next((r for r in live if r.stem == "announce"), None)
    if announce is not None and chosen is not None and chosen.days < 0:
        # Members who never saw the announcement need it, not a bare "3 days left".
        chosen = announce
    skipped = tuple(r.key for r in missed if r is not chosen)
    upcoming = [r.due_at for r in schedule.reminders if r.key not in sent and r.due_at > now]
    return DueReminders(
        reminder=chosen,
        skipped=skipped,
        next_due_at=min(upcoming) if upcoming else None,
        previous_deadline=_previous_deadline(sent, schedule.deadline_date),
    )


def _previous_deadline(sent: set[str], current: date) -> date | None:
    """The former deadline day, while nothing was sent yet for the current one."""
    days = {day for _, day in map(split_key, sent) if day is not None}
    if current in days:
        return None  # the change was already told with the first post for this date
    return max(days) if days else None


def _local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone)


# -- messages -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Figures:
    """Live numbers for a reminder: members who linked, and how many of them moved."""

    moved: int
    linked: int

    @property
    def left(self) -> int:
        """Linked members still to move."""
        return max(self.linked - self.moved, 0)


@dataclass(frozen=True, slots=True)
class ReminderMessage:
    """A reminder's title and body lines, in plain words, ready for an embed or a post."""

    title: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """Title in bold, then the lines: the whole message as one Discord post."""
        return "\n".join((f"**{self.title}**", *self.lines))


def channel_message(
    reminder: Reminder,
    campaign: Campaign,
    figures: Figures,
    guide_url: str,
    *,
    previous_deadline: date | None = None,
) -> ReminderMessage:
    """The channel post for a reminder, with live numbers and the guide link."""
    template = texts.CHANNEL[reminder.stem]
    values = _values(reminder, campaign, figures, guide_url, template.guide_topic)
    lines: list[str] = []
    if previous_deadline is not None:
        lines.append(
            _(texts.DEADLINE_MOVED).format(previous=previous_deadline.isoformat(), **values)
        )
    lines.extend(_(line).format(**values) for line in template.lines)
    lines.append(ngettext(texts.FIGURES, figures.linked).format(**values))
    lines.append(_(texts.GUIDE_LINE).format(**values))
    return ReminderMessage(title=_(template.title).format(**values), lines=tuple(lines))


def dm_message(
    reminder: Reminder,
    campaign: Campaign,
    next_step: str,
    guide_url: str,
) -> ReminderMessage:
    """A short personal reminder for a member who opted in, with their own next step."""
    template = texts.CHANNEL[reminder.stem]
    values = _values(reminder, campaign, Figures(0, 0), guide_url, template.guide_topic)
    values["dm_lead"] = _(template.dm_lead).format(**values)
    values["next_step"] = next_step
    return ReminderMessage(
        title=_(texts.DM_TITLE).format(**values),
        lines=tuple(_(line).format(**values) for line in texts.DM_LINES),
    )


def _values(
    reminder: Reminder, campaign: Campaign, figures: Figures, guide_url: str, topic: str
) -> dict[str, str]:
    return {
        "community": escape_markdown(campaign.community_name) or _(texts.SOME_COMMUNITY),
        "old_server": campaign.old_server or _(texts.SOME_OLD_SERVER),
        "new_server": campaign.new_server or _(texts.SOME_NEW_SERVER),
        "deadline": discord_timestamp(reminder.deadline, "F"),
        "deadline_relative": discord_timestamp(reminder.deadline, "R"),
        "moved": f"{figures.moved:,}",
        "linked": f"{figures.linked:,}",
        "left": f"{figures.left:,}",
        "guide": topic_url(guide_url, topic),
        "move_cooldown": move_cooldown_words(),
    }
