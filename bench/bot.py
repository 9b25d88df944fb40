"""The bot under load: /move status for many at once, and /campaign export at community size.

Prints figures and PASS/MISS per target (issue 5); asserts nothing. Everything runs on
127.0.0.1. This process plays Discord (the stand-in's gateway and REST) and two Mastodon
servers (stand-ins answering after ``--latency`` seconds). The bot runs in a process of its
own, as in production: the real ``CompanionBot`` with its command tree, background tasks
and SQLite store, built by ``companion.offline`` as ``companion run`` builds it, only pointed
at the stand-ins. Latencies are measured by the Discord stand-in (interaction sent to first
callback received); the bot process reports its own peak RSS when asked (SIGUSR1).

1. A store with 10,000 linked members (each with a stored check); 200 of them run
   ``/move status`` at the same moment (three rounds). Time until each first response
   reaches Discord: p50 and p99 (target p99 < 300 ms; Discord's own deadline is 3 s).
2. Peak RSS of the bot's process (target < 150 MB), before and after the exports.
3. ``/campaign export`` of 50,000 listed members in every format, through the bot: time
   from the interaction until the files are uploaded (target < 1 s each).
4. ``companion roster export`` of the same 50,000 members, a new process each (target < 1 s).

    python bench/bot.py [--members 10000] [--concurrent 200] [--listed 50000] [--latency 0.1]
                        [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import resource
import signal
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import companion_command, time_cli, verdict

from companion.core.exports import FORMATS, MAX_ROWS_PER_FILE
from companion.core.handles import Handle
from companion.core.models import Campaign
from companion.moves import MoveChecker
from companion.offline import (
    launch_bot,
    server_addresses,
    standin_settings,
    start_discord,
    start_mastodon,
)
from companion.settings import Settings
from companion.standins.discord import (
    ChannelSpec,
    DiscordStandin,
    GuildSpec,
    InteractionRecord,
    MemberSpec,
    Perm,
    UploadedFile,
    point_discord_py_at,
)
from companion.standins.mastodon import MastodonStandIn
from companion.store import Store

STATUS_P99_TARGET = 0.300
RSS_TARGET_MB = 150
EXPORT_TARGET = 1.0
GUILD = 1300000000000000001
EXPORT_GUILD = 1300000000000000002
APP_ID = 1300000000000000003
ORGANISER = MemberSpec(
    id=1300000000000000100, username="orga", global_name="Orga", permissions=Perm.MANAGE_GUILD
)
FIRST_USER = 1310000000000000000
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
NAMES = ("Alice", "Zoë 👩‍💻", "東京の友達", "=cmd|' /C calc'!A0", "**Bob** <@123>", "Ana")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Linux keeps ``getrusage``'s ``ru_maxrss`` across ``exec``: a process started by a big
    parent reports the parent's size at the fork. ``VmHWM`` is the same high-water mark for
    this program's own memory only, so it is read first; ``getrusage`` elsewhere.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def sample_report(old: MastodonStandIn, new: MastodonStandIn, settings: Settings) -> str:
    """One real check's report (a member who set the alias), stored for every member."""
    old.create_account("sample", followers_count=250)
    new.create_account("sample")
    new.state.set_aliases("sample", [old.state.actor_uri("sample")])
    async with MoveChecker(settings) as checker:
        report = await checker.check(
            Handle("sample", "old.example"),
            Handle("sample", "new.example"),
            campaign=Campaign(guild_id=GUILD, old_server="old.example", new_server="new.example"),
        )
    return json.dumps(report.to_dict(), sort_keys=True, default=str)


