"""The move statuses: how far one member's move has got, named once for every layer.

The words for each status live in :mod:`companion.core.texts_statuses` (read here in the
reader's language); the rules that
pick a status from what the servers said live in :mod:`companion.core.move_rules`.
"""

from __future__ import annotations

from enum import StrEnum

from companion.core.guide_links import STATUS_ANCHORS
from companion.core.texts_statuses import STATUS_TEXTS, StatusText
from companion.i18n import _


class MoveStatus(StrEnum):
    """How far one member's move has got; values are the guide's anchor keys."""

    NOT_LINKED = "not_linked"
    NEW_ACCOUNT_MISSING = "new_account_missing"
    WRONG_SERVER = "wrong_server"
    ALIAS_MISSING = "alias_missing"
    ALIAS_UNKNOWN = "alias_unknown"
    READY_TO_MOVE = "ready_to_move"
    MOVED = "moved"
    MOVED_ELSEWHERE = "moved_elsewhere"
    FOLLOWERS_ARRIVED = "followers_arrived"
    OLD_ACCOUNT_GONE = "old_account_gone"
    SERVER_UNREACHABLE = "server_unreachable"
    UNSUPPORTED_SERVER = "unsupported_server"

    @property
    def label(self) -> str:
        """Short member-facing name, e.g. for a roster column."""
        return _(self._text.label)

    @property
    def explanation(self) -> str:
        """One emoji-free sentence saying what the status means (may hold placeholders)."""
        return _(self._text.explanation)

    @property
    def next_step(self) -> str:
        """What the member should do next, in plain words (may hold placeholders)."""
        return _(self._text.next_step)

    @property
    def _text(self) -> StatusText:
        return STATUS_TEXTS[self.value]

    @property
    def is_observation_gap(self) -> bool:
        """True when the status says the servers could not be read, not where the move is."""
        return self in {MoveStatus.SERVER_UNREACHABLE, MoveStatus.UNSUPPORTED_SERVER}


# Every status has a guide section and its words; a gap is a programming error caught at import.
assert all(status.value in STATUS_ANCHORS for status in MoveStatus)
assert all(status.value in STATUS_TEXTS for status in MoveStatus)
