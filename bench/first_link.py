"""Benchmark: a member's first `/move link` against slow servers (prints figures).

Two fresh Mastodon stand-ins on 127.0.0.1 answer every request only after ``--latency``
seconds (5 s: a server far away, or struggling on moving day). A fresh checker (nothing
discovered yet) checks one member whose alias is set, as `/move link` does on first
contact, with the default request timeout (8 s). Target (issue 10, item 3):

- first check of a fresh pair: at most 20 s at 5 s per request, that is at most
  4 round trips one after the other, both servers included.

It prints the wall time, the requests each server received, and the longest chain of
requests each sent only after the previous one was answered.

    python bench/first_link.py [--latency 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from companion.core.handles import Handle
from companion.moves import MoveChecker
from companion.settings import Settings
from companion.standins.mastodon import Fediverse, MastodonStandIn, StandInStats

TARGET_ROUND_TRIPS = 4


async def main(latency: float) -> int:
    fediverse = Fediverse()
    async with (
        MastodonStandIn("old.example", fediverse=fediverse, latency=latency) as old,
        MastodonStandIn("new.example", fediverse=fediverse, latency=latency) as new,
    ):
        old.create_account("alice", followers_count=120)
        new.create_account("alice")
        new.state.set_aliases("alice", [old.state.actor_uri("alice")])
        settings = Settings(
            _env_file=None,
            allow_private_addresses=True,
            servers={
                "old.example": {"api_base_url": old.base_url},
                "new.example": {"api_base_url": new.base_url},
            },
            campaign={"old_server": "old.example", "new_server": "new.example"},
        )
        print(
            f"First check of a fresh pair, {latency:g} s per request, "
            f"request timeout {settings.request_timeout:g} s..."
        )
        async with MoveChecker(settings) as checker:
            started = time.perf_counter()
            report = await checker.check(
                Handle("alice", "old.example"), Handle("alice", "new.example")
            )
            wall = time.perf_counter() - started
        chain = StandInStats(spans=old.stats.spans + new.stats.spans).sequential_round_trips()
        target = TARGET_ROUND_TRIPS * latency
        print()
        print(f"Status: {report.status.value} (expected ready_to_move)")
        for name, standin in (("old", old), ("new", new)):
            routes = ", ".join(
                f"{route} {n}" for route, n in sorted(standin.stats.requests.items())
            )
            print(
                f"  {name} server: {standin.stats.total} requests ({routes}); "
                f"{standin.stats.sequential_round_trips()} one after the other"
            )
        print()
        print("Targets:")
        ok_wall = wall <= target
        ok_chain = chain <= TARGET_ROUND_TRIPS
        print(
            f"  first-link wall time   {wall:6.1f} s   target <= {target:g} s   "
            f"{'OK' if ok_wall else 'MISSED'}"
        )
        print(
            f"  sequential round trips {chain:6d}     target <= {TARGET_ROUND_TRIPS}      "
            f"{'OK' if ok_chain else 'MISSED'}"
        )
        print(f"  requests sent          {old.stats.total + new.stats.total:6d}")
        return 0 if ok_wall and ok_chain and report.status.value == "ready_to_move" else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=5.0, help="seconds per request")
    raise SystemExit(asyncio.run(main(parser.parse_args().latency)))