def build_store(path: Path, members: int, listed: int, report: str, status: str) -> None:
    """``members`` linked and checked in GUILD; ``listed`` moved, verified, listed elsewhere."""
    store = Store(path)
    store.migrate()
    checked = datetime.now(UTC).isoformat()
    for guild, community in ((GUILD, "Bench Birders"), (EXPORT_GUILD, "Bench Export")):
        store.save_campaign(
            Campaign(
                guild,
                community,
                "old.example",
                "new.example",
                deadline=T0 + timedelta(days=30),
                timezone="Europe/Berlin",
            ),
            now=T0,
        )
    linked = [
        {
            "guild_id": GUILD,
            "user_id": FIRST_USER + i,
            "display_name": f"{NAMES[i % len(NAMES)]} {i}",
            "old_handle": f"member{i}@old.example",
            "new_handle": f"member{i}@new.example",
            "linked_at": T0.isoformat(),
            "dm_reminders": 0,
            "followers_before": 250,
            "last_status": status,
            "last_checked_at": checked,
            "last_confirmed_at": checked,
        }
        for i in range(members)
    ]
    observations = [
        {
            "guild_id": GUILD,
            "user_id": FIRST_USER + i,
            "checked_at": checked,
            "status": status,
            "report": report,
        }
        for i in range(members)
    ]
    moved = T0 + timedelta(days=1)
    roster = [
        {
            "guild_id": EXPORT_GUILD,
            "user_id": FIRST_USER + i,
            "display_name": f"{NAMES[i % len(NAMES)]} {i}",
            "old_handle": f"member{i}@old.example",
            "new_handle": f"member{i}@new.example",
            "linked_at": T0.isoformat(),
            "verified_at": T0.isoformat(),
            "roster_consent": 1,
            "dm_reminders": 0,
            "last_status": "moved",
            "last_checked_at": checked,
            "last_confirmed_at": checked,
            "moved_at": (moved + timedelta(seconds=i)).isoformat(),
            "move_announced_at": (moved + timedelta(seconds=i)).isoformat(),
        }
        for i in range(listed)
    ]
    with store.transaction():
        store.db["members"].insert_all(linked + roster, batch_size=5_000)
        store.db["observations"].insert_all(observations, batch_size=5_000)
    store.close()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def bench_status(discord: DiscordStandin, users: list[MemberSpec], rounds: int) -> None:
    """Many members run /move status at the same moment, ``rounds`` times over."""
    warm = await discord.dispatch_interaction(discord.slash("move status", user=users[0]))
    await warm.first_response(timeout=30)
    print(f"1. /move status, {len(users)} at once, {rounds} round(s), first response times")
    p99s = []
    for round_number in range(1, rounds + 1):
        payloads = [discord.slash("move status", user=user, guild_id=GUILD) for user in users]
        started = time.perf_counter()
        records: list[InteractionRecord] = await asyncio.gather(
            *(discord.dispatch_interaction(payload) for payload in payloads)
        )
        await asyncio.gather(*(record.first_response(timeout=30) for record in records))
        wall = time.perf_counter() - started
        latencies = [record.response_latency or 0.0 for record in records]
        late = sum(1 for record in records if record.first_status not in (200, 204))
        p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
        p99s.append(p99)
        print(
            f"   round {round_number}: p50 {p50 * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms, "
            f"max {max(latencies) * 1000:6.1f} ms; all answered in {wall:.2f} s; "
            f"late (refused by Discord): {late}"
        )
    median = statistics.median(p99s)
    print(
        f"   p99 < {STATUS_P99_TARGET * 1000:.0f} ms (median round, {median * 1000:.1f} ms): "
        f"{verdict(median < STATUS_P99_TARGET)}"
    )


async def bench_bot_exports(discord: DiscordStandin, listed: int) -> None:
    """/campaign export through the bot, each format, until every file is uploaded."""
    print(f"3. /campaign export through the bot, {listed:,} listed members")
    for fmt in FORMATS:
        parts = math.ceil(listed / MAX_ROWS_PER_FILE) if fmt.startswith("mastodon") else 1
        payload = discord.slash(
            "campaign export", {"format": fmt}, user=ORGANISER, guild_id=EXPORT_GUILD
        )
        started = time.perf_counter()
        record = await discord.dispatch_interaction(payload)

        def uploaded(record: InteractionRecord = record, parts: int = parts) -> bool:
            # The first follow-up of a deferred reply fills in the "thinking" message.
            return len(_files(record)) >= parts or _refused(record)

        await discord.wait_for(uploaded, timeout=60, what=f"the {fmt} export")
        elapsed = time.perf_counter() - started
        files = _files(record)
        size = sum(len(f.data) for f in files)
        original = record.original_message
        said = original.content[:100] if original is not None else ""
        ok = elapsed < EXPORT_TARGET and not _refused(record)
        print(
            f"   {fmt:<17} {elapsed:7.3f} s  {verdict(ok)}"
            f"  ({len(files)} file(s), {size / 1e6:.1f} MB) {said!r}"
        )


def _files(record: InteractionRecord) -> list[UploadedFile]:
    messages = [record.original_message, *record.followups]
    return [f for message in messages if message is not None for f in message.files]


def _refused(record: InteractionRecord) -> bool:
    """The bot answered with a sentence and no file (an error)."""
    original = record.original_message
    return original is not None and not original.loading and not original.files


def bench_cli(path: Path, out: Path) -> None:
    """``companion roster export`` of the same members, a new process each."""
    print("4. companion roster export --format F --guild G (a new process each, start-up included)")
    for fmt in FORMATS:
        args = [companion_command(), "roster", "export", "--format", fmt]
        args += ["--guild", str(EXPORT_GUILD), "--output", f"{out}/", "--force"]
        timed = time_cli(fmt, args, path, out)
        if timed is not None:
            elapsed, result = timed
            written = result.stdout.strip().splitlines()
            ok = verdict(elapsed < EXPORT_TARGET)
            print(f"   {fmt:<17} {elapsed:7.3f} s  {ok}  ({written[-1]})")


