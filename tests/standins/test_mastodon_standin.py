"""The Mastodon stand-in: Mastodon's move rules, and answers shaped like the real fixtures."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from companion.standins.mastodon import (
    Fault,
    FaultKind,
    Fediverse,
    Flavour,
    MastodonStandIn,
    MastodonState,
    MoveRefusedError,
    RateLimit,
)
from tests.paths import MASTODON_FIXTURES

FIXTURES = MASTODON_FIXTURES
T0 = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def key_tree(value: Any) -> Any:
    """The nested key structure of JSON (lists: the keys of their first item)."""
    if isinstance(value, dict):
        return {key: key_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [key_tree(value[0])] if value and isinstance(value[0], dict | list) else []
    return None


def keys_missing(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Keys present in ``expected`` but not in ``actual``, recursively."""
    missing: list[str] = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [path or "<root>"]
        for key, sub in expected.items():
            if key not in actual:
                missing.append(f"{path}.{key}")
            else:
                missing.extend(keys_missing(sub, actual[key], f"{path}.{key}"))
    elif isinstance(expected, list) and expected:
        if not isinstance(actual, list) or not actual:
            return [f"{path}[]"]
        missing.extend(keys_missing(expected[0], actual[0], f"{path}[]"))
    return missing


def servers(*flavours: Flavour, clock: FixedClock | None = None) -> list[MastodonState]:
    fediverse = Fediverse()
    states = []
    for number, flavour in enumerate(flavours):
        state = MastodonState(f"s{number}.example", flavour, fediverse=fediverse, clock=clock)
        state.base_url = f"https://s{number}.example"
        states.append(state)
    return states


# -- move rules ----------------------------------------------------------------------------------


def test_move_needs_the_alias_on_the_target():
    old, new = servers(Flavour.MASTODON, Flavour.MASTODON)
    old.create_account("alice", followers_count=50)
    new.create_account("alice")
    with pytest.raises(MoveRefusedError) as refused:
        old.move("alice", new.actor_uri("alice"), now=T0)
    assert refused.value.code == "missing_also_known_as"
    assert refused.value.message == "is not an alias of this account"
    new.set_aliases("alice", [old.actor_uri("alice")])
    old.move("alice", new.actor_uri("alice"), now=T0)
    assert old.get("alice").moved_to_uri == new.actor_uri("alice")


def test_move_refusals_mirror_mastodon():
    old, _new = servers(Flavour.MASTODON, Flavour.MASTODON)
    old.create_account("alice")
    with pytest.raises(MoveRefusedError, match="not_found"):
        old.move("alice", "https://nowhere.example/users/x", now=T0)
    old.set_aliases("alice", [old.actor_uri("alice")])
    with pytest.raises(MoveRefusedError, match="move_to_self"):
        old.move("alice", old.actor_uri("alice"), now=T0)
    # A target outside the stand-ins can be described by the caller.
    old.move(
        "alice",
        "https://far.example/users/alice",
        {"id": "9", "username": "alice", "acct": "alice@far.example"},
        now=T0,
        target_also_known_as=[old.actor_uri("alice")],
    )
    assert old.account_json("alice")["moved"]["acct"] == "alice@far.example"


@pytest.mark.parametrize(("flavour", "days"), [(Flavour.MASTODON, 30), (Flavour.GOTOSOCIAL, 7)])
def test_cooldown_between_moves(flavour, days):
    clock = FixedClock(T0)
    old, new = servers(flavour, Flavour.MASTODON, clock=clock)
    old.create_account("alice")
    new.create_account("a1")
    new.create_account("a2")
    new.set_aliases("a1", [old.actor_uri("alice")])
    new.set_aliases("a2", [old.actor_uri("alice")])
    old.move("alice", new.actor_uri("a1"))
    clock.current += timedelta(days=days) - timedelta(minutes=1)
    with pytest.raises(MoveRefusedError, match="on_cooldown"):
        old.move("alice", new.actor_uri("a2"))
    clock.current += timedelta(minutes=2)
    old.move("alice", new.actor_uri("a2"))
    assert old.get("alice").moved_to_uri == new.actor_uri("a2")
    with pytest.raises(MoveRefusedError, match="on_cooldown"):
        old.move("alice", new.actor_uri("a1"), now=clock.current)


def test_moved_key_absent_until_moved_then_one_level_deep():
    old, new = servers(Flavour.MASTODON, Flavour.MASTODON)
    old.create_account("alice")
    new.create_account("alice", followers_count=3)
    assert "moved" not in old.account_json("alice")  # absent, not null
    new.set_aliases("alice", [old.actor_uri("alice")])
    old.move("alice", new.actor_uri("alice"), now=T0)
    moved = old.account_json("alice")["moved"]
    assert moved["acct"] == "alice@s1.example"
    assert moved["uri"] == new.actor_uri("alice")
    assert "moved" not in moved
    new.suspend("alice")
    assert old.account_json("alice")["moved"] is None  # the target is unavailable


