"""The SQLite store: one file, every query scoped by guild, every multi-row change atomic.

``Store`` is synchronous and owns one connection. The bot uses ``AsyncStore``, which runs
every call on one dedicated thread: the event loop never waits on disk, and SQLite sees
one connection used from one thread, as sqlite-utils expects.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from sqlite_utils import Database

from companion.core.followers import SavedFollowers
from companion.core.handles import Handle
from companion.core.models import CachedAccount, Campaign, Member, Observation, utcnow
from companion.core.roster import ROSTER_RULE, Requirement, RosterEntry
from companion.store.schema import migrations

P = ParamSpec("P")
T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 15.0
# Checks kept per member: the organisers' history needs the recent ones, not every
# six-hourly recheck of a long campaign (each report is a few kilobytes).
CHECKS_KEPT_PER_MEMBER = 50


def _sql(requirement: Requirement) -> str:
    """One of the core's conditions on a member, on the column of the same name."""
    column = requirement.field  # a Literal of three column names, never user input
    return f"{column} IS NOT NULL" if requirement.must_be == "set" else f"{column} = 1"


# The core's ROSTER_RULE in SQL (built from it, never written out by hand here).
LISTED_SQL = " AND ".join(_sql(requirement) for requirement in ROSTER_RULE)


class StoreError(Exception):
    """A storage problem worth telling the user about in plain words."""


class HandleTakenError(StoreError):
    """Another member of the same guild already linked this handle."""

    def __init__(self, handle: Handle) -> None:
        super().__init__(f"{handle} is already linked by another member")
        self.handle = handle


class NotLinkedError(StoreError):
    """The member has no link yet."""


def _ts(value: datetime | None) -> str | None:
    """Store times as UTC ISO-8601 text, which also sorts correctly."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored: pass an aware time")
    return value.astimezone(utcnow().tzinfo).isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    """A channel reminder that was claimed (and usually posted)."""

    key: str
    due_at: datetime
    sent_at: datetime
    message_id: int | None


@dataclass(frozen=True, slots=True)
class RosterPost:
    """The messages that make up a guild's kept-current roster post."""

    channel_id: int
    message_ids: list[int]
    content_hash: str


