"""Move statuses: turn what the two servers said into one status a member can act on.

This module is the pure core of move checking: no HTTP, no Discord. The adapter
(``companion.moves``) gathers facts (dataclasses of what each server answered, and
when); :func:`decide` maps facts to a status; :func:`build_report` adds the evidence,
the next step, the guide link and, when a server could not be read, the last known
status with the time it was last confirmed. Everything here is JSON-serialisable so the
store can keep observations and the CLI can print ``--json``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from companion.core.cooldowns import describe, move_cooldown
from companion.core.guide_links import STATUS_ANCHORS, status_url
from companion.core.handles import Handle, display_domain
from companion.core.models import CachedAccount

DEFAULT_FOLLOWERS_SHARE = 0.9


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
        return _TEXTS[self][0]

    @property
    def explanation(self) -> str:
        """One emoji-free sentence saying what the status means (may hold placeholders)."""
        return _TEXTS[self][1]

    @property
    def next_step(self) -> str:
        """What the member should do next, in plain words (may hold placeholders)."""
        return _TEXTS[self][2]

    @property
    def is_observation_gap(self) -> bool:
        """True when the status says the servers could not be read, not where the move is."""
        return self in {MoveStatus.SERVER_UNREACHABLE, MoveStatus.UNSUPPORTED_SERVER}


# Placeholders: {old} {new} {target} {new_server} {share} {last_known} {confirmed}
# {move_cooldown} (how long the old account must wait before it may move again).
# Account settings are pages of the server's website, not part of most apps: say so.
_TEXTS: dict[MoveStatus, tuple[str, str, str]] = {
    MoveStatus.NOT_LINKED: (
        "Not linked yet",
        "The bot does not know your old and new accounts yet.",
        "Tell the bot your old and new handles with /move link.",
    ),
    MoveStatus.NEW_ACCOUNT_MISSING: (
        "New account not found",
        "Your new server does not know the account {new}.",
        "Check the spelling of your new handle, or create the account on {new_server} first "
        "(the same username as on your old server is fine), then check again.",
    ),
    MoveStatus.WRONG_SERVER: (
        "New account on another server",
        "Your new account {new} is not on the community's new server, {new_server}.",
        "Create your new account on {new_server} and link that one instead.",
    ),
    MoveStatus.ALIAS_MISSING: (
        "Alias not set",
        "Your new account does not list {old} as an alias yet, so the move would be refused.",
        "On your new server's website (the settings are not in most apps), open Account "
        "settings on your new account, then “Moving from a different account”, create an "
        "alias naming {old}, then check again.",
    ),
    MoveStatus.ALIAS_UNKNOWN: (
        "Alias cannot be checked",
        "Your new server does not let the bot read the alias list, so the bot cannot tell "
        "whether the alias is set.",
        "Make sure your new account has an alias naming {old}; if it is missing, the move "
        "page on your old account will say the new account “is not an alias of this account”. "
        "If the alias is there and the page still says so, wait: your old server can keep an "
        "older copy of your new profile for up to 24 hours, so try again later rather than "
        "again and again.",
    ),
    MoveStatus.READY_TO_MOVE: (
        "Ready to move",
        "Your new account lists your old one as an alias, and your old account has not moved yet.",
        "On your old server's website (the settings are not in most apps), open Account "
        "settings, then “Move to a different account”, enter {new} and your password, and "
        "press “Move followers”. Afterwards your old account cannot move again for "
        "{move_cooldown}. If the page says the new account “is not an alias of this account”, "
        "wait: your old server can keep an older copy of your new profile for up to 24 hours, "
        "so try again later rather than again and again.",
    ),
    MoveStatus.MOVED: (
        "Moved",
        "Your old account now points to {new}; your followers are on their way. It cannot "
        "move again for {move_cooldown} after the move.",
        "Nothing to do but wait: followers arrive over hours or days. Keep your old account, "
        "do not delete it.",
    ),
    MoveStatus.MOVED_ELSEWHERE: (
        "Moved to another account",
        "Your old account moved to {target}, not to the account you linked ({new}).",
        "If {target} is yours, link that account instead; if not, ask an organiser for help.",
    ),
    MoveStatus.FOLLOWERS_ARRIVED: (
        "Followers arrived",
        "Your new account has at least {share} of the followers your old one had before the move.",
        "You are done: re-follow the community's accounts and update the links to your profile.",
    ),
    MoveStatus.OLD_ACCOUNT_GONE: (
        "Old account gone",
        "Your old server no longer shows {old} (deleted or suspended); followers still on "
        "their way may be lost.",
        "Tell an organiser; if you have not moved yet, ask your old server's team whether the "
        "account can be restored.",
    ),
    MoveStatus.SERVER_UNREACHABLE: (
        "Server not answering",
        "A server did not answer properly, so the bot could not check; last known: "
        "{last_known}{confirmed}.",
        "Nothing to do: the bot checks again later. If this lasts more than a day, tell an "
        "organiser.",
    ),
    MoveStatus.UNSUPPORTED_SERVER: (
        "Server not supported",
        "A server answered, but not like a Mastodon server, so the bot cannot read the move; "
        "last known: {last_known}{confirmed}.",
        "Check your profiles yourself, and tell an organiser which software that server runs.",
    ),
}


class Answer(StrEnum):
    """What one server said when asked about one account."""

    FOUND = "found"
    NOT_FOUND = "not_found"  # 404: unknown, deleted or pending deletion
    GONE = "gone"  # 410: permanently deleted (WebFinger tombstone)
    SUSPENDED = "suspended"  # 200 with "suspended": true
    UNREACHABLE = "unreachable"  # timeouts, 5xx, DNS, refused address, 401 without a token
    UNSUPPORTED = "unsupported"  # answers, but not with the Mastodon client API shape


class AliasAnswer(StrEnum):
    """What the new account's ActivityPub actor said about its aliases."""

    READ = "read"  # the full actor was readable; also_known_as is the whole list
    UNREADABLE = "unreadable"  # 401, authorized fetch, bare profile: unknown, not missing
    UNREACHABLE = "unreachable"  # network trouble while fetching the actor
    UNSUPPORTED = "unsupported"  # answered, but not an ActivityPub actor


