"""How long an account must wait after a move before it may move again, by software.

Mastodon: 30 days (``AccountMigration::COOLDOWN_PERIOD``); GoToSocial: 7 days, on both
accounts (mastodon-facts.md §1, §9). Unknown software: no promise is made.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MOVE_COOLDOWN: dict[str, timedelta] = {
    "mastodon": timedelta(days=30),
    "hometown": timedelta(days=30),
    "gotosocial": timedelta(days=7),
}

SOFTWARE_NAMES = {"mastodon": "Mastodon", "hometown": "Hometown", "gotosocial": "GoToSocial"}


def may_move_again_at(software: str | None, moved_at: datetime | None) -> datetime | None:
    """When the old account may move again, or None when unknown (no move, other software)."""
    cooldown = MOVE_COOLDOWN.get((software or "").lower())
    if cooldown is None or moved_at is None:
        return None
    return moved_at + cooldown
