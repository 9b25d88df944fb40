"""What the servers said about one linked pair, and when: the input of every decision.

The adapter (``companion.moves``) gathers these facts from the old and new servers;
:mod:`companion.core.move_rules` decides a status from them. Everything here is
JSON-serialisable so the store can keep observations and the CLI can print ``--json``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from companion.core.handles import Handle
from companion.core.models import CachedAccount
from companion.i18n import N_, _

UNNAMED_TARGET = N_("an account the server does not name")


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
        return self.url or self.uri or _(UNNAMED_TARGET)


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


@functools.lru_cache(maxsize=65536)
def _display_acct(acct: str) -> str:
    handle = Handle.try_parse(acct)
    return handle.display if handle else acct


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)
