"""A profile's bio and field values as plain text, for ownership codes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from companion.core.handles import Handle
from companion.core.move_facts import (
    Answer,
)

from .client import is_home_account, lookup_home, profile_plain_text
from .discovery import ServerDirectory
from .pair_check import problem_facts
from .problems import ServerProblem

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProfileText:
    """A profile's bio and field values as plain text (for ownership codes)."""

    handle: str
    text: str
    answer: Answer  # FOUND when the text could be read
    reason: str
    checked_at: datetime

    @property
    def found(self) -> bool:
        """True when the profile was read."""
        return self.answer is Answer.FOUND


def read_profile(servers: ServerDirectory, handle: Handle, now: datetime) -> ProfileText:
    """Read the profile now on its home server; never raises, says what went wrong."""
    try:
        server = servers.server(handle.domain, handle)
        if not server.usable or server.client is None:
            answer = Answer.UNSUPPORTED if server.info.reachable else Answer.UNREACHABLE
            return ProfileText(str(handle), "", answer, server.info.reason, now)
        try:
            raw, _ = lookup_home(server.client, handle)
        except ServerProblem as problem:
            facts = problem_facts(handle, server, problem, now, "lookup")
            return ProfileText(str(handle), "", facts.answer, facts.reason, now)
        if not is_home_account(raw, handle):
            reason = f"{server.api_host} answered with another account"
            return ProfileText(str(handle), "", Answer.UNSUPPORTED, reason, now)
        if raw.get("suspended") is True:
            return ProfileText(str(handle), "", Answer.SUSPENDED, "suspended", now)
        return ProfileText(str(handle), profile_plain_text(raw), Answer.FOUND, "", now)
    except Exception as exc:
        log.exception("reading the profile of %s failed", handle)
        reason = f"unexpected error ({type(exc).__name__}); it was logged"
        return ProfileText(str(handle), "", Answer.UNREACHABLE, reason, now)
