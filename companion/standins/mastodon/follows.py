"""Who follows whom on a stand-in, with Mastodon's rules for follows and follows imports.

- A follow of an account that has moved, is suspended or no longer exists is refused
  (FollowService: ``following_not_allowed?`` includes ``target_account.moved?``), and an
  import goes through the same rule row by row (BulkImportRowService), counting failures
  without stopping: mastodon-facts.md §9.
- ``GET /api/v1/accounts/:id/following`` pages newest first by the Follow's own id,
  ``limit`` 40 by default and at most 80, with a ``Link`` header (``max_id``) as Mastodon
  sends it: ``next`` only when the page is full.
- ``carry_over`` is what a move does to the moved account's followers on servers that
  implement ``Move`` (MoveWorker): their follows now point at the new account.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import idna

if TYPE_CHECKING:
    from .state import AccountRef, MastodonState, StandInAccount

_KNOWN_FIRST_HEADERS = frozenset({"Account address", "#domain", "#uri", "List name"})


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did: rows followed, rows that failed, with Mastodon's reason."""

    followed: list[str]
    failed: list[tuple[str, str]]


def resolve(state: MastodonState, acct: str) -> tuple[MastodonState, StandInAccount] | None:
    """The server and account behind ``user@domain`` among the stand-ins of the fediverse."""
    username, _, domain = acct.strip().lstrip("@").rpartition("@")
    if not username:
        username, domain = domain, state.local_domain
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        return None
    for server in state.fediverse.servers:
        if server.local_domain == domain:
            account = server.find_username(username)
            return (server, account) if account is not None else None
    return None


def follow(state: MastodonState, follower: AccountRef, acct: str) -> str | None:
    """Follow ``acct`` from a local account; the reason when Mastodon would refuse."""
    account = state.get(follower)
    found = resolve(state, acct)
    if found is None or not found[1].visible:
        return "not found"
    server, target = found
    if target.suspended:
        return "suspended"
    if target.moved_to_uri is not None:
        return "moved"  # FollowService: following_not_allowed? includes moved?
    if server is state and target.id == account.id:
        return "self"
    canonical = server.handle(target)
    if state.follows.add(account.id, canonical):
        with state.lock:
            account.following_count += 1
        with server.lock:
            target.followers_count += 1
    return None


def import_following(state: MastodonState, follower: AccountRef, data: bytes) -> ImportOutcome:
    """Import a following or lists CSV (Merge) the way Mastodon reads it, row by row."""
    text = data.decode("utf-8")  # Mastodon reads UTF-8 only
    rows = [row for row in csv.reader(io.StringIO(text)) if row and any(c.strip() for c in row)]
    column = 0
    if rows and rows[0][0] in _KNOWN_FIRST_HEADERS:
        header, rows = rows[0], rows[1:]
        column = header.index("Account address") if "Account address" in header else 0
    elif rows and len(rows[0]) >= 2 and "@" not in rows[0][0]:
        column = 1  # a header-less lists file: list name, account
    followed: list[str] = []
    failed: list[tuple[str, str]] = []
    for row in rows:
        acct = row[column].strip().lstrip("@") if len(row) > column else ""
        reason = follow(state, follower, acct) if acct else "empty"
        if reason is None:
            followed.append(acct)
        else:
            failed.append((acct, reason))
    return ImportOutcome(followed, failed)


def carry_over(state: MastodonState, old: str, new: str) -> int:
    """After ``old`` moved to ``new``: every stand-in's follows of ``old`` follow ``new``."""
    return sum(server.follows.redirect(old, new) for server in state.fediverse.servers)
