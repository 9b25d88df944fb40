"""The community's follows in the rehearsal: exported, mended by the bot, imported, counted.

Members follow each other on the old server. Each exports ``following_accounts.csv`` on
their first day, mends it with ``/move mend-follows`` just before importing it on the new
account (the guide's order: import, alias, move), imports it on the stand-in (which
refuses moved accounts like Mastodon) and runs ``/move check-import``. A move carries the
old account's followers over (MoveWorker), follows of members who had not moved yet
included. At the end the ledger counts the community's follow relationships that survive
on the new accounts, and how many an unmended import would have kept: rows naming members
who had already moved fail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from companion.core.exports import FOLLOWING_HEADER
from companion.standins.mastodon.follows import follow, resolve

if TYPE_CHECKING:
    from companion.standins.mastodon import MastodonState


FOLLOW_SHARE = 0.4  # each member follows about this share of the others


@dataclass(frozen=True, slots=True)
class FollowsTally:
    """Community follow relationships of members who imported, and how many survive."""

    relationships: int
    with_mending: int
    without_mending: int


@dataclass
class FollowsLedger:
    """Who followed whom before the move, each member's export, what an unmended file kept."""

    initial: dict[str, list[str]] = field(default_factory=dict)  # username -> usernames
    exports: dict[str, bytes] = field(default_factory=dict)
    unmended_kept: dict[str, int] = field(default_factory=dict)  # follower -> rows that work

    def tally(self, old: MastodonState, new: MastodonState) -> FollowsTally:
        """Count, for members who imported, the relationships their new account kept."""
        total = kept = 0
        for follower, followed in self.initial.items():
            if follower not in self.unmended_kept:
                continue
            account = new.find_username(follower)
            targets = set(new.follows.targets(account.id)) if account is not None else set()
            for name in followed:
                total += 1
                kept += final_account(old, name) in targets
        without = sum(self.unmended_kept.values())
        return FollowsTally(total, kept, without)


def final_account(old: MastodonState, username: str) -> str:
    """Where a member's followers ended up: the move's target, else the old account."""
    found = old.moved_target(username)
    return found[0].handle(found[1]) if found is not None else old.handle(username)


def seed_follows(old: MastodonState, names: list[str], rng: random.Random) -> FollowsLedger:
    """Members (their old usernames) follow some of the others on the old server."""
    ledger = FollowsLedger()
    for name in names:
        others = [n for n in names if n != name]
        chosen = sorted(rng.sample(others, k=max(1, round(FOLLOW_SHARE * len(others)))))
        for other in chosen:
            follow(old, name, old.handle(other))
        ledger.initial[name] = chosen
    return ledger


def export_following(state: MastodonState, username: str) -> bytes:
    """``following_accounts.csv`` as Mastodon's export writes it (app/models/export.rb)."""
    account = state.get(username)
    rows = [f"{acct},true,false," for acct in state.follows.targets(account.id)]
    return ("\n".join([FOLLOWING_HEADER, *rows]) + "\n").encode("utf-8")


def would_import(state: MastodonState, data: bytes) -> int:
    """Rows of a file whose account can be followed now (not moved, not gone)."""
    count = 0
    for line in data.decode("utf-8").splitlines()[1:]:
        found = resolve(state, line.split(",")[0])
        count += found is not None and found[1].visible and found[1].moved_to_uri is None
    return count
