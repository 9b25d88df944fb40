"""``MoveChecker``: ask the servers how far each member's move has got.

The async face of the adapter. Work runs on a bounded thread pool (Mastodon.py and
requests are synchronous); per-host limits live in the shared transport. Each server is
discovered once (host-meta, else WebFinger, then nodeinfo and the instance endpoint) and
remembered for a while. Discovery sends its independent requests at once (host-meta,
nodeinfo and the instance endpoint at the configured address, and for a member's own
check the account lookup too), and a member's check discovers both servers at once, so a
first contact with slow servers costs three round trips, not six one after the other.
A member is checked in this order, asking only what the answer depends on:

1. the old account on its home server (by stored id when resolved, else by lookup);
   where the software may hide ``moved`` (Pleroma/Akkoma) the old actor's ``movedTo``;
2. the new account on its home server (skipped when the old account is gone);
3. before the move only: the new account's actor (``alsoKnownAs``), from the URI the
   server gave. Bulk rechecks reuse a recent alias reading instead of fetching again.

Whole-community rechecks first fetch every resolved account in batches of 40 ids on
servers that support it (Mastodon 4.3+), one by one elsewhere. Server trouble never
raises: it becomes ``server_unreachable`` or ``unsupported_server`` with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import logging
import math
import threading
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self, TypeVar

import requests

from companion import USER_AGENT
from companion.core.clock import Clock
from companion.core.handles import Handle, HandleError, normalise_domain
from companion.core.models import CachedAccount, Campaign, Member
from companion.core.move_facts import (
    AccountFacts,
    AliasAnswer,
    AliasFacts,
    Answer,
    CachedAccounts,
    Evidence,
    MovedTarget,
    MoveFacts,
)
from companion.core.move_report import MoveReport, build_report
from companion.core.move_rules import MoveRules
from companion.core.move_status import MoveStatus
from companion.settings import Settings

from .client import MastodonClient, profile_plain_text
from .http import DEFAULT_MAX_BYTES, WAIT_BUDGET, GateRegistry, HostCounters, build_session
from .netguard import AddressPolicy, origin_of
from .problems import ServerProblem, Trouble, classify
from .servers import ServerInfo, describe
from .webfinger import (
    also_known_as,
    fetch_actor,
    fetch_nodeinfo,
    host_meta_template,
    host_of,
    is_full_actor,
    moved_to,
    origin_url,
    webfinger,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
ProgressCallback = Callable[[int, int], Awaitable[None] | None]

BATCH_SIZE = 40  # Mastodon's limit for /api/v1/accounts?id[]
_ABSENT = {Answer.NOT_FOUND, Answer.GONE, Answer.SUSPENDED}
# A server found unreachable is asked again after this long, even within one checker.
_RETRY_UNREACHABLE = timedelta(seconds=60)
# Discovery that finds neither host-meta nor a WebFinger answer is retried with the next
# few handles (the first one may not exist), then the guess (the handle's domain) stands.
_DISCOVERY_TRIES = 3
_GROUP_MAX = 100  # members per pool job in bulk rechecks
_PROGRESS_EVERY = 0.5  # seconds between progress checks
_DOWN = frozenset({Trouble.TIMEOUT, Trouble.NETWORK, Trouble.REFUSED_ADDRESS, Trouble.TOO_LARGE})


@dataclass(frozen=True, slots=True)
class MemberPair:
    """One linked member to recheck, with what the store remembers about them."""

    old: Handle
    new: Handle
    recorded_followers: int | None = None
    cached: CachedAccounts | None = None
    previous: MoveReport | None = None


@dataclass(frozen=True, slots=True)
class ProfileText:
    """A profile's bio and field values as plain text (for ownership codes)."""

    handle: str
    text: str
    answer: Answer  # FOUND when the text could be read
    reason: str
    checked_at: datetime

    @property
    def found(self) -> bool:
        """True when the profile was read."""
        return self.answer is Answer.FOUND


@dataclass(slots=True)
class _Server:
    """One handle domain as discovered: where its API is and what it is."""

    domain: str
    start: str  # configured api_base_url, or https://domain
    api_base: str
    template: str | None  # WebFinger template from host-meta
    session: requests.Session
    client: MastodonClient | None
    info: ServerInfo
    confirmed: bool = True  # False when discovery found nothing better than a guess
    multi_get: bool = False
    attempts: int = 1  # discoveries that ended in a guess
    tried: frozenset[Handle] = frozenset()  # probe handles those discoveries asked about
    # Lookups sent alongside discovery (a member's own check); ``check`` takes them at once.
    early: dict[Handle, Future[tuple[dict[str, Any], str]]] = field(default_factory=dict)

    @property
    def api_host(self) -> str:
        return host_of(self.api_base)

    @property
    def usable(self) -> bool:
        return self.client is not None and self.info.reachable and self.info.supported


