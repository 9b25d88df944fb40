"""Every move status, read over real HTTP from stand-in servers by unmodified Mastodon.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from companion.core.handles import Handle
from companion.core.move_report import MoveReport
from companion.core.move_status import MoveStatus
from companion.moves import MoveChecker
from companion.standins.mastodon import AuthorizedFetch, Fault, FaultKind, Flavour

from .conftest import CAMPAIGN, NEW, OLD, alias, move, settings_for


async def test_new_account_missing(pair, checker):
    _old, _new = pair
    report = await checker.check(OLD, Handle("alicia", "new.example"), campaign=CAMPAIGN)
    assert report.status is MoveStatus.NEW_ACCOUNT_MISSING
    assert "alicia@new.example" in report.reason
    assert report.guide_url.endswith("problems/#new-account-missing")


async def test_wrong_server_contacts_nobody(pair, checker):
    old, new = pair
    report = await checker.check(OLD, Handle("alice", "elsewhere.example"), campaign=CAMPAIGN)
    assert report.status is MoveStatus.WRONG_SERVER
    assert "new.example" in report.explanation
    assert old.stats.total == new.stats.total == 0


async def test_alias_missing(pair, checker):
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.ALIAS_MISSING
    assert report.followers_before == 100
    assert report.followers_before_observed
    assert report.moved is False


async def test_ready_to_move(pair, checker):
    old, new = pair
    alias(old, new)
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.READY_TO_MOVE
    assert "Move to a different account" in report.next_step
    # Resolved ids come back for the store, with the actor URIs servers gave.
    assert report.accounts is not None
    assert report.accounts.old.account_id == old.state.get("alice").id
    assert report.accounts.new.actor_uri == new.state.actor_uri("alice")


@pytest.mark.parametrize("mode", [AuthorizedFetch.REJECT, AuthorizedFetch.BARE])
async def test_alias_unknown_under_authorized_fetch(start_standin, mode):
    old = await start_standin("old.example")
    new = await start_standin("new.example", authorized_fetch=mode)
    old.create_account("alice")
    new.create_account("alice")
    alias(old, new)  # set, but the server will not show it to unsigned requests
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.ALIAS_UNKNOWN
    assert "authorized fetch" in report.reason


async def test_moved_then_followers_arrived(pair, checker):
    old, new = pair
    move(old, new)
    old.state.transfer_followers("alice", 0.5)
    report = await checker.check(OLD, NEW, recorded_followers=100, campaign=CAMPAIGN)
    assert report.status is MoveStatus.MOVED
    assert (report.followers_before, report.followers_now) == (100, 50)
    assert report.moved_to == "@alice@new.example"
    assert report.moved is True

    old.state.transfer_followers("alice", 0.4)
    report = await checker.check(OLD, NEW, recorded_followers=100, campaign=CAMPAIGN)
    assert report.status is MoveStatus.FOLLOWERS_ARRIVED
    assert report.followers_now == 90


async def test_moved_elsewhere_says_where(pair, checker):
    old, new = pair
    new.create_account("bob")
    move(old, new, new_name="bob")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.MOVED_ELSEWHERE
    assert report.moved_to == "@bob@new.example"
    assert "@bob@new.example" in report.explanation


@pytest.mark.parametrize("how", ["deleted", "suspended"])
async def test_old_account_gone(pair, checker, how):
    old, _ = pair
    if how == "deleted":
        old.state.delete("alice")
    else:
        old.state.suspend("alice")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.OLD_ACCOUNT_GONE
    assert "may be lost" in report.explanation


async def test_webfinger_410_means_gone_for_good(pair, checker):
    old, _ = pair
    old.state.delete("alice", gone=True)
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.OLD_ACCOUNT_GONE
    assert "410" in report.reason
    assert old.stats.requests["webfinger"] == 1


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_unreachable_keeps_last_known_status(pair, checker, status):
    old, new = pair
    alias(old, new)
    first = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert first.status is MoveStatus.READY_TO_MOVE
    old.inject(Fault(FaultKind.ERROR, status=status))
    later = await checker.check(OLD, NEW, previous=first, campaign=CAMPAIGN)
    assert later.status is MoveStatus.SERVER_UNREACHABLE
    assert f"server error {status}" in later.reason
    assert later.last_known_status is MoveStatus.READY_TO_MOVE
    assert later.last_confirmed_at == first.checked_at
    assert later.effective_status is MoveStatus.READY_TO_MOVE
    assert "Ready to move" in later.explanation
    # And once more: the last confirmation is still the first check, not the failed one.
    again = await checker.check(OLD, NEW, previous=later, campaign=CAMPAIGN)
    assert again.last_confirmed_at == first.checked_at


async def test_unsupported_server(start_standin):
    old = await start_standin("old.example", Flavour.NOT_MASTODON)
    new = await start_standin("new.example")
    old.create_account("alice")
    new.create_account("alice")
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        info = await checker.server_info("old.example")
    assert report.status is MoveStatus.UNSUPPORTED_SERVER
    assert "Mastodon client API" in report.reason
    assert (info.reachable, info.supported, info.software) == (True, False, "misskey")


async def test_unknown_json_shape_is_unsupported(pair, checker):
    old, _ = pair
    old.inject(Fault(FaultKind.UNKNOWN_JSON), route="lookup")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.UNSUPPORTED_SERVER
    assert "not a Mastodon account" in report.reason


async def test_html_instead_of_json(pair, checker):
    old, _ = pair
    old.inject(Fault(FaultKind.HTML), route="lookup")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    # A Mastodon server showing a maintenance page is in trouble, not another software.
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "web page instead of data" in report.reason


async def test_timeout(pair):
    old, new = pair
    old.inject(Fault(FaultKind.HANG, seconds=10), route="lookup")
    async with MoveChecker(settings_for(old, new, request_timeout=0.3)) as checker:
        started = datetime.now(UTC)
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        elapsed = (datetime.now(UTC) - started).total_seconds()
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "did not answer within 0.3 s" in report.reason
    assert elapsed < 3


async def test_oversized_body_is_cut_off(pair):
    old, new = pair
    old.inject(Fault(FaultKind.OVERSIZED, size=2_000_000), route="lookup")
    async with MoveChecker(settings_for(old, new), max_response_bytes=64 * 1024) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "larger than 65536 bytes" in report.reason


async def test_report_is_json_and_round_trips(pair, checker):
    old, new = pair
    move(old, new)
    report = await checker.check(OLD, NEW, recorded_followers=100, campaign=CAMPAIGN)
    data = json.loads(json.dumps(report.to_dict()))
    again = MoveReport.from_dict(data)
    assert again == report
    assert again.accounts == report.accounts
    assert data["status"] == "moved"
    assert data["label"] == "Moved"
