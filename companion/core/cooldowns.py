"""How soon something may happen again: asking a member's servers, and moving an account.

Each wait is stated once here; the bot, its texts and the guide's wording follow from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# A member's servers are asked at most once per this, whoever asks: ``/move status``
# shows the stored check while it is younger, and the "Check again" button waits for it.
CHECK_COOLDOWN = timedelta(minutes=1)


# After a move, the account that moved cannot move again for this long: Mastodon's
# AccountMigration::COOLDOWN_PERIOD; GoToSocial applies 7 days (mastodon-facts.md §2, §7).
MOVE_COOLDOWN = timedelta(days=30)
MOVE_COOLDOWN_BY_SOFTWARE = {"gotosocial": timedelta(days=7)}
_SOFTWARE_NAMES = {"gotosocial": "GoToSocial"}


def move_cooldown(software: str | None) -> timedelta:
    """How long after a move the moved account must wait, by its server's software."""
    return MOVE_COOLDOWN_BY_SOFTWARE.get((software or "").lower(), MOVE_COOLDOWN)


def describe_move_cooldowns() -> str:
    """Every software's move cooldown in words, for texts that cannot know the server."""
    others = ", ".join(
        f"{describe(period)} on {_SOFTWARE_NAMES.get(name, name)}"
        for name, period in MOVE_COOLDOWN_BY_SOFTWARE.items()
    )
    return f"{describe(MOVE_COOLDOWN)} on Mastodon ({others})"


def check_wait(last_checked: datetime | None, now: datetime) -> timedelta:
    """How long until the servers may be asked again (zero: ask them now)."""
    if last_checked is None:
        return timedelta(0)
    return max(timedelta(0), last_checked + CHECK_COOLDOWN - now)


def describe(period: timedelta) -> str:
    """A period in words as the texts and the guide print it: "a minute", "30 days"."""
    seconds = int(period.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"a {unit}" if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"