async def run(args: argparse.Namespace, folder: Path) -> Path:
    """Start the stand-ins here and the bot in its own process; run parts 1 to 3."""
    db = folder / "bench.db"
    users = [
        MemberSpec(id=FIRST_USER + i, username=f"member{i}", global_name=f"Member {i}")
        for i in range(args.concurrent)
    ]
    async with AsyncExitStack() as stack:
        mastodon = await start_mastodon(stack, latency=args.latency)
        old, new = mastodon.old, mastodon.new
        servers = server_addresses(old, new)
        settings = bench_settings(db, servers)
        started = time.perf_counter()
        report = await sample_report(old, new, settings)
        status = json.loads(report)["status"]
        build_store(db, args.members, args.listed, report, status)
        print(
            f"   (store: {args.members:,} linked members with a stored check ({status}), "
            f"{args.listed:,} listed members in a second guild, built in "
            f"{time.perf_counter() - started:.1f} s; Mastodon latency {args.latency * 1000:.0f} ms)"
        )
        # The bot runs in its own process: it points its own discord.py at the stand-in.
        discord = await start_discord(
            stack,
            application_id=APP_ID,
            guilds=[
                GuildSpec(
                    id=GUILD,
                    name="Bench",
                    channels=[ChannelSpec(id=GUILD + 10, name="general")],
                    members=users,
                ),
                GuildSpec(
                    id=EXPORT_GUILD,
                    name="Export",
                    channels=[ChannelSpec(id=EXPORT_GUILD + 10, name="general")],
                    members=[ORGANISER],
                ),
            ],
        )
        config = folder / "bot.json"
        config.write_text(json.dumps({"db": str(db), "api": discord.api_base, "servers": servers}))
        log = (folder / "bot.log").open("w")
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--serve-bot",
            str(config),
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
        )
        try:
            await discord.wait_until_ready(timeout=60)
            idle = await bot_peak_rss(bot)
            await bench_status(discord, users, args.rounds)
            rss = await bot_peak_rss(bot)
            print(
                f"2. peak RSS of the bot's process (VmHWM): {rss:.0f} MB "
                f"(connected and idle, before part 1: {idle:.0f} MB)"
            )
            print(f"   < {RSS_TARGET_MB} MB: {verdict(rss < RSS_TARGET_MB)}")
            await bench_bot_exports(discord, args.listed)
            rss = await bot_peak_rss(bot)
            print(f"   (peak RSS of the bot's process after the exports: {rss:.0f} MB)")
            if discord.violations:
                print(f"   Discord refused {len(discord.violations)} request(s):")
                for violation in discord.violations[:5]:
                    print(f"     {violation.method} {violation.path}: {violation.message}")
        finally:
            if bot.returncode is None:
                bot.terminate()
            await bot.wait()
            log.close()
        errors = [line for line in (folder / "bot.log").read_text().splitlines() if "ERROR" in line]
        for line in errors[:5]:
            print(f"   bot log: {line}")
    return db


def bench_settings(db: Path, servers: dict[str, str]) -> Settings:
    """The bot's settings: the bench database and the two stand-in servers."""
    return standin_settings(db, servers, campaign={"community_name": "Bench Birders"})


async def bot_peak_rss(bot: asyncio.subprocess.Process) -> float:
    """Ask the bot process for its peak RSS (it answers SIGUSR1 with one JSON line)."""
    assert bot.stdout is not None
    bot.send_signal(signal.SIGUSR1)
    line = await asyncio.wait_for(bot.stdout.readline(), 30)
    return float(json.loads(line)["peak_rss_mb"])


def serve_bot(config_path: str) -> None:
    """The bot's process: ``CompanionBot`` on the bench store, pointed at the stand-ins."""
    config = json.loads(Path(config_path).read_text())
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    def report_rss() -> None:
        print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)

    async def serve() -> None:
        settings = bench_settings(Path(config["db"]), config["servers"])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGUSR1, report_rss)
        async with AsyncExitStack() as stack:
            stack.enter_context(point_discord_py_at(config["api"]))
            await launch_bot(stack, settings)
            await stop.wait()  # the stack closes the bot, then its services

    asyncio.run(serve())


def main() -> None:
    """Parse the options, run every part, print the figures."""
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-bot":
        serve_bot(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--listed", type=int, default=50_000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = asyncio.run(run(args, folder))
        out = folder / "out"
        out.mkdir()
        bench_cli(db, out)


if __name__ == "__main__":
    main()