@dataclass(slots=True)
class _Prefetch:
    """Accounts fetched in batches before the member checks, by (API host, id)."""

    accounts: dict[tuple[str, str], dict[str, Any] | ServerProblem] = field(default_factory=dict)
    covered: set[tuple[str, str]] = field(default_factory=set)
    # Lookups already sent during this check's discovery, by handle.
    lookups: dict[Handle, Future[tuple[dict[str, Any], str]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Call:
    """What one check or recheck was asked with."""

    rules: MoveRules
    guide: str
    old_server: str | None = None

    def contacts(self, domain: str, *, old: bool) -> bool:
        """Whether a handle on ``domain`` may be contacted for this call."""
        wanted = self.old_server if old else self.rules.new_server
        return not wanted or domain == wanted


class MoveChecker:
    """Checks move statuses against the servers; an async context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        contact: Collection[str] | None = None,
        max_workers: int = 32,
        per_host_concurrency: int = 8,
        max_response_bytes: int = DEFAULT_MAX_BYTES,
        max_rate_limit_wait: float = 330.0,
        reply_rate_limit_wait: float = 30.0,
        alias_max_age: timedelta = timedelta(hours=12),
        server_ttl: timedelta = timedelta(hours=1),
    ) -> None:
        """Prepare pools and policies; nothing is contacted until asked.

        ``contact``, when given, is the only set of handle domains ever contacted. Per
        call, the campaign's ``new_server`` keeps the new handle's server from being
        contacted at all when it differs (``wrong_server``), and its ``old_server`` does
        the same for the old handle. ``alias_max_age``: a bulk recheck reuses an alias reading
        younger than this; a member's own check always reads it afresh.
        ``max_rate_limit_wait``: the longest a recheck waits for a rate limit;
        ``reply_rate_limit_wait``: the same for a member's own check, who is waiting for the
        reply (beyond it the reason names the time requests are allowed again).
        """
        self.settings = settings
        self.clock = clock
        self.timeout = settings.request_timeout
        self.alias_max_age = alias_max_age
        self.server_ttl = server_ttl
        self.max_response_bytes = max_response_bytes
        self.reply_rate_limit_wait = reply_rate_limit_wait
        self.policy = AddressPolicy(allow_private=settings.allow_private_addresses)
        for server in settings.servers.values():
            if server.api_base_url:
                self.policy.trust(server.api_base_url)
        self.gates = GateRegistry(concurrency=per_host_concurrency, max_wait=max_rate_limit_wait)
        self._contact = frozenset(contact) if contact is not None else None
        self._workers = max_workers
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="move-check")
        # Single requests sent side by side during discovery. Only leaves run here (they
        # never wait on this pool themselves), so it cannot deadlock.
        self._fanout = ThreadPoolExecutor(
            max_workers=max(4, per_host_concurrency * 2), thread_name_prefix="move-fanout"
        )
        self._servers: dict[str, _Server] = {}
        self._sessions: dict[str, requests.Session] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Use the checker for an ``async with`` block."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the workers and close the sessions (``aclose``)."""
        await self.aclose()

    async def aclose(self) -> None:
        """Stop the worker threads and close every session."""
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._fanout.shutdown(wait=True, cancel_futures=True)
        for session in self._sessions.values():
            session.close()

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run on the member pool, carrying the caller's context (its wait budget)."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._pool, functools.partial(context.run, fn, *args))

    def _side_by_side(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Send one request on the fanout pool, carrying this thread's context."""
        return self._fanout.submit(contextvars.copy_context().run, fn, *args)

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def _call(self, campaign: Campaign) -> _Call:
        rules = MoveRules(
            new_server=campaign.new_server, followers_share=self.settings.followers_arrived_share
        )
        return _Call(rules, campaign.guide_url, campaign.old_server)

    def request_counts(self) -> dict[str, HostCounters]:
        """Requests, 429s received and seconds waited, per host (for benchmarks)."""
        return self.gates.counters()

    # -- public API ------------------------------------------------------------------------------

    async def check(
        self,
        old: Handle,
        new: Handle,
        *,
        recorded_followers: int | None = None,
        cached: CachedAccounts | None = None,
        previous: MoveReport | None = None,
        now: datetime | None = None,
        campaign: Campaign,
    ) -> MoveReport:
        """Check one pair now, reading the alias afresh; never raises for server trouble.

        ``campaign`` is the guild's: its servers and its guide's address.
        """
        pair = MemberPair(old, new, recorded_followers, cached, previous)
        call = self._call(campaign)
        prefetch = _Prefetch()
        budget = WAIT_BUDGET.set(self.reply_rate_limit_wait)  # a member awaits the reply
        try:
            if call.contacts(old.domain, old=True) and call.contacts(new.domain, old=False):
                # Both servers at once; a first contact also looks the handles up meanwhile.
                for server in await asyncio.gather(
                    self._run(self._early_server, old),
                    self._run(self._early_server, new),
                ):
                    if server is not None:
                        early, server.early = server.early, {}
                        prefetch.lookups.update(early)
            return await self._run(
                self._safe_check, pair, now or self._now(), prefetch, timedelta(0), call
            )
        finally:
            WAIT_BUDGET.reset(budget)

    async def recheck_many(
        self,
        pairs: Sequence[MemberPair],
        progress: ProgressCallback | None = None,
        *,
        campaign: Campaign,
        now: datetime | None = None,
    ) -> list[MoveReport]:
        """Recheck many members (ids in batches of 40 where possible), in the given order.

        ``progress(done, total)`` (plain or async) is called at the start and then each time
        a group of members is done (about a hundred times for a large community).
        """
        now = now or self._now()
        call = self._call(campaign)
        probes: dict[str, Handle] = {}
        for pair in pairs:
            if call.contacts(pair.old.domain, old=True):
                probes.setdefault(pair.old.domain, pair.old)
            if call.contacts(pair.new.domain, old=False):
                probes.setdefault(pair.new.domain, pair.new)
        await asyncio.gather(
            *(self._run(self._server_sync, domain, probe) for domain, probe in probes.items())
        )
        prefetch = await self._prefetch(pairs)
        total = len(pairs)
        counter = _Counter()
        await _report_progress(progress, 0, total)
        # Members go to the pool in groups (at least four per worker, so as many members
        # are in flight as before): ten thousand futures cost the event loop seconds.
        size = max(1, min(_GROUP_MAX, math.ceil(total / (self._workers * 4))))
        groups = [pairs[start : start + size] for start in range(0, total, size)]
        work = asyncio.gather(
            *(
                self._run(
                    self._check_group, members, now, prefetch, self.alias_max_age, call, counter
                )
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

    async def server_info(self, domain: str) -> ServerInfo:
        """What a server is and whether it can be checked (asked afresh)."""
        # Asked as given when it is not a valid name: discovery will say what is wrong.
        with contextlib.suppress(HandleError):
            domain = normalise_domain(domain)
        return (await self._run(self._server_sync, domain, None, True)).info

    async def profile(self, handle: Handle) -> ProfileText:
        """A profile's bio and field values as plain text, read now, with what went wrong."""
        return await self._run(self._profile_sync, handle, self._now())

    async def profile_text(self, handle: Handle) -> str | None:
        """A profile's bio and field values as plain text, or None when it cannot be read."""
        found = await self.profile(handle)
        return found.text if found.found else None

    @staticmethod
    def pair_for(
        member: Member,
        cached: Mapping[str, CachedAccount],
        previous: MoveReport | Mapping[str, Any] | None = None,
    ) -> MemberPair:
        """A member as the store keeps them (resolved accounts, latest report), ready to recheck."""
        report = previous
        if report is not None and not isinstance(report, MoveReport):
            try:
                report = MoveReport.from_dict(dict(report))
            except (KeyError, TypeError, ValueError):
                report = None  # an unreadable old observation is no reason to fail
        alias = report.accounts.alias if report is not None and report.accounts else None
        old = cached.get(str(member.old_handle))
        new = cached.get(str(member.new_handle))
        accounts = CachedAccounts(old, new, alias) if old or new or alias else None
        return MemberPair(
            member.old_handle, member.new_handle, member.followers_before, accounts, report
        )

    # -- servers ---------------------------------------------------------------------------------

    def _lock(self, domain: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(domain, threading.Lock())

    def _server_sync(
        self, domain: str, probe: Handle | None, fresh: bool = False, early: bool = False
    ) -> _Server:
        """The server behind a handle domain, discovered once and reused for a while.

        ``early``: when discovery is needed, look ``probe`` up alongside it.
        """
        with self._lock(domain):
            known = self._servers.get(domain)
            if known is not None and not fresh and not self._stale(known, probe):
                return known
            server = self._discover(domain, probe, known, early=early)
            if probe is not None:
                server.tried = frozenset({probe})
            if known is not None and not server.confirmed:
                server.attempts = known.attempts + 1
                server.tried |= known.tried
            self._servers[domain] = server
            return server

    def _early_server(self, handle: Handle) -> _Server | None:
        """Discover a handle's server ahead of its check; a bug here is left to the check."""
        try:
            return self._server_sync(handle.domain, handle, False, True)
        except Exception:
            log.exception("discovering %s failed", handle.domain)
            return None

    def _stale(self, server: _Server, probe: Handle | None) -> bool:
        age = self._now() - server.info.checked_at
        if not server.info.reachable:
            return age > _RETRY_UNREACHABLE
        if (
            not server.confirmed
            and probe is not None
            and probe not in server.tried
            and server.attempts < _DISCOVERY_TRIES
        ):
            return True  # a guess: let the next handle's WebFinger confirm it
        return age > self.server_ttl

    def _session(self, domain: str, token_origin: tuple[str, str, int] | None) -> requests.Session:
        session = self._sessions.get(domain)
        if session is None:
            session = build_session(
                policy=self.policy,
                gates=self.gates,
                user_agent=USER_AGENT,
                max_bytes=self.max_response_bytes,
                token_origin=token_origin,
                max_seconds=self.timeout,
            )
            self._sessions[domain] = session
        return session

    def _discover(
        self, domain: str, probe: Handle | None, known: _Server | None, *, early: bool = False
    ) -> _Server:
        """Find where the API lives (host-meta, else WebFinger) and what the server is.

        The API is almost always at the configured address, so nodeinfo, the instance
        endpoint (and with ``early`` the probe's lookup) are asked there at the same time
        as host-meta; only when discovery points elsewhere are they asked again there.
        """
        now = self._now()
        configured = self.settings.servers.get(domain)
        start = (
            configured.api_base_url
            if configured and configured.api_base_url
            else f"https://{domain}"
        ).rstrip("/")
        token = (
            configured.access_token.get_secret_value()
            if configured and configured.access_token
            else None
        )
        token_origin = origin_of(start) if token else None
        session = self._session(domain, token_origin)
        if self._contact is not None and domain not in self._contact:
            reason = f"{domain} is not one of the campaign's servers; the bot only contacts those"
            return self._unusable(domain, start, session, now, reason, reachable=False)
        template, api_base, confirmed = None, start, False
        side = self._side_by_side
        start_client = MastodonClient(start, session, timeout=self.timeout, token=token)
        host_meta = side(self._host_meta, session, start)
        nodeinfo_here = side(self._nodeinfo_or_none, session, start, domain)
        instance_here = side(_instance, start_client)
        looked_up = (
            {probe: side(_lookup, start_client, probe)} if early and probe is not None else {}
        )
        try:
            template = host_meta.result()
        except Exception as exc:  # host-meta is optional, but a dead address is not
            problem = classify(exc, host_of(start), timeout=self.timeout)
            if problem.trouble in _DOWN:
                # Fail once, fast: asking nodeinfo and the API would only time out again.
                return self._unusable(domain, start, session, now, problem.reason, reachable=False)
        if template is not None:
            api_base, confirmed = origin_url(template), True
        elif probe is None and known is not None and known.confirmed:
            api_base, confirmed = known.api_base, True  # found through a handle before
        elif probe is not None:
            try:
                answer = webfinger(
                    session, start, probe.acct, timeout=self.timeout, policy=self.policy
                )
                located = answer.actor_uri or answer.served_by
                api_base, confirmed = origin_url(located), True
            except Exception as exc:  # the probe handle may not exist: keep the guess
                log.debug("WebFinger discovery for %s failed: %s", domain, exc)
        sends_token = token is not None and origin_of(api_base) == token_origin
        if token is None:
            auth = "anonymous"
        elif sends_token:
            auth = "token"
        else:
            auth = (
                f"token withheld: configured for {host_of(start)}, "
                f"but the API is at {host_of(api_base)}"
            )
        if api_base == start:
            client = start_client
            nodeinfo, answered = nodeinfo_here.result(), instance_here.result()
        else:  # the API lives elsewhere (split domain): ask there, both at once
            looked_up = {}
            client = MastodonClient(
                api_base, session, timeout=self.timeout, token=token if sends_token else None
            )
            nodeinfo_there = side(self._nodeinfo_or_none, session, api_base, domain)
            answered = _instance(client)
            nodeinfo = nodeinfo_there.result()
        reachable, supported, reason = True, True, ""
        instance = None if isinstance(answered, ServerProblem) else answered
        if isinstance(answered, ServerProblem):
            problem = answered
            reason = problem.reason
            if problem.trouble is Trouble.UNAUTHORIZED:
                reason = ""  # limited federation hides instance info; accounts may still work
            elif problem.trouble in {
                Trouble.NOT_JSON,
                Trouble.BAD_SHAPE,
                Trouble.NOT_FOUND,
                Trouble.GONE,
                Trouble.HTTP_ERROR,
            }:
                supported = False
                reason = f"{reason}: it does not answer the Mastodon client API"
            else:
                reachable = supported = False
        info = describe(
            domain,
            api_base,
            nodeinfo=nodeinfo,
            instance=instance,
            checked_at=now,
            reachable=reachable,
            supported=supported,
            reason=reason,
            auth=auth,
        )
        return _Server(
            domain=domain,
            start=start,
            api_base=api_base,
            template=template,
            session=session,
            client=client if reachable and supported else None,
            info=info,
            confirmed=confirmed,
            multi_get=info.multi_get,
            early=looked_up if reachable and supported else {},
        )

    def _host_meta(self, session: requests.Session, base: str) -> str | None:
        return host_meta_template(session, base, timeout=self.timeout, policy=self.policy)

    def _nodeinfo_or_none(
        self, session: requests.Session, base: str, domain: str
    ) -> dict[str, Any] | None:
        """The nodeinfo document, or None: it is optional, the instance endpoint decides."""
        try:
            return fetch_nodeinfo(session, base, timeout=self.timeout)
        except Exception as exc:
            log.debug("nodeinfo for %s failed: %s", domain, exc)
            return None

    def _unusable(
        self,
        domain: str,
        start: str,
        session: requests.Session,
        now: datetime,
        reason: str,
        *,
        reachable: bool,
    ) -> _Server:
        info = describe(
            domain,
            start,
            nodeinfo=None,
            instance=None,
            checked_at=now,
            reachable=reachable,
            supported=False,
            reason=reason,
        )
        return _Server(domain, start, start, None, session, None, info)

    # -- batches ---------------------------------------------------------------------------------

    async def _prefetch(self, pairs: Sequence[MemberPair]) -> _Prefetch:
        """Fetch every resolved account on multi-get servers, 40 ids per request."""
        wanted: dict[str, set[str]] = {}
        for pair in pairs:
            cached = pair.cached
            if cached is None:
                continue
            for handle, ref in ((pair.old, cached.old), (pair.new, cached.new)):
                server = self._servers.get(handle.domain)
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
                jobs.append(self._run(self._batch_sync, self._servers[domain], chunk))
        prefetch = _Prefetch()
        for host, accounts, covered in await asyncio.gather(*jobs):
            for key, value in accounts.items():
                prefetch.accounts[(host, key)] = value
            prefetch.covered.update((host, ident) for ident in covered)
        return prefetch

    def _batch_sync(
        self, server: _Server, ids: list[str]
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

    # -- one member ------------------------------------------------------------------------------

    def _check_group(
        self,
        pairs: Sequence[MemberPair],
        now: datetime,
        prefetch: _Prefetch,
        alias_max_age: timedelta,
        call: _Call,
        counter: _Counter,
    ) -> list[MoveReport]:
        """Check a few members one after the other on one worker thread."""
        reports = []
        for pair in pairs:
            reports.append(self._safe_check(pair, now, prefetch, alias_max_age, call))
            counter.add()
        return reports

    def _safe_check(
        self,
        pair: MemberPair,
        now: datetime,
        prefetch: _Prefetch,
        alias_max_age: timedelta,
        call: _Call,
    ) -> MoveReport:
        """Check one member on a worker thread; a bug in one check cannot sink a recheck."""
        try:
            return self._check_sync(pair, now, prefetch, alias_max_age, call)
        except Exception as exc:
            log.exception("checking %s -> %s failed", pair.old, pair.new)
            facts = AccountFacts(
                handle=str(pair.old),
                answer=Answer.UNREACHABLE,
                server=pair.old.domain,
                observed_at=now,
                reason=f"unexpected error while checking ({type(exc).__name__}); it was logged",
            )
            return build_report(
                MoveFacts(pair.old, pair.new, facts, None, None, pair.recorded_followers),
                call.rules,
                guide_base=call.guide,
                checked_at=now,
                previous=pair.previous,
                accounts=pair.cached,
            )

    def _check_sync(
        self,
        pair: MemberPair,
        now: datetime,
        prefetch: _Prefetch,
        alias_max_age: timedelta,
        call: _Call,
    ) -> MoveReport:
        cached = pair.cached or CachedAccounts()
        rules, guide = call.rules, call.guide
        if not call.contacts(pair.new.domain, old=False):
            facts = MoveFacts(pair.old, pair.new, recorded_followers=pair.recorded_followers)
            return build_report(
                facts,
                rules,
                guide_base=guide,
                checked_at=now,
                previous=pair.previous,
                accounts=cached,
            )
        if not call.contacts(pair.old.domain, old=True):
            reason = (
                f"{pair.old.domain} is not the campaign's old server ({call.old_server}); "
                "the bot only contacts the campaign's servers"
            )
            old_facts = AccountFacts(
                str(pair.old), Answer.UNSUPPORTED, pair.old.domain, now, reason=reason
            )
            facts = MoveFacts(pair.old, pair.new, old_facts, None, None, pair.recorded_followers)
            return build_report(
                facts,
                rules,
                guide_base=guide,
                checked_at=now,
                previous=pair.previous,
                accounts=cached,
            )
        evidence: list[Evidence] = []
        old_server = self._server_sync(pair.old.domain, pair.old)
        evidence.append(_server_evidence(old_server))
        old, old_ref = self._account(old_server, pair.old, cached.old, prefetch, now)
        if old.found:
            old, old_ref = self._settle_move(old_server, pair.old, old, old_ref)
        new: AccountFacts | None = None
        new_ref, new_server = cached.new, None
        if old.answer not in _ABSENT:
            new_server = self._server_sync(pair.new.domain, pair.new)
            if new_server is not old_server:
                evidence.append(_server_evidence(new_server))
            new, new_ref = self._account(new_server, pair.new, cached.new, prefetch, now)
        alias_used: AliasFacts | None = None
        alias_kept = cached.alias
        before_move = old.found and old.moved is None and old.moved_visible
        if before_move and new is not None and new.found and new_server is not None:
            alias_used = _reusable_alias(cached.alias, new, now, alias_max_age)
            if alias_used is None:
                new, new_ref = self._with_actor_uri(new_server, pair.new, new, new_ref)
                alias_used = self._alias(new_server, new, now)
            alias_kept = alias_used
            if alias_used.answer is AliasAnswer.READ and old.actor_uri is None:
                old, old_ref = self._with_actor_uri(old_server, pair.old, old, old_ref)
        facts = MoveFacts(
            pair.old,
            pair.new,
            old,
            new,
            alias_used,
            pair.recorded_followers,
            old_software=old_server.info.software,
        )
        return build_report(
            facts,
            rules,
            guide_base=guide,
            checked_at=now,
            previous=pair.previous,
            accounts=CachedAccounts(old_ref, new_ref, alias_kept),
            extra_evidence=tuple(evidence),
        )

    def _account(
        self,
        server: _Server,
        handle: Handle,
        ref: CachedAccount | None,
        prefetch: _Prefetch,
        now: datetime,
    ) -> tuple[AccountFacts, CachedAccount | None]:
        """The account's facts from its home server: by stored id when possible."""
        if not server.usable or server.client is None:
            answer = Answer.UNSUPPORTED if server.info.reachable else Answer.UNREACHABLE
            return self._trouble_facts(handle, server, answer, server.info.reason, now), ref
        client = server.client
        raw: dict[str, Any] | None = None
        asked = ""
        if ref is not None and ref.handle == handle and ref.api_host == server.api_host:
            key = (server.api_host, ref.account_id)
            if key in prefetch.accounts:
                got = prefetch.accounts[key]
                if isinstance(got, ServerProblem):
                    return self._problem_facts(handle, server, got, now, "accounts batch"), ref
                raw, asked = got, "GET /api/v1/accounts?id[] (batch)"
            elif key not in prefetch.covered:
                try:
                    raw = client.account(ref.account_id)
                    asked = f"GET /api/v1/accounts/{ref.account_id}"
                except ServerProblem as problem:
                    if problem.trouble not in {Trouble.NOT_FOUND, Trouble.GONE}:
                        return self._problem_facts(handle, server, problem, now, "account"), ref
            if raw is not None and not _is_home_account(raw, handle):
                raw = None  # the id now names someone else: resolve the handle again
        if raw is None:
            early = prefetch.lookups.pop(handle, None)
            try:
                raw, asked = early.result() if early is not None else _lookup(client, handle)
            except ServerProblem as problem:
                if problem.trouble in {Trouble.NOT_FOUND, Trouble.GONE}:
                    return self._confirm_missing(server, handle, problem, now), None
                return self._problem_facts(handle, server, problem, now, "lookup"), ref
            if not _is_home_account(raw, handle):
                reason = f"{server.api_host} answered with another account than {handle}"
                return self._trouble_facts(handle, server, Answer.UNSUPPORTED, reason, now), ref
        facts = _account_facts(raw, handle, server, asked, now)
        same = ref is not None and ref.account_id == str(raw["id"]) and ref.handle == handle
        new_ref = CachedAccount(
            handle=handle,
            api_host=server.api_host,
            account_id=str(raw["id"]),
            actor_uri=facts.actor_uri or (ref.actor_uri if same and ref else None),
            resolved_at=ref.resolved_at if same and ref else now,
        )
        if facts.actor_uri is None and new_ref.actor_uri is not None:
            facts = replace(facts, actor_uri=new_ref.actor_uri)
        return facts, new_ref

    def _webfinger(self, server: _Server, handle: Handle) -> Any:
        """Ask the handle's server about it, with this checker's timeout and address policy."""
        return webfinger(
            server.session,
            server.start,
            handle.acct,
            timeout=self.timeout,
            policy=self.policy,
            template=server.template,
        )

    def _confirm_missing(
        self, server: _Server, handle: Handle, problem: ServerProblem, now: datetime
    ) -> AccountFacts:
        """The API does not know the account: only WebFinger's agreement makes it missing.

        A false "account gone" tells a member their followers may be lost, so an account
        is missing only when its own server's WebFinger says so too (404, or 410 for
        deleted for good). While WebFinger still lists it, or cannot be asked, the answer
        is "could not confirm", and the reason says what.
        """
        asked = "lookup (with and without the domain), then WebFinger"
        try:
            found = self._webfinger(server, handle)
        except ServerProblem as webfinger_problem:
            if webfinger_problem.trouble is Trouble.GONE or problem.trouble is Trouble.GONE:
                reason = f"{handle} was deleted for good (its server answers 410 Gone)"
                return self._trouble_facts(handle, server, Answer.GONE, reason, now, asked=asked)
            if webfinger_problem.trouble is Trouble.NOT_FOUND:
                reason = f"{server.api_host} does not know {handle} (API and WebFinger agree)"
                return self._trouble_facts(
                    handle, server, Answer.NOT_FOUND, reason, now, asked=asked
                )
            second = webfinger_problem.reason
        except Exception as exc:  # a bug in the second opinion must not make it "gone"
            log.exception("WebFinger for %s failed", handle)
            second = f"unexpected error ({type(exc).__name__}); it was logged"
        else:
            log.debug("WebFinger lists %s at %s", handle, found.actor_uri)
            reason = (
                f"could not confirm {handle}: {server.api_host}'s API does not find it, but "
                "its WebFinger still lists the account, so the bot does not call it gone"
            )
            return self._trouble_facts(handle, server, Answer.UNREACHABLE, reason, now, asked=asked)
        reason = (
            f"could not confirm {handle}: {server.api_host}'s API does not find it, and "
            f"WebFinger could not be asked ({second})"
        )
        return self._trouble_facts(handle, server, Answer.UNREACHABLE, reason, now, asked=asked)

    def _settle_move(
        self,
        server: _Server,
        handle: Handle,
        facts: AccountFacts,
        ref: CachedAccount | None,
    ) -> tuple[AccountFacts, CachedAccount | None]:
        """Read the old actor's movedTo where the REST answer cannot say where it moved."""
        target_unnamed = facts.moved is not None and not (
            facts.moved.acct or facts.moved.uri or facts.moved.url
        )
        if facts.moved_visible and not target_unnamed:
            return facts, ref
        facts, ref = self._with_actor_uri(server, handle, facts, ref)
        if facts.actor_uri is None:
            return replace(facts, reason="the profile (actor) address is unknown"), ref
        try:
            actor = fetch_actor(server.session, facts.actor_uri, timeout=self.timeout)
        except Exception as exc:
            problem = classify(exc, host_of(facts.actor_uri), timeout=self.timeout)
            return replace(facts, reason=f"the move could not be read: {problem.reason}"), ref
        if not is_full_actor(actor):
            return replace(facts, reason="the server hides the profile from the bot"), ref
        target = moved_to(actor)
        moved = MovedTarget(uri=target) if target else None
        return replace(facts, moved=moved, moved_visible=True, reason=""), ref

    def _with_actor_uri(
        self,
        server: _Server,
        handle: Handle,
        facts: AccountFacts,
        ref: CachedAccount | None,
    ) -> tuple[AccountFacts, CachedAccount | None]:
        """Make sure the actor URI is known: the Account's ``uri``, else WebFinger ``self``."""
        if facts.actor_uri is not None:
            return facts, ref
        if ref is not None and ref.actor_uri:
            return replace(facts, actor_uri=ref.actor_uri), ref
        try:
            answer = self._webfinger(server, handle)
        except Exception as exc:
            log.debug("WebFinger for %s failed: %s", handle, exc)
            return facts, ref
        if answer.actor_uri is None:
            return facts, ref
        if ref is not None:
            ref = replace(ref, actor_uri=answer.actor_uri)
        return replace(facts, actor_uri=answer.actor_uri), ref

    def _alias(self, server: _Server, new: AccountFacts, now: datetime) -> AliasFacts:
        """Read the new account's aliases from its actor; unknown is never "missing"."""
        uri = new.actor_uri
        if uri is None:
            return AliasFacts(
                AliasAnswer.UNREADABLE,
                server.api_host,
                now,
                reason="the new server does not say where the profile (actor) is",
            )
        host = host_of(uri)
        try:
            actor = fetch_actor(server.session, uri, timeout=self.timeout)
        except Exception as exc:
            problem = classify(exc, host, timeout=self.timeout)
            if problem.trouble is Trouble.UNAUTHORIZED:
                answer, reason = (
                    AliasAnswer.UNREADABLE,
                    f"{host} only shows profiles to signed requests (authorized fetch), so "
                    "the alias cannot be read",
                )
            elif problem.trouble in {Trouble.NOT_FOUND, Trouble.GONE}:
                answer, reason = AliasAnswer.UNREADABLE, problem.reason
            elif problem.trouble in {Trouble.NOT_JSON, Trouble.BAD_SHAPE}:
                answer, reason = AliasAnswer.UNSUPPORTED, problem.reason
            else:
                answer, reason = AliasAnswer.UNREACHABLE, problem.reason
            return AliasFacts(answer, host, now, actor_uri=uri, reason=reason)
        if not is_full_actor(actor):
            return AliasFacts(
                AliasAnswer.UNREADABLE,
                host,
                now,
                actor_uri=uri,
                reason=f"{host} shows only a minimal profile to unsigned requests "
                "(authorized fetch), so the alias cannot be read",
            )
        return AliasFacts(
            AliasAnswer.READ, host, now, actor_uri=uri, also_known_as=also_known_as(actor)
        )

    def _trouble_facts(
        self,
        handle: Handle,
        server: _Server,
        answer: Answer,
        reason: str,
        now: datetime,
        *,
        asked: str = "",
    ) -> AccountFacts:
        return AccountFacts(
            handle=str(handle),
            answer=answer,
            server=server.api_host,
            observed_at=now,
            asked=asked or f"account {handle}",
            reason=reason,
        )

    def _problem_facts(
        self, handle: Handle, server: _Server, problem: ServerProblem, now: datetime, what: str
    ) -> AccountFacts:
        answer = problem.answer
        if problem.trouble is Trouble.NOT_JSON and server.info.supported:
            # A Mastodon server showing a web page is in trouble (maintenance, proxy error),
            # not a different kind of server.
            answer = Answer.UNREACHABLE
        if problem.trouble is Trouble.UNAUTHORIZED:
            reason = _unauthorized_reason(server, problem)
        else:
            reason = problem.reason
        return self._trouble_facts(handle, server, answer, reason, now, asked=what)

    # -- profile text ----------------------------------------------------------------------------

    def _profile_sync(self, handle: Handle, now: datetime) -> ProfileText:
        try:
            server = self._server_sync(handle.domain, handle)
            if not server.usable or server.client is None:
                answer = Answer.UNSUPPORTED if server.info.reachable else Answer.UNREACHABLE
                return ProfileText(str(handle), "", answer, server.info.reason, now)
            try:
                raw, _ = _lookup(server.client, handle)
            except ServerProblem as problem:
                facts = self._problem_facts(handle, server, problem, now, "lookup")
                return ProfileText(str(handle), "", facts.answer, facts.reason, now)
            if not _is_home_account(raw, handle):
                reason = f"{server.api_host} answered with another account"
                return ProfileText(str(handle), "", Answer.UNSUPPORTED, reason, now)
            if raw.get("suspended") is True:
                return ProfileText(str(handle), "", Answer.SUSPENDED, "suspended", now)
            return ProfileText(str(handle), profile_plain_text(raw), Answer.FOUND, "", now)
        except Exception as exc:
            log.exception("reading the profile of %s failed", handle)
            reason = f"unexpected error ({type(exc).__name__}); it was logged"
            return ProfileText(str(handle), "", Answer.UNREACHABLE, reason, now)


def _unauthorized_reason(server: _Server, problem: ServerProblem) -> str:
    """Say what to do about a 401: configure a token, or fix the one configured."""
    note = server.info.auth
    if note == "anonymous":
        return (
            f"{server.api_host} requires an access token for this (a locked-down server); "
            f"set servers.{server.domain}.access_token"
        )
    if note == "token":
        return f"{server.api_host} refused the configured access token ({problem.reason})"
    return f"{server.api_host} requires an access token; the configured one is {note}"


def _instance(client: MastodonClient) -> dict[str, Any] | ServerProblem:
    """The instance endpoint's answer, or the problem asking it (for a side-by-side request)."""
    try:
        return client.instance()
    except ServerProblem as problem:
        return problem


def _lookup(client: MastodonClient, handle: Handle) -> tuple[dict[str, Any], str]:
    """Find a local account on its own server: ``user@domain``, else the bare username.

    Servers differ in how ``accounts/lookup`` matches their own accounts: some find only
    the bare username. Asking the handle's own server, the bare name is that account.
    """
    try:
        return client.lookup(handle.acct), f"GET /api/v1/accounts/lookup?acct={handle.acct}"
    except ServerProblem as problem:
        if problem.trouble is not Trouble.NOT_FOUND:
            raise
    raw = client.lookup(handle.username)
    return raw, f"GET /api/v1/accounts/lookup?acct={handle.username}"


def _reusable_alias(
    alias: AliasFacts | None, new: AccountFacts, now: datetime, max_age: timedelta
) -> AliasFacts | None:
    """A recent enough alias reading for the same actor, or None."""
    if alias is None or max_age <= timedelta(0):
        return None
    if alias.answer not in {AliasAnswer.READ, AliasAnswer.UNREADABLE}:
        return None
    if new.actor_uri is not None and alias.actor_uri != new.actor_uri:
        return None
    if now - alias.observed_at > max_age:
        return None
    return alias


def _is_home_account(raw: Mapping[str, Any], handle: Handle) -> bool:
    """True when the answer is the handle's own local account, not a cached remote copy."""
    if str(raw.get("username", "")).lower() != handle.username:
        return False
    acct = str(raw.get("acct", "")).lstrip("@")
    if "@" not in acct:
        return True
    other = Handle.try_parse(acct)
    return other is not None and other == handle


def _qualify(acct: Any, home_domain: str) -> str | None:
    """An ``acct`` as a canonical handle (local accounts get the server's domain)."""
    if not isinstance(acct, str) or not acct.strip():
        return None
    text = acct.strip().lstrip("@")
    if "@" not in text:
        text = f"{text}@{home_domain}"
    return _canonical(text)


@functools.lru_cache(maxsize=65536)
def _canonical(acct: str) -> str:
    """Parsing (IDNA included) is slow enough to matter across a community: cache it."""
    handle = Handle.try_parse(acct)
    return str(handle) if handle else acct


def _http_uri(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def _account_facts(
    raw: Mapping[str, Any], handle: Handle, server: _Server, asked: str, now: datetime
) -> AccountFacts:
    """Facts from one raw Account: ``moved`` absent means not moved, null means target gone."""
    moved: MovedTarget | None = None
    if "moved" in raw:
        target = raw["moved"]
        if isinstance(target, Mapping):
            moved = MovedTarget(
                acct=_qualify(target.get("acct"), handle.domain),
                uri=_http_uri(target.get("uri")),
                url=_http_uri(target.get("url")),
            )
        else:
            moved = MovedTarget()
    followers = raw.get("followers_count")
    if not isinstance(followers, int) or isinstance(followers, bool):
        followers = None
    suspended = raw.get("suspended") is True
    return AccountFacts(
        handle=str(handle),
        answer=Answer.SUSPENDED if suspended else Answer.FOUND,
        server=server.api_host,
        observed_at=now,
        asked=asked,
        reason="suspended by its server" if suspended else "",
        account_id=str(raw["id"]),
        actor_uri=_http_uri(raw.get("uri")),
        profile_url=_http_uri(raw.get("url")),
        followers_count=followers,
        moved=moved,
        moved_visible=server.info.moved_visible or moved is not None,
        locked=raw.get("locked") is True,
        software=server.info.software,
    )


def _server_evidence(server: _Server) -> Evidence:
    info = server.info
    if info.reachable and info.supported:
        answer = f"{info.label}; API at {server.api_base}"
        if not info.multi_get:
            answer += "; no batch lookups (one request per account)"
    else:
        answer = info.reason or "not usable"
    return Evidence(
        server=server.domain,
        asked="host-meta, nodeinfo, instance",
        answer=answer,
        observed_at=info.checked_at,
    )


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


__all__ = ["MemberPair", "MoveChecker", "MoveStatus", "ProfileText"]