@dataclass(frozen=True, slots=True)
class MovedTarget:
    """Where an account says it moved, as its server described the target."""

    acct: str | None = None  # canonical ``user@domain`` when known
    uri: str | None = None  # the target's actor URI
    url: str | None = None  # the target's profile page

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {"acct": self.acct, "uri": self.uri, "url": self.url}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MovedTarget:
        """Read the form written by ``to_dict``."""
        return cls(acct=data.get("acct"), uri=data.get("uri"), url=data.get("url"))

    @property
    def display(self) -> str:
        """The target as people read it."""
        if self.acct:
            return _display_acct(self.acct)
        return self.url or self.uri or "an account the server does not name"


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What one server answered about one account, and when."""

    handle: str  # canonical ``user@domain`` that was asked for
    answer: Answer
    server: str  # the host that answered (the API host, not always the handle's domain)
    observed_at: datetime
    asked: str = ""  # what was asked, e.g. "GET /api/v1/accounts/lookup"
    reason: str = ""  # plain words for anything but FOUND
    account_id: str | None = None
    actor_uri: str | None = None
    profile_url: str | None = None
    followers_count: int | None = None
    moved: MovedTarget | None = None
    # False when the software may omit ``moved`` even after a move (Pleroma/Akkoma) and the
    # actor could not tell us either: then "not moved" is a guess, not an observation.
    moved_visible: bool = True
    locked: bool | None = None  # approves followers by hand: moved followers become requests
    software: str | None = None  # the answering server's software (nodeinfo name)

    @property
    def found(self) -> bool:
        """True when the server showed the account."""
        return self.answer is Answer.FOUND

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "handle": self.handle,
            "answer": self.answer.value,
            "server": self.server,
            "observed_at": _iso(self.observed_at),
            "asked": self.asked,
            "reason": self.reason,
            "account_id": self.account_id,
            "actor_uri": self.actor_uri,
            "profile_url": self.profile_url,
            "followers_count": self.followers_count,
            "moved": self.moved.to_dict() if self.moved else None,
            "moved_visible": self.moved_visible,
            "locked": self.locked,
            "software": self.software,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AccountFacts:
        """Read the form written by ``to_dict``."""
        moved = data.get("moved")
        return cls(
            handle=data["handle"],
            answer=Answer(data["answer"]),
            server=data["server"],
            observed_at=_from_iso(data["observed_at"]),
            asked=data.get("asked", ""),
            reason=data.get("reason", ""),
            account_id=data.get("account_id"),
            actor_uri=data.get("actor_uri"),
            profile_url=data.get("profile_url"),
            followers_count=data.get("followers_count"),
            moved=MovedTarget.from_dict(moved) if moved else None,
            moved_visible=data.get("moved_visible", True),
            locked=data.get("locked"),
            software=data.get("software"),
        )


@dataclass(frozen=True, slots=True)
class AliasFacts:
    """What the new account's actor said about its aliases (``alsoKnownAs``), and when."""

    answer: AliasAnswer
    server: str
    observed_at: datetime
    actor_uri: str | None = None
    also_known_as: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "answer": self.answer.value,
            "server": self.server,
            "observed_at": _iso(self.observed_at),
            "actor_uri": self.actor_uri,
            "also_known_as": list(self.also_known_as),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AliasFacts:
        """Read the form written by ``to_dict``."""
        return cls(
            answer=AliasAnswer(data["answer"]),
            server=data["server"],
            observed_at=_from_iso(data["observed_at"]),
            actor_uri=data.get("actor_uri"),
            also_known_as=tuple(data.get("also_known_as") or ()),
            reason=data.get("reason", ""),
        )


