"""Run a whole campaign offline: the stand-ins, the real bot, the community, the output.

``rehearse_campaign`` is what ``companion rehearse`` and ``make run`` (through
``run_or_rehearse``, when no token is configured) call; the end-to-end test calls it too,
with a few members and a high speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from companion.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    NP_,
    _,
    gettext,
    ngettext,
    use_language,
)
from companion.i18n.numbers import format_number
from companion.standins.discord import MemberSpec
from companion.standins.mastodon.follows import carry_over
from companion.store import Store

from . import community
from .clock import RehearsalClock
from .community import Persona, Stage, Timeline
from .driver import Driver, Reply
from .follows import FollowsLedger, seed_follows
from .guide import build_guide
from .progress import Progress
from .result import RehearsalOptions, RehearsalResult
from .summary import summary_facts, summary_text
from .transcript import Transcript, collect_transcript, write_transcript
from .world import (
    COMMUNITY,
    NEW_SERVER,
    OLD_SERVER,
    PLACEHOLDER_GUIDE,
    TIMEZONE,
    CampaignPlan,
    World,
    running_world,
)

if TYPE_CHECKING:
    from companion.settings import Settings
    from companion.standins.discord import StoredMessage

log = logging.getLogger(__name__)

DEFAULT_WALL_SECONDS = 60.0  # the whole campaign in about a minute
CAMPAIGN_DAYS = 14  # from the start to the deadline
AFTER_DEADLINE_DAYS = 7  # the rehearsal goes on until the "7 days after" reminder
SETUP_SPEED = 600.0  # while the bot connects and the organiser sets up: 10 minutes a second
RECHECK_HOURS = 6.0
EXPORT_FORMATS = ("mastodon-follows", "mastodon-list", "csv", "json", "markdown")
STARTING = N_(
    "Rehearsing {campaign} of {community} ({members}, {old} → {new}) at {speed}× real time, "
    "about {seconds} s; everything stays on 127.0.0.1."
)
CAMPAIGN_OF_DAYS = NP_("a {count}-day campaign", "a {count}-day campaign")
MEMBERS = NP_("{count} member", "{count} members")
BUILDING_GUIDE = N_("Building the member guide with this roster…")
STOPPED = N_("Rehearsal stopped.")
FIRST_LINE_WITHOUT_CREDENTIALS = (
    "No Discord token is configured, so this is the offline rehearsal: a simulated community "
    "and the real bot on 127.0.0.1. To go live, create a bot token (Discord Developer Portal > "
    "your application > Bot > Reset Token), put COMPANION_DISCORD_TOKEN=<token> in .env and "
    "run `make run` again."
)


def campaign_timeline(today: date | None = None) -> Timeline:
    """Start at 08:00 today (campaign time), deadline 14 days later, end 7 days after that.

    The end is the evening of the "7 days after" reminder's day, so the reminder (due at
    10:00) has hours of simulated time to go out even on a busy machine.
    """
    zone = ZoneInfo(TIMEZONE)
    day = today or datetime.now(zone).date()
    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=zone)
    cutover = day + timedelta(days=CAMPAIGN_DAYS)
    deadline = datetime(cutover.year, cutover.month, cutover.day, 18, 0, tzinfo=zone)
    last = cutover + timedelta(days=AFTER_DEADLINE_DAYS)
    end = datetime(last.year, last.month, last.day, 18, 0, tzinfo=zone)
    return Timeline(start=start, deadline=deadline, end=end)


def _starting_line(timeline: Timeline, members: int, speed: float) -> str:
    """What the terminal says first: the campaign, its members, how fast and how long."""
    days = timeline.calendar_days
    return _(STARTING).format(
        campaign=ngettext(CAMPAIGN_OF_DAYS, days).format(count=days),
        community=COMMUNITY,
        members=ngettext(MEMBERS, members).format(count=format_number(members)),
        old=OLD_SERVER,
        new=NEW_SERVER,
        speed=format_number(speed),
        seconds=format_number(timeline.span.total_seconds() / speed),
    )


def default_speed(timeline: Timeline | None = None) -> float:
    """How much faster than real time the campaign runs to last about a minute."""
    span = (timeline or campaign_timeline()).span.total_seconds()
    return round(span / DEFAULT_WALL_SECONDS)


async def rehearse_campaign(options: RehearsalOptions) -> RehearsalResult:
    """Run the whole campaign and write the output folder; return what happened."""
    stream = options.stream or sys.stdout
    timeline = campaign_timeline(options.today)
    speed = options.speed or default_speed(timeline)
    organiser, personas = community.build_community(options.members, options.seed)
    plan = CampaignPlan(
        community=COMMUNITY,
        old_server=OLD_SERVER,
        new_server=NEW_SERVER,
        deadline=timeline.deadline,
        timezone=TIMEZONE,
        guide_url=PLACEHOLDER_GUIDE,
        language=options.language,
    )
    output = options.output
    output.mkdir(parents=True, exist_ok=True)
    with use_language(options.language):
        print(_starting_line(timeline, len(personas), speed), file=stream, flush=True)
    started = time.monotonic()
    setup_speed = min(SETUP_SPEED, speed)
    clock = RehearsalClock(timeline.start, setup_speed)
    progress = Progress(stream, timeline, TIMEZONE, options.language)
    with tempfile.TemporaryDirectory(prefix="companion-rehearsal-") as tmp, _quiet_logs(output):
        database = Path(tmp) / "rehearsal.db"
        specs = [organiser, *(p.spec for p in personas)]
        async with running_world(
            database, plan, specs, clock, recheck_hours=RECHECK_HOURS
        ) as world:
            driver = Driver(
                world.discord, world.guild.id, world.general_id, language=options.language
            )
            result = await _play(
                world, driver, organiser, personas, timeline, speed, options, progress
            )
        result.wall_seconds = time.monotonic() - started
        progress.finish()
        shutil.copyfile(database, output / "rehearsal.db")
        result.files["rehearsal.db"] = output / "rehearsal.db"
        if options.build_guide:
            print(gettext(BUILDING_GUIDE, options.language), file=stream, flush=True)
            result.guide = await asyncio.to_thread(
                build_guide, database, plan, output / "guide", world.guild.id
            )
    result.transcript.facts = summary_facts(result)
    with use_language(options.language):  # the transcript speaks the campaign's language
        _write_outputs(result, output, plan)
    (output / "summary.txt").write_text(summary_text(result) + "\n", encoding="utf-8")
    return result


async def _play(
    world: World,
    driver: Driver,
    organiser: MemberSpec,
    personas: list[Persona],
    timeline: Timeline,
    speed: float,
    options: RehearsalOptions,
    progress: Progress,
) -> RehearsalResult:
    """The campaign itself: setup, the weeks of members acting, the organiser's wrap-up."""
    rng = random.Random(options.seed)
    for persona in personas:
        world.old.state.create_account(
            persona.handle,
            display_name=persona.name,
            followers_count=persona.followers,
            following_count=rng.randint(20, 400),
            statuses_count=rng.randint(10, 3000),
            created_at=timeline.start - timedelta(days=rng.randint(200, 2000)),
        )
        if persona.saves_followers:
            world.old.state.set_followers(persona.handle, community.follower_handles(persona))
    transfers: list[asyncio.Task[None]] = []

    ledger: FollowsLedger = seed_follows(world.old.state, [p.handle for p in personas], rng)

    def schedule_transfers(persona: Persona, handle: str) -> None:
        carry_follows_over(world, handle)
        transfers.append(asyncio.create_task(_transfer_waves(world, handle)))

    stage = Stage(world, driver, timeline, rng, schedule_transfers, follows=ledger)
    await _organiser_setup(world, driver, organiser, timeline)
    world.clock.set_speed(speed)
    if world.bot.scheduler is not None:
        world.bot.scheduler.wake()
    ticker = asyncio.create_task(progress.run(world, stage, personas))
    organiser_task = asyncio.create_task(_organiser_midway(stage, organiser))
    tasks = [asyncio.create_task(_safely(community.act(stage, p), driver, p)) for p in personas]
    await asyncio.gather(*tasks, organiser_task)
    await world.clock.sleep_until(timeline.end)
    for task in transfers:
        task.cancel()
    ticker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticker
    progress.wrap_up()
    world.clock.set_speed(min(SETUP_SPEED, speed))
    result = await _wrap_up(world, driver, organiser, personas, timeline, speed, options)
    result.follows = ledger.tally(world.old.state, world.new.state)
    return result


