"""Server variety and safety: split domains, Unicode, old and other software, limits, guards."""

from __future__ import annotations

import asyncio
import time

import pytest
import requests

from companion.core.handles import Handle
from companion.core.move_status import MoveStatus
from companion.moves import MemberPair, MoveChecker
from companion.standins.mastodon import (
    DomainFront,
    Fault,
    FaultKind,
    Flavour,
    FrontMode,
    MastodonStandIn,
    RateLimit,
)

from .conftest import CAMPAIGN, NEW, NO_CAMPAIGN, OLD, alias, move, settings_for


@pytest.mark.parametrize("mode", list(FrontMode))
async def test_split_domain_handle(start_standin, mode):
    """alice@example.org lives on another web address; discovery finds it, no guessing."""
    old = await start_standin("old.example")
    web = await start_standin("example.org")  # LOCAL_DOMAIN example.org, WEB_DOMAIN elsewhere
    old.create_account("alice", followers_count=10)
    web.create_account("alice")
    alias(old, web)
    async with DomainFront(web, mode) as front:
        # Only the handle's domain is configured: it points at the front, not the API.
        settings = settings_for(old, extra_servers={"example.org": front.base_url}, campaign=False)
        async with MoveChecker(settings) as checker:
            report = await checker.check(OLD, Handle("alice", "example.org"), campaign=NO_CAMPAIGN)
            info = await checker.server_info("example.org")
    assert report.status is MoveStatus.READY_TO_MOVE
    assert info.api_base == web.base_url
    assert front.stats.total >= 1
    assert web.stats.requests["lookup"] == 1


async def test_unicode_domain(start_standin):
    old = await start_standin("old.example")
    new = await start_standin("bücher.example")
    old.create_account("alice", followers_count=4)
    new.create_account("alice")
    move(old, new)
    old.state.transfer_followers("alice", 1.0)
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(
            OLD,
            Handle.parse("@alice@Bücher.example"),
            recorded_followers=4,
            campaign=CAMPAIGN.with_changes(new_server="xn--bcher-kva.example"),
        )
    assert report.new == "alice@xn--bcher-kva.example"
    assert report.status is MoveStatus.FOLLOWERS_ARRIVED
    assert report.moved_to == "@alice@bücher.example"


async def test_mastodon_42_rechecks_one_by_one(start_standin):
    old = await start_standin("old.example", Flavour.MASTODON_42)
    new = await start_standin("new.example", Flavour.MASTODON_42)
    names = [f"member{i}" for i in range(5)]
    for name in names:
        old.create_account(name, followers_count=3)
        new.create_account(name)
        alias(old, new, name)
    pairs = [MemberPair(Handle(n, "old.example"), Handle(n, "new.example")) for n in names]
    async with MoveChecker(settings_for(old, new)) as checker:
        assert not (await checker.server_info("old.example")).multi_get
        cold = await checker.recheck_many(pairs, campaign=CAMPAIGN)
        warm_pairs = [
            MemberPair(p.old, p.new, cached=r.accounts, previous=r)
            for p, r in zip(pairs, cold, strict=True)
        ]
        old.reset_stats()
        warm = await checker.recheck_many(warm_pairs, campaign=CAMPAIGN)
    assert {r.status for r in warm} == {MoveStatus.READY_TO_MOVE}
    assert old.stats.requests["accounts"] == 0  # never tries the 4.3 route
    assert old.stats.requests["account"] == len(names)
    assert old.stats.requests["lookup"] == 0


async def test_gotosocial_string_ids(start_standin):
    old = await start_standin("old.example")
    new = await start_standin("new.example", Flavour.GOTOSOCIAL)
    old.create_account("alice", followers_count=20)
    gts = new.create_account("alice")
    assert len(gts.id) == 26
    assert not gts.id.isdigit()
    alias(old, new)
    async with MoveChecker(settings_for(old, new)) as checker:
        first = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        again = await checker.check(
            OLD, NEW, cached=first.accounts, previous=first, campaign=CAMPAIGN
        )
    assert first.status is again.status is MoveStatus.READY_TO_MOVE
    assert first.accounts.new.account_id == gts.id
    # No "uri" in GoToSocial accounts here: the actor came from WebFinger's self link.
    assert new.stats.requests["webfinger"] >= 1
    assert new.stats.requests["account"] == 1  # the second check asked by id


async def test_pleroma_move_read_from_actor(start_standin):
    old = await start_standin("old.example", Flavour.PLEROMA)
    new = await start_standin("new.example")
    old.create_account("alice", followers_count=10)
    new.create_account("alice")
    async with MoveChecker(settings_for(old, new)) as checker:
        before = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        move(old, new)
        after = await checker.check(OLD, NEW, recorded_followers=10, campaign=CAMPAIGN)
        info = await checker.server_info("old.example")
    assert before.status is MoveStatus.ALIAS_MISSING
    assert after.status is MoveStatus.MOVED
    assert (info.software, info.multi_get, info.moved_visible) == ("pleroma", False, False)


