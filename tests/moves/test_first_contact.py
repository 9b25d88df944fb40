"""A first `/move link` against slow servers: few round trips one after the other.

Stand-ins add a latency far above their processing time, and record when each request
arrived and was answered; a chain of requests each sent only after the previous answer
is what a member waits for. The count is asserted, never the wall-clock time (that is
bench/first_link.py's job).
"""

from __future__ import annotations

import pytest

from companion.core.handles import Handle
from companion.core.move_status import MoveStatus
from companion.moves import MoveChecker
from companion.standins.mastodon import DomainFront, Flavour, FrontMode, StandInStats

from .conftest import CAMPAIGN, NEW, NO_CAMPAIGN, OLD, alias, settings_for

LATENCY = 0.3


def _chain(*standins) -> int:
    spans = [span for standin in standins for span in standin.stats.spans]
    return StandInStats(spans=spans).sequential_round_trips()


@pytest.mark.parametrize("flavour", [Flavour.MASTODON, Flavour.MASTODON_42])
async def test_first_check_of_a_fresh_pair_costs_few_sequential_round_trips(start_standin, flavour):
    old = await start_standin("old.example", flavour, latency=LATENCY)
    new = await start_standin("new.example", flavour, latency=LATENCY)
    old.create_account("alice", followers_count=12)
    new.create_account("alice")
    alias(old, new)
    async with MoveChecker(settings_for(old, new, request_timeout=5.0)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.READY_TO_MOVE
    # host-meta, nodeinfo and instance side by side; nodeinfo's document and the
    # lookup; then the new account's actor. Both servers at the same time.
    assert new.stats.sequential_round_trips() <= 4
    assert old.stats.sequential_round_trips() <= 4
    assert _chain(old, new) <= 4
    assert new.stats.requests["lookup"] == old.stats.requests["lookup"] == 1
    assert new.stats.requests["actor"] == 1


async def test_split_domain_still_found_when_discovery_points_elsewhere(start_standin):
    """The side-by-side guesses at the configured address are redone where the API is."""
    old = await start_standin("old.example")
    web = await start_standin("example.org")
    old.create_account("alice")
    web.create_account("alice")
    alias(old, web)
    async with DomainFront(web, FrontMode.HOST_META) as front:
        settings = settings_for(old, extra_servers={"example.org": front.base_url}, campaign=False)
        async with MoveChecker(settings) as checker:
            report = await checker.check(OLD, Handle("alice", "example.org"), campaign=NO_CAMPAIGN)
    assert report.status is MoveStatus.READY_TO_MOVE
    assert web.stats.requests["lookup"] == 1
    assert web.stats.requests["instance_v2"] == 1
