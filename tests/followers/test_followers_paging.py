"""The stand-in pages followers like Mastodon, and the reader pages politely and safely."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
import requests

from companion.core.followers import SavedFollowers
from companion.core.handles import Handle
from companion.moves import MoveChecker
from companion.moves.followers import FollowersReader, FollowersReadError
from companion.standins.mastodon import Fault, FaultKind, MastodonStandIn, RateLimit
from companion.store import Store
from tests.moves.conftest import settings_for


def test_standin_pages_like_mastodon_default_40_max_80_with_link_max_id():
    with MastodonStandIn("old.example") as old:
        alice = old.create_account("alice")
        old.state.set_followers("alice", [f"u{i}@far.example" for i in range(100)])
        url = f"{old.base_url}/api/v1/accounts/{alice.id}/followers"
        first = requests.get(url, timeout=5)
        assert len(first.json()) == 40
        assert first.json()[0]["acct"] == "u99@far.example"  # newest follow first
        assert first.links["next"]["url"] == f"{url}?limit=40&max_id=61"  # exclusive
        assert first.links["prev"]["url"] == f"{url}?limit=40&min_id=100"
        big = requests.get(url, params={"limit": 500}, timeout=5)
        assert len(big.json()) == 80
        last = requests.get(big.links["next"]["url"], timeout=5)
        assert [a["acct"] for a in last.json()] == [f"u{i}@far.example" for i in range(19, -1, -1)]
        assert "next" not in last.links  # not a full page: the end
        old.state.get("alice").hide_collections = True
        assert requests.get(url, timeout=5).json() == []


async def test_reader_stays_within_ceil_f_over_80_requests_and_never_causes_a_429():
    async with MastodonStandIn("old.example", rate_limit=RateLimit(limit=30, window=2)) as old:
        old.create_account("alice")
        followers = [f"u{i}@far.example" for i in range(2000)]
        old.state.set_followers("alice", followers)
        async with MoveChecker(settings_for(old)) as checker:
            listed = await FollowersReader(checker).read(Handle("alice", "old.example"))
        assert sorted(listed.handles) == sorted(followers)
        # A full last page carries a next link (as on Mastodon): one empty page ends the list.
        assert old.stats.requests["followers"] == math.ceil(2000 / 80) + 1
        assert old.stats.rate_limited == 0


async def test_a_server_that_never_stops_paging_is_stopped_at_the_bound():
    async with MastodonStandIn("old.example") as old:
        old.create_account("alice")
        old.state.set_followers("alice", [f"u{i}@far.example" for i in range(500)])
        async with MoveChecker(settings_for(old)) as checker:
            reader = FollowersReader(checker, max_followers=100)
            listed = await reader.read(Handle("alice", "old.example"))
        assert len(listed.handles) == 100
        assert listed.truncated
        assert old.stats.requests["followers"] == 2


async def test_a_broken_page_is_a_sentence_not_a_crash():
    async with MastodonStandIn("old.example") as old:
        old.create_account("alice")
        old.state.set_followers("alice", ["u@far.example"])
        old.inject(Fault(FaultKind.HTML), route="followers")
        async with MoveChecker(settings_for(old)) as checker:
            reader = FollowersReader(checker)
            with pytest.raises(FollowersReadError, match="web page"):
                await reader.read(Handle("alice", "old.example"))


def test_forget_guild_deletes_saved_lists(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    for guild in (1, 2):
        store.link_member(
            guild, 7, "A", Handle("a", "old.example"), Handle("a", "new.example"), now=now
        )
        store.save_follower_list(
            guild, 7, Handle("a", "old.example"), SavedFollowers(("x@y.example",), now)
        )
    store.forget_guild(1)
    assert store.follower_list(1, 7) is None
    assert store.follower_list(2, 7) is not None  # each guild sees only its own data
    store.close()