async def test_429_then_success_after_reset(start_standin):
    window = 1.0
    old = await start_standin("old.example", rate_limit=RateLimit(limit=3, window=window))
    new = await start_standin("new.example")
    old.create_account("alice")
    new.create_account("alice")
    host = old.base_url.split("://")[1]
    async with MoveChecker(settings_for(old, new)) as checker:
        await checker.server_info("old.example")  # learns: 3 per window, 2 left
        # Start at the beginning of a window so it cannot roll over mid-test.
        await asyncio.sleep(window - time.time() % window + 0.05)
        # Someone else on our address spends the window (off the event loop, which
        # serves the stand-in).
        url = f"{old.base_url}/api/v1/instance"
        while (await asyncio.to_thread(requests.get, url, timeout=2)).status_code != 429:
            pass
        seen = old.stats.rate_limited
        reset_at = (time.time() // window + 1) * window
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        finished = time.time()
        counters = checker.request_counts()[host]
    assert report.status is MoveStatus.ALIAS_MISSING
    assert old.stats.rate_limited - seen == 1 == counters.rate_limited  # one 429, no Retry-After
    assert finished >= reset_at  # waited for X-RateLimit-Reset, then succeeded
    assert old.stats.requests["lookup"] == 2


async def test_rate_limit_respected_without_429s(start_standin):
    old = await start_standin("old.example", rate_limit=RateLimit(limit=12, window=1.0))
    new = await start_standin("new.example", rate_limit=RateLimit(limit=12, window=1.0))
    names = [f"m{i}" for i in range(20)]
    for name in names:
        old.create_account(name)
        new.create_account(name)
    pairs = [MemberPair(Handle(n, "old.example"), Handle(n, "new.example")) for n in names]
    async with MoveChecker(settings_for(old, new)) as checker:
        reports = await checker.recheck_many(pairs, campaign=CAMPAIGN)
    assert {r.status for r in reports} == {MoveStatus.ALIAS_MISSING}
    assert old.stats.rate_limited == new.stats.rate_limited == 0
    assert old.stats.requests["lookup"] == 20  # more than one window's budget


@pytest.mark.parametrize("configured", [False, True])
async def test_locked_down_server_needs_a_token(start_standin, configured):
    old = await start_standin("old.example")
    new = await start_standin("new.example", require_token="s3cret")
    old.create_account("alice")
    new.create_account("alice")
    alias(old, new)
    tokens = {"new.example": "s3cret"} if configured else None
    async with MoveChecker(settings_for(old, new, tokens=tokens)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    if configured:
        assert report.status is MoveStatus.READY_TO_MOVE
        assert new.stats.with_token["lookup"] == 1
    else:
        assert report.status is MoveStatus.SERVER_UNREACHABLE
        assert "servers.new.example.access_token" in report.reason
    assert old.stats.with_token.total() == 0  # never sent to the other server
    assert new.stats.with_token["actor"] == 0  # nor with the actor fetch


async def test_token_not_sent_along_a_redirect(start_standin):
    old = await start_standin("old.example")
    new = await start_standin("new.example")
    other = await start_standin("other.example")  # configured (trusted), but not for the token
    for standin in (old, new, other):
        standin.create_account("alice")
    old.inject(
        Fault(FaultKind.REDIRECT, url=f"{other.base_url}/api/v1/accounts/lookup?acct=alice"),
        route="lookup",
    )
    settings = settings_for(
        old,
        new,
        tokens={"old.example": "old-token"},
        extra_servers={"other.example": other.base_url},
    )
    async with MoveChecker(settings) as checker:
        await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert old.stats.with_token["lookup"] == 1
    assert other.stats.requests["lookup"] == 1
    assert other.stats.with_token.total() == 0


@pytest.mark.parametrize(
    "target",
    ["http://10.0.0.1/api/v1/accounts/lookup", "http://169.254.169.254/latest/meta-data/", "own"],
)
async def test_redirect_to_private_address_refused(pair, start_standin, target):
    old, new = pair
    internal = await start_standin("internal.example")  # listening, but nobody configured it
    url = f"{internal.base_url}/api/v1/instance" if target == "own" else target
    old.inject(Fault(FaultKind.REDIRECT, url=url), route="lookup")
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "refused to contact" in report.reason
    assert internal.stats.total == 0


async def test_private_addresses_refused_when_switch_off(pair):
    old, new = pair
    settings = settings_for(old, new, allow_private_addresses=False)
    async with MoveChecker(settings) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        info = await checker.server_info("old.example")
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "loopback address (127.0.0.1)" in report.reason
    assert not info.reachable
    assert old.stats.total == new.stats.total == 0


async def test_unresolvable_domain_is_unreachable():
    # tests/conftest.py answers every name lookup but local ones like a failed DNS query.
    settings = settings_for(campaign=False, request_timeout=2.0)
    async with MoveChecker(settings) as checker:
        report = await checker.check(
            Handle("alice", "no-such-server.invalid"),
            Handle("alice", "new.invalid"),
            campaign=NO_CAMPAIGN,
        )
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "does not resolve" in report.reason or "could not" in report.reason


async def test_server_info_per_flavour(start_standin):
    expected = {
        Flavour.MASTODON: ("mastodon", True, True),
        Flavour.MASTODON_42: ("mastodon", False, True),
        Flavour.GOTOSOCIAL: ("gotosocial", False, True),
        Flavour.PLEROMA: ("pleroma", False, True),
        Flavour.NOT_MASTODON: ("misskey", False, False),
    }
    standins: dict[Flavour, MastodonStandIn] = {}
    for number, flavour in enumerate(expected):
        standins[flavour] = await start_standin(f"s{number}.example", flavour)
    async with MoveChecker(settings_for(*standins.values(), campaign=False)) as checker:
        for flavour, standin in standins.items():
            info = await checker.server_info(standin.state.local_domain)
            assert (info.software, info.multi_get, info.supported) == expected[flavour]
            assert info.reachable
            assert info.api_base == standin.base_url
