"""The database schema as a chain of migrations that upgrade any older file in place.

Each migration runs in its own transaction with the record of it having run (sqlite-utils'
``Migrations``), so a file is always at one whole version. Never edit a migration that has
shipped; add the next one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("companion")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    """Campaigns, members, resolved accounts, check observations, channel reminders."""
    db.executescript(
        """
        CREATE TABLE campaigns (
            guild_id INTEGER PRIMARY KEY,
            community_name TEXT NOT NULL,
            old_server TEXT,
            new_server TEXT,
            deadline TEXT,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            guide_url TEXT NOT NULL,
            announcement_channel_id INTEGER,
            organiser_role_id INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE members (
            guild_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            display_name TEXT NOT NULL,
            old_handle TEXT NOT NULL,
            new_handle TEXT NOT NULL,
            linked_at TEXT NOT NULL,
            verified_at TEXT,
            roster_consent INTEGER,
            dm_reminders INTEGER NOT NULL DEFAULT 0,
            followers_before INTEGER,
            followers_recorded_at TEXT,
            PRIMARY KEY (guild_id, user_id)
        );
        CREATE UNIQUE INDEX members_old_handle ON members (guild_id, old_handle);
        CREATE UNIQUE INDEX members_new_handle ON members (guild_id, new_handle);
        CREATE TABLE accounts (
            guild_id INTEGER NOT NULL,
            handle TEXT NOT NULL,
            api_host TEXT NOT NULL,
            account_id TEXT NOT NULL,
            actor_uri TEXT,
            resolved_at TEXT NOT NULL,
            PRIMARY KEY (guild_id, handle)
        );
        CREATE TABLE observations (
            id INTEGER PRIMARY KEY,
            guild_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            checked_at TEXT NOT NULL,
            status TEXT NOT NULL,
            report TEXT NOT NULL,
            FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id)
                ON DELETE CASCADE
        );
        CREATE INDEX observations_member ON observations (guild_id, user_id, checked_at);
        CREATE TABLE reminders_sent (
            guild_id INTEGER NOT NULL,
            reminder_key TEXT NOT NULL,
            due_at TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            message_id INTEGER,
            PRIMARY KEY (guild_id, reminder_key)
        );
        """
    )


@migrations(name="0002_verification_checklist_status")
def _verification_checklist_status(db: Database) -> None:
    """Ownership codes, the personal checklist, DM state and each member's latest status."""
    db.executescript(
        """
        ALTER TABLE members ADD COLUMN verify_code TEXT;
        ALTER TABLE members ADD COLUMN verify_code_expires_at TEXT;
        ALTER TABLE members ADD COLUMN dm_closed_at TEXT;
        ALTER TABLE members ADD COLUMN last_status TEXT;
        ALTER TABLE members ADD COLUMN last_checked_at TEXT;
        ALTER TABLE members ADD COLUMN last_confirmed_at TEXT;
        ALTER TABLE members ADD COLUMN moved_at TEXT;
        ALTER TABLE members ADD COLUMN move_announced_at TEXT;
        CREATE TABLE checklist (
            guild_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            step TEXT NOT NULL,
            done_at TEXT NOT NULL,
            PRIMARY KEY (guild_id, user_id, step),
            FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id)
                ON DELETE CASCADE
        );
        CREATE TABLE dm_reminders_sent (
            guild_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            reminder_key TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            PRIMARY KEY (guild_id, user_id, reminder_key),
            FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id)
                ON DELETE CASCADE
        );
        """
    )
    # Backfill: members who were already checked keep their latest status.
    db.execute(
        """
        UPDATE members SET
            last_status = (SELECT status FROM observations o
                           WHERE o.guild_id = members.guild_id AND o.user_id = members.user_id
                           ORDER BY checked_at DESC LIMIT 1),
            last_checked_at = (SELECT max(checked_at) FROM observations o
                               WHERE o.guild_id = members.guild_id
                                 AND o.user_id = members.user_id)
        """
    )


@migrations(name="0003_campaign_channels_and_roster_posts")
def _campaign_channels_and_roster_posts(db: Database) -> None:
    """A separate roster channel, the announcement record and the kept-current roster post."""
    db.executescript(
        """
        ALTER TABLE campaigns ADD COLUMN roster_channel_id INTEGER;
        ALTER TABLE campaigns ADD COLUMN announced_at TEXT;
        CREATE TABLE roster_posts (
            guild_id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL,
            message_ids TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """
    )


@migrations(name="0004_roster_order_index")
def _roster_order_index(db: Database) -> None:
    """Read the roster in moving order without sorting it (tens of thousands of members)."""
    db.execute("CREATE INDEX members_roster_order ON members (guild_id, moved_at, user_id)")


@migrations(name="0005_follower_lists")
def _follower_lists(db: Database) -> None:
    """Followers lists members chose to save before moving, and the latest comparison.

    ``handles`` is third-party data: only the member sees it; ``summary`` holds counts
    per server and reason, without handles, for the organisers' picture.
    """
    db.executescript(
        """
        CREATE TABLE follower_lists (
            guild_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            account TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            total INTEGER NOT NULL,
            handles TEXT NOT NULL,
            moved TEXT NOT NULL,
            compared_at TEXT,
            summary TEXT,
            PRIMARY KEY (guild_id, user_id),
            FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id)
                ON DELETE CASCADE
        );
        """
    )


@migrations(name="0006_languages")
def _languages(db: Database) -> None:
    """The campaign's language (its channel posts) and each member's (their DMs).

    A member's language is their Discord client's, seen on their last interaction.
    """
    db.executescript(
        """
        ALTER TABLE campaigns ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
        ALTER TABLE members ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
        """
    )
