"""The community roster: who moved, from where to where, and how it is shown on Discord.

Who appears is a privacy rule, stated once here as ``ROSTER_RULE`` (``is_listed``): the
store's query is built from it and a property test proves the two agree. The roster is the
source of every export, the roster post and the move announcements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

from companion.core.handles import Handle, display_domain
from companion.core.models import Member
from companion.core.text import escape_markdown

# Discord's message limit is 2,000 characters; the roster post is split into messages.
DISCORD_MESSAGE_LIMIT = 2000
# Discord display names are at most 32 characters; stored names from elsewhere may not be.
MAX_NAME_LENGTH = 64
BULLET = "•"


@dataclass(frozen=True, slots=True)
class Requirement:
    """One condition on a member: a field (the store's column of the same name) set or true."""

    field: Literal["moved_at", "verified_at", "roster_consent"]
    must_be: Literal["set", "true"]

    def holds(self, member: Member) -> bool:
        """Whether the member meets this condition."""
        value = getattr(member, self.field)
        return value is True if self.must_be == "true" else value is not None


# On the roster (and the exports, the roster post, the move announcements): moved, proved
# they own the new account, and said yes to being listed. Never asked is not yes.
ROSTER_RULE = (
    Requirement("moved_at", "set"),
    Requirement("verified_at", "set"),
    Requirement("roster_consent", "true"),
)
# Found by ``/move whois``: verified and agreed to be listed, moved or not yet, so members
# can follow each other's new accounts before the move is done.
WHOIS_RULE = (Requirement("verified_at", "set"), Requirement("roster_consent", "true"))


def is_listed(member: Member) -> bool:
    """Whether the member appears on the roster (``ROSTER_RULE``)."""
    return all(requirement.holds(member) for requirement in ROSTER_RULE)


def is_findable(member: Member) -> bool:
    """Whether ``/move whois`` may show the member's new account (``WHOIS_RULE``)."""
    return all(requirement.holds(member) for requirement in WHOIS_RULE)


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One listed member: the Discord name and the two accounts, in canonical form."""

    discord_name: str
    old_handle: Handle
    new_handle: Handle
    moved_at: datetime
    verified: bool

    @classmethod
    def from_member(cls, member: Member) -> RosterEntry:
        """The roster's view of a member (the caller checks ``is_listed(member)``)."""
        if member.moved_at is None:
            raise ValueError("a member who has not moved has no roster entry")
        return cls(
            discord_name=member.display_name,
            old_handle=canonical(member.old_handle),
            new_handle=canonical(member.new_handle),
            moved_at=member.moved_at,
            verified=member.is_verified,
        )


def canonical(handle: Handle) -> Handle:
    """The handle with lower-case username and punycode domain (cheap when it already is)."""
    username, domain = handle.username, handle.domain
    if username == username.lower() and domain.isascii() and domain == domain.lower():
        return handle
    parsed = Handle.try_parse(f"{username}@{domain}")
    # A handle that no longer parses was stored by older code; lower-casing is all we can do.
    return parsed or Handle(username.lower(), domain.lower())


def build_roster(members: Iterable[Member]) -> list[RosterEntry]:
    """Listed members, earliest move first, one entry per new account."""
    entries = [RosterEntry.from_member(m) for m in members if is_listed(m)]
    entries.sort(key=_order)
    return one_per_new_account(entries)


def one_per_new_account(entries: Iterable[RosterEntry]) -> list[RosterEntry]:
    """The entries in their order, keeping only the first for each new account.

    Two members claiming the same new account cannot both be right: the first keeps the
    line. Within one guild the store's unique index already refuses the second link; this
    guards rosters gathered from elsewhere (several guilds, files written by hand).
    """
    seen: set[Handle] = set()
    unique = []
    for entry in entries:
        if entry.new_handle not in seen:  # canonical handles: equal means the same account
            seen.add(entry.new_handle)
            unique.append(entry)
    return unique


def roster_line(entry: RosterEntry) -> str:
    """One line of the roster post: ``• Name — `@old@…` → `@new@…```."""
    name = escape_markdown(entry.discord_name, MAX_NAME_LENGTH) or "(no name)"
    # Handles go in code spans: copyable as typed (no escaping inside), never formatted,
    # and a validated handle cannot contain a backtick.
    old, new = display_handle(entry.old_handle), display_handle(entry.new_handle)
    return f"{BULLET} {name} — `{old}` → `{new}`"


def display_handle(handle: Handle) -> str:
    """``@user@dömain`` as people read it (``Handle.display``, with the domain cached)."""
    return f"@{handle.username}@{_display_domain(handle.domain)}"


@lru_cache(maxsize=4096)
def _display_domain(domain: str) -> str:
    # A community has few servers; decoding punycode once each keeps exports fast.
    return display_domain(domain)


def roster_pages(
    entries: Iterable[RosterEntry], max_chars: int = DISCORD_MESSAGE_LIMIT
) -> list[str]:
    """The roster as message-sized pages of whole lines, in order ([] for nobody)."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for entry in entries:
        line = roster_line(entry)
        if len(line) > max_chars:
            line = line[: max_chars - 1] + "…"  # only with absurdly small pages
        added = len(line) + (1 if current else 0)
        if current and size + added > max_chars:
            pages.append("\n".join(current))
            current, size = [], 0
            added = len(line)
        current.append(line)
        size += added
    if current:
        pages.append("\n".join(current))
    return pages


def _order(entry: RosterEntry) -> tuple[datetime, str, str]:
    return (entry.moved_at, entry.discord_name.casefold(), str(entry.new_handle))
