"""Never a false "Old account gone": an account is missing only when its server agrees."""

from __future__ import annotations

import pytest

from companion.core.move_status import MoveStatus
from companion.moves import MoveChecker
from companion.standins.mastodon import Fault, FaultKind, Flavour

from .conftest import CAMPAIGN, NEW, OLD, alias, settings_for


async def test_a_server_whose_lookup_matches_only_the_bare_username(start_standin):
    old = await start_standin("old.example", Flavour.BARE_LOOKUP)
    new = await start_standin("new.example", Flavour.BARE_LOOKUP)
    old.create_account("alice", followers_count=30)
    new.create_account("alice")
    alias(old, new)
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        profile = await checker.profile(NEW)
    assert report.status is MoveStatus.READY_TO_MOVE
    assert report.accounts.old.account_id == old.state.find_username("alice").id
    assert old.stats.requests["lookup"] == 2  # "alice@old.example", then "alice"
    assert profile.found


async def test_never_gone_while_webfinger_lists_the_account(pair, checker):
    """The API cannot find alice at all, but her server's WebFinger still lists her."""
    old, _ = pair
    old.inject(Fault(FaultKind.ERROR, status=404), route="lookup")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is not MoveStatus.OLD_ACCOUNT_GONE
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "could not confirm alice@old.example" in report.reason
    assert "WebFinger still lists the account" in report.reason
    assert "may be lost" not in report.explanation
    assert old.stats.requests["webfinger"] == 1


async def test_never_gone_when_webfinger_cannot_be_asked(pair, checker):
    old, _ = pair
    old.inject(Fault(FaultKind.ERROR, status=404), route="lookup")
    old.inject(Fault(FaultKind.ERROR, status=502), route="webfinger")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "WebFinger could not be asked" in report.reason


@pytest.mark.parametrize(
    ("gone", "words"), [(False, "API and WebFinger agree"), (True, "410 Gone")]
)
async def test_gone_when_api_and_webfinger_agree(pair, checker, gone, words):
    old, _ = pair
    old.state.delete("alice", gone=gone)
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.OLD_ACCOUNT_GONE
    assert words in report.reason
