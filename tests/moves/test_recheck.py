"""Whole-community rechecks: resolve once, then batches of 40 ids; progress; profile text."""

from __future__ import annotations

from datetime import timedelta

from companion.core.handles import Handle
from companion.core.move_status import MoveStatus
from companion.moves import MemberPair, MoveChecker
from companion.standins.mastodon import Fault, FaultKind

from .conftest import CAMPAIGN, OLD, alias, move, settings_for


async def test_cold_then_warm_recheck_uses_batches(pair):
    old, new = pair
    names = [f"member{i:02d}" for i in range(90)]
    for number, name in enumerate(names):
        old.create_account(name, followers_count=10)
        new.create_account(name)
        if number % 3 == 0:
            alias(old, new, name)
        if number % 3 == 1:
            move(old, new, name, name)
    pairs = [MemberPair(Handle(n, "old.example"), Handle(n, "new.example")) for n in names]
    progress: list[tuple[int, int]] = []

    async def on_progress(done: int, total: int) -> None:
        progress.append((done, total))

    async with MoveChecker(settings_for(old, new)) as checker:
        cold = await checker.recheck_many(pairs, on_progress, campaign=CAMPAIGN)
        # Cold: one lookup per member and server; actors only before the move.
        assert old.stats.requests["lookup"] == new.stats.requests["lookup"] == 90
        assert new.stats.requests["actor"] == 60
        warm_pairs = [
            MemberPair(p.old, p.new, r.followers_before, r.accounts, r)
            for p, r in zip(pairs, cold, strict=True)
        ]
        old.reset_stats()
        new.reset_stats()
        warm = await checker.recheck_many(warm_pairs, lambda done, total: None, campaign=CAMPAIGN)
    assert [r.status for r in warm] == [r.status for r in cold]
    assert {r.status for r in cold} == {
        MoveStatus.READY_TO_MOVE,
        MoveStatus.MOVED,
        MoveStatus.ALIAS_MISSING,
    }
    # Warm: three batches of at most 40 ids per server, nothing else.
    assert old.stats.requests == {"accounts": 3}
    assert new.stats.requests == {"accounts": 3}
    assert progress[0] == (0, 90)
    assert progress[-1] == (90, 90)


async def test_recheck_rereads_stale_aliases_only(pair):
    old, new = pair
    pairs = [MemberPair(OLD, Handle("alice", "new.example"))]
    async with MoveChecker(settings_for(old, new), alias_max_age=timedelta(hours=1)) as checker:
        [first] = await checker.recheck_many(pairs, campaign=CAMPAIGN)
        assert first.status is MoveStatus.ALIAS_MISSING
        alias(old, new)
        fresh = MemberPair(pairs[0].old, pairs[0].new, cached=first.accounts, previous=first)
        [kept] = await checker.recheck_many([fresh], campaign=CAMPAIGN)
        assert kept.status is MoveStatus.ALIAS_MISSING  # the reading is an hour fresh
        # The member's own check always reads the alias again.
        mine = await checker.check(OLD, pairs[0].new, cached=first.accounts, campaign=CAMPAIGN)
        assert mine.status is MoveStatus.READY_TO_MOVE


async def test_deleted_account_found_missing_from_batch(pair):
    old, new = pair
    async with MoveChecker(settings_for(old, new)) as checker:
        [first] = await checker.recheck_many(
            [MemberPair(OLD, Handle("alice", "new.example"))], campaign=CAMPAIGN
        )
        old.state.delete("alice")
        again = MemberPair(OLD, Handle("alice", "new.example"), cached=first.accounts)
        [report] = await checker.recheck_many([again], campaign=CAMPAIGN)
    assert report.status is MoveStatus.OLD_ACCOUNT_GONE
    assert report.accounts.old is None  # forget the id of a deleted account


async def test_batch_trouble_becomes_unreachable_not_an_error(pair):
    old, new = pair
    async with MoveChecker(settings_for(old, new)) as checker:
        [first] = await checker.recheck_many(
            [MemberPair(OLD, Handle("alice", "new.example"))], campaign=CAMPAIGN
        )
        old.inject(Fault(FaultKind.ERROR, status=502), route="accounts")
        again = MemberPair(
            OLD, Handle("alice", "new.example"), cached=first.accounts, previous=first
        )
        [report] = await checker.recheck_many([again], campaign=CAMPAIGN)
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert report.last_known_status is MoveStatus.ALIAS_MISSING
    assert report.accounts.old == first.accounts.old  # keep the id for next time


async def test_profile_text_for_ownership_codes(pair, checker):
    _, new = pair
    new.state.update_profile(
        "alice",
        note="<p>Hello!</p><p>Companion code: <span>MC-7Q2X</span></p>",
        fields=[("Discord", '<a href="https://x.example">alice#1</a>'), ("Code", "MC&amp;9")],
    )
    text = await checker.profile_text(Handle("alice", "new.example"))
    assert text is not None
    assert text.splitlines() == [
        "Hello!",
        "Companion code: MC-7Q2X",
        "Discord: alice#1",
        "Code: MC&9",
    ]
    assert await checker.profile_text(Handle("nobody", "new.example")) is None
    missing = await checker.profile(Handle("nobody", "new.example"))
    assert (missing.found, missing.answer.value) == (False, "not_found")


async def test_pair_for_builds_a_recheck_from_stored_rows(pair, checker):
    from companion.core.models import Member

    [first] = await checker.recheck_many(
        [MemberPair(OLD, Handle("alice", "new.example"))], campaign=CAMPAIGN
    )
    member = Member(
        1, 42, "Alice", OLD, Handle("alice", "new.example"), first.checked_at, followers_before=100
    )
    stored = {str(ref.handle): ref for ref in (first.accounts.old, first.accounts.new)}
    built = MoveChecker.pair_for(member, stored, first.to_dict())
    assert built.cached == first.accounts
    assert built.previous == first
    assert built.recorded_followers == 100
    assert MoveChecker.pair_for(member, {}, {"garbage": True}).previous is None


async def test_old_server_outside_the_campaign_is_not_contacted(pair, checker):
    old, _ = pair
    report = await checker.check(
        OLD,
        Handle("alice", "new.example"),
        campaign=CAMPAIGN.with_changes(old_server="other.example"),
    )
    assert report.status is MoveStatus.UNSUPPORTED_SERVER
    assert "not the campaign's old server" in report.reason
    assert old.stats.total == 0
