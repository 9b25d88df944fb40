"""A profile's bio and field values as plain text, for ownership codes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from companion.core.handles import Handle
from companion.core.move_facts import Answer
from companion.i18n import N_, _

from .client import is_home_account, lookup_home, profile_plain_text
from .discovery import ServerDirectory
from .pair_check import problem_facts
from .problems import ANOTHER_ACCOUNT, UNEXPECTED_ERROR, ServerProblem

log = logging.getLogger(__name__)

SUSPENDED = N_("the account is suspended")


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
            raw, _asked = lookup_home(server.client, handle)
        except ServerProblem as problem:
            facts = problem_facts(handle, server, problem, now, "lookup")
            return ProfileText(str(handle), "", facts.answer, facts.reason, now)
        if not is_home_account(raw, handle):
            reason = _(ANOTHER_ACCOUNT).format(host=server.api_host, handle=handle)
            return ProfileText(str(handle), "", Answer.UNSUPPORTED, reason, now)
        if raw.get("suspended") is True:
            return ProfileText(str(handle), "", Answer.SUSPENDED, _(SUSPENDED), now)
        return ProfileText(str(handle), profile_plain_text(raw), Answer.FOUND, "", now)
    except Exception as exc:
        log.exception("reading the profile of %s failed", handle)
        reason = _(UNEXPECTED_ERROR).format(kind=type(exc).__name__)
        return ProfileText(str(handle), "", Answer.UNREACHABLE, reason, now)
