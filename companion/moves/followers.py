"""Reading followers lists and what follower servers are, through the checker's transport.

Every request goes through the :class:`MoveChecker`'s sessions, so the same per-server
rate-limit budget and concurrency caps apply as for rechecks (no 429 caused by us).
Lists are read from the server that owns the account (only it knows every follower),
80 per page, following Mastodon's ``Link`` header. Each follower domain is discovered
once (nodeinfo, via the checker's cache); published domain blocks are read once per
server and remembered for a while. Every answer is untrusted: sizes are bounded and
handles are parsed with :class:`Handle`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from companion.core.followers import MAX_SAVED_FOLLOWERS, ServerFacts, canonical_follower
from companion.core.handles import Handle
from companion.i18n import _

from .client import MastodonClient
from .problems import ANOTHER_ACCOUNT, CANNOT_READ_NOW, ServerProblem

if TYPE_CHECKING:
    from .checker import MoveChecker

log = logging.getLogger(__name__)

PAGE_SIZE = 80  # Mastodon's maximum for followers and following lists
# Follower servers asked about per comparison; the rest are grouped as "not checked".
MAX_DOMAINS = 300
BLOCKS_TTL = timedelta(hours=6)
_SEVERITIES = frozenset({"suspend", "silence"})


class FollowersReadError(Exception):
    """A list could not be read; ``reason`` is a sentence for the member."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class ReadProgress:
    """How far a background read has got (written by a worker thread, read by the bot)."""

    done: int = 0
    expected: int | None = None
    requests: int = 0


@dataclass(frozen=True, slots=True)
class AccountList:
    """One account's followers (or following) as read from its home server."""

    handle: Handle
    handles: tuple[str, ...]
    moved: frozenset[str]  # listed accounts whose own account has moved
    expected: int | None  # the count the profile shows
    hidden: bool  # the account hides its network: the list looks empty to others
    locked: bool  # the account approves followers by hand
    truncated: bool  # more than the bound: only the first part was kept
    requests: int
    account_moved: bool = False  # the account itself has moved (its followers are leaving)


