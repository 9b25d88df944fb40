"""Fixtures for move checking: real stand-in servers on 127.0.0.1 and settings pointing at them.

Other test folders can start a stand-in in two lines without these fixtures:
``async with MastodonStandIn("old.example") as old: old.create_account("alice")``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from companion.core.handles import Handle
from companion.core.models import Campaign
from companion.moves import MoveChecker
from companion.settings import Settings
from companion.standins.mastodon import Fediverse, Flavour, MastodonStandIn

OLD = Handle("alice", "old.example")
NEW = Handle("alice", "new.example")
# The guild's campaign each check is asked with (the checker never reads one from settings).
CAMPAIGN = Campaign(guild_id=1, old_server="old.example", new_server="new.example")
NO_CAMPAIGN = Campaign(guild_id=1)

StartStandIn = Callable[..., Awaitable[MastodonStandIn]]


@pytest.fixture
def fediverse() -> Fediverse:
    """Stand-ins of one test see each other's accounts (moves check aliases across them)."""
    return Fediverse()


@pytest.fixture
async def start_standin(fediverse: Fediverse) -> AsyncIterator[StartStandIn]:
    """Start stand-ins on random ports; all are stopped after the test."""
    started: list[MastodonStandIn] = []

    async def start(
        domain: str, flavour: Flavour = Flavour.MASTODON, **options: Any
    ) -> MastodonStandIn:
        standin = MastodonStandIn(domain, flavour, fediverse=fediverse, **options)
        await standin.start()
        started.append(standin)
        return standin

    yield start
    for standin in reversed(started):
        await standin.stop()


def settings_for(
    *standins: MastodonStandIn,
    campaign: bool = True,
    tokens: dict[str, str] | None = None,
    extra_servers: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Settings whose servers point at the stand-ins (private addresses allowed for them)."""
    servers: dict[str, dict[str, str]] = {
        standin.state.local_domain: {"api_base_url": standin.base_url} for standin in standins
    }
    for domain, url in (extra_servers or {}).items():
        servers[domain] = {"api_base_url": url}
    for domain, token in (tokens or {}).items():
        servers.setdefault(domain, {})["access_token"] = token
    values: dict[str, Any] = {
        "allow_private_addresses": True,
        "request_timeout": 1.0,
        "servers": servers,
    }
    if campaign and len(standins) >= 2:
        values["campaign"] = {
            "old_server": standins[0].state.local_domain,
            "new_server": standins[1].state.local_domain,
        }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
async def pair(start_standin: StartStandIn) -> tuple[MastodonStandIn, MastodonStandIn]:
    """An old and a new Mastodon 4.3+ server, with alice on both (100 followers on the old)."""
    old = await start_standin("old.example")
    new = await start_standin("new.example")
    old.create_account("alice", followers_count=100)
    new.create_account("alice")
    return old, new


@pytest.fixture
async def checker(pair: tuple[MastodonStandIn, MastodonStandIn]) -> AsyncIterator[MoveChecker]:
    """A checker configured for the two servers of ``pair``."""
    async with MoveChecker(settings_for(*pair)) as move_checker:
        yield move_checker


def alias(old: MastodonStandIn, new: MastodonStandIn, old_name: str = "alice") -> None:
    """Set the alias on the new account, naming the old account's actor."""
    new.state.set_aliases(old_name, [old.state.actor_uri(old_name)])


def move(
    old: MastodonStandIn, new: MastodonStandIn, old_name: str = "alice", new_name: str = "alice"
) -> None:
    """Alias, then move, as a member would."""
    new.state.set_aliases(new_name, [old.state.actor_uri(old_name)])
    old.state.move(old_name, new.state.actor_uri(new_name))
