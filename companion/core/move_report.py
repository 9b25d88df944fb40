"""The move report: a decision explained, with its evidence, next step and guide link.

:func:`build_report` decides (:mod:`companion.core.move_rules`), then fills in the
status's words (:mod:`companion.core.texts_statuses`), one evidence line per server
answer and, when a server could not be read, the last known status with the time it was
last confirmed. Everything here is JSON-serialisable for the store and ``--json``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from companion.core import texts_statuses as texts
from companion.core.cooldowns import describe, move_cooldown
from companion.core.guide_links import status_url
from companion.core.handles import Handle, display_domain
from companion.core.move_facts import (
    AccountFacts,
    AliasAnswer,
    AliasFacts,
    Answer,
    CachedAccounts,
    Evidence,
    MoveFacts,
)
from companion.core.move_rules import DEFAULT_FOLLOWERS_SHARE, MoveRules, decide
from companion.core.move_status import MoveStatus
from companion.i18n import N_, NP_, _, format_share, ngettext


@dataclass(frozen=True, slots=True)
class MoveReport:
    """One check's result: status, proof, next step, and what to store for next time."""

    old: str
    new: str
    status: MoveStatus
    checked_at: datetime
    guide_url: str
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""  # why a server could not be read (unreachable / unsupported)
    followers_before: int | None = None
    followers_now: int | None = None
    followers_share: float = DEFAULT_FOLLOWERS_SHARE
    followers_before_observed: bool = False  # followers_before read just now, before the move
    moved_to: str | None = None  # the move target's handle (or address) when moved
    last_known_status: MoveStatus | None = None  # kept when servers could not be read
    last_confirmed_at: datetime | None = None  # when the shown status was last observed
    accounts: CachedAccounts | None = field(default=None, compare=False)
    new_locked: bool | None = None  # the new account approves followers by hand
    old_software: str | None = None  # the old server's software (for the move cooldown)
    new_server: str | None = None  # the community's new server, named in some sentences
    # The words of a report stored before they were rendered per reader (English).
    stored_words: tuple[str, str] | None = field(default=None, compare=False)

    @property
    def explanation(self) -> str:
        """What the status means for this member, in the reader's language."""
        if self.stored_words is not None:
            return self.stored_words[0]
        return self.status.explanation.format(**self._words())

    @property
    def next_step(self) -> str:
        """What the member does next, in the reader's language."""
        if self.stored_words is not None:
            return self.stored_words[1]
        return self.status.next_step.format(**self._words())

    def _words(self) -> dict[str, str]:
        """The sentences' fields, worded when read.

        A check's report is read later by members, organisers and reminders, each in their
        own language, so nothing language-bound is stored in it.
        """
        old, new = Handle.try_parse(self.old), Handle.try_parse(self.new)
        last_known = self.last_known_status
        confirmed = self.last_confirmed_at
        return {
            "old": _display(old) if old else self.old,
            "new": _display(new) if new else self.new,
            "target": self.moved_to or _(texts.SOME_OTHER_ACCOUNT),
            "new_server": _display_domain(self.new_server)
            if self.new_server
            else _(texts.SOME_NEW_SERVER),
            "share": format_share(round(self.followers_share, 2)),
            "last_known": last_known.label if last_known else _(texts.NOTHING_KNOWN_YET),
            "confirmed": _(texts.CONFIRMED_AT).format(when=_human_time(confirmed))
            if confirmed
            else "",
            "move_cooldown": describe(move_cooldown(self.old_software)),
        }

    @property
    def label(self) -> str:
        """Short member-facing name of the status."""
        return self.status.label

    @property
    def confirmed(self) -> bool:
        """True when the servers were read and the status is a fresh observation."""
        return not self.status.is_observation_gap

    @property
    def moved(self) -> bool | None:
        """True when the old account points at the linked one, False when seen not moved."""
        if self.status in {MoveStatus.MOVED, MoveStatus.FOLLOWERS_ARRIVED}:
            return True
        if self.status in _PRE_MOVE or (
            self.status is MoveStatus.NEW_ACCOUNT_MISSING and self.followers_before_observed
        ):
            return False
        return None

    @property
    def effective_status(self) -> MoveStatus:
        """The status to show in overviews: the last known one while servers are silent."""
        if self.status.is_observation_gap and self.last_known_status is not None:
            return self.last_known_status
        return self.status

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form for the store and ``--json``."""
        return {
            "old": self.old,
            "new": self.new,
            "status": self.status.value,
            "label": self.status.label,
            "checked_at": self.checked_at.isoformat(),
            "explanation": self.explanation,
            "next_step": self.next_step,
            "guide_url": self.guide_url,
            "evidence": [item.to_dict() for item in self.evidence],
            "reason": self.reason,
            "followers_before": self.followers_before,
            "followers_now": self.followers_now,
            "followers_share": self.followers_share,
            "followers_before_observed": self.followers_before_observed,
            "moved_to": self.moved_to,
            "last_known_status": self.last_known_status.value if self.last_known_status else None,
            "last_confirmed_at": (
                self.last_confirmed_at.isoformat() if self.last_confirmed_at else None
            ),
            "accounts": self.accounts.to_dict() if self.accounts else None,
            "new_locked": self.new_locked,
            "old_software": self.old_software,
            "new_server": self.new_server,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MoveReport:
        """Read the form written by ``to_dict``."""
        last_known = data.get("last_known_status")
        confirmed = data.get("last_confirmed_at")
        accounts = data.get("accounts")
        return cls(
            old=data["old"],
            new=data["new"],
            status=MoveStatus(data["status"]),
            checked_at=datetime.fromisoformat(data["checked_at"]),
            guide_url=data.get("guide_url", ""),
            evidence=tuple(Evidence.from_dict(item) for item in data.get("evidence") or ()),
            reason=data.get("reason", ""),
            followers_before=data.get("followers_before"),
            followers_now=data.get("followers_now"),
            followers_share=data.get("followers_share", DEFAULT_FOLLOWERS_SHARE),
            followers_before_observed=data.get("followers_before_observed", False),
            moved_to=data.get("moved_to"),
            last_known_status=MoveStatus(last_known) if last_known else None,
            last_confirmed_at=datetime.fromisoformat(confirmed) if confirmed else None,
            accounts=CachedAccounts.from_dict(accounts) if accounts else None,
            new_locked=data.get("new_locked"),
            old_software=data.get("old_software"),
            new_server=data.get("new_server"),
            stored_words=None
            if "new_server" in data
            else (data.get("explanation", ""), data.get("next_step", "")),
        )


_PRE_MOVE = frozenset(
    {MoveStatus.ALIAS_MISSING, MoveStatus.ALIAS_UNKNOWN, MoveStatus.READY_TO_MOVE}
)


def build_report(
    facts: MoveFacts,
    rules: MoveRules,
    *,
    guide_base: str,
    checked_at: datetime,
    previous: MoveReport | None = None,
    accounts: CachedAccounts | None = None,
    extra_evidence: tuple[Evidence, ...] = (),
) -> MoveReport:
    """Decide, then explain: the report a member, an organiser and the store all read."""
    decision = decide(facts, rules)
    status = decision.status
    last_known: MoveStatus | None = None
    confirmed_at: datetime | None = checked_at
    before = decision.followers_before
    if status.is_observation_gap:
        last_known, confirmed_at = _last_known(previous)
        if before is None and previous is not None:
            before = previous.followers_before
    target = decision.moved_to.display if decision.moved_to else None
    old_software = facts.old_software or (facts.old_account.software if facts.old_account else None)
    return MoveReport(
        old=str(facts.old),
        new=str(facts.new),
        status=status,
        checked_at=checked_at,
        new_server=rules.new_server,
        guide_url=status_url(guide_base, status.value),
        evidence=tuple(extra_evidence) + evidence_from(facts),
        reason=decision.detail,
        followers_before=before,
        followers_now=decision.followers_now,
        followers_share=rules.followers_share,
        followers_before_observed=decision.followers_before_observed,
        moved_to=target,
        last_known_status=last_known,
        last_confirmed_at=confirmed_at,
        accounts=accounts,
        new_locked=facts.new_account.locked if facts.new_account else None,
        old_software=old_software,
    )


def _last_known(previous: MoveReport | None) -> tuple[MoveStatus | None, datetime | None]:
    """The status last actually observed, and when, carried over a silent server."""
    if previous is None:
        return None, None
    if not previous.status.is_observation_gap:
        return previous.status, previous.last_confirmed_at or previous.checked_at
    return previous.last_known_status, previous.last_confirmed_at


# The evidence lines, worded when the check is made (``companion check`` prints them).
OLD_ACCOUNT_ASKED = N_("old account {handle}")
NEW_ACCOUNT_ASKED = N_("new account {handle}")
ACTOR_ASKED = N_("actor {address}")
NEW_ACTOR_ASKED = N_("new account's actor")
ACCOUNT_ANSWERS = {
    Answer.NOT_FOUND: N_("not found"),
    Answer.GONE: N_("gone for good (410)"),
    Answer.SUSPENDED: N_("suspended"),
    Answer.UNREACHABLE: N_("no usable answer"),
    Answer.UNSUPPORTED: N_("not a Mastodon answer"),
}
ALIAS_ANSWERS = {
    AliasAnswer.UNREADABLE: N_("aliases not readable"),
    AliasAnswer.UNREACHABLE: N_("actor not reachable"),
    AliasAnswer.UNSUPPORTED: N_("not an ActivityPub actor"),
}
WITH_REASON = N_("{answer}: {reason}")
ACCOUNT_ID = N_("{handle} (id {id})")
FOLLOWERS_COUNT = NP_("{count} follower", "{count} followers")
MOVED_TO = N_("moved to {target}")
NOT_MOVED = N_("not moved")
MOVE_NOT_SHOWN = N_("move state not shown by this software")
NO_ALIASES = N_("no aliases (alsoKnownAs empty)")
ALIASES = N_("alsoKnownAs: {aliases}")


def evidence_from(facts: MoveFacts) -> tuple[Evidence, ...]:
    """One evidence line per server answer in the facts."""
    lines: list[Evidence] = []
    for asked, account in (
        (OLD_ACCOUNT_ASKED, facts.old_account),
        (NEW_ACCOUNT_ASKED, facts.new_account),
    ):
        if account is not None:
            lines.append(
                Evidence(
                    server=account.server,
                    asked=account.asked or _(asked).format(handle=account.handle),
                    answer=_describe_account(account),
                    observed_at=account.observed_at,
                )
            )
    alias = facts.alias
    if alias is not None:
        lines.append(
            Evidence(
                server=alias.server,
                asked=_(ACTOR_ASKED).format(address=alias.actor_uri)
                if alias.actor_uri
                else _(NEW_ACTOR_ASKED),
                answer=_describe_alias(alias),
                observed_at=alias.observed_at,
            )
        )
    return tuple(lines)


def _describe_account(account: AccountFacts) -> str:
    if account.answer is not Answer.FOUND:
        text = _(ACCOUNT_ANSWERS[account.answer])
        return _(WITH_REASON).format(answer=text, reason=account.reason) if account.reason else text
    parts = [_(ACCOUNT_ID).format(handle=account.handle, id=account.account_id)]
    if account.followers_count is not None:
        count = account.followers_count
        parts.append(ngettext(FOLLOWERS_COUNT, count).format(count=count))
    if account.moved is not None:
        parts.append(_(MOVED_TO).format(target=account.moved.display))
    elif account.moved_visible:
        parts.append(_(NOT_MOVED))
    else:
        parts.append(_(MOVE_NOT_SHOWN))
    return ", ".join(parts)


def _describe_alias(alias: AliasFacts) -> str:
    if alias.answer is AliasAnswer.READ:
        if not alias.also_known_as:
            return _(NO_ALIASES)
        return _(ALIASES).format(aliases=", ".join(alias.also_known_as))
    text = _(ALIAS_ANSWERS[alias.answer])
    return _(WITH_REASON).format(answer=text, reason=alias.reason) if alias.reason else text


# IDNA conversions cost a fraction of a millisecond each, and a community recheck makes
# tens of thousands of them for the same few domains.
@functools.lru_cache(maxsize=4096)
def _display_domain(domain: str) -> str:
    return display_domain(domain)


def _display(handle: Handle) -> str:
    """``@user@dömain`` as people read it."""
    return f"@{handle.username}@{_display_domain(handle.domain)}"


def _human_time(moment: datetime) -> str:
    """A time people read the same everywhere: UTC, to the minute."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%d %H:%M UTC")