def carry_follows_over(world: World, handle: str) -> None:
    """What a move does to the old account's followers' follows (MoveWorker)."""
    old = world.old.state
    found = old.moved_target(handle)
    if found is not None:
        carry_over(old, old.handle(handle), found[0].handle(found[1]))


async def _safely(job: Awaitable[None], driver: Driver, persona: Persona) -> None:
    """Run a member's script; a crash is recorded, never fatal for the whole rehearsal."""
    try:
        await job
    except Exception as exc:
        log.exception("The script of %s failed", persona.handle)
        driver.failures.append(f"{persona.handle}: script failed: {exc!r}")


async def _transfer_waves(world: World, handle: str) -> None:
    """Followers reach the new account in waves, unless the old account was deleted."""
    old = world.old.state
    moved_at = world.clock.now()
    for after, share in community.TRANSFER_WAVES:
        await world.clock.sleep_until(moved_at + after)
        account = old.get(handle)
        if not account.visible or account.moved_to_uri is None:
            return  # deleted too soon: the remaining followers are lost
        old.transfer_followers(handle, share)


async def _organiser_setup(
    world: World, driver: Driver, organiser: MemberSpec, timeline: Timeline
) -> None:
    """/campaign setup (with Confirm), /campaign announce and a look at the schedule."""
    zone_typed = TIMEZONE.split("/")[-1][:3].lower()
    deadline_text = timeline.deadline.strftime("%Y-%m-%d %H:%M")
    options: dict[str, Any] = {
        "old_server": OLD_SERVER,
        "new_server": NEW_SERVER,
        "deadline": deadline_text,
        "timezone": zone_typed,
    }
    suggestions = await driver.autocomplete(organiser, "campaign setup", options, "timezone")
    zone = TIMEZONE if TIMEZONE in suggestions else (suggestions[0] if suggestions else TIMEZONE)
    options = {**options, "timezone": zone, "channel": world.announcements_id}
    if driver.language != DEFAULT_LANGUAGE:
        options["language"] = driver.language
    shown = driver.command_line(
        "campaign setup",
        {**options, "channel": "#announcements"}
        | ({"language": LANGUAGES[driver.language]} if "language" in options else {}),
    )
    reply = await driver.slash(organiser, "campaign setup", options, shown=shown)
    button = reply.button("mc:setup:yes:")
    if button is None:
        driver.failures.append(f"organiser: /campaign setup gave no Confirm button: {reply.text}")
    else:
        await driver.click(organiser, *button)
    await driver.slash(organiser, "campaign announce")
    await driver.slash(organiser, "campaign remind")