def test_followers_move_over_time():
    old, new = servers(Flavour.MASTODON, Flavour.MASTODON)
    old.create_account("alice", followers_count=200)
    new.create_account("alice", followers_count=5)
    new.set_aliases("alice", [old.actor_uri("alice")])
    old.move("alice", new.actor_uri("alice"), now=T0)
    assert old.transfer_followers("alice", 0.5) == 100
    assert old.transfer_followers("alice", 0.45) == 90
    assert (old.get("alice").followers_count, new.get("alice").followers_count) == (10, 195)
    assert old.transfer_followers("alice", 1.0) == 10  # never more than are left


def test_ids_follow_the_software():
    mastodon, gts, pleroma = servers(Flavour.MASTODON, Flavour.GOTOSOCIAL, Flavour.PLEROMA)
    assert mastodon.create_account("a").id.isdigit()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", gts.create_account("a").id)
    ident = pleroma.create_account("a").id
    assert ident.isalnum()
    assert not ident.isdigit()
    assert gts.actor_uri("a") == "https://s1.example/users/a"
    assert mastodon.actor_uri("a").startswith("https://s0.example/ap/users/")


# -- shapes, over HTTP --------------------------------------------------------------------------


async def fetch(session: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, Any, Any]:
    async with session.get(url, **kwargs) as response:
        text = await response.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        return response.status, body, response.headers


async def test_answers_have_the_fixture_key_sets():
    fediverse = Fediverse()
    async with (
        MastodonStandIn("old.example", fediverse=fediverse) as old,
        MastodonStandIn("new.example", fediverse=fediverse) as new,
        aiohttp.ClientSession() as http,
    ):
        alice = old.create_account("alice", fields=[("bread", "toasty.")], followers_count=1)
        bob = old.create_account("bob")
        carol = old.create_account("carol")
        new.create_account("alice")
        new.state.set_aliases("alice", [old.state.actor_uri("alice")])
        base = old.base_url

        status, lookup, _ = await fetch(http, f"{base}/api/v1/accounts/lookup?acct=alice")
        expected = key_tree(fixture("mastodonpy-cassette-account-lookup-200.json"))
        assert status == 200
        assert key_tree(lookup) == expected

        _, many, _ = await fetch(
            http, f"{base}/api/v1/accounts", params=[("id[]", bob.id), ("id[]", carol.id)]
        )
        cassette = fixture("mastodonpy-cassette-accounts-multi-get.json")
        assert [key_tree(item) for item in many] == [key_tree(i) for i in cassette["body"]]

        status, missing, _ = await fetch(http, f"{base}/api/v1/accounts/lookup?acct=nobody")
        expected_404 = fixture("mastodonpy-cassette-account-lookup-404.json")
        assert (status, missing) == (expected_404["status"], expected_404["body"])

        for route, name in [
            ("/api/v1/instance/", "mastodonpy-cassette-instance-v1.json"),
            ("/api/v2/instance/", "mastodonpy-cassette-instance-v2.json"),
            ("/.well-known/nodeinfo", "mastodonpy-cassette-nodeinfo-wellknown.json"),
            ("/nodeinfo/2.0", "mastodonpy-cassette-nodeinfo-2.0.json"),
        ]:
            _, body, _ = await fetch(http, base + route)
            assert key_tree(body) == key_tree(fixture(name)), route

        _, jrd, headers = await fetch(
            http, f"{base}/.well-known/webfinger", params={"resource": "acct:alice@old.example"}
        )
        assert key_tree(jrd) == key_tree(fixture("docs-webfinger-jrd-gargron.json"))
        assert headers["Content-Type"].startswith("application/jrd+json")

        old.state.move("alice", new.state.actor_uri("alice"))
        _, moved, _ = await fetch(http, f"{base}/api/v1/accounts/{alice.id}")
        # The target, in the same shape (it has no profile fields), one level deep.
        assert key_tree(moved["moved"]) == {**expected, "fields": []}

        _, actor, headers = await fetch(
            http, old.state.actor_uri("alice"), headers={"Accept": "application/activity+json"}
        )
        assert headers["Content-Type"].startswith("application/activity+json")
        assert not keys_missing(
            fixture("gotosocial-docs-actor-alsoknownas-movedto.json"),
            {
                **actor,
                "alsoKnownAs": ["x"],
            },
        )
        assert actor["movedTo"] == new.state.actor_uri("alice")

        old.state.suspend("bob")
        _, suspended, _ = await fetch(http, f"{base}/api/v1/accounts/{bob.id}")
        assert not keys_missing(fixture("docs-account-suspended-example.json"), suspended)
        assert suspended["suspended"] is True


