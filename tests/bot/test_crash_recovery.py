"""Exactly-once reminders across crashes: the real bot in a second process, SIGKILLed.

The Discord stand-in holds the bot's post at the chosen point (before Discord carries it
out, or after it did but before the bot hears back), the test kills the process there,
starts a new one on the same SQLite file, and counts what arrived in the channel and in
each member's direct messages.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.core.handles import Handle
from companion.core.reminders import reference_line, schedule_for
from companion.settings import Settings
from companion.standins.discord import DiscordStandin, HeldRequest, StoredMessage
from companion.standins.mastodon import Fediverse, MastodonStandIn
from companion.store import Store
from tests.bot.conftest import (
    ALICE,
    ANNOUNCEMENTS,
    APP_ID,
    BOB,
    GUILD_ID,
    ORGANISER_ROLE,
    guild_spec,
)
from tests.paths import REPO

CHANNEL = ANNOUNCEMENTS + GUILD_ID % 7
OPTED_IN = (ALICE, BOB)
STARTUP = 90.0  # seconds for a fresh interpreter to import, connect and reach the post


class BotProcess:
    """``python -m tests.bot.bot_process``: the bot exactly as ``companion run`` runs it."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.bot.bot_process",
                str(self.config),
                cwd=REPO,
                stdout=out,
                stderr=out,
            )

    async def kill(self) -> None:
        """SIGKILL: no clean-up, no last commit, exactly like a crash or the OOM killer."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.kill()
        await asyncio.wait_for(self.process.wait(), 30)


@asynccontextmanager
async def crash_world(
    tmp_path: Path,
) -> AsyncIterator[tuple[DiscordStandin, Path, Callable[[], BotProcess]]]:
    """Stand-ins here, a campaign whose announcement is due now, two members opted in."""
    async with AsyncExitStack() as stack:
        fediverse = Fediverse()
        old = await stack.enter_async_context(MastodonStandIn("old.example", fediverse=fediverse))
        new = await stack.enter_async_context(MastodonStandIn("new.example", fediverse=fediverse))
        for spec in OPTED_IN:
            old.create_account(spec.username, followers_count=10)
            new.create_account(spec.username)
        discord = await stack.enter_async_context(
            DiscordStandin(application_id=APP_ID, guilds=[guild_spec()])
        )
        db = tmp_path / "bot.db"
        # A real clock in the child: the deadline is six days away, so the announcement is due.
        deadline = datetime.now(UTC) + timedelta(days=6)
        settings = {
            "discord_token": "test-token",
            "database": str(db),
            "allow_private_addresses": True,
            "request_timeout": 2.0,
            "dm_reminders_per_second": 10,
            "servers": {s.state.local_domain: {"api_base_url": s.base_url} for s in (old, new)},
            "campaign": {
                "community_name": "Birders",
                "old_server": "old.example",
                "new_server": "new.example",
                "deadline": deadline.isoformat(),
                "timezone": "UTC",
                "guide_url": "https://guide.example.org/",
                "announcement_channel_id": CHANNEL,
                "organiser_role_id": ORGANISER_ROLE,
            },
        }
        store = Store(db)
        store.migrate()
        for spec in OPTED_IN:
            store.link_member(
                GUILD_ID,
                spec.id,
                spec.global_name,
                Handle(spec.username, "old.example"),
                Handle(spec.username, "new.example"),
            )
            store.update_member(GUILD_ID, spec.id, dm_reminders=True)
        store.close()
        config = tmp_path / "bot.json"
        config.write_text(json.dumps({"settings": settings, "api_base": discord.api_base}))
        processes: list[BotProcess] = []

        def spawn() -> BotProcess:
            processes.append(BotProcess(config, tmp_path / "bot.log"))
            return processes[-1]

        try:
            yield discord, db, spawn
        finally:
            for process in processes:
                if process.process is not None:
                    await process.kill()


def announce_key(db: Path) -> str:
    settings = Settings(
        _env_file=None, **json.loads((db.parent / "bot.json").read_text())["settings"]
    )
    schedule = schedule_for(settings.campaign.to_campaign(GUILD_ID))
    assert schedule is not None
    return schedule.get("announce").key


def read_db(db: Path, sql: str, *params: object) -> list[tuple]:
    """Read the bot's file from outside, as an organiser's sqlite3 would (read-only)."""
    with sqlite3.connect(db.as_uri() + "?mode=ro", uri=True) as connection:
        return connection.execute(sql, params).fetchall()


def bot_lines(discord: DiscordStandin, messages: list[StoredMessage], reference: str) -> list[int]:
    """Ids of the bot's messages that carry the reminder's reference line."""
    bot_id = str(discord.world.bot.id)
    found = []
    for message in messages:
        if message.author["id"] != bot_id:
            continue
        lines = [line.removeprefix("-# ") for line in (message.content or "").splitlines()]
        lines += [(embed.get("footer") or {}).get("text") or "" for embed in message.embeds]
        if reference in lines:
            found.append(message.id)
    return found


async def crash_at(process: BotProcess, hold: HeldRequest, tmp_path: Path) -> None:
    """Start the bot, wait until the held post reaches Discord, and kill it right there."""
    await process.start()
    try:
        await hold.wait(timeout=STARTUP)
    except TimeoutError:
        pytest.fail("the bot never reached the post:\n" + (tmp_path / "bot.log").read_text())
    await process.kill()
    hold.release()


@pytest.mark.parametrize(
    "handled", [False, True], ids=["killed-before-the-send", "killed-after-the-send"]
)
async def test_each_reminder_arrives_exactly_once_when_the_bot_is_killed(
    tmp_path: Path, handled: bool
) -> None:
    async with crash_world(tmp_path) as (discord, db, spawn):
        key = announce_key(db)
        reference = reference_line(GUILD_ID, key)
        # 1. Killed at the channel reminder's post.
        channel_post = discord.hold_next(
            f"/channels/{CHANNEL}/messages", method="POST", handled=handled
        )
        await crash_at(spawn(), channel_post, tmp_path)
        assert read_db(db, "SELECT message_id FROM reminders_sent WHERE reminder_key = ?", key) == [
            (None,)
        ]
        assert len(bot_lines(discord, discord.messages_in(CHANNEL), reference)) == int(handled)

        # 2. Restarted, it settles the channel reminder, then is killed at Alice's DM.
        alice_dm = discord.world.open_dm(ALICE.id)
        dm_post = discord.hold_next(
            f"/channels/{alice_dm}/messages", method="POST", handled=handled
        )
        await crash_at(spawn(), dm_post, tmp_path)
        assert read_db(db, "SELECT user_id, outcome FROM dm_reminders_sent") == [
            (ALICE.id, "pending")
        ]

        # 3. Restarted again, it settles Alice's DM and sends Bob's.
        third = spawn()
        await third.start()

        def finished() -> bool:
            return read_db(
                db, "SELECT user_id, outcome FROM dm_reminders_sent ORDER BY user_id"
            ) == [(ALICE.id, "sent"), (BOB.id, "sent")]

        for _ in range(int(STARTUP * 5)):
            if finished():
                break
            await asyncio.sleep(0.2)
        assert finished(), (tmp_path / "bot.log").read_text()
        await third.kill()

        [posted] = bot_lines(discord, discord.messages_in(CHANNEL), reference)
        assert read_db(db, "SELECT message_id FROM reminders_sent WHERE reminder_key = ?", key) == [
            (posted,)
        ]
        announcements = [m for m in discord.messages_in(CHANNEL) if m.embeds]
        assert [m.id for m in announcements] == [posted]
        for spec in OPTED_IN:
            assert len(bot_lines(discord, discord.dm_messages(spec.id), reference)) == 1, (
                spec.username
            )