async def _organiser_midway(stage: Stage, organiser: MemberSpec) -> None:
    """A look at the progress a day after the "7 days before" reminder."""
    await stage.at(stage.timeline.deadline - timedelta(days=6, hours=3))
    await stage.driver.slash(organiser, "campaign progress")


async def _wrap_up(
    world: World,
    driver: Driver,
    organiser: MemberSpec,
    personas: list[Persona],
    timeline: Timeline,
    speed: float,
    options: RehearsalOptions,
) -> RehearsalResult:
    """Everyone's last look at their status, the organiser's progress and exports."""
    store = world.services.store
    members = {m.user_id: m for m in await store.call(Store.members, world.guild.id)}
    for persona in personas:
        if persona.spec.id in members:
            reply = await driver.slash(persona.spec, "move status")
            if reply.text:
                persona.last_reply = reply.text
    progress_reply = await driver.slash(organiser, "campaign progress")
    exports: dict[str, bytes] = {}
    for fmt in EXPORT_FORMATS:
        reply = await driver.slash(organiser, "campaign export", {"format": fmt})
        exports.update(_attached_files(reply))
    chart = _attached_files(progress_reply).get("progress.png")
    members = {m.user_id: m for m in await store.call(Store.members, world.guild.id)}
    reminders = await store.call(Store.reminders_sent, world.guild.id)
    dm_sent = await store.call(Store.dm_reminder_count, world.guild.id, "sent")
    roster = await store.call(Store.roster_post, world.guild.id)
    roster_text = "\n".join(
        world.discord.message(mid).content for mid in (roster.message_ids if roster else [])
    )
    sent = world.discord.sent_by_bot
    return RehearsalResult(
        options=options,
        timeline=timeline,
        speed=speed,
        wall_seconds=0.0,
        personas=personas,
        members=members,
        reminders=reminders,
        dm_sent=dm_sent,
        latencies=driver.latencies,
        failures=driver.failures,
        violations=[f"{v.method} {v.path}: {v.code} {v.message}" for v in world.discord.violations],
        pings=[_ping_text(m) for m in sent if _pinged(m)],
        roster_post=roster_text,
        exports=exports,
        chart=chart,
        transcript=_collected(world, driver, personas),
        bot_messages=sent,
    )


