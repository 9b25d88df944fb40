"""Followers through a move: who came along, who did not, and the likely reason why.

Pure rules over plain data. The adapters read the lists and the servers' facts; this
module compares the list saved before the move with the new account's followers, groups
those left behind by their server, and names the reason where it can be known
(mastodon-facts.md §9). Follower handles are third-party data: the comparison keeps
them only for the member's own reply and file; organisers get per-server counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from companion.core.exports import FOLLOWING_HEADER
from companion.core.handles import Handle

# Software known to act on a Move (mastodon-facts.md §9: Mastodon, GoToSocial, Misskey,
# Pleroma/Akkoma; Hometown is Mastodon). Followers on other software may stay behind.
FOLLOWS_MOVES = frozenset({"mastodon", "hometown", "gotosocial", "pleroma", "akkoma", "misskey"})
# Remote servers process the Move in their own time: the first days, a missing follower
# without a known reason is "still arriving", not "left behind".
STILL_ARRIVING_FOR = timedelta(days=3)
# Bounds on what a server may make us store: Mastodon's own import limit is 20,000 rows.
MAX_SAVED_FOLLOWERS = 20_000
TOP_SERVERS = 5


class Reason(StrEnum):
    """Why a group of followers did not come along (or not yet)."""

    STILL_ARRIVING = "still_arriving"
    NO_MOVE_SUPPORT = "no_move_support"  # their server's software is not known to follow moves
    SERVER_DOWN = "server_down"  # their server did not answer: down or gone
    SUSPENDS_NEW = "suspends_new"  # their server publicly suspends the new server
    LIMITS_NEW = "limits_new"  # their server publicly limits (silences) the new server
    NEW_BLOCKS_THEM = "new_blocks_them"  # the new server publicly blocks their server
    FOLLOWER_MOVED = "follower_moved"  # the follower's own account moved
    UNKNOWN = "unknown"  # none of the above: they may have unfollowed, or it failed


_REASONS = frozenset(reason.value for reason in Reason)


@dataclass(frozen=True, slots=True)
class SavedFollowers:
    """The followers list saved before the move: canonical handles, who had moved, when."""

    handles: tuple[str, ...]
    saved_at: datetime
    moved: frozenset[str] = frozenset()  # followers whose own account had already moved

    @property
    def count(self) -> int:
        """How many followers were saved."""
        return len(self.handles)


@dataclass(frozen=True, slots=True)
class ServerFacts:
    """What a follower's server is, as far as the bot could tell."""

    domain: str
    reachable: bool
    software: str | None = None
    label: str = ""  # e.g. "Mastodon 4.5.2"
    blocks_new: str | None = None  # "suspend" or "silence" when it publishes that


@dataclass(frozen=True, slots=True)
class LeftBehindGroup:
    """Followers on one server who did not come along, with one reason."""

    domain: str
    software: str  # a label for people: "Mastodon 4.5.2", or "unknown software"
    reason: Reason
    handles: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many followers are in the group."""
        return len(self.handles)


@dataclass(frozen=True, slots=True)
class FollowersComparison:
    """The saved list against the new account's followers."""

    saved: int
    arrived: int
    groups: tuple[LeftBehindGroup, ...]  # largest first; STILL_ARRIVING included
    saved_at: datetime
    compared_at: datetime

    @property
    def still_arriving(self) -> int:
        """Followers without a known reason, inside the first days after the move."""
        return sum(g.count for g in self.groups if g.reason is Reason.STILL_ARRIVING)

    @property
    def left_behind(self) -> int:
        """Followers who did not come along (still arriving ones excluded)."""
        return sum(g.count for g in self.groups if g.reason is not Reason.STILL_ARRIVING)

    def left_behind_handles(self) -> list[str]:
        """Every follower not (yet) on the new account, sorted."""
        return sorted(h for g in self.groups for h in g.handles)

    def summary(self) -> dict[str, Any]:
        """Counts per server and reason, without handles: what organisers may see."""
        return {
            "saved": self.saved,
            "arrived": self.arrived,
            "still_arriving": self.still_arriving,
            "left_behind": self.left_behind,
            "compared_at": self.compared_at.isoformat(),
            "groups": [
                {
                    "domain": g.domain,
                    "software": g.software,
                    "reason": g.reason.value,
                    "count": g.count,
                }
                for g in self.groups
            ],
        }


