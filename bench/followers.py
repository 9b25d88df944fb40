"""Benchmark: save 10 members' followers lists of 2,000 each from a rate-limited server.

One old stand-in on 127.0.0.1 adds 50 ms to every request and enforces Mastodon's API
rate limit scaled down in time (300 requests per 5 s instead of per 5 min), with 429s
past it. The ten lists are read at once through one checker's transport, as members
pressing the button together would. Targets (issue 11), per saved list of F followers:

- at most ceil(F/80) + 3 requests (one lookup, the pages, one empty page at the end);
- zero 429s sent by the server;
- every follower read.

    python bench/followers.py [--members 10] [--followers 2000] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time

from common import verdict

from companion.core.handles import Handle
from companion.moves import MoveChecker
from companion.moves.followers import FollowersReader, ReadProgress
from companion.settings import Settings
from companion.standins.mastodon import MastodonStandIn, RateLimit


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--followers", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--window", type=float, default=5.0)
    args = parser.parse_args()
    members, followers = args.members, args.followers
    rule = RateLimit(limit=args.limit, window=args.window)
    old = MastodonStandIn("old.example", latency=args.latency, rate_limit=rule)
    with old:
        names = [f"member{n:02d}" for n in range(members)]
        for number, name in enumerate(names):
            old.create_account(name)
            domains = ("a.example", "b.example", "c.example", "d.example")
            old.state.set_followers(
                name, [f"f{number}x{i}@{domains[i % 4]}" for i in range(followers)]
            )
        settings = Settings(
            _env_file=None,
            allow_private_addresses=True,
            request_timeout=10.0,
            servers={"old.example": {"api_base_url": old.base_url}},
        )
        async with MoveChecker(settings) as checker:
            reader = FollowersReader(checker)
            # Discovery is shared by every list (done once per server): not counted below.
            await checker.server_info("old.example")
            old.reset_stats()
            progresses = [ReadProgress() for _ in names]
            started = time.monotonic()
            lists = await asyncio.gather(
                *(
                    reader.read(Handle(name, "old.example"), "followers", progress)
                    for name, progress in zip(names, progresses, strict=True)
                )
            )
            seconds = time.monotonic() - started
            host = old.base_url.split("://")[1]
            received_429 = checker.request_counts()[host].rate_limited
    per_list = [progress.requests for progress in progresses]
    cap = math.ceil(followers / 80) + 3
    complete = all(len(found.handles) == followers for found in lists)
    print()
    print(
        f"Followers benchmark: {members} members x {followers} followers, "
        f"{args.latency * 1000:.0f} ms latency, rate limit {args.limit} per {args.window:g} s"
    )
    print(
        f"Requests: {old.stats.total} in all ({old.stats.requests['followers']} pages, "
        f"{old.stats.requests['lookup']} lookups); per list {min(per_list)}-{max(per_list)}"
    )
    print(
        f"Wall time: {seconds:.1f} s; 429s sent {old.stats.rate_limited}, received {received_429}"
    )
    print()
    print("Targets:")
    for text, ok in (
        (f"requests per list {max(per_list)} <= ceil(F/80)+3 = {cap}", max(per_list) <= cap),
        (f"429s {old.stats.rate_limited} == 0", old.stats.rate_limited == 0),
        (f"every follower read ({complete})", complete),
    ):
        print(f"  {verdict(ok)}  {text}")


if __name__ == "__main__":
    asyncio.run(main())