def connect(path: Path | str) -> sqlite3.Connection:
    """Open the file with the pragmas every connection needs."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class Store:
    """Synchronous access to everything stored; every method takes the guild first."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = Database(connect(self.path))

    # -- lifecycle --------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations; return the names applied."""
        pending = [m.name for m in migrations.pending(self.db)]
        migrations.apply(self.db)
        return pending

    def pending_migrations(self) -> list[str]:
        """Names of migrations this file still lacks."""
        return [m.name for m in migrations.pending(self.db)]

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed by SQLite)."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All-or-nothing block: a crash or error inside leaves the previous state."""
        with self.db.atomic() as db:
            yield db

    def backup(self, destination: Path | str) -> None:
        """Write a consistent copy through SQLite's online backup API."""
        backup_database(self.path, destination)

    # -- campaigns --------------------------------------------------------------------
    def campaign(self, guild_id: int, defaults: Campaign | None = None) -> Campaign:
        """The guild's campaign: stored values, else the defaults (from settings)."""
        base = defaults or Campaign(guild_id=guild_id)
        rows = list(self.db.query("SELECT * FROM campaigns WHERE guild_id = ?", [guild_id]))
        if not rows:
            return base.with_changes(guild_id=guild_id)
        row = rows[0]
        return Campaign(
            guild_id=guild_id,
            community_name=row["community_name"],
            old_server=row["old_server"],
            new_server=row["new_server"],
            deadline=_dt(row["deadline"]),
            timezone=row["timezone"],
            guide_url=row["guide_url"],
            announcement_channel_id=row["announcement_channel_id"],
            roster_channel_id=row["roster_channel_id"],
            organiser_role_id=row["organiser_role_id"],
            announced_at=_dt(row["announced_at"]),
            language=row["language"],
        )

    def has_stored_campaign(self, guild_id: int) -> bool:
        """Whether organisers saved a campaign for this guild (vs. settings defaults)."""
        return bool(list(self.db.query("SELECT 1 FROM campaigns WHERE guild_id = ?", [guild_id])))

    def save_campaign(self, campaign: Campaign, now: datetime | None = None) -> None:
        """Create or replace the guild's campaign (keeping when it was first created)."""
        now = now or utcnow()
        self.db.execute(
            """INSERT INTO campaigns (guild_id, community_name, old_server, new_server, deadline,
                   timezone, guide_url, announcement_channel_id, roster_channel_id,
                   organiser_role_id, announced_at, language, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (guild_id) DO UPDATE SET
                   community_name = excluded.community_name, old_server = excluded.old_server,
                   new_server = excluded.new_server, deadline = excluded.deadline,
                   timezone = excluded.timezone, guide_url = excluded.guide_url,
                   announcement_channel_id = excluded.announcement_channel_id,
                   roster_channel_id = excluded.roster_channel_id,
                   organiser_role_id = excluded.organiser_role_id,
                   announced_at = excluded.announced_at, language = excluded.language,
                   updated_at = excluded.updated_at""",
            [
                campaign.guild_id,
                campaign.community_name,
                campaign.old_server,
                campaign.new_server,
                _ts(campaign.deadline),
                campaign.timezone,
                campaign.guide_url,
                campaign.announcement_channel_id,
                campaign.roster_channel_id,
                campaign.organiser_role_id,
                _ts(campaign.announced_at),
                campaign.language,
                _ts(now),
                _ts(now),
            ],
        )

    def guild_ids(self) -> list[int]:
        """Guilds with a stored campaign or any linked member (for background tasks)."""
        rows = self.db.query(
            "SELECT guild_id FROM campaigns UNION SELECT DISTINCT guild_id FROM members"
        )
        return sorted(row["guild_id"] for row in rows)

    # -- members ----------------------------------------------------------------------
    def member(self, guild_id: int, user_id: int) -> Member | None:
        """One member's link, or None."""
        rows = list(
            self.db.query(
                "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", [guild_id, user_id]
            )
        )
        return _member(rows[0]) if rows else None

    def members(self, guild_id: int) -> list[Member]:
        """Every linked member of the guild, oldest link first."""
        rows = self.db.query(
            "SELECT * FROM members WHERE guild_id = ? ORDER BY linked_at, user_id", [guild_id]
        )
        return [_member(row) for row in rows]

    def member_count(self, guild_id: int) -> int:
        """How many members linked their accounts."""
        row = next(
            self.db.query("SELECT count(*) AS n FROM members WHERE guild_id = ?", [guild_id])
        )
        return int(row["n"])

    def roster(self, guild_id: int) -> list[RosterEntry]:
        """The public roster read straight from the rows (fast for tens of thousands)."""
        rows = self.db.execute(
            f"""SELECT display_name, old_handle, new_handle, moved_at FROM members
                WHERE guild_id = ? AND {LISTED_SQL} ORDER BY moved_at, user_id""",  # noqa: S608
            [guild_id],
        ).fetchall()
        entries = []
        for name, old, new, moved_at in rows:
            # Stored handles are canonical already: split rather than parse again.
            entries.append(
                RosterEntry(
                    discord_name=name,
                    old_handle=Handle(*old.split("@", 1)),
                    new_handle=Handle(*new.split("@", 1)),
                    moved_at=datetime.fromisoformat(moved_at),
                    verified=True,
                )
            )
        # One row per new account: the unique index (guild_id, new_handle) guarantees it.
        return entries

    def member_state(
        self, guild_id: int, user_id: int
    ) -> tuple[Member, dict[str, Any] | None, dict[str, datetime]] | None:
        """A member, their latest report and their ticked steps, in one trip to the store."""
        member = self.member(guild_id, user_id)
        if member is None:
            return None
        latest = self.observations(guild_id, user_id, 1)
        return member, (latest[0].report if latest else None), self.checklist(guild_id, user_id)

    def member_by_handle(self, guild_id: int, handle: Handle) -> Member | None:
        """The member who linked this handle (as old or new), if any."""
        rows = list(
            self.db.query(
                "SELECT * FROM members WHERE guild_id = ? AND (old_handle = ? OR new_handle = ?)",
                [guild_id, str(handle), str(handle)],
            )
        )
        return _member(rows[0]) if rows else None

    def link_member(
        self,
        guild_id: int,
        user_id: int,
        display_name: str,
        old: Handle,
        new: Handle,
        *,
        followers_before: int | None = None,
        now: datetime | None = None,
        language: str | None = None,
    ) -> Member:
        """Store (or change) a member's link; refuse handles another member linked."""
        now = now or utcnow()
        with self.transaction():
            for handle in (old, new):
                owner = self.member_by_handle(guild_id, handle)
                if owner is not None and owner.user_id != user_id:
                    raise HandleTakenError(handle)
            previous = self.member(guild_id, user_id)
            same_pair = (
                previous is not None and previous.old_handle == old and previous.new_handle == new
            )
            if previous is not None and not same_pair:
                # A different pair is a different move: its history no longer applies.
                self._delete_member_rows(guild_id, user_id, previous)
            row: dict[str, Any] = {
                "guild_id": guild_id,
                "user_id": user_id,
                "display_name": display_name,
                "old_handle": str(old),
                "new_handle": str(new),
                "linked_at": _ts(previous.linked_at if previous and same_pair else now),
            }
            if language is not None:
                row["language"] = language
            if followers_before is not None:
                row["followers_before"] = followers_before
                row["followers_recorded_at"] = _ts(now)
            if previous is None:
                self.db.table("members").insert(row)
            else:
                self.db.table("members").update((guild_id, user_id), row)
        member = self.member(guild_id, user_id)
        assert member is not None
        return member

    def remember_language(self, guild_id: int, user_id: int, language: str) -> None:
        """Keep the language a member's Discord app uses (no-op without a link)."""
        self.db.execute(
            "UPDATE members SET language = ? WHERE guild_id = ? AND user_id = ? AND language != ?",
            [language, guild_id, user_id, language],
        )

    def update_member(self, guild_id: int, user_id: int, **fields: Any) -> Member:
        """Change some of a member's fields (times as aware datetimes, booleans as bool)."""
        if not fields:
            raise ValueError("nothing to update")
        allowed = {
            "display_name",
            "verified_at",
            "roster_consent",
            "dm_reminders",
            "dm_closed_at",
            "followers_before",
            "followers_recorded_at",
            "verify_code",
            "verify_code_expires_at",
            "move_announced_at",
            "language",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        values = {key: _to_column(value) for key, value in fields.items()}
        with self.transaction():
            if self.member(guild_id, user_id) is None:
                raise NotLinkedError(f"user {user_id} has no link in guild {guild_id}")
            self.db.table("members").update((guild_id, user_id), values)
        member = self.member(guild_id, user_id)
        assert member is not None
        return member

    def mark_move_announced(self, guild_id: int, user_ids: Iterable[int], now: datetime) -> None:
        """Remember that these members' moves were announced in the channel."""
        with self.transaction():
            for user_id in user_ids:
                self.db.execute(
                    "UPDATE members SET move_announced_at = ? WHERE guild_id = ? AND user_id = ?",
                    [_ts(now), guild_id, user_id],
                )

    def forget_member(self, guild_id: int, user_id: int) -> bool:
        """Delete everything stored about one member at once; False if nothing was stored."""
        with self.transaction():
            member = self.member(guild_id, user_id)
            if member is None:
                return False
            self._delete_member_rows(guild_id, user_id, member)
            self.db.execute(
                "DELETE FROM members WHERE guild_id = ? AND user_id = ?", [guild_id, user_id]
            )
        return True

    def _delete_member_rows(self, guild_id: int, user_id: int, member: Member) -> None:
        for table in ("observations", "checklist", "dm_reminders_sent", "follower_lists"):
            self.db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                [guild_id, user_id],
            )
        self.db.execute(
            "DELETE FROM accounts WHERE guild_id = ? AND handle IN (?, ?)",
            [guild_id, str(member.old_handle), str(member.new_handle)],
        )
        self.db.execute(
            """UPDATE members SET verified_at = NULL, verify_code = NULL,
               verify_code_expires_at = NULL, last_status = NULL, last_checked_at = NULL,
               last_confirmed_at = NULL, moved_at = NULL, move_announced_at = NULL,
               followers_before = NULL, followers_recorded_at = NULL
               WHERE guild_id = ? AND user_id = ?""",
            [guild_id, user_id],
        )

    def forget_guild(self, guild_id: int) -> int:
        """Delete everything stored for one community (a closed campaign); members removed."""
        with self.transaction():
            count = self.member_count(guild_id)
            for table in (
                "observations",
                "checklist",
                "dm_reminders_sent",
                "follower_lists",
                "accounts",
                "reminders_sent",
                "roster_posts",
                "members",
                "campaigns",
            ):
                self.db.execute(
                    f"DELETE FROM {table} WHERE guild_id = ?",  # noqa: S608 - fixed names
                    [guild_id],
                )
        return count

    def personal_data(self, guild_id: int, user_id: int) -> dict[str, Any] | None:
        """Everything stored about one member, as plain data (for /move privacy)."""
        rows = list(
            self.db.query(
                "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", [guild_id, user_id]
            )
        )
        if not rows:
            return None
        member_row = dict(rows[0])
        member_row.pop("verify_code", None)
        observations = list(
            self.db.query(
                """SELECT checked_at, status FROM observations
                   WHERE guild_id = ? AND user_id = ? ORDER BY checked_at""",
                [guild_id, user_id],
            )
        )
        return {
            "member": member_row,
            "checks": observations,
            "checklist": self.checklist(guild_id, user_id),
            "direct_messages": list(
                self.db.query(
                    """SELECT reminder_key, sent_at, outcome FROM dm_reminders_sent
                       WHERE guild_id = ? AND user_id = ?""",
                    [guild_id, user_id],
                )
            ),
            "followers_list": self.follower_list_info(guild_id, user_id),
        }

    # -- followers lists (third-party handles: the member's own eyes only) -------------
    def save_follower_list(
        self, guild_id: int, user_id: int, account: Handle, saved: SavedFollowers
    ) -> None:
        """Keep the member's saved followers list (replacing an older one)."""
        with self.transaction():
            self.db.execute(
                """INSERT OR REPLACE INTO follower_lists
               (guild_id, user_id, account, saved_at, total, handles, moved)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    guild_id,
                    user_id,
                    str(account),
                    _ts(saved.saved_at),
                    saved.count,
                    json.dumps(list(saved.handles)),
                    json.dumps(sorted(saved.moved)),
                ],
            )

    def follower_list(self, guild_id: int, user_id: int) -> tuple[str, SavedFollowers] | None:
        """The saved list and the account it was read from, or None."""
        rows = list(
            self.db.query(
                "SELECT * FROM follower_lists WHERE guild_id = ? AND user_id = ?",
                [guild_id, user_id],
            )
        )
        if not rows:
            return None
        row = rows[0]
        saved = SavedFollowers(
            handles=tuple(json.loads(row["handles"])),
            saved_at=datetime.fromisoformat(row["saved_at"]),
            moved=frozenset(json.loads(row["moved"])),
        )
        return row["account"], saved

    def follower_list_info(self, guild_id: int, user_id: int) -> dict[str, Any] | None:
        """Size and date of the saved list, without the handles (for /move privacy)."""
        rows = list(
            self.db.query(
                """SELECT account, total, saved_at, compared_at FROM follower_lists
                   WHERE guild_id = ? AND user_id = ?""",
                [guild_id, user_id],
            )
        )
        return dict(rows[0]) if rows else None

    def save_follower_summary(
        self, guild_id: int, user_id: int, summary: dict[str, Any], compared_at: datetime
    ) -> None:
        """Keep the latest comparison's counts per server (no handles)."""
        with self.transaction():
            self.db.execute(
                """UPDATE follower_lists SET summary = ?, compared_at = ?
               WHERE guild_id = ? AND user_id = ?""",
                [json.dumps(summary), _ts(compared_at), guild_id, user_id],
            )

    def follower_summaries(self, guild_id: int) -> list[dict[str, Any]]:
        """Every saved list's latest summary in the guild (saved count only when not compared)."""
        found = []
        for row in self.db.query(
            "SELECT total, summary FROM follower_lists WHERE guild_id = ? ORDER BY user_id",
            [guild_id],
        ):
            summary = json.loads(row["summary"]) if row["summary"] else {"saved": row["total"]}
            found.append(summary)
        return found

    # -- checks -----------------------------------------------------------------------
    def record_checks(self, guild_id: int, checks: Iterable[CheckRecord]) -> None:
        """Store a batch of check results in one transaction, updating each member."""
        with self.transaction():
            for check in checks:
                self._record_check(guild_id, check)

    def _record_check(self, guild_id: int, check: CheckRecord) -> None:
        exists = self.member(guild_id, check.user_id)
        if exists is None:
            return  # the member forgot themselves while the check ran: store nothing
        self.db.table("observations").insert(
            {
                "guild_id": guild_id,
                "user_id": check.user_id,
                "checked_at": _ts(check.checked_at),
                "status": check.status,
                "report": json.dumps(check.report, sort_keys=True, default=str),
            }
        )
        self.db.execute(
            """DELETE FROM observations WHERE guild_id = ? AND user_id = ? AND id NOT IN
               (SELECT id FROM observations WHERE guild_id = ? AND user_id = ?
                ORDER BY id DESC LIMIT ?)""",
            [guild_id, check.user_id, guild_id, check.user_id, CHECKS_KEPT_PER_MEMBER],
        )
        values: dict[str, Any] = {
            "last_status": check.status,
            "last_checked_at": _ts(check.checked_at),
        }
        if check.confirmed:
            values["last_confirmed_at"] = _ts(check.checked_at)
        if check.followers_before is not None:
            values["followers_before"] = check.followers_before
            values["followers_recorded_at"] = _ts(check.checked_at)
        if check.moved and exists.moved_at is None:
            values["moved_at"] = _ts(check.moved_at or check.checked_at)
        elif check.moved is False and exists.moved_at is not None:
            values["moved_at"] = None  # the redirect was cancelled on the old server
        self.db.table("members").update((guild_id, check.user_id), values)

    def observations(self, guild_id: int, user_id: int, limit: int = 20) -> list[Observation]:
        """A member's latest checks, newest first."""
        rows = self.db.query(
            """SELECT * FROM observations WHERE guild_id = ? AND user_id = ?
               ORDER BY checked_at DESC, id DESC LIMIT ?""",
            [guild_id, user_id, limit],
        )
        return [
            Observation(
                guild_id=row["guild_id"],
                user_id=row["user_id"],
                checked_at=_dt(row["checked_at"]),  # type: ignore[arg-type]
                status=row["status"],
                report=json.loads(row["report"]),
            )
            for row in rows
        ]

    def latest_reports(self, guild_id: int) -> dict[int, dict[str, Any]]:
        """Each member's latest check report, by user id (one query for the whole guild)."""
        rows = self.db.query(
            """SELECT o.user_id, o.report FROM observations o
               JOIN (SELECT user_id, max(id) AS id FROM observations WHERE guild_id = ?
                     GROUP BY user_id) latest ON latest.id = o.id""",
            [guild_id],
        )
        return {row["user_id"]: json.loads(row["report"]) for row in rows}

    def oldest_check(self, guild_id: int) -> datetime | None:
        """When the least recently checked member was checked (None if one never was)."""
        row = next(
            self.db.query(
                """SELECT count(*) AS n, count(last_checked_at) AS checked,
                   min(last_checked_at) AS oldest FROM members WHERE guild_id = ?""",
                [guild_id],
            )
        )
        if row["n"] == 0 or row["checked"] < row["n"]:
            return None
        return _dt(row["oldest"])

    def status_counts(self, guild_id: int) -> dict[str, int]:
        """How many members are at each status (unchecked members count as 'unchecked')."""
        rows = self.db.query(
            """SELECT coalesce(last_status, 'unchecked') AS status, count(*) AS n
               FROM members WHERE guild_id = ? GROUP BY 1""",
            [guild_id],
        )
        return {row["status"]: row["n"] for row in rows}

    # -- resolved accounts ------------------------------------------------------------
    def cached_accounts(self, guild_id: int) -> dict[str, CachedAccount]:
        """Every handle of the guild already resolved to an account id, by handle."""
        rows = self.db.query("SELECT * FROM accounts WHERE guild_id = ?", [guild_id])
        cached = {}
        for row in rows:
            handle = Handle.try_parse(row["handle"])
            if handle is None:
                continue
            cached[row["handle"]] = CachedAccount(
                handle=handle,
                api_host=row["api_host"],
                account_id=row["account_id"],
                actor_uri=row["actor_uri"],
                resolved_at=_dt(row["resolved_at"]),  # type: ignore[arg-type]
            )
        return cached

    def save_accounts(self, guild_id: int, accounts: Iterable[CachedAccount]) -> None:
        """Remember resolved accounts so rechecks can batch by id."""
        rows = [
            {
                "guild_id": guild_id,
                "handle": str(account.handle),
                "api_host": account.api_host,
                "account_id": account.account_id,
                "actor_uri": account.actor_uri,
                "resolved_at": _ts(account.resolved_at),
            }
            for account in accounts
        ]
        if rows:
            with self.transaction():
                self.db.table("accounts").upsert_all(rows, pk=("guild_id", "handle"))

    # -- checklist --------------------------------------------------------------------
    def checklist(self, guild_id: int, user_id: int) -> dict[str, datetime]:
        """Steps the member ticked, with when."""
        rows = self.db.query(
            "SELECT step, done_at FROM checklist WHERE guild_id = ? AND user_id = ?",
            [guild_id, user_id],
        )
        return {row["step"]: _dt(row["done_at"]) for row in rows}  # type: ignore[misc]

    def set_checklist_step(
        self, guild_id: int, user_id: int, step: str, done: bool, now: datetime | None = None
    ) -> None:
        """Tick or untick one step of a member's checklist."""
        with self.transaction():
            if self.member(guild_id, user_id) is None:
                raise NotLinkedError(f"user {user_id} has no link in guild {guild_id}")
            if done:
                self.db.table("checklist").upsert(
                    {
                        "guild_id": guild_id,
                        "user_id": user_id,
                        "step": step,
                        "done_at": _ts(now or utcnow()),
                    },
                    pk=("guild_id", "user_id", "step"),
                )
            else:
                self.db.execute(
                    "DELETE FROM checklist WHERE guild_id = ? AND user_id = ? AND step = ?",
                    [guild_id, user_id, step],
                )

    # -- reminders --------------------------------------------------------------------
    def reminders_sent(self, guild_id: int) -> dict[str, ReminderRecord]:
        """Channel reminders already claimed for this guild, by key."""
        rows = self.db.query("SELECT * FROM reminders_sent WHERE guild_id = ?", [guild_id])
        return {
            row["reminder_key"]: ReminderRecord(
                key=row["reminder_key"],
                due_at=_dt(row["due_at"]),  # type: ignore[arg-type]
                sent_at=_dt(row["sent_at"]),  # type: ignore[arg-type]
                message_id=row["message_id"],
            )
            for row in rows
        }

    def claim_reminder(self, guild_id: int, key: str, due_at: datetime, now: datetime) -> bool:
        """Reserve a reminder before posting it: True once, False ever after (restart-safe)."""
        with self.transaction():
            cursor = self.db.execute(
                """INSERT OR IGNORE INTO reminders_sent (guild_id, reminder_key, due_at, sent_at)
                   VALUES (?, ?, ?, ?)""",
                [guild_id, key, _ts(due_at), _ts(now)],
            )
            return cursor.rowcount == 1

    def release_reminder(self, guild_id: int, key: str) -> None:
        """Undo a claim whose post failed, so the reminder is tried again."""
        self.db.execute(
            "DELETE FROM reminders_sent WHERE guild_id = ? AND reminder_key = ?", [guild_id, key]
        )

    def set_reminder_message(self, guild_id: int, key: str, message_id: int) -> None:
        """Attach the posted message to a claimed reminder."""
        self.db.execute(
            "UPDATE reminders_sent SET message_id = ? WHERE guild_id = ? AND reminder_key = ?",
            [message_id, guild_id, key],
        )

    def claim_dm_reminder(self, guild_id: int, user_id: int, key: str, now: datetime) -> bool:
        """Reserve one direct-message reminder for one member: True once, then False."""
        with self.transaction():
            cursor = self.db.execute(
                """INSERT OR IGNORE INTO dm_reminders_sent
                   (guild_id, user_id, reminder_key, sent_at, outcome)
                   SELECT ?, ?, ?, ?, 'pending'
                   WHERE EXISTS (SELECT 1 FROM members WHERE guild_id = ? AND user_id = ?)""",
                [guild_id, user_id, key, _ts(now), guild_id, user_id],
            )
            return cursor.rowcount == 1

    def set_dm_reminder_outcome(self, guild_id: int, user_id: int, key: str, outcome: str) -> None:
        """Record how a direct message went: sent, dm_closed or failed."""
        self.db.execute(
            """UPDATE dm_reminders_sent SET outcome = ?
               WHERE guild_id = ? AND user_id = ? AND reminder_key = ?""",
            [outcome, guild_id, user_id, key],
        )

    def pending_dm_reminders(self, guild_id: int) -> list[tuple[Member, str]]:
        """Direct messages claimed but never recorded as sent (a crash in between)."""
        rows = self.db.query(
            """SELECT m.*, d.reminder_key AS claimed_key FROM dm_reminders_sent d
               JOIN members m ON m.guild_id = d.guild_id AND m.user_id = d.user_id
               WHERE d.guild_id = ? AND d.outcome = 'pending' ORDER BY d.user_id""",
            [guild_id],
        )
        return [(_member(row), row["claimed_key"]) for row in rows]

    def dm_reminder_count(self, guild_id: int, outcome: str | None = None) -> int:
        """How many direct-message reminders were sent (optionally with one outcome)."""
        sql = "SELECT count(*) AS n FROM dm_reminders_sent WHERE guild_id = ?"
        params: list[Any] = [guild_id]
        if outcome is not None:
            sql += " AND outcome = ?"
            params.append(outcome)
        return int(next(self.db.query(sql, params))["n"])

    # -- roster post ------------------------------------------------------------------
    def roster_post(self, guild_id: int) -> RosterPost | None:
        """The messages currently showing the guild's roster, if posted."""
        rows = list(self.db.query("SELECT * FROM roster_posts WHERE guild_id = ?", [guild_id]))
        if not rows:
            return None
        row = rows[0]
        return RosterPost(
            channel_id=row["channel_id"],
            message_ids=[int(i) for i in json.loads(row["message_ids"])],
            content_hash=row["content_hash"],
        )

    def save_roster_post(
        self, guild_id: int, post: RosterPost, now: datetime | None = None
    ) -> None:
        """Remember which messages show the roster, to edit rather than re-post."""
        with self.transaction():
            self.db.table("roster_posts").upsert(
                {
                    "guild_id": guild_id,
                    "channel_id": post.channel_id,
                    "message_ids": json.dumps([str(i) for i in post.message_ids]),
                    "content_hash": post.content_hash,
                    "updated_at": _ts(now or utcnow()),
                },
                pk="guild_id",
            )

    # -- organisers' background work (appended) ----------------------------------------
    def dm_reminder_pending(
        self, guild_id: int, key: str, *, include_moved: bool, limit: int
    ) -> list[Member]:
        """Opted-in members with open DMs who have not had this reminder (one query)."""
        moved_rule = "" if include_moved else "AND m.moved_at IS NULL"
        rows = self.db.query(
            f"""SELECT m.* FROM members m
                WHERE m.guild_id = ? AND m.dm_reminders = 1 AND m.dm_closed_at IS NULL
                {moved_rule}
                AND NOT EXISTS (SELECT 1 FROM dm_reminders_sent d WHERE d.guild_id = m.guild_id
                                AND d.user_id = m.user_id AND d.reminder_key = ?)
                ORDER BY m.user_id LIMIT ?""",  # noqa: S608 (a fixed fragment, no input)
            [guild_id, key, limit],
        )
        return [_member(row) for row in rows]

    def dm_reminder_outcomes(self, guild_id: int, key: str) -> dict[int, str]:
        """How each direct message of one reminder went, by user id."""
        rows = self.db.query(
            """SELECT user_id, outcome FROM dm_reminders_sent
               WHERE guild_id = ? AND reminder_key = ?""",
            [guild_id, key],
        )
        return {row["user_id"]: row["outcome"] for row in rows}

    def moves_to_announce(self, guild_id: int, limit: int) -> list[Member]:
        """Listed members whose move was not announced yet, earliest move first."""
        rows = self.db.query(
            f"""SELECT * FROM members WHERE guild_id = ? AND {LISTED_SQL}
                AND move_announced_at IS NULL ORDER BY moved_at, user_id LIMIT ?""",  # noqa: S608
            [guild_id, limit],
        )
        return [_member(row) for row in rows]


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """What one check found, ready to store."""

    user_id: int
    checked_at: datetime
    status: str
    report: dict[str, Any]
    confirmed: bool = True
    moved: bool | None = None
    moved_at: datetime | None = None
    followers_before: int | None = None


def _to_column(value: Any) -> Any:
    if isinstance(value, datetime):
        return _ts(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _member(row: dict[str, Any]) -> Member:
    return Member(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        old_handle=Handle(*row["old_handle"].split("@", 1)),
        new_handle=Handle(*row["new_handle"].split("@", 1)),
        linked_at=_dt(row["linked_at"]),  # type: ignore[arg-type]
        verified_at=_dt(row["verified_at"]),
        roster_consent=_bool(row["roster_consent"]),
        dm_reminders=bool(row["dm_reminders"]),
        dm_closed_at=_dt(row.get("dm_closed_at")),
        followers_before=row["followers_before"],
        followers_recorded_at=_dt(row["followers_recorded_at"]),
        verify_code=row.get("verify_code"),
        verify_code_expires_at=_dt(row.get("verify_code_expires_at")),
        last_status=row.get("last_status"),
        last_checked_at=_dt(row.get("last_checked_at")),
        last_confirmed_at=_dt(row.get("last_confirmed_at")),
        moved_at=_dt(row.get("moved_at")),
        move_announced_at=_dt(row.get("move_announced_at")),
        language=row.get("language") or "en",
    )


def sqlite_uri(path: Path | str, **params: str) -> str:
    """A ``file:`` URI naming exactly ``path``: ``?``, ``#`` and ``%`` are escaped, not parsed."""
    uri = Path(path).resolve().as_uri()
    return f"{uri}?{urlencode(params)}" if params else uri


def backup_database(source: Path | str, destination: Path | str) -> None:
    """Copy a live database as it was when the copy began, while other processes keep writing.

    The whole file is copied in one step of SQLite's backup API. A stepwise backup restarts
    whenever another connection commits, so under steady writes it never finished; one step
    reads inside a single read transaction, which in WAL mode never blocks the writers and
    holds exactly the rows committed before it began. (VACUUM INTO would give the same
    snapshot but rebuilds every table and index, which is slower for the same guarantee.)
    The copy is written under a temporary name and renamed only when complete, and a failed
    copy removes what it wrote.
    """
    source, destination = Path(source), Path(destination)
    if destination.exists():
        raise StoreError(f"{destination} already exists; choose a new file name")
    if not source.is_file():
        raise StoreError(f"there is no database at {source}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
    )
    os.close(handle)
    partial = Path(name)
    try:
        src = sqlite3.connect(sqlite_uri(source, mode="ro"), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            dest = sqlite3.connect(sqlite_uri(partial), uri=True)
            try:
                src.backup(dest, pages=-1)  # every page in one step: see the docstring
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            src.close()
        partial.replace(destination)  # never a half-written backup under the final name
    except sqlite3.Error as exc:
        _remove_database_files(partial)
        raise StoreError(
            f"SQLite could not copy {source} ({exc}); nothing was written. Check that it is "
            "the bot's database file and that the disk has room, then try again"
        ) from exc
    except BaseException:
        _remove_database_files(partial)
        raise


def _remove_database_files(path: Path) -> None:
    """Delete a database file and the journal files SQLite may have left beside it."""
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


class AsyncStore:
    """Run ``Store`` methods on one dedicated thread, awaitable from the event loop."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._store: Store | None = None

    async def open(self, *, migrate: bool = True) -> AsyncStore:
        """Open the file on the store thread and bring its schema up to date."""

        def _open() -> Store:
            store = Store(self.path)
            if migrate:
                store.migrate()
            return store

        self._store = await self._submit(_open)
        return self

    async def close(self) -> None:
        """Close the connection and stop the thread."""
        if self._store is not None:
            store, self._store = self._store, None
            await self._submit(store.close)
        self._executor.shutdown(wait=True)

    async def __aenter__(self) -> AsyncStore:
        """Open the store (migrated) for an ``async with`` block."""
        return await self.open()

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the store at the end of the block."""
        await self.close()

    async def call(
        self, method: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Call ``Store.method(store, *args, **kwargs)`` on the store thread."""
        store = self._store
        if store is None:
            raise StoreError("the store is not open")
        return await self._submit(lambda: method(store, *args, **kwargs))

    async def _submit(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn)
