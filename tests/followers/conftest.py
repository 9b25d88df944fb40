"""A bot world whose members have followers on several servers, like a real fediverse.

Besides the old and new servers: ``friendly.example`` (Mastodon, follows moves),
``smallfedi.example`` (software not known to follow moves), ``strict.example`` (Mastodon
that publicly suspends the new server) and ``down.example`` (a closed port: down).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest

from companion.offline import closed_port, server_addresses, start_discord, start_mastodon
from companion.standins.mastodon import Flavour, MastodonStandIn
from tests.bot.conftest import (
    APP_ID,
    OTHER_GUILD_ID,
    START,
    TestClock,
    World,
    guild_spec,
    make_settings,
    start_bot,
)

FRIENDLY = [f"f{i}@friendly.example" for i in range(100)]
SMALLFEDI = [f"s{i}@smallfedi.example" for i in range(30)]
DOWN = [f"d{i}@down.example" for i in range(20)]
STRICT = [f"x{i}@strict.example" for i in range(10)]
LOCAL = [f"local{i}" for i in range(5)]  # alice's followers on the old server itself
MOVED_FOLLOWER = "wanderer@friendly.example"  # their own account moved away
ALL_FOLLOWERS = [*FRIENDLY, *SMALLFEDI, *DOWN, *STRICT, *LOCAL, MOVED_FOLLOWER]


@dataclass
class FollowersWorld:
    """The bot world plus the follower servers."""

    world: World
    friendly: MastodonStandIn
    smallfedi: MastodonStandIn
    strict: MastodonStandIn


@pytest.fixture
async def fworld(tmp_path) -> AsyncIterator[FollowersWorld]:
    """The real bot, alice linked to nothing yet, with 166 followers on five servers."""
    async with AsyncExitStack() as stack:
        clock = TestClock(START)
        servers = await start_mastodon(stack, clock=clock)
        old, new = servers.old, servers.new

        async def standin(domain: str, flavour: Flavour = Flavour.MASTODON, **kw):
            return await stack.enter_async_context(
                MastodonStandIn(domain, flavour, fediverse=servers.fediverse, clock=clock, **kw)
            )

        friendly = await standin("friendly.example")
        smallfedi = await standin("smallfedi.example", Flavour.NOT_MASTODON, software="smallfedi")
        strict = await standin("strict.example")
        strict.state.block_domain("new.example", "suspend")
        others = server_addresses(friendly, smallfedi, strict)
        others["down.example"] = f"http://127.0.0.1:{closed_port()}"
        settings = make_settings(tmp_path / "bot.db", old, new, extra_servers=others)
        discord_server = await start_discord(
            stack, application_id=APP_ID, guilds=[guild_spec(), guild_spec(OTHER_GUILD_ID)]
        )
        world = await start_bot(stack, discord_server, old, new, settings, clock, False)
        for name in ("alice", *LOCAL):
            old.create_account(name)
        new.create_account("alice")
        old.state.set_followers("alice", ALL_FOLLOWERS)
        old.state.moved_remote.add(MOVED_FOLLOWER)
        yield FollowersWorld(world, friendly, smallfedi, strict)
