"""How soon something may happen again: asking a member's servers, and moving an account.

Each wait is stated once here; the bot, its texts and the guide's wording follow from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.units import format_unit

from companion.core import texts_statuses as texts
from companion.i18n import DEFAULT_LANGUAGE, _, current_language

# A member's servers are asked at most once per this, whoever asks: ``/move status``
# shows the stored check while it is younger, and the "Check again" button waits for it.
CHECK_COOLDOWN = timedelta(minutes=1)


# After a move, the account that moved cannot move again for this long: Mastodon's
# AccountMigration::COOLDOWN_PERIOD; GoToSocial applies 7 days, on both accounts
# (mastodon-facts.md §2, §7, §9). Other software: no promise is made.
MOVE_COOLDOWN = timedelta(days=30)
MOVE_COOLDOWN_BY_SOFTWARE = {
    "mastodon": MOVE_COOLDOWN,
    "hometown": MOVE_COOLDOWN,  # a Mastodon fork with Mastodon's migration code
    "gotosocial": timedelta(days=7),
}
SOFTWARE_NAMES = {"mastodon": "Mastodon", "hometown": "Hometown", "gotosocial": "GoToSocial"}


def move_cooldown(software: str | None) -> timedelta:
    """How long after a move the moved account must wait (Mastodon's when unknown)."""
    return MOVE_COOLDOWN_BY_SOFTWARE.get((software or "").lower(), MOVE_COOLDOWN)


def may_move_again_at(software: str | None, moved_at: datetime | None) -> datetime | None:
    """When the old account may move again, or None when unknown (no move, other software)."""
    cooldown = MOVE_COOLDOWN_BY_SOFTWARE.get((software or "").lower())
    if cooldown is None or moved_at is None:
        return None
    return moved_at + cooldown


def describe_move_cooldowns() -> str:
    """Every software's move cooldown in words, for texts that cannot know the server."""
    on = _(texts.PERIOD_ON_SOFTWARE)
    others = ", ".join(
        on.format(period=describe(period), software=SOFTWARE_NAMES.get(name, name))
        for name, period in MOVE_COOLDOWN_BY_SOFTWARE.items()
        if period != MOVE_COOLDOWN
    )
    return _(texts.MOVE_COOLDOWNS).format(
        mastodon=on.format(period=describe(MOVE_COOLDOWN), software="Mastodon"), others=others
    )


def check_wait(last_checked: datetime | None, now: datetime) -> timedelta:
    """How long until the servers may be asked again (zero: ask them now)."""
    if last_checked is None:
        return timedelta(0)
    return max(timedelta(0), last_checked + CHECK_COOLDOWN - now)


def describe(period: timedelta) -> str:
    """A period in words as the texts and the guide print it: "a minute", "30 days".

    In the reader's language: English keeps its "a minute"; other languages get Babel's
    unit words ("1 Minute", "30 Tage", "30 jours").
    """
    seconds = int(period.total_seconds())
    language = current_language()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            if language != DEFAULT_LANGUAGE:
                return format_unit(count, f"duration-{unit}", length="long", locale=language)
            return f"a {unit}" if count == 1 else f"{count} {unit}s"
    if language != DEFAULT_LANGUAGE:
        return format_unit(seconds, "duration-second", length="long", locale=language)
    return f"{seconds} seconds"
