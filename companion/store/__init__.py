"""Persistence: one SQLite file (sqlite-utils), scoped by guild, migrated in place."""

from companion.store.store import (
    AsyncStore,
    CheckRecord,
    HandleTakenError,
    NotLinkedError,
    ReminderRecord,
    RosterPost,
    Store,
    StoreError,
    backup_database,
)

__all__ = [
    "AsyncStore",
    "CheckRecord",
    "HandleTakenError",
    "NotLinkedError",
    "ReminderRecord",
    "RosterPost",
    "Store",
    "StoreError",
    "backup_database",
]
