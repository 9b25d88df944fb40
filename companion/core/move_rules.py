"""The move rules: map what the servers said to one status, purely, so it can be tested.

:func:`decide` reads :class:`~companion.core.move_facts.MoveFacts` and the campaign's
:class:`MoveRules` and returns a :class:`Decision`; it never guesses a move when a server
could not be read. :mod:`companion.core.move_report` turns a decision into words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from companion.core.handles import Handle
from companion.core.move_facts import (
    AccountFacts,
    AliasAnswer,
    Answer,
    MovedTarget,
    MoveFacts,
)
from companion.core.move_status import MoveStatus
from companion.i18n import N_, _

MOVE_NOT_SHOWN = N_("the old server does not show whether the account moved")
ALIAS_NOT_CHECKED = N_("the alias was not checked")
OLD_ADDRESS_UNKNOWN = N_("the old account's address is not known, so the alias cannot be compared")

DEFAULT_FOLLOWERS_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class MoveRules:
    """The campaign's rules that decisions depend on."""

    new_server: str | None = None  # campaign's new server domain, when configured
    followers_share: float = DEFAULT_FOLLOWERS_SHARE


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of :func:`decide`: a status and the facts that explain it."""

    status: MoveStatus
    detail: str = ""  # the server's reason when it could not be read
    moved_to: MovedTarget | None = None
    followers_before: int | None = None
    followers_now: int | None = None
    # True when followers_before was just read from the old account, not yet moved: the
    # caller records it as the count to compare against after the move.
    followers_before_observed: bool = False


def decide(facts: MoveFacts, rules: MoveRules) -> Decision:
    """Map observed facts to one status; pure, so it can be property-tested."""
    decision = _decide(facts, rules)
    observed = followers_observed_before_move(facts)
    return replace(decision, followers_before_observed=observed) if observed else decision


def _decide(facts: MoveFacts, rules: MoveRules) -> Decision:
    before = followers_before_move(facts)
    if rules.new_server and facts.new.domain != rules.new_server:
        return Decision(MoveStatus.WRONG_SERVER, followers_before=before)
    old, new = facts.old_account, facts.new_account
    if old is not None and old.answer in _ABSENT:
        return Decision(MoveStatus.OLD_ACCOUNT_GONE, detail=old.reason, followers_before=before)
    if old is not None and old.found and old.moved is not None:
        return _after_move(facts, rules, old.moved, before)
    if new is not None and new.answer in _ABSENT:
        # Definite and actionable even when the old server could not be read.
        return Decision(MoveStatus.NEW_ACCOUNT_MISSING, detail=new.reason, followers_before=before)
    if old is None or not old.found:
        return _gap(old, before)
    if not old.moved_visible:
        return Decision(
            MoveStatus.UNSUPPORTED_SERVER,
            detail=old.reason or _(MOVE_NOT_SHOWN),
            followers_before=before,
        )
    if new is None or not new.found:
        return _gap(new, before)
    return _before_move(facts, before)


_ABSENT = frozenset({Answer.NOT_FOUND, Answer.GONE, Answer.SUSPENDED})


def _gap(facts: AccountFacts | None, before: int | None) -> Decision:
    """A server could not be read: say which kind of trouble, never guess the move."""
    if facts is None:
        return Decision(
            MoveStatus.SERVER_UNREACHABLE, detail="not checked", followers_before=before
        )
    status = (
        MoveStatus.UNSUPPORTED_SERVER
        if facts.answer is Answer.UNSUPPORTED
        else MoveStatus.SERVER_UNREACHABLE
    )
    return Decision(status, detail=facts.reason, followers_before=before)


def _after_move(
    facts: MoveFacts, rules: MoveRules, target: MovedTarget, before: int | None
) -> Decision:
    """Decide once the old account says it moved: to the linked account or elsewhere."""
    new = facts.new_account
    if not moved_to_linked(target, facts.new, new):
        return Decision(MoveStatus.MOVED_ELSEWHERE, moved_to=target, followers_before=before)
    if new is not None and new.answer in _ABSENT:
        return Decision(
            MoveStatus.NEW_ACCOUNT_MISSING,
            detail=new.reason,
            moved_to=target,
            followers_before=before,
        )
    now_count = new.followers_count if new is not None and new.found else None
    arrived = followers_arrived(before, now_count, rules.followers_share)
    status = MoveStatus.FOLLOWERS_ARRIVED if arrived else MoveStatus.MOVED
    return Decision(status, moved_to=target, followers_before=before, followers_now=now_count)


def _before_move(facts: MoveFacts, before: int | None) -> Decision:
    """Both accounts exist and nothing moved yet: the alias decides."""
    alias, old = facts.alias, facts.old_account
    new_count = facts.new_account.followers_count if facts.new_account else None
    if alias is None:
        return Decision(
            MoveStatus.ALIAS_UNKNOWN,
            detail=_(ALIAS_NOT_CHECKED),
            followers_before=before,
            followers_now=new_count,
        )
    if alias.answer is AliasAnswer.UNREACHABLE:
        return Decision(
            MoveStatus.SERVER_UNREACHABLE,
            detail=alias.reason,
            followers_before=before,
            followers_now=new_count,
        )
    if alias.answer is not AliasAnswer.READ:
        return Decision(
            MoveStatus.ALIAS_UNKNOWN,
            detail=alias.reason,
            followers_before=before,
            followers_now=new_count,
        )
    identities = [u for u in (old.actor_uri, old.profile_url) if u] if old else []
    if not identities:
        return Decision(
            MoveStatus.ALIAS_UNKNOWN,
            detail=_(OLD_ADDRESS_UNKNOWN),
            followers_before=before,
            followers_now=new_count,
        )
    listed = any(same_uri(a, i) for a in alias.also_known_as for i in identities)
    status = MoveStatus.READY_TO_MOVE if listed else MoveStatus.ALIAS_MISSING
    return Decision(status, followers_before=before, followers_now=new_count)


def followers_observed_before_move(facts: MoveFacts) -> bool:
    """True when the old account was just seen, not moved, with a follower count."""
    old = facts.old_account
    return (
        old is not None
        and old.found
        and old.moved is None
        and old.moved_visible
        and old.followers_count is not None
    )


def followers_before_move(facts: MoveFacts) -> int | None:
    """The follower count to compare against: observed while not moved, else recorded."""
    if followers_observed_before_move(facts):
        assert facts.old_account is not None
        return facts.old_account.followers_count
    return facts.recorded_followers


def followers_arrived(before: int | None, now: int | None, share: float) -> bool:
    """True when the new count reached ``share`` of the count recorded before the move."""
    if before is None or now is None:
        return False
    return now >= math.ceil(share * before - 1e-9)


def moved_to_linked(target: MovedTarget, linked: Handle, new: AccountFacts | None) -> bool:
    """True when the move target is the linked new account (by actor URI, handle or page)."""
    if target.uri and new is not None and new.actor_uri and same_uri(target.uri, new.actor_uri):
        return True
    if target.acct and Handle.try_parse(target.acct) == linked:
        return True
    return bool(
        target.url and new is not None and new.profile_url and same_uri(target.url, new.profile_url)
    )


def same_uri(a: str, b: str) -> bool:
    """Compare two URIs the way servers do: scheme and host without case, path exactly."""
    try:
        pa, pb = urlsplit(a.strip()), urlsplit(b.strip())
    except ValueError:
        return False
    return (
        pa.scheme.lower() == pb.scheme.lower()
        and pa.netloc.lower() == pb.netloc.lower()
        and pa.path.rstrip("/") == pb.path.rstrip("/")
        and pa.query == pb.query
    )
