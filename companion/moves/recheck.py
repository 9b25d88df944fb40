"""Bulk rechecks: a whole community checked at once, with progress as it goes.

Every server is discovered first (one probe handle per domain), then every resolved
account is fetched in batches of 40 ids on servers that support it (Mastodon 4.3+), one
by one elsewhere; members go to the worker pool in groups, and ``progress(done, total)``
hears about every 1% (at most twice a second).
"""

from __future__ import annotations

import asyncio
import inspect
import math
import threading
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from companion.core.handles import Handle
from companion.core.move_report import MoveReport

from .discovery import Server, ServerDirectory
from .pair_check import Call, MemberPair, PairCheck, Prefetch
from .problems import ServerProblem, Trouble
from .workers import WorkerPool

ProgressCallback = Callable[[int, int], Awaitable[None] | None]

BATCH_SIZE = 40  # Mastodon's limit for /api/v1/accounts?id[]
_GROUP_MAX = 100  # members per pool job in bulk rechecks
_PROGRESS_EVERY = 0.5  # seconds between progress checks


async def recheck_many(
    pairs: Sequence[MemberPair],
    progress: ProgressCallback | None,
    *,
    call: Call,
    now: datetime,
    pool: WorkerPool,
    pair_check: PairCheck,
    alias_max_age: timedelta,
) -> list[MoveReport]:
    """Recheck many members (ids in batches of 40 where possible), in the given order.

    ``progress(done, total)`` (plain or async) is called at the start and then each time
    a group of members is done (about a hundred times for a large community).
    """
    servers = pair_check.servers
    probes: dict[str, Handle] = {}
    for pair in pairs:
        if call.contacts(pair.old.domain, old=True):
            probes.setdefault(pair.old.domain, pair.old)
        if call.contacts(pair.new.domain, old=False):
            probes.setdefault(pair.new.domain, pair.new)
    await asyncio.gather(
        *(pool.run(servers.server, domain, probe) for domain, probe in probes.items())
    )
    prefetch = await _prefetch(pairs, servers, pool)
    total = len(pairs)
    counter = _Counter()
    await _report_progress(progress, 0, total)
    # Members go to the pool in groups (at least four per worker, so as many members
    # are in flight as before): ten thousand futures cost the event loop seconds.
    size = max(1, min(_GROUP_MAX, math.ceil(total / (pool.workers * 4))))
    groups = [pairs[start : start + size] for start in range(0, total, size)]
    work = asyncio.gather(
        *(
            pool.run(_check_group, pair_check, members, now, prefetch, alias_max_age, call, counter)
            for members in groups
        )
    )
    reporter = asyncio.create_task(_report_while(work, counter, total, progress))
    try:
        results = await work
    finally:
        await reporter
    await _report_progress(progress, total, total)
    return [report for reports in results for report in reports]


async def _prefetch(
    pairs: Sequence[MemberPair], servers: ServerDirectory, pool: WorkerPool
) -> Prefetch:
    """Fetch every resolved account on multi-get servers, 40 ids per request."""
    wanted: dict[str, set[str]] = {}
    for pair in pairs:
        cached = pair.cached
        if cached is None:
            continue
        for handle, ref in ((pair.old, cached.old), (pair.new, cached.new)):
            server = servers.known(handle.domain)
            if (
                ref is None
                or server is None
                or not server.usable
                or not server.multi_get
                or ref.handle != handle
                or ref.api_host != server.api_host
            ):
                continue
            wanted.setdefault(handle.domain, set()).add(ref.account_id)
    jobs = []
    for domain, ids in wanted.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), BATCH_SIZE):
            chunk = ordered[start : start + BATCH_SIZE]
            jobs.append(pool.run(_batch_sync, servers.known(domain), chunk))
    prefetch = Prefetch()
    for host, accounts, covered in await asyncio.gather(*jobs):
        for key, value in accounts.items():
            prefetch.accounts[(host, key)] = value
        prefetch.covered.update((host, ident) for ident in covered)
    return prefetch


def _batch_sync(
    server: Server, ids: list[str]
) -> tuple[str, dict[str, dict[str, Any] | ServerProblem], list[str]]:
    """One multi-get request; a missing route turns batching off for that server."""
    assert server.client is not None
    try:
        accounts = server.client.accounts(ids)
    except ServerProblem as problem:
        if problem.trouble in {Trouble.NOT_FOUND, Trouble.HTTP_ERROR}:
            server.multi_get = False  # older than 4.3 after all: one by one
            return server.api_host, {}, []
        return server.api_host, dict.fromkeys(ids, problem), list(ids)
    return server.api_host, {str(raw["id"]): raw for raw in accounts}, list(ids)


def _check_group(
    pair_check: PairCheck,
    pairs: Sequence[MemberPair],
    now: datetime,
    prefetch: Prefetch,
    alias_max_age: timedelta,
    call: Call,
    counter: _Counter,
) -> list[MoveReport]:
    """Check a few members one after the other on one worker thread."""
    reports = []
    for pair in pairs:
        reports.append(pair_check.check(pair, now, prefetch, alias_max_age, call))
        counter.add()
    return reports


class _Counter:
    """Members done so far, counted by worker threads, read by the event loop."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


async def _report_while(
    work: asyncio.Future[Any], counter: _Counter, total: int, progress: ProgressCallback | None
) -> None:
    """Report progress about every 1% (at most twice a second) until the work is done."""
    if progress is None:
        return
    step = max(1, total // 100)
    reported = 0
    while not work.done():
        await asyncio.sleep(_PROGRESS_EVERY)
        done = counter.value
        if done - reported >= step and done < total:
            reported = done
            await _report_progress(progress, done, total)


async def _report_progress(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is None:
        return
    result = progress(done, total)
    if inspect.isawaitable(result):
        await result
