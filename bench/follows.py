"""Mending a 20,000-row follows file: time and requests (prints figures, asserts nothing).

The file has 5,000 rows naming community members who moved and 15,000 other accounts,
spread over a few stand-in servers on 127.0.0.1 that enforce Mastodon's API rate limit
scaled down in time (300 requests per 2 s instead of per 5 min). Targets (issue 12):

1. mending from the community's moves (``FollowsService.mend``, through the real store):
   zero requests, under 1 s;
2. the optional public lookups: one request per other row (plus each server's one-off
   discovery), paced under the rate limit: zero 429s, wall time near the floor the limit
   sets (rows per server / limit x window).

    python bench/follows.py [--rows 20000] [--community 5000] [--servers 5] [--limit 300]
                            [--window 2]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from companion.core.exports import FOLLOWING_HEADER
from companion.core.follows_file import read_follows_file
from companion.services import open_services
from companion.settings import Settings
from companion.standins.mastodon import Fediverse, MastodonStandIn, RateLimit
from companion.store import Store

GUILD = 1
MEMBER = 99  # the member mending: not linked, so not even their own counts are asked
T0 = datetime(2026, 12, 1, tzinfo=UTC)
TARGET_SECONDS = 1.0


def make_file(rows: int, community: int, domains: list[str]) -> bytes:
    lines = [FOLLOWING_HEADER]
    lines += [f"member{i}@old.social,true,false," for i in range(community)]
    others = rows - community
    lines += [f"user{i}@{domains[i % len(domains)]},true,false," for i in range(others)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed_store(path: Path, community: int) -> None:
    store = Store(path)
    store.migrate()
    store.db["members"].insert_all(
        {
            "guild_id": GUILD,
            "user_id": 10_000 + i,
            "display_name": f"Member {i}",
            "old_handle": f"member{i}@old.social",
            "new_handle": f"member{i}@new.social",
            "linked_at": T0.isoformat(),
            "moved_at": T0.isoformat(),
        }
        for i in range(community)
    )
    store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--community", type=int, default=5_000)
    parser.add_argument("--servers", type=int, default=5)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--window", type=float, default=2.0)
    args = parser.parse_args()

    fediverse = Fediverse()
    rule = RateLimit(limit=args.limit, window=args.window)
    standins = [
        MastodonStandIn(f"server{n}.example", fediverse=fediverse, rate_limit=rule)
        for n in range(args.servers)
    ]
    for standin in standins:
        await standin.start()
    domains = [s.state.local_domain for s in standins]
    others = args.rows - args.community
    for i in range(others):
        standins[i % len(standins)].create_account(f"user{i}")
    data = make_file(args.rows, args.community, domains)
    print(
        f"Follows file: {args.rows:,} rows ({len(data) / 1e6:.1f} MB), {args.community:,} "
        f"community members who moved, {others:,} other accounts on {args.servers} servers "
        f"limited to {args.limit} requests per {args.window:g} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        seed_store(db, args.community)
        settings = Settings(
            _env_file=None,
            database=db,
            allow_private_addresses=True,
            request_timeout=5.0,
            servers={s.state.local_domain: {"api_base_url": s.base_url} for s in standins},
        )
        async with open_services(settings) as services:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                report = await services.follows.mend(GUILD, MEMBER, read_follows_file(data))
                times.append(time.perf_counter() - start)
            requests = sum(s.stats.total for s in standins)
            best = min(times)
            print(
                f"1. mend from the community's moves, best of 3: {best:.3f} s "
                f"({'PASS' if best < TARGET_SECONDS else 'MISS'} < {TARGET_SECONDS:.0f} s), "
                f"{requests} requests ({'PASS' if requests == 0 else 'MISS'} = 0); "
                f"{len(report.mended.community):,} rows replaced, {report.lookups:,} left "
                "for the optional lookups"
            )
            done_at = time.monotonic()

            async def progress(done: int, total: int) -> None:
                nonlocal done_at
                if done == total or time.monotonic() - done_at > 5:
                    done_at = time.monotonic()
                    print(f"   … {done:,} of {total:,} looked up", flush=True)

            start = time.perf_counter()
            looked = await services.follows.mend(
                GUILD, MEMBER, read_follows_file(data), with_lookups=True, progress=progress
            )
            seconds = time.perf_counter() - start
        lookups = sum(s.stats.requests["lookup"] for s in standins)
        extra = sum(s.stats.total for s in standins) - lookups
        sent_429 = sum(s.stats.rate_limited for s in standins)
        per_server = math.ceil(others / args.servers)
        floor = max(0, math.ceil(per_server / args.limit) - 1) * args.window
        print(
            f"2. optional lookups: {lookups:,} lookups for {others:,} other rows "
            f"({lookups / max(1, others):.2f} per row, {'PASS' if lookups == others else 'MISS'}"
            f" = 1), {extra} discovery requests, {sent_429} 429s "
            f"({'PASS' if sent_429 == 0 else 'MISS'} = 0), {seconds:.1f} s "
            f"(rate-limit floor {floor:.0f} s); {len(looked.mended.rows):,} rows written"
        )
    for standin in standins:
        await standin.stop()


if __name__ == "__main__":
    asyncio.run(main())
