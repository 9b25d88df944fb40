"""Reading follows from the servers: who moved publicly, and whom an account follows.

Beside the checker, not inside it: the same servers, sessions and per-host gates (rate
limit budget, concurrency, size caps) through :class:`MoveChecker`'s discovery, so a member's
thousand lookups and the community's rechecks share one budget per server.

- ``public_moves``: one ``GET /api/v1/accounts/lookup`` per account, on its own server;
  ``moved`` (absent when not moved) names the target, 404/410 or ``suspended`` mean gone.
- ``following``: ``GET /api/v1/accounts/:id/following`` paged by its ``Link`` header
  (``limit`` 80, Mastodon's maximum), on the account's own server (mastodon-facts.md §9).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from companion.core.handles import Handle

from .client import MastodonClient, _safe_id
from .http import last_response
from .problems import ServerProblem, Trouble

if TYPE_CHECKING:
    from .checker import MoveChecker

log = logging.getLogger(__name__)

PAGE_LIMIT = 80  # Mastodon's maximum for /following
MAX_PAGES = 260  # 20,800 accounts: more than a follows import can hold
LOOKUPS_AT_ONCE = 8  # in flight per member; the host gates pace them under the limit
Progress = Callable[[int, int], Awaitable[None]]


@dataclass(slots=True)
class PublicMoves:
    """What the lookups found: moved accounts, gone ones, and those that could not be read."""

    moved: dict[Handle, Handle] = field(default_factory=dict)
    gone: list[Handle] = field(default_factory=list)
    unknown: list[Handle] = field(default_factory=list)
    asked: int = 0


@dataclass(frozen=True, slots=True)
class FollowingList:
    """Whom an account follows, as its own server lists them."""

    accounts: list[Handle]
    following_count: int
    followers_count: int
    complete: bool  # False when the list stopped early (too many pages, server trouble)

    @property
    def hidden(self) -> bool:
        """The server shows a count but no list: the account hides its network."""
        return not self.accounts and self.following_count > 0


class FollowsUnreadableError(Exception):
    """The account or its following list could not be read; ``reason`` says why."""

    def __init__(self, reason: str, *, not_found: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.not_found = not_found


def _client(checker: MoveChecker, handle: Handle) -> MastodonClient | None:
    # The checker's discovery (host-meta, WebFinger, instance) and its gated session.
    server = checker.servers.server(handle.domain, handle)
    return server.client if server.usable else None


def _moved_target(data: dict[str, Any], home: str) -> Handle | None:
    moved = data.get("moved")
    if not isinstance(moved, dict):
        return None  # absent (not moved) or null (target unavailable): keep the row
    acct = str(moved.get("acct") or "").strip().lstrip("@")
    if acct and "@" not in acct:
        acct = f"{acct}@{home}"  # local to the account's own server
    return Handle.try_parse(acct)


def _lookup_sync(checker: MoveChecker, handle: Handle) -> tuple[str, Handle | None]:
    """``moved``, ``gone``, ``same`` or ``unknown`` for one account."""
    client = _client(checker, handle)
    if client is None:
        return "unknown", None
    try:
        data = client.lookup(handle.acct)
    except ServerProblem as problem:
        if problem.trouble in {Trouble.NOT_FOUND, Trouble.GONE}:
            return "gone", None
        return "unknown", None
    if data.get("suspended") is True:
        return "gone", None
    target = _moved_target(data, handle.domain)
    return ("moved", target) if target is not None and target != handle else ("same", None)


async def public_moves(
    checker: MoveChecker, handles: Sequence[Handle], progress: Progress | None = None
) -> PublicMoves:
    """Look each account up on its own server, a few at a time, within the rate limits."""
    found = PublicMoves(asked=len(handles))
    limiter = asyncio.Semaphore(LOOKUPS_AT_ONCE)
    done = 0

    async def one(handle: Handle) -> None:
        nonlocal done
        async with limiter:
            try:
                outcome, target = await checker.pool.run(_lookup_sync, checker, handle)
            except Exception:  # a lookup that fails is a row kept as it is, never a crash
                log.exception("looking up %s failed", handle)
                outcome, target = "unknown", None
        if outcome == "moved" and target is not None:
            found.moved[handle] = target
        elif outcome == "gone":
            found.gone.append(handle)
        elif outcome == "unknown":
            found.unknown.append(handle)
        done += 1
        if progress is not None:
            await progress(done, len(handles))

    await asyncio.gather(*(one(handle) for handle in handles))
    order = {handle: index for index, handle in enumerate(handles)}
    found.gone.sort(key=order.__getitem__)
    found.unknown.sort(key=order.__getitem__)
    return found


def _following_sync(checker: MoveChecker, handle: Handle) -> FollowingList:
    client = _client(checker, handle)
    if client is None:
        raise FollowsUnreadableError(f"{handle.display_domain} could not be reached")
    try:
        account = client.lookup(handle.acct)
    except ServerProblem as problem:
        missing = problem.trouble in {Trouble.NOT_FOUND, Trouble.GONE}
        raise FollowsUnreadableError(problem.reason, not_found=missing) from problem
    account_id = _safe_id(str(account["id"]))
    accounts: list[Handle] = []
    max_id: str | None = None
    complete = False
    for _ in range(MAX_PAGES):
        try:
            page = client._raw(
                client._api.account_following, account_id, max_id, None, None, PAGE_LIMIT
            )
        except ServerProblem as problem:
            if not accounts:
                raise FollowsUnreadableError(problem.reason) from problem
            break  # what was read is still worth comparing; say the list was cut short
        response = last_response()
        if not isinstance(page, list):
            raise FollowsUnreadableError(f"{client.host} did not send a list of accounts")
        for item in page:
            if isinstance(item, dict):
                acct = str(item.get("acct") or "").strip().lstrip("@")
                followed = Handle.try_parse(acct if "@" in acct else f"{acct}@{handle.domain}")
                if followed is not None:
                    accounts.append(followed)
        max_id = _next_max_id(response.links if response is not None else {})
        if max_id is None or not page:
            complete = True
            break
    return FollowingList(
        accounts=accounts,
        following_count=_count(account.get("following_count")),
        followers_count=_count(account.get("followers_count")),
        complete=complete,
    )


def _next_max_id(links: dict[str, Any]) -> str | None:
    url = (links.get("next") or {}).get("url")
    if not url:
        return None
    values = parse_qs(urlsplit(url).query).get("max_id")
    return values[0] if values else None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


async def following(checker: MoveChecker, handle: Handle) -> FollowingList:
    """Whom ``handle`` follows, read page by page from its own server."""
    return await checker.pool.run(_following_sync, checker, handle)


def _counts_sync(checker: MoveChecker, handle: Handle) -> tuple[int, int] | None:
    client = _client(checker, handle)
    if client is None:
        return None
    try:
        account = client.lookup(handle.acct)
    except ServerProblem:
        return None
    return _count(account.get("following_count")), _count(account.get("followers_count"))


async def account_counts(checker: MoveChecker, handle: Handle) -> tuple[int, int] | None:
    """(following, followers) of an account, or None when its server cannot say."""
    return await checker.pool.run(_counts_sync, checker, handle)
