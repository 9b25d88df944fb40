"""``MoveChecker``: ask the servers how far each member's move has got.

The async face of the adapter, and only its wiring: work runs on a bounded thread pool
(``workers``; Mastodon.py and requests are synchronous), servers are found once and
shared (``discovery``), one pair is checked by ``pair_check``, a whole community by
``recheck``, a profile's text read by ``profile``; per-host limits live in the shared
transport (``http``, ``rate_limit``). A member's check discovers both servers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from companion.core.clock import Clock
from companion.core.handles import Handle, HandleError, normalise_domain
from companion.core.models import CachedAccount, Campaign, Member
from companion.core.move_facts import CachedAccounts
from companion.core.move_report import MoveReport
from companion.core.move_rules import MoveRules
from companion.settings import Settings

from .discovery import ServerDirectory
from .http import DEFAULT_MAX_BYTES
from .netguard import AddressPolicy
from .pair_check import Call, MemberPair, PairCheck, Prefetch
from .profile import ProfileText, read_profile
from .rate_limit import WAIT_BUDGET, GateRegistry, HostCounters
from .recheck import ProgressCallback, recheck_many
from .servers import ServerInfo
from .workers import WorkerPool


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
        self.reply_rate_limit_wait = reply_rate_limit_wait
        self.policy = AddressPolicy(allow_private=settings.allow_private_addresses)
        for server in settings.servers.values():
            if server.api_base_url:
                self.policy.trust(server.api_base_url)
        self.gates = GateRegistry(concurrency=per_host_concurrency, max_wait=max_rate_limit_wait)
        self.pool = WorkerPool(max_workers)
        self.servers = ServerDirectory(
            settings,
            now=self.now,
            policy=self.policy,
            gates=self.gates,
            contact=frozenset(contact) if contact is not None else None,
            max_response_bytes=max_response_bytes,
            server_ttl=server_ttl,
            fanout_workers=max(4, per_host_concurrency * 2),
        )
        self.pair_check = PairCheck(self.servers)
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------------

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
        self.pool.close()
        self.servers.close()

    def now(self) -> datetime:
        """The checker's time: its clock's, else the real UTC time."""
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def _call(self, campaign: Campaign) -> Call:
        rules = MoveRules(
            new_server=campaign.new_server, followers_share=self.settings.followers_arrived_share
        )
        return Call(rules, campaign.guide_url, campaign.old_server)

    def request_counts(self) -> dict[str, HostCounters]:
        """Requests, 429s received and seconds waited, per host (for benchmarks)."""
        return self.gates.counters()

    # -- public API ------------------------------------------------------------------------------

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
        prefetch = Prefetch()
        budget = WAIT_BUDGET.set(self.reply_rate_limit_wait)  # a member awaits the reply
        try:
            if call.contacts(old.domain, old=True) and call.contacts(new.domain, old=False):
                # Both servers at once; a first contact also looks the handles up meanwhile.
                for server in await asyncio.gather(
                    self.pool.run(self.servers.early, old),
                    self.pool.run(self.servers.early, new),
                ):
                    if server is not None:
                        early, server.early = server.early, {}
                        prefetch.lookups.update(early)
            return await self.pool.run(
                self.pair_check.check, pair, now or self.now(), prefetch, timedelta(0), call
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
        return await recheck_many(
            pairs,
            progress,
            call=self._call(campaign),
            now=now or self.now(),
            pool=self.pool,
            pair_check=self.pair_check,
            alias_max_age=self.alias_max_age,
        )

    async def server_info(self, domain: str) -> ServerInfo:
        """What a server is and whether it can be checked (asked afresh)."""
        # Asked as given when it is not a valid name: discovery will say what is wrong.
        with contextlib.suppress(HandleError):
            domain = normalise_domain(domain)
        return (await self.pool.run(self.servers.server, domain, None, True)).info

    async def profile(self, handle: Handle) -> ProfileText:
        """A profile's bio and field values as plain text, read now, with what went wrong."""
        return await self.pool.run(read_profile, self.servers, handle, self.now())

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


__all__ = ["MemberPair", "MoveChecker", "ProfileText"]
