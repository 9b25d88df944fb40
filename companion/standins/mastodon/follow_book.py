"""Who a stand-in's local accounts follow, paged as Mastodon pages ``/following``.

Kept apart from the follow rules (``follows.py``) so the server state can hold a book
without importing the rules that read the state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

# Mastodon's paging of followers and following lists: 40 by default, at most 80.
DEFAULT_PAGE = 40
MAX_PAGE = 80


@dataclass(frozen=True, slots=True)
class Follow:
    """One follow: its id (paging key) and the followed account as ``user@domain``."""

    id: int
    target: str


class FollowBook:
    """The follows of one server's local accounts (by account id)."""

    def __init__(self) -> None:
        """Start with nobody following anyone."""
        self._rows: dict[str, list[Follow]] = {}
        self._next = 1_000
        self._lock = threading.Lock()

    def add(self, follower_id: str, target: str) -> bool:
        """Record a follow; False when it already existed."""
        with self._lock:
            rows = self._rows.setdefault(follower_id, [])
            if any(row.target == target for row in rows):
                return False
            self._next += 1
            rows.append(Follow(self._next, target))
            return True

    def targets(self, follower_id: str) -> list[str]:
        """Everyone the account follows, oldest follow first."""
        with self._lock:
            return [row.target for row in self._rows.get(follower_id, [])]

    def page(self, follower_id: str, max_id: int | None, limit: int) -> list[Follow]:
        """One page, newest follow first, older than ``max_id`` when given."""
        with self._lock:
            rows = sorted(self._rows.get(follower_id, []), key=lambda row: -row.id)
        if max_id is not None:
            rows = [row for row in rows if row.id < max_id]
        return rows[:limit]

    def redirect(self, old: str, new: str) -> int:
        """Point every follow of ``old`` at ``new`` (kept once); return how many moved."""
        moved = 0
        with self._lock:
            for follower_id, rows in self._rows.items():
                if not any(row.target == old for row in rows):
                    continue
                already = any(row.target == new for row in rows)
                kept = [row for row in rows if row.target != old]
                if not already:
                    self._next += 1
                    kept.append(Follow(self._next, new))
                self._rows[follower_id] = kept
                moved += 1
        return moved