def _attached_files(reply: Reply) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for message in reply.messages:
        for upload in message.files:
            found[upload.filename] = upload.data
    return found


def _pinged(message: StoredMessage) -> bool:
    pings = message.pings
    return bool(pings.users or pings.roles or pings.everyone or pings.replied_user)


def _ping_text(message: StoredMessage) -> str:
    return f"message {message.id} in channel {message.channel_id} pinged {message.pings}"


def _collected(world: World, driver: Driver, personas: list[Persona]) -> Transcript:
    """The transcript's posts, named in the campaign's language."""
    with use_language(driver.language):
        return collect_transcript(world, driver, personas)


def _write_outputs(result: RehearsalResult, output: Path, plan: CampaignPlan) -> None:
    """The transcript, the exports and the chart, in the output folder."""
    exports_dir = output / "exports"
    exports_dir.mkdir(parents=True, exist_ok=True)
    for name, data in result.exports.items():
        path = exports_dir / name
        path.write_bytes(data)
        result.files[f"exports/{name}"] = path
    if result.chart is not None:
        chart = output / "progress.png"
        chart.write_bytes(result.chart)
        result.files["progress.png"] = chart
    timings = output / "latencies.csv"
    with timings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interaction", "first_response_s", "complete_s", "http_status"])
        for item in result.latencies:
            writer.writerow(
                [item.label, _seconds(item.first_response), _seconds(item.complete), item.status]
            )
    result.files["latencies.csv"] = timings
    guide_built = result.guide is not None and result.guide.ok
    md, html = write_transcript(result.transcript, output, plan, link_guide=guide_built)
    result.files["transcript.md"] = md
    result.files["transcript.html"] = html


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


@contextlib.contextmanager
def _quiet_logs(output: Path) -> Iterator[None]:
    """Send the bot's log to a file in the output folder; only errors reach the terminal."""
    root = logging.getLogger()
    handler = logging.FileHandler(output / "bot.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    console = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    levels = [(h, h.level) for h in console if not isinstance(h, logging.FileHandler)]
    for h, _level in levels:
        h.setLevel(max(h.level, logging.ERROR))  # the progress bar owns the terminal
    old_level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        for h, level in levels:
            h.setLevel(level)


def run_or_rehearse(settings: Settings) -> int:
    """``make run``: the live bot with a token; without one, the rehearsal (and how to go live)."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    if token:
        from companion.bot.app import run_bot

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_bot(settings))
        return 0
    print(FIRST_LINE_WITHOUT_CREDENTIALS, flush=True)
    try:
        result = asyncio.run(rehearse_campaign(RehearsalOptions()))
    except KeyboardInterrupt:
        print("\n" + gettext(STOPPED), file=sys.stderr)
        return 1
    print_summary(result)
    return 0 if result.ok else 1


def print_summary(result: RehearsalResult, stream: TextIO | None = None) -> None:
    """Print the end-of-run summary (the same text is in summary.txt in the output folder)."""
    print(summary_text(result), file=stream or result.options.stream or sys.stdout, flush=True)
