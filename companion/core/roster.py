"""The community roster: who moved, from where to where, and how it is shown on Discord.

Only members who moved, proved they own the new account and agreed to be listed appear
(``Member.in_roster``). The roster is the source of every export and of the roster post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from companion.core.handles import Handle, display_domain
from companion.core.models import Member
from companion.core.text import escape_markdown

# Discord's message limit is 2,000 characters; the roster post is split into messages.
DISCORD_MESSAGE_LIMIT = 2000
# Discord display names are at most 32 characters; stored names from elsewhere may not be.
MAX_NAME_LENGTH = 64
BULLET = "•"


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
        """The roster's view of a member (the caller checks ``member.in_roster``)."""
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
    entries = [RosterEntry.from_member(m) for m in members if m.in_roster]
    entries.sort(key=_order)
    seen: set[Handle] = set()
    unique = []
    for entry in entries:
        # Two members claiming the same new account cannot both be right: the first to
        # have moved keeps the line (the store already refuses this within one guild).
        if entry.new_handle in seen:
            continue
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