def page_accounts(
    client: MastodonClient,
    kind: str,
    account_id: str,
    *,
    max_items: int,
    on_page: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the accounts of a followers or following list, page by page (80 per page).

    Stops after ``max_items`` or when the server sends no next page; a server that keeps
    sending pages (or repeats a ``max_id``) is stopped after the pages ``max_items`` needs.
    """
    max_id: str | None = None
    seen_ids: set[str] = set()
    given = 0
    for _page in range(math.ceil(max_items / PAGE_SIZE) + 1):
        page, next_id = client.account_page(kind, account_id, max_id, PAGE_SIZE)
        if on_page is not None:
            on_page(len(page))
        for item in page:
            if given >= max_items:
                return
            given += 1
            yield item
        if not page or next_id is None or next_id in seen_ids:
            return
        seen_ids.add(next_id)
        max_id = next_id


class FollowersReader:
    """Followers lists and follower servers' facts, for the followers use cases."""

    def __init__(self, checker: MoveChecker, *, max_followers: int = MAX_SAVED_FOLLOWERS) -> None:
        """Share the checker's pool, sessions and per-server gates."""
        self.checker = checker
        self.max_followers = max_followers
        self._blocks: dict[str, tuple[datetime, dict[str, str] | None]] = {}
        self._blocks_lock = threading.Lock()

    async def read(
        self, handle: Handle, kind: str = "followers", progress: ReadProgress | None = None
    ) -> AccountList:
        """The account's followers (or following) from its own server; raises FollowersReadError."""
        return await self.checker.pool.run(
            self._read_sync, handle, kind, progress or ReadProgress()
        )

    def _read_sync(self, handle: Handle, kind: str, progress: ReadProgress) -> AccountList:
        server = self.checker.servers.server(handle.domain, handle)
        client = server.client
        if client is None:
            reason = server.info.reason or _(CANNOT_READ_NOW).format(domain=handle.domain)
            raise FollowersReadError(reason)
        try:
            raw = client.lookup(handle.acct)
            progress.requests += 1
            if str(raw.get("username", "")).lower() != handle.username:
                raise FollowersReadError(
                    _(ANOTHER_ACCOUNT).format(host=server.api_host, handle=handle)
                )
            expected = _count(raw.get(f"{kind}_count"))
            progress.expected = min(expected, self.max_followers) if expected is not None else None
            locked = raw.get("locked") is True
            account_moved = "moved" in raw
            if raw.get("hide_collections") is True:
                return AccountList(
                    handle, (), frozenset(), expected, True, locked, False, 1, account_moved
                )
            handles: dict[str, None] = {}
            moved: set[str] = set()

            def counted(size: int) -> None:
                progress.requests += 1
                progress.done += size

            for item in page_accounts(
                client, kind, str(raw["id"]), max_items=self.max_followers, on_page=counted
            ):
                name = canonical_follower(item.get("acct"), handle.domain)
                if name is None:
                    continue
                handles[name] = None
                if isinstance(item.get("moved"), dict):
                    moved.add(name)
        except ServerProblem as problem:
            raise FollowersReadError(problem.reason) from problem
        hidden = not handles and bool(expected)
        truncated = expected is not None and expected > self.max_followers
        return AccountList(
            handle,
            tuple(handles),
            frozenset(moved),
            expected,
            hidden,
            locked,
            truncated,
            progress.requests,
            account_moved,
        )

    async def servers(self, domains: list[str], new_server: str | None) -> dict[str, ServerFacts]:
        """What each follower domain runs, whether it answers, whether it blocks the new server."""
        ranked = domains[:MAX_DOMAINS]
        facts = await asyncio.gather(
            *(self.checker.pool.run(self._server_facts, domain, new_server) for domain in ranked)
        )
        return dict(zip(ranked, facts, strict=True))

    def _server_facts(self, domain: str, new_server: str | None) -> ServerFacts:
        try:
            server = self.checker.servers.server(domain, None)
        except Exception:  # one odd server must not spoil the comparison
            log.exception("discovering %s failed", domain)
            return ServerFacts(domain, reachable=False)
        info = server.info
        blocks_new = None
        if new_server and server.client is not None:
            blocks_new = self._blocks_sync(domain, server.client).get(new_server)
        return ServerFacts(
            domain,
            reachable=info.reachable,
            software=info.software,
            label=info.label if info.reachable else "",
            blocks_new=blocks_new,
        )

    async def published_blocks(self, domain: str) -> dict[str, str] | None:
        """The server's published domain blocks (domain -> severity), or None when private."""

        def read() -> dict[str, str] | None:
            server = self.checker.servers.server(domain, None)
            if server.client is None:
                return None
            return self._blocks_sync(domain, server.client, keep_private=True)

        return await self.checker.pool.run(read)

    def _blocks_sync(
        self, domain: str, client: MastodonClient, *, keep_private: bool = False
    ) -> Any:
        now = self.checker.now()
        with self._blocks_lock:
            cached = self._blocks.get(domain)
        if cached is None or now - cached[0] > BLOCKS_TTL:
            try:
                found: dict[str, str] | None = _blocks_by_domain(client.published_domain_blocks())
            except ServerProblem:
                found = None  # not published (401/404) or not answering: nothing known
            cached = (now, found)
            with self._blocks_lock:
                self._blocks[domain] = cached
        if cached[1] is None and not keep_private:
            return {}
        return cached[1]


def _blocks_by_domain(entries: list[dict[str, Any]]) -> _Blocks:
    """Blocks by domain; obfuscated entries (``ex*mple.org``) are matched by digest later."""
    blocks = _Blocks()
    for entry in entries[:10_000]:
        severity = entry.get("severity")
        if severity not in _SEVERITIES:
            continue
        domain = entry.get("domain")
        digest = entry.get("digest")
        if isinstance(domain, str) and "*" not in domain and len(domain) <= 253:
            blocks[domain.strip().lower()] = severity
        if isinstance(digest, str) and len(digest) == 64:
            blocks.digests[digest.lower()] = severity
    return blocks


class _Blocks(dict[str, str]):
    """Domain -> severity, also finding obfuscated entries by their SHA-256 digest."""

    def __init__(self) -> None:
        super().__init__()
        self.digests: dict[str, str] = {}

    def get(self, key: str, default: Any = None) -> Any:
        """The severity for ``key``, by name or by digest."""
        found = super().get(key)
        if found is None:
            found = self.digests.get(hashlib.sha256(key.encode()).hexdigest())
        return found if found is not None else default


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


__all__ = [
    "AccountList",
    "FollowersReadError",
    "FollowersReader",
    "ReadProgress",
    "page_accounts",
]
