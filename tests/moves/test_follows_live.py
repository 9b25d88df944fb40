"""Follows read from real loopback servers: public moves by lookup, following lists by page."""

from __future__ import annotations

from companion.core.handles import Handle
from companion.moves import MoveChecker
from companion.moves.follows import following, public_moves
from companion.standins.mastodon import RateLimit
from companion.standins.mastodon.follows import follow, import_following
from tests.moves.conftest import move, settings_for

H = Handle.parse


async def test_public_moves_find_targets_and_gone_accounts(start_standin):
    old = await start_standin("old.example")
    new = await start_standin("new.example")
    for name in ("zoe", "yan", "same"):
        old.create_account(name)
    new.create_account("zoe")
    new.create_account("yan")
    move(old, new, "zoe", "zoe")
    move(old, new, "yan", "yan")
    old.state.delete("yan", gone=True)  # moved, then deleted for good: gone
    old.create_account("sus")
    old.state.suspend("sus")
    async with MoveChecker(settings_for(old, new)) as checker:
        handles = [
            H("zoe@old.example"),
            H("yan@old.example"),
            H("same@old.example"),
            H("nobody@old.example"),
            H("sus@old.example"),
        ]
        seen: list[tuple[int, int]] = []

        async def progress(done: int, total: int) -> None:
            seen.append((done, total))

        found = await public_moves(checker, handles, progress)
    assert found.moved == {H("zoe@old.example"): H("zoe@new.example")}
    assert found.gone == [H("yan@old.example"), H("nobody@old.example"), H("sus@old.example")]
    assert found.unknown == []
    assert seen[-1] == (5, 5)
    assert old.stats.requests["lookup"] == 5  # one lookup per account


async def test_following_is_read_page_by_page_within_the_rate_limit(start_standin):
    new = await start_standin("new.example", rate_limit=RateLimit(limit=300, window=300))
    other = await start_standin("far.example")
    new.create_account("alice")
    for i in range(170):
        other.create_account(f"u{i}")
        assert follow(new.state, "alice", f"u{i}@far.example") is None
    new.create_account("local")
    assert follow(new.state, "alice", "local@new.example") is None
    async with MoveChecker(settings_for(new, other, campaign=False)) as checker:
        listed = await following(checker, H("alice@new.example"))
    assert listed.complete
    assert sorted(map(str, listed.accounts)) == sorted(
        [f"u{i}@far.example" for i in range(170)] + ["local@new.example"]
    )
    assert listed.following_count == 171
    assert new.stats.requests["following"] == 3  # 80 + 80 + 11, Link header's max_id
    assert new.stats.rate_limited == 0


async def test_the_stand_in_refuses_to_follow_moved_accounts_like_mastodon(start_standin):
    old = await start_standin("old.example")
    new = await start_standin("new.example")
    for name in ("alice", "bob"):
        old.create_account(name)
        new.create_account(name)
    move(old, new, "bob", "bob")
    outcome = import_following(
        new.state,
        "alice",
        b"Account address,Show boosts,Notify on new posts,Languages\n"
        b"bob@old.example,true,false,\nbob@new.example,true,false,\ngone@old.example,true,false,\n",
    )
    assert outcome.followed == ["bob@new.example"]
    assert outcome.failed == [("bob@old.example", "moved"), ("gone@old.example", "not found")]
