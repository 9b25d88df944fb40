"""Benchmark: recheck a whole community against rate-limited servers (prints figures).

10,000 linked members split over one old and one new stand-in server on 127.0.0.1, each
adding 50 ms to every request and enforcing Mastodon's API rate limit scaled down in time
(300 requests per 5 s instead of per 5 min), with 429s past it. A cold check (nothing
resolved yet) is followed by a warm recheck (ids stored) with the same checker, as the
bot runs them, started in a fresh rate-limit window as a recheck hours later would be.
Targets (issue 3), per server:

- warm recheck: at most ceil(N/40) + 5 requests, and under 10 s;
- cold check: at most 2N + 5 requests (a lookup, plus an actor fetch where the alias
  matters), and wall time within 1.2x the floor the rate limit sets (N / limit x window);
- zero 429s.

    python bench/recheck.py [--members 10000] [--latency 0.05] [--limit 300] [--window 5]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from dataclasses import dataclass

from companion.core.handles import Handle
from companion.core.models import Campaign
from companion.core.move_status import MoveStatus
from companion.moves import MemberPair, MoveChecker
from companion.settings import Settings
from companion.standins.mastodon import Fediverse, MastodonStandIn, RateLimit

CAMPAIGN = Campaign(guild_id=1, old_server="old.example", new_server="new.example")


@dataclass
class Run:
    label: str
    seconds: float
    requests: dict[str, int]
    api_requests: dict[str, int]
    sent_429: dict[str, int]
    received_429: dict[str, int]
    active: dict[str, float]
    statuses: Counter[str]


def populate(old: MastodonStandIn, new: MastodonStandIn, members: int) -> dict[str, MoveStatus]:
    """A campaign half-way: a third without alias, a third ready, a third moved."""
    expected: dict[str, MoveStatus] = {}
    for number in range(members):
        name = f"member{number:05d}"
        old.create_account(name, followers_count=100)
        new.create_account(name)
        kind = number % 3
        if kind == 0:
            expected[name] = MoveStatus.ALIAS_MISSING
            continue
        new.state.set_aliases(name, [old.state.actor_uri(name)])
        if kind == 1:
            expected[name] = MoveStatus.READY_TO_MOVE
            continue
        old.state.move(name, new.state.actor_uri(name))
        arrived = number % 2 == 0
        old.state.transfer_followers(name, 0.95 if arrived else 0.4)
        expected[name] = MoveStatus.FOLLOWERS_ARRIVED if arrived else MoveStatus.MOVED
    return expected


async def measure(
    label: str,
    checker: MoveChecker,
    pairs: list[MemberPair],
    servers: dict[str, MastodonStandIn],
) -> tuple[Run, list]:
    for standin in servers.values():
        standin.reset_stats()
    before = {host: counters.rate_limited for host, counters in checker.request_counts().items()}
    last_print = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_print
        now = time.monotonic()
        if now - last_print > 10 or done == total:
            last_print = now
            print(f"  {label}: {done}/{total} members", flush=True)

    started = time.monotonic()
    reports = await checker.recheck_many(pairs, progress, campaign=CAMPAIGN)
    seconds = time.monotonic() - started
    counters = checker.request_counts()
    run = Run(
        label=label,
        seconds=seconds,
        requests={name: s.stats.total for name, s in servers.items()},
        api_requests={name: s.stats.api_requests for name, s in servers.items()},
        sent_429={name: s.stats.rate_limited for name, s in servers.items()},
        received_429={
            name: counters[s.base_url.split("://")[1]].rate_limited
            - before.get(s.base_url.split("://")[1], 0)
            for name, s in servers.items()
        },
        active={name: s.stats.active_seconds for name, s in servers.items()},
        statuses=Counter(report.status.value for report in reports),
    )
    return run, reports


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--window", type=float, default=5.0)
    args = parser.parse_args()
    members, limit, window = args.members, args.limit, args.window
    rule = RateLimit(limit=limit, window=window)
    fediverse = Fediverse()
    old = MastodonStandIn("old.example", fediverse=fediverse, latency=args.latency, rate_limit=rule)
    new = MastodonStandIn("new.example", fediverse=fediverse, latency=args.latency, rate_limit=rule)
    with old, new:
        print(f"Populating {members} members on two stand-ins...", flush=True)
        expected = populate(old, new, members)
        settings = Settings(
            _env_file=None,
            allow_private_addresses=True,
            request_timeout=10.0,
            campaign={"old_server": "old.example", "new_server": "new.example"},
            servers={
                "old.example": {"api_base_url": old.base_url},
                "new.example": {"api_base_url": new.base_url},
            },
        )
        names = list(expected)
        pairs = [MemberPair(Handle(n, "old.example"), Handle(n, "new.example"), 100) for n in names]
        servers = {"old": old, "new": new}
        async with MoveChecker(settings) as checker:
            print("Cold check (nothing resolved yet)...", flush=True)
            cold, reports = await measure("cold", checker, pairs, servers)
            wrong = sum(r.status is not expected[n] for n, r in zip(names, reports, strict=True))
            warm_pairs = [
                MemberPair(p.old, p.new, 100, r.accounts, r)
                for p, r in zip(pairs, reports, strict=True)
            ]
            # A real recheck comes hours later, in a fresh rate-limit window: wait for one
            # instead of charging the warm run for the window the cold run just spent.
            pause = window - time.time() % window + 0.2
            print(f"Warm recheck (ids stored), from the next window (in {pause:.1f} s)...")
            await asyncio.sleep(pause)
            warm, warm_reports = await measure("warm", checker, warm_pairs, servers)
            wrong += sum(
                r.status is not expected[n] for n, r in zip(names, warm_reports, strict=True)
            )
    report(members, args.latency, limit, window, cold, warm, wrong)


def report(
    members: int, latency: float, limit: int, window: float, cold: Run, warm: Run, wrong: int
) -> None:
    floor = members / limit * window
    warm_cap = math.ceil(members / 40) + 5
    cold_cap = 2 * members + 5
    print()
    print(
        f"Recheck benchmark: {members} members, {latency * 1000:.0f} ms latency, "
        f"rate limit {limit} requests per {window:g} s (429 past it)"
    )
    print(f"Statuses (cold): {dict(cold.statuses)}; wrong statuses (cold+warm): {wrong}")
    print()
    header = f"{'server':<7}{'run':<6}{'requests':>9}{'api':>7}{'429 sent':>10}{'429 recv':>10}"
    print(header + f"{'active s':>10}{'wall s':>9}")
    for run in (cold, warm):
        for name in ("old", "new"):
            print(
                f"{name:<7}{run.label:<6}{run.requests[name]:>9}{run.api_requests[name]:>7}"
                f"{run.sent_429[name]:>10}{run.received_429[name]:>10}"
                f"{run.active[name]:>10.1f}{run.seconds:>9.1f}"
            )
    print()
    print("Targets:")
    results = []
    for name in ("old", "new"):
        results += [
            (
                f"{name}: warm requests {warm.requests[name]} <= ceil(N/40)+5 = {warm_cap}",
                warm.requests[name] <= warm_cap,
            ),
            (
                f"{name}: cold requests {cold.requests[name]} <= 2N+5 = {cold_cap}",
                cold.requests[name] <= cold_cap,
            ),
            (
                f"{name}: 429s cold {cold.sent_429[name]}, warm {warm.sent_429[name]} == 0",
                cold.sent_429[name] == 0 and warm.sent_429[name] == 0,
            ),
        ]
    results += [
        (
            f"cold wall time {cold.seconds:.1f} s <= 1.2 x floor ({floor:.1f} s)"
            f" = {1.2 * floor:.1f} s",
            cold.seconds <= 1.2 * floor,
        ),
        (f"warm wall time {warm.seconds:.1f} s < 10 s", warm.seconds < 10),
        (f"statuses all as set up ({wrong} wrong)", wrong == 0),
    ]
    for text, ok in results:
        print(f"  {verdict(ok)}  {text}")


if __name__ == "__main__":
    asyncio.run(main())