def canonical_follower(acct: object, home_domain: str) -> str | None:
    """A follower's ``acct`` from a server as a canonical handle, or None when unusable."""
    if not isinstance(acct, str) or not acct or len(acct) > 320:
        return None
    text = acct.strip().lstrip("@")
    if "@" not in text:
        text = f"{text}@{home_domain}"
    handle = Handle.try_parse(text)
    return str(handle) if handle is not None else None


def domain_of(handle: str) -> str:
    """The server part of a canonical handle."""
    return handle.rsplit("@", 1)[-1]


def reason_for(
    facts: ServerFacts | None,
    *,
    follower_moved: bool,
    new_blocks: str | None,
    recent: bool,
) -> Reason:
    """The most likely reason one follower is missing, most certain first."""
    if follower_moved:
        return Reason.FOLLOWER_MOVED
    if new_blocks == "suspend":
        return Reason.NEW_BLOCKS_THEM
    if facts is not None:
        if facts.blocks_new == "suspend":
            return Reason.SUSPENDS_NEW
        if not facts.reachable:
            return Reason.SERVER_DOWN
        if facts.software and facts.software not in FOLLOWS_MOVES:
            return Reason.NO_MOVE_SUPPORT
        if facts.blocks_new == "silence":
            return Reason.LIMITS_NEW
    return Reason.STILL_ARRIVING if recent else Reason.UNKNOWN


def compare_followers(
    saved: SavedFollowers,
    new_followers: Iterable[str],
    servers: Mapping[str, ServerFacts],
    *,
    moved_at: datetime | None,
    now: datetime,
    new_server_blocks: Mapping[str, str] | None = None,
) -> FollowersComparison:
    """Who of the saved followers follows the new account, and why the others do not."""
    arrived_set = set(new_followers)
    recent = moved_at is None or now - moved_at < STILL_ARRIVING_FOR
    blocks = new_server_blocks or {}
    grouped: dict[tuple[str, Reason], list[str]] = {}
    arrived = 0
    for handle in saved.handles:
        if handle in arrived_set:
            arrived += 1
            continue
        domain = domain_of(handle)
        reason = reason_for(
            servers.get(domain),
            follower_moved=handle in saved.moved,
            new_blocks=blocks.get(domain),
            recent=recent,
        )
        grouped.setdefault((domain, reason), []).append(handle)
    groups = [
        LeftBehindGroup(domain, _software_label(servers.get(domain)), reason, tuple(sorted(names)))
        for (domain, reason), names in grouped.items()
    ]
    groups.sort(key=lambda g: (-g.count, g.domain, g.reason.value))
    return FollowersComparison(
        saved=saved.count,
        arrived=arrived,
        groups=tuple(groups),
        saved_at=saved.saved_at,
        compared_at=now,
    )


def _software_label(facts: ServerFacts | None) -> str:
    if facts is None or not facts.reachable:
        return "unknown software"
    return facts.label or (facts.software or "unknown software")


def left_behind_csv(comparison: FollowersComparison) -> bytes:
    """The followers not on the new account, in Mastodon's following-list format."""
    rows = "".join(f"{handle},true,false,\n" for handle in comparison.left_behind_handles())
    return (FOLLOWING_HEADER + "\n" + rows).encode("utf-8")


@dataclass(slots=True)
class CommunityFollowers:
    """The community's followers picture, from each member's latest comparison summary."""

    members: int = 0
    saved: int = 0
    arrived: int = 0
    still_arriving: int = 0
    left_behind: int = 0
    servers: Counter[tuple[str, str]] = field(default_factory=Counter)  # (domain, reason)

    def top_servers(self, limit: int = TOP_SERVERS) -> list[tuple[str, Reason, int]]:
        """Servers where most followers were left behind, with the reason, largest first."""
        ranked = sorted(self.servers.items(), key=lambda item: (-item[1], item[0]))
        return [(domain, Reason(reason), count) for (domain, reason), count in ranked[:limit]]


def community_followers(summaries: Iterable[Mapping[str, Any]]) -> CommunityFollowers:
    """Add up members' comparison summaries (a list saved but not compared counts as saved)."""
    total = CommunityFollowers()
    for summary in summaries:
        total.members += 1
        total.saved += int(summary.get("saved", 0))
        total.arrived += int(summary.get("arrived", 0))
        total.still_arriving += int(summary.get("still_arriving", 0))
        total.left_behind += int(summary.get("left_behind", 0))
        for group in summary.get("groups", []):
            reason = str(group.get("reason"))
            if reason == Reason.STILL_ARRIVING or reason not in _REASONS:
                continue
            total.servers[(str(group.get("domain")), reason)] += int(group.get("count", 0))
    return total