@dataclass(frozen=True, slots=True)
class CachedAccounts:
    """A pair's resolved accounts (ids for batch rechecks) and the last alias reading."""

    old: CachedAccount | None = None
    new: CachedAccount | None = None
    alias: AliasFacts | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "old": cached_account_to_dict(self.old) if self.old else None,
            "new": cached_account_to_dict(self.new) if self.new else None,
            "alias": self.alias.to_dict() if self.alias else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CachedAccounts:
        """Read the form written by ``to_dict``."""
        return cls(
            old=cached_account_from_dict(data["old"]) if data.get("old") else None,
            new=cached_account_from_dict(data["new"]) if data.get("new") else None,
            alias=AliasFacts.from_dict(data["alias"]) if data.get("alias") else None,
        )


def cached_account_to_dict(account: CachedAccount) -> dict[str, Any]:
    """Plain JSON form of a resolved account."""
    return {
        "handle": str(account.handle),
        "api_host": account.api_host,
        "account_id": account.account_id,
        "actor_uri": account.actor_uri,
        "resolved_at": _iso(account.resolved_at),
    }


def cached_account_from_dict(data: dict[str, Any]) -> CachedAccount:
    """Read the form written by ``cached_account_to_dict``."""
    username, domain = str(data["handle"]).split("@", 1)
    return CachedAccount(
        handle=Handle(username, domain),
        api_host=data["api_host"],
        account_id=str(data["account_id"]),
        actor_uri=data.get("actor_uri"),
        resolved_at=_from_iso(data["resolved_at"]),
    )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One line of proof: which server was asked what, what it answered, and when."""

    server: str
    asked: str
    answer: str
    observed_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "server": self.server,
            "asked": self.asked,
            "answer": self.answer,
            "observed_at": _iso(self.observed_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        """Read the form written by ``to_dict``."""
        return cls(
            server=data["server"],
            asked=data["asked"],
            answer=data["answer"],
            observed_at=_from_iso(data["observed_at"]),
        )


@dataclass(frozen=True, slots=True)
class MoveFacts:
    """Everything observed for one linked pair; the input of :func:`decide`."""

    old: Handle
    new: Handle
    old_account: AccountFacts | None = None
    new_account: AccountFacts | None = None
    alias: AliasFacts | None = None
    # The old account's follower count recorded before the move (at link time or at the
    # last check before the move): after the move the old count falls as followers leave.
    recorded_followers: int | None = None
    # The old server's software (nodeinfo name): it decides how long the move cooldown is.
    old_software: str | None = None


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
            detail=old.reason or "the old server does not show whether the account moved",
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
            detail="the alias was not checked",
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
            detail="the old account's address is not known, so the alias cannot be compared",
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


@dataclass(frozen=True, slots=True)
class MoveReport:
    """One check's result: status, proof, next step, and what to store for next time."""

    old: str
    new: str
    status: MoveStatus
    checked_at: datetime
    explanation: str
    next_step: str
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
            "checked_at": _iso(self.checked_at),
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
            "last_confirmed_at": _iso(self.last_confirmed_at) if self.last_confirmed_at else None,
            "accounts": self.accounts.to_dict() if self.accounts else None,
            "new_locked": self.new_locked,
            "old_software": self.old_software,
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
            checked_at=_from_iso(data["checked_at"]),
            explanation=data.get("explanation", ""),
            next_step=data.get("next_step", ""),
            guide_url=data.get("guide_url", ""),
            evidence=tuple(Evidence.from_dict(item) for item in data.get("evidence") or ()),
            reason=data.get("reason", ""),
            followers_before=data.get("followers_before"),
            followers_now=data.get("followers_now"),
            followers_share=data.get("followers_share", DEFAULT_FOLLOWERS_SHARE),
            followers_before_observed=data.get("followers_before_observed", False),
            moved_to=data.get("moved_to"),
            last_known_status=MoveStatus(last_known) if last_known else None,
            last_confirmed_at=_from_iso(confirmed) if confirmed else None,
            accounts=CachedAccounts.from_dict(accounts) if accounts else None,
            new_locked=data.get("new_locked"),
            old_software=data.get("old_software"),
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
    context = {
        "old": _display(facts.old),
        "new": _display(facts.new),
        "target": target or "another account",
        "new_server": _display_domain(rules.new_server) if rules.new_server else "your new server",
        "share": f"{round(rules.followers_share * 100)}%",
        "last_known": last_known.label if last_known else "nothing yet",
        "confirmed": f", confirmed {_human_time(confirmed_at)}" if confirmed_at else "",
        "move_cooldown": describe(move_cooldown(old_software)),
    }
    return MoveReport(
        old=str(facts.old),
        new=str(facts.new),
        status=status,
        checked_at=checked_at,
        explanation=status.explanation.format(**context),
        next_step=status.next_step.format(**context),
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


def evidence_from(facts: MoveFacts) -> tuple[Evidence, ...]:
    """One evidence line per server answer in the facts."""
    lines: list[Evidence] = []
    for label, account in (("old", facts.old_account), ("new", facts.new_account)):
        if account is not None:
            lines.append(
                Evidence(
                    server=account.server,
                    asked=account.asked or f"{label} account {account.handle}",
                    answer=_describe_account(account),
                    observed_at=account.observed_at,
                )
            )
    alias = facts.alias
    if alias is not None:
        lines.append(
            Evidence(
                server=alias.server,
                asked=f"actor {alias.actor_uri}" if alias.actor_uri else "new account's actor",
                answer=_describe_alias(alias),
                observed_at=alias.observed_at,
            )
        )
    return tuple(lines)


def _describe_account(account: AccountFacts) -> str:
    if account.answer is not Answer.FOUND:
        text = {
            Answer.NOT_FOUND: "not found",
            Answer.GONE: "gone for good (410)",
            Answer.SUSPENDED: "suspended",
            Answer.UNREACHABLE: "no usable answer",
            Answer.UNSUPPORTED: "not a Mastodon answer",
        }[account.answer]
        return f"{text}: {account.reason}" if account.reason else text
    parts = [f"{account.handle} (id {account.account_id})"]
    if account.followers_count is not None:
        parts.append(f"{account.followers_count} followers")
    if account.moved is not None:
        parts.append(f"moved to {account.moved.display}")
    elif account.moved_visible:
        parts.append("not moved")
    else:
        parts.append("move state not shown by this software")
    return ", ".join(parts)


def _describe_alias(alias: AliasFacts) -> str:
    if alias.answer is AliasAnswer.READ:
        if not alias.also_known_as:
            return "no aliases (alsoKnownAs empty)"
        return "alsoKnownAs: " + ", ".join(alias.also_known_as)
    return f"{alias.answer.value}: {alias.reason}" if alias.reason else alias.answer.value


# IDNA conversions cost a fraction of a millisecond each, and a community recheck makes
# tens of thousands of them for the same few domains.
@functools.lru_cache(maxsize=4096)
def _display_domain(domain: str) -> str:
    return display_domain(domain)


@functools.lru_cache(maxsize=65536)
def _display_acct(acct: str) -> str:
    handle = Handle.try_parse(acct)
    return handle.display if handle else acct


def _display(handle: Handle) -> str:
    """``@user@dömain`` as people read it."""
    return f"@{handle.username}@{_display_domain(handle.domain)}"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _human_time(moment: datetime) -> str:
    """A time people read the same everywhere: UTC, to the minute."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%d %H:%M UTC")


# Every status has a guide section; a missing anchor is a programming error caught at import.
assert all(status.value in STATUS_ANCHORS for status in MoveStatus)
