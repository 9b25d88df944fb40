"""The pure rules: comparison, reasons, the left-behind file, the community sum, cooldowns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from companion.core.cooldowns import may_move_again_at
from companion.core.followers import (
    Reason,
    SavedFollowers,
    ServerFacts,
    canonical_follower,
    community_followers,
    compare_followers,
    left_behind_csv,
    reason_for,
)

MOVED_AT = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
SAVED = SavedFollowers(
    handles=("a@ok.example", "b@ok.example", "c@fedi.example", "d@gone.example", "e@ok.example"),
    saved_at=MOVED_AT - timedelta(days=1),
    moved=frozenset({"e@ok.example"}),
)
SERVERS = {
    "ok.example": ServerFacts("ok.example", True, "mastodon", "Mastodon 4.5.2"),
    "fedi.example": ServerFacts("fedi.example", True, "smallfedi", "Smallfedi 1.0"),
    "gone.example": ServerFacts("gone.example", False),
}


def test_comparison_counts_and_groups_each_missing_follower_once():
    result = compare_followers(
        SAVED, ["a@ok.example"], SERVERS, moved_at=MOVED_AT, now=MOVED_AT + timedelta(days=5)
    )
    assert (result.saved, result.arrived, result.left_behind, result.still_arriving) == (5, 1, 4, 0)
    assert [(g.domain, g.reason, g.handles) for g in result.groups] == [
        ("fedi.example", Reason.NO_MOVE_SUPPORT, ("c@fedi.example",)),
        ("gone.example", Reason.SERVER_DOWN, ("d@gone.example",)),
        ("ok.example", Reason.FOLLOWER_MOVED, ("e@ok.example",)),
        ("ok.example", Reason.UNKNOWN, ("b@ok.example",)),
    ]
    assert result.summary()["groups"][1] == {
        "domain": "gone.example",
        "software": "unknown software",
        "reason": "server_down",
        "count": 1,
    }


def test_followers_without_a_known_reason_are_still_arriving_for_three_days():
    early = compare_followers(
        SAVED, ["a@ok.example"], SERVERS, moved_at=MOVED_AT, now=MOVED_AT + timedelta(days=2)
    )
    assert early.still_arriving == 1
    assert early.left_behind == 3


@pytest.mark.parametrize(
    ("facts", "moved", "new_blocks", "expected"),
    [
        (
            ServerFacts("x", True, "mastodon", blocks_new="suspend"),
            False,
            None,
            Reason.SUSPENDS_NEW,
        ),
        (ServerFacts("x", True, "mastodon", blocks_new="silence"), False, None, Reason.LIMITS_NEW),
        (ServerFacts("x", True, "mastodon"), False, "suspend", Reason.NEW_BLOCKS_THEM),
        (
            ServerFacts("x", True, "mastodon", blocks_new="suspend"),
            True,
            None,
            Reason.FOLLOWER_MOVED,
        ),
        (ServerFacts("x", True, "gotosocial"), False, None, Reason.UNKNOWN),
        (None, False, None, Reason.UNKNOWN),
    ],
)
def test_reasons_most_certain_first(facts, moved, new_blocks, expected):
    assert reason_for(facts, follower_moved=moved, new_blocks=new_blocks, recent=False) is expected


def test_left_behind_file_is_a_mastodon_following_list():
    result = compare_followers(
        SAVED, ["a@ok.example"], SERVERS, moved_at=MOVED_AT, now=MOVED_AT + timedelta(days=5)
    )
    assert left_behind_csv(result).decode() == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "b@ok.example,true,false,\n"
        "c@fedi.example,true,false,\n"
        "d@gone.example,true,false,\n"
        "e@ok.example,true,false,\n"
    )


@pytest.mark.parametrize(
    ("acct", "expected"),
    [
        ("Bob", "bob@home.example"),
        ("@carol@Other.Example", "carol@other.example"),
        ("<@123>", None),
        ("a*b@evil.example", None),
        (42, None),
        ("x" * 400, None),
    ],
)
def test_follower_handles_from_servers_are_parsed_or_dropped(acct, expected):
    assert canonical_follower(acct, "home.example") == expected


def test_community_picture_adds_members_and_ranks_servers():
    one = compare_followers(
        SAVED, ["a@ok.example"], SERVERS, moved_at=MOVED_AT, now=MOVED_AT + timedelta(days=5)
    ).summary()
    picture = community_followers([one, one, {"saved": 7}])
    assert (picture.members, picture.saved, picture.arrived, picture.left_behind) == (3, 17, 2, 8)
    assert picture.top_servers(2) == [
        ("fedi.example", Reason.NO_MOVE_SUPPORT, 2),
        ("gone.example", Reason.SERVER_DOWN, 2),
    ]


def test_move_cooldown_by_software():
    assert may_move_again_at("mastodon", MOVED_AT) == MOVED_AT + timedelta(days=30)
    assert may_move_again_at("gotosocial", MOVED_AT) == MOVED_AT + timedelta(days=7)
    assert may_move_again_at("smallfedi", MOVED_AT) is None
    assert may_move_again_at("mastodon", None) is None
