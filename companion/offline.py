"""The offline world: stand-in Discord, stand-in Mastodon servers and the real bot, wired.

The rehearsal, the bot tests and the benchmarks all run the bot this way, so there is one
wiring to keep right. Everything listens on 127.0.0.1 and needs no real token. The bot is
built as ``companion run`` builds it (``open_services``, then ``CompanionBot``), with
discord.py's REST and gateway addresses pointed at the Discord stand-in, and its
settings aimed at the Mastodon stand-ins. Each piece joins an ``AsyncExitStack``, so
everything stops, in reverse order, when the stack unwinds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.bot.app import CompanionBot
from companion.core.clock import Clock
from companion.services import Services, open_services
from companion.settings import Settings
from companion.standins.discord import DiscordStandin, GuildSpec, point_discord_py_at
from companion.standins.mastodon import Fediverse, Flavour, MastodonStandIn

DUMMY_TOKEN = "offline-token-not-a-secret"  # noqa: S105 - the stand-in accepts any token
STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class MastodonPair:
    """The campaign's old and new servers, federated with each other."""

    fediverse: Fediverse
    old: MastodonStandIn
    new: MastodonStandIn


@dataclass(frozen=True, slots=True)
class RunningBot:
    """A bot connected (or connecting) to the Discord stand-in, and what it runs on."""

    services: Services
    bot: CompanionBot
    task: asyncio.Task[None]


async def start_mastodon(
    stack: AsyncExitStack,
    old_domain: str = "old.example",
    new_domain: str = "new.example",
    *,
    clock: Clock | None = None,
    old_flavour: Flavour = Flavour.MASTODON,
    latency: float = 0.0,
    fediverse: Fediverse | None = None,
) -> MastodonPair:
    """Start the old and new Mastodon stand-ins in one fediverse."""
    fediverse = fediverse or Fediverse()
    old = await stack.enter_async_context(
        MastodonStandIn(old_domain, old_flavour, fediverse=fediverse, clock=clock, latency=latency)
    )
    new = await stack.enter_async_context(
        MastodonStandIn(new_domain, fediverse=fediverse, clock=clock, latency=latency)
    )
    return MastodonPair(fediverse, old, new)


def server_addresses(*standins: MastodonStandIn) -> dict[str, str]:
    """Each stand-in's domain and the address it answers on."""
    return {standin.state.local_domain: standin.base_url for standin in standins}


def closed_port() -> int:
    """A local port nobody listens on: connections to it are refused at once (a server down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def standin_settings(database: Path, servers: Mapping[str, str], **values: Any) -> Settings:
    """Settings aimed at the stand-ins (domain -> address); nothing read from env or files."""
    values.setdefault("allow_private_addresses", True)
    return Settings(
        _env_file=None,
        database=database,
        servers={domain: {"api_base_url": url} for domain, url in servers.items()},
        **values,
    )


async def start_discord(
    stack: AsyncExitStack, *, application_id: int, guilds: list[GuildSpec]
) -> DiscordStandin:
    """Start the Discord stand-in and point discord.py in this process at it."""
    discord = await stack.enter_async_context(
        DiscordStandin(application_id=application_id, guilds=guilds)
    )
    stack.enter_context(point_discord_py_at(discord.api_base))
    return discord


async def launch_bot(
    stack: AsyncExitStack,
    settings: Settings,
    clock: Clock | None = None,
    *,
    background: bool = True,
    token: str = DUMMY_TOKEN,
) -> RunningBot:
    """Open the services and start the bot; it is closed when the stack unwinds."""
    services = await stack.enter_async_context(open_services(settings, clock))
    bot = CompanionBot(services, run_background_tasks=background)
    task = asyncio.create_task(bot.start(token), name="offline-bot")

    async def stop() -> None:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, STOP_TIMEOUT)

    stack.push_async_callback(stop)
    return RunningBot(services, bot, task)


async def start_bot(
    stack: AsyncExitStack,
    discord: DiscordStandin,
    settings: Settings,
    clock: Clock | None = None,
    *,
    background: bool = True,
    timeout: float = 30.0,  # noqa: ASYNC109 - one limit for connecting and the guilds
) -> RunningBot:
    """Start the bot and wait until it identified to the stand-in and took in its guilds.

    A bot that ran before on the same stand-in does not count: this one must identify.
    A bot that stops before it is ready raises its error here.
    """
    previous = discord.session
    running = await launch_bot(stack, settings, clock, background=background)

    async def ready() -> None:
        await discord.wait_for(
            lambda: discord.session not in (None, previous) and discord.session.ready,
            timeout=timeout,
            what="the bot to identify",
        )
        await discord.wait_until_ready(timeout=timeout)

    waiting = asyncio.create_task(ready())
    done, _ = await asyncio.wait({waiting, running.task}, return_when=asyncio.FIRST_COMPLETED)
    if running.task in done:
        waiting.cancel()
        running.task.result()  # the bot stopped before it was ready: raise its error
        raise RuntimeError("the bot stopped before it connected to the Discord stand-in")
    waiting.result()
    return running
