"""How soon something may happen again: asking a member's servers, and moving an account.

Each wait is stated once here; the bot, its texts and the guide's wording follow from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# A member's servers are asked at most once per this, whoever asks: ``/move status``
# shows the stored check while it is younger, and the "Check again" button waits for it.
CHECK_COOLDOWN = timedelta(minutes=1)


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