async def test_rate_limit_headers_and_429_without_retry_after():
    async with (
        MastodonStandIn("old.example", rate_limit=RateLimit(limit=2, window=60)) as old,
        aiohttp.ClientSession() as http,
    ):
        old.create_account("alice")
        url = f"{old.base_url}/api/v1/accounts/lookup?acct=alice"
        answers = [await fetch(http, url) for _ in range(3)]
        names = fixture("mastodonpy-cassette-ratelimit-headers.json")["headers"]
        for _, _, headers in answers:
            assert {name.lower() for name in headers} >= set(names)
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", headers["X-RateLimit-Reset"]
            )
        assert [a[2]["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
        status, body, headers = answers[2]
        assert (status, body) == (429, {"error": "Too many requests"})
        assert "Retry-After" not in headers
        assert old.stats.rate_limited == 1
        assert old.stats.requests["lookup"] == 3
        # WebFinger and actors are not API routes: not throttled, no headers.
        _, _, headers = await fetch(http, old.state.actor_uri("alice"))
        assert "X-RateLimit-Limit" not in headers


async def test_versions_and_missing_routes():
    async with (
        MastodonStandIn("a.example", Flavour.MASTODON_42) as old,
        MastodonStandIn("b.example", Flavour.PLEROMA) as pleroma,
        MastodonStandIn("c.example") as current,
        aiohttp.ClientSession() as http,
    ):
        status, _, _ = await fetch(http, f"{old.base_url}/api/v1/accounts?id[]=1")
        assert status == 404  # no multi-get before 4.3
        ids = "&".join(f"id[]={n}" for n in range(41))
        status, body, _ = await fetch(http, f"{current.base_url}/api/v1/accounts?{ids}")
        assert status == 422
        assert "error" in body
        _, instance, _ = await fetch(http, f"{pleroma.base_url}/api/v1/instance")
        assert instance["version"] == "2.7.2 (compatible; Pleroma 2.6.0)"
        status, _, _ = await fetch(http, f"{pleroma.base_url}/api/v2/instance")
        assert status == 404


async def test_locked_down_and_faults():
    async with (
        MastodonStandIn("old.example", require_token="t0k") as old,
        aiohttp.ClientSession() as http,
    ):
        old.create_account("alice")
        url = f"{old.base_url}/api/v1/accounts/lookup?acct=alice"
        status, body, _ = await fetch(http, url)
        assert (status, body) == (401, {"error": "This method requires an authenticated user"})
        status, _, _ = await fetch(http, url, headers={"Authorization": "Bearer t0k"})
        assert status == 200
        old.inject(Fault(FaultKind.ERROR, status=502, times=1), route="lookup")
        status, _, _ = await fetch(http, url, headers={"Authorization": "Bearer t0k"})
        assert status == 502
        status, _, _ = await fetch(http, url, headers={"Authorization": "Bearer t0k"})
        assert status == 200  # the fault was used up
        old.inject(Fault(FaultKind.REDIRECT, url="http://10.0.0.1/"), route="api")
        async with http.get(url, allow_redirects=False) as response:
            assert (response.status, response.headers["Location"]) == (302, "http://10.0.0.1/")


def test_runs_in_a_thread_for_plain_code():
    import requests

    with MastodonStandIn("old.example") as old:
        old.create_account("alice")
        answer = requests.get(f"{old.base_url}/api/v1/accounts/lookup?acct=alice", timeout=5)
    assert answer.json()["username"] == "alice"


async def test_bare_lookup_flavour_matches_only_the_bare_username():
    async with (
        MastodonStandIn("bare.example", Flavour.BARE_LOOKUP) as bare,
        aiohttp.ClientSession() as http,
    ):
        bare.create_account("alice")
        lookup = f"{bare.base_url}/api/v1/accounts/lookup?acct="
        status, _, _ = await fetch(http, lookup + "alice@bare.example")
        assert status == 404
        status, body, _ = await fetch(http, lookup + "alice")
        assert (status, body["acct"]) == (200, "alice")
        webfinger = f"{bare.base_url}/.well-known/webfinger?resource=acct:alice@bare.example"
        status, _, _ = await fetch(http, webfinger)
        assert status == 200  # WebFinger still lists the account


async def test_faults_that_break_answers_off():
    async with MastodonStandIn("old.example") as old, aiohttp.ClientSession() as http:
        old.create_account("alice")
        url = f"{old.base_url}/api/v1/accounts/lookup?acct=alice"
        old.inject(Fault(FaultKind.TRUNCATED_JSON, times=1), route="lookup")
        async with http.get(url) as response:
            text = await response.text()
        assert response.status == 200
        with pytest.raises(ValueError):
            json.loads(text)
        old.inject(Fault(FaultKind.TRUNCATED_BODY, times=1), route="lookup")
        with pytest.raises(aiohttp.ClientPayloadError):
            async with http.get(url) as response:
                await response.read()
        old.inject(
            Fault(FaultKind.ERROR, status=429, headers={"Retry-After": "30"}, times=1),
            route="lookup",
        )
        status, body, headers = await fetch(http, url)
        assert (status, body, headers["Retry-After"]) == (429, {"error": "Too many requests"}, "30")


async def test_spans_count_sequential_round_trips():
    async with MastodonStandIn("old.example", latency=0.2) as old, aiohttp.ClientSession() as h:
        url = f"{old.base_url}/api/v2/instance"
        await fetch(h, url)
        await asyncio.gather(fetch(h, url), fetch(h, url), fetch(h, url))
        await fetch(h, url)
    assert len(old.stats.spans) == 5
    assert old.stats.sequential_round_trips() == 3
