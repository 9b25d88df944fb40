"""The member's personal checklist: the guide's steps, ticked by the member or the servers.

Some steps leave traces the servers show (the new account exists, the alias is set, the
old account moved, followers arrived): those are ticked from the latest status. The rest
(exports, archive, imports) only the member knows about, so they tick them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STEPS: tuple[str, ...] = (
    "create_account",
    "export",
    "archive",
    "mend",
    "import",
    "check_import",
    "alias",
    "move",
    "followers",
)

# Where each step is explained in the guide (keys of guide_links.TOPICS).
STEP_TOPICS: dict[str, str] = {
    "create_account": "create-account",
    "export": "export",
    "archive": "archive",
    "mend": "mend-follows",
    "import": "import",
    "check_import": "check-import",
    "alias": "alias",
    "move": "move",
    "followers": "followers",
}

OBSERVABLE_STEPS = frozenset({"create_account", "alias", "move", "followers"})

# The steps each status proves done. A status not listed proves nothing.
_PROVEN_BY_STATUS: dict[str, frozenset[str]] = {
    "alias_missing": frozenset({"create_account"}),
    "alias_unknown": frozenset({"create_account"}),
    "ready_to_move": frozenset({"create_account", "alias"}),
    "moved": frozenset({"create_account", "alias", "move"}),
    "followers_arrived": frozenset({"create_account", "alias", "move", "followers"}),
}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One step as the member sees it."""

    key: str
    done: bool
    by_bot: bool
    done_at: datetime | None = None


def proven_steps(status: str | None) -> frozenset[str]:
    """Steps the servers show as done for a member at this status."""
    return _PROVEN_BY_STATUS.get(status or "", frozenset())


def build_checklist(status: str | None, ticked: dict[str, datetime]) -> list[ChecklistItem]:
    """Merge what the servers prove with what the member ticked, in the guide's order."""
    proven = proven_steps(status)
    return [
        ChecklistItem(
            key=step,
            done=step in proven or step in ticked,
            by_bot=step in OBSERVABLE_STEPS,
            done_at=ticked.get(step),
        )
        for step in STEPS
    ]
