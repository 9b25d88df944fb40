"""The background work: reminders, direct messages, rechecks, move announcements, roster post.

The scheduler's ``tick`` runs against the real bot, the Discord and Mastodon stand-ins and a
real SQLite file, with the test clock moved by hand; a restart is a second bot process on
the same database file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion import texts
from companion.bot.scheduler import Scheduler
from companion.core.handles import Handle
from companion.core.reminders import schedule_for
from companion.standins.discord import message_text
from companion.store import CheckRecord, Store
from tests.bot.conftest import (
    ALICE,
    BOB,
    CAROL,
    DEADLINE,
    GENERAL,
    GUILD_ID,
    MALLORY,
    OTHER_GUILD_ID,
    World,
    running_world,
    start_bot,
)
from tests.bot.test_campaign import (
    CHANNEL,
    assert_nobody_pinged,
    bot_posts,
    link,
    list_member,
    run,
    stored,
)
from tests.moves.conftest import move

ROSTER_CHANNEL = GENERAL + GUILD_ID % 7


def at(text: str) -> datetime:
    """A moment in UTC, e.g. ``at("2026-12-06 09:30")``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def due_at(world: World, stem: str) -> datetime:
    """When the campaign's reminder with this stem falls due."""
    schedule = schedule_for(world.settings_campaign)  # type: ignore[attr-defined]
    assert schedule is not None
    return schedule.get(stem).due_at


async def ticked(world: World, scheduler: Scheduler, when: datetime) -> datetime:
    """Move the clock and run one round of background work."""
    world.clock.current = when
    return await scheduler.tick()


@pytest.fixture
async def quiet(tmp_path: Path) -> AsyncIterator[World]:
    """A bot without its own loop: the tests call ``tick`` themselves."""
    async with running_world(tmp_path / "bot.db") as world:
        world.settings_campaign = await world.services.campaign(GUILD_ID)  # type: ignore[attr-defined]
        yield world


def reminder_posts(world: World) -> list[str]:
    """Titles of the reminder embeds in the announcement channel, in order."""
    return [m.embeds[0]["title"] for m in bot_posts(world, CHANNEL) if m.embeds]


# -- reminders --------------------------------------------------------------------------------
async def test_each_reminder_is_posted_once_even_across_a_restart(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    announce = due_at(world, "announce")
    nap = await ticked(world, scheduler, announce - timedelta(minutes=5))
    assert bot_posts(world, CHANNEL) == []
    assert nap == announce  # sleeps exactly until the announcement is due

    await ticked(world, scheduler, announce + timedelta(minutes=1))
    await ticked(world, scheduler, announce + timedelta(minutes=2))
    assert reminder_posts(world) == ["Birders is moving to new.example"]

    # A restart: the first bot stops, a second one opens the same database file.
    await world.bot.close()
    second = await start_bot(
        world.stack, world.discord, world.old, world.new, world.settings, world.clock, False
    )
    assert second.services.store is not world.services.store
    after_restart = Scheduler(second.bot, second.services)
    await ticked(second, after_restart, announce + timedelta(hours=1))
    assert len(reminder_posts(second)) == 1

    await ticked(second, after_restart, due_at(world, "d-7") + timedelta(seconds=1))
    await ticked(second, after_restart, due_at(world, "d-7") + timedelta(hours=2))
    assert reminder_posts(second) == [
        "Birders is moving to new.example",
        "One week left to move to new.example",
    ]
    sent = await stored(second, Store.reminders_sent, GUILD_ID)
    assert sorted(sent) == ["announce@2026-12-20", "d-7@2026-12-20"]
    assert all(record.message_id for record in sent.values())
    assert_nobody_pinged(second)


async def test_after_downtime_only_the_latest_missed_reminder_is_posted(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=1))
    # Down from before d-7 until after d-3.
    await ticked(world, scheduler, due_at(world, "d-3") + timedelta(hours=2))
    assert reminder_posts(world) == [
        "Birders is moving to new.example",
        "Three days left to move to new.example",
    ]
    latest = bot_posts(world, CHANNEL)[-1]
    assert "So far 0 of 0 linked members have moved" in message_text(latest)
    sent = await stored(world, Store.reminders_sent, GUILD_ID)
    assert sent["d-7@2026-12-20"].message_id == 0  # recorded as skipped, never posted
    _, schedule = await run(world, "campaign remind")
    assert "7 days before" in message_text(schedule)
    assert "(skipped: the bot was offline)" in message_text(schedule)


async def test_a_campaign_set_up_late_announces_first(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db") as world:
        scheduler = Scheduler(world.bot, world.services)
        await ticked(world, scheduler, DEADLINE - timedelta(days=5))
        await ticked(world, scheduler, DEADLINE - timedelta(days=2, hours=12))
        assert reminder_posts(world) == [
            "Birders is moving to new.example",
            "Three days left to move to new.example",
        ]


async def test_a_refused_post_is_not_recorded_and_is_tried_again(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    world.discord.fail_next(
        f"/channels/{CHANNEL}/messages",
        method="POST",
        status=403,
        body={"message": "Missing Permissions", "code": 50013},
    )
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=1))
    assert reminder_posts(world) == []
    assert await stored(world, Store.reminders_sent, GUILD_ID) == {}
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=12))
    assert reminder_posts(world) == ["Birders is moving to new.example"]


async def test_a_moved_deadline_is_told_in_the_next_reminder(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=1))
    _, summary = await run(
        world,
        "campaign setup",
        {
            "old_server": "old.example",
            "new_server": "new.example",
            "deadline": "2026-12-27 18:00",
            "timezone": "Europe/Berlin",
        },
    )
    confirm = await world.click(summary, summary.custom_ids[0], user=summary_user())
    assert (await world.reply(confirm)).content == texts.SETUP_SAVED
    moved = schedule_for(await world.services.campaign(GUILD_ID))
    assert moved is not None
    await ticked(world, scheduler, moved.get("d-7").due_at - timedelta(hours=1))
    posts = bot_posts(world, CHANNEL)
    assert len(posts) == 2  # the new deadline's announcement, with the change
    assert "The move date has changed" in message_text(posts[-1])
    assert "(it was 2026-12-20)" in message_text(posts[-1])


def summary_user():
    """Who confirms setups in these tests."""
    from tests.bot.conftest import ORGANISER

    return ORGANISER


async def test_nothing_is_posted_into_a_channel_of_another_guild(quiet: World) -> None:
    # The settings' campaign names a channel of GUILD_ID; the bot is in OTHER_GUILD_ID too.
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    await link(world, ALICE)
    await list_member(world, ALICE)
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=1))
    assert reminder_posts(world) == ["Birders is moving to new.example"]
    assert all(m.guild_id == GUILD_ID for m in world.discord.sent_by_bot)
    roster = [m for m in bot_posts(world, CHANNEL) if "roster" in m.content]
    assert len(roster) == 1
    _, answer = await run_in_other_guild(world, "campaign announce")
    assert answer.content == texts.CHANNEL_NOT_IN_SERVER.format(channel=f"<#{CHANNEL}>")


async def run_in_other_guild(world: World, path: str):
    """Run an organiser command in the bot's second guild."""
    from tests.bot.conftest import ORGANISER

    record = await world.slash(path, user=ORGANISER, guild_id=OTHER_GUILD_ID)
    return record, await world.reply(record)


# -- direct messages -------------------------------------------------------------------------
async def opt_in(world: World, spec) -> None:
    """The member turns personal reminders on with ``/move reminders on``."""
    record = await world.slash("move reminders", {"setting": "on"}, user=spec)
    assert (await world.reply(record)).content == texts.REMINDERS_ON


async def test_direct_messages_only_to_members_who_opted_in(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    for spec in (ALICE, BOB, MALLORY, CAROL):
        await link(world, spec)
    for spec in (ALICE, MALLORY, CAROL):
        await opt_in(world, spec)
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=1))
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=20))

    [to_alice] = world.discord.dm_messages(ALICE.id)
    assert "Reminder from Birders" in to_alice.content
    assert "Your next step:" in to_alice.content
    assert "/move reminders off" in to_alice.content
    assert len(world.discord.dm_messages(MALLORY.id)) == 1
    assert world.discord.dm_messages(BOB.id) == []
    assert world.discord.dm_messages(CAROL.id) == []  # her DMs are closed
    carol = await stored(world, Store.member, GUILD_ID, CAROL.id)
    assert carol.dm_closed_at is not None
    outcomes = await stored(world, Store.dm_reminder_outcomes, GUILD_ID, "announce@2026-12-20")
    assert outcomes == {ALICE.id: "sent", MALLORY.id: "sent", CAROL.id: "dm_closed"}

    # The next reminder: Alice again, Carol is not retried, Mallory moved so is left alone.
    carol_channel = world.discord.world.dm_channel_id(CAROL.id)
    tries = len(world.discord.requests_to("POST", f"/channels/{carol_channel}/messages"))
    assert tries == 1
    await list_member(world, MALLORY)
    await ticked(world, scheduler, due_at(world, "d-7") + timedelta(minutes=1))
    await ticked(world, scheduler, due_at(world, "d-7") + timedelta(minutes=30))
    assert len(world.discord.dm_messages(ALICE.id)) == 2
    assert len(world.discord.dm_messages(MALLORY.id)) == 1
    assert len(world.discord.requests_to("POST", f"/channels/{carol_channel}/messages")) == 1
    assert await stored(world, Store.dm_reminder_count, GUILD_ID, "sent") == 3

    # Opting in again is how a member with closed DMs asks to be tried again.
    await opt_in(world, CAROL)
    assert (await stored(world, Store.member, GUILD_ID, CAROL.id)).dm_closed_at is None
    # After the deadline, members who moved get the "keep your old account" reminders too.
    await ticked(world, scheduler, due_at(world, "d+1") + timedelta(minutes=1))
    assert len(world.discord.dm_messages(MALLORY.id)) == 2
    assert "Keep your old account" in world.discord.dm_messages(MALLORY.id)[-1].content
    assert_nobody_pinged(world)


async def test_remind_now_sends_the_direct_messages_in_the_background(quiet: World) -> None:
    world = quiet
    await link(world, ALICE)
    await opt_in(world, ALICE)
    _, answer = await run(world, "campaign remind", {"now": True})
    assert answer.content.startswith("Posted the reminder")
    assert world.discord.dm_messages(ALICE.id) == []  # the command does not wait for DMs
    await Scheduler(world.bot, world.services).tick()
    assert len(world.discord.dm_messages(ALICE.id)) == 1


# -- rechecks, move announcements and the roster post ---------------------------------------
async def test_periodic_recheck_announces_new_moves_once(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    for spec in (ALICE, BOB, MALLORY, CAROL):
        await link(world, spec)
    for spec, consent in ((ALICE, True), (MALLORY, True), (CAROL, False)):
        await world.services.store.call(
            Store.update_member,
            GUILD_ID,
            spec.id,
            verified_at=world.clock.now(),
            roster_consent=consent,
        )
    start = world.clock.now()
    await ticked(world, scheduler, start + timedelta(hours=1))
    for name in ("alice", "mallory", "carol"):
        move(world.old, world.new, name, name)
    await ticked(world, scheduler, start + timedelta(hours=5))
    assert bot_posts(world, CHANNEL) == []  # not due yet: nobody knows they moved

    # Six hours (the default interval) after the link checks: everyone is checked again.
    await ticked(world, scheduler, start + timedelta(hours=6, minutes=1))
    assert await stored(world, Store.oldest_check, GUILD_ID) == world.clock.now()
    counts = await stored(world, Store.status_counts, GUILD_ID)
    assert counts == {"moved": 3, "alias_missing": 1}
    [welcome] = [m for m in bot_posts(world, CHANNEL) if m.content.startswith("Welcome")]
    assert "alice" in welcome.content
    assert "mallory" in welcome.content
    assert "carol" not in welcome.content
    assert "bob" not in welcome.content
    assert "@\u200beveryone" in welcome.content  # Mallory's name shown, pinging nobody

    await ticked(world, scheduler, start + timedelta(hours=12, minutes=2))
    welcomes = [m for m in bot_posts(world, CHANNEL) if m.content.startswith("Welcome")]
    assert len(welcomes) == 1
    assert_nobody_pinged(world)


async def test_rechecks_are_hourly_in_the_last_three_days(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    await link(world, ALICE)
    late = DEADLINE - timedelta(days=2)
    world.clock.current = late
    nap = await scheduler.tick()
    assert nap <= late + timedelta(hours=1)
    checked = await stored(world, Store.oldest_check, GUILD_ID)
    assert checked == late


async def add_listed(world: World, count: int, *, start: int = 0) -> None:
    """Many listed members written straight into the store (no servers needed)."""
    now = world.clock.now()

    def write(store: Store) -> None:
        for index in range(start, start + count):
            user_id = 1300000000000000000 + index
            store.link_member(
                GUILD_ID,
                user_id,
                f"Birder {index:03d}",
                Handle(f"birder{index:03d}", "old.example"),
                Handle(f"birder{index:03d}", "new.example"),
                now=now,
            )
            store.record_checks(
                GUILD_ID,
                [
                    CheckRecord(
                        user_id=user_id, checked_at=now, status="moved", report={}, moved=True
                    )
                ],
            )
            store.update_member(
                GUILD_ID,
                user_id,
                verified_at=now,
                roster_consent=True,
                move_announced_at=now,
            )

    await world.services.store.call(write)


async def test_the_roster_post_is_edited_in_place_and_split_when_long(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", roster_channel_id=ROSTER_CHANNEL) as world:
        scheduler = Scheduler(world.bot, world.services)
        await ticked(world, scheduler, world.clock.now() + timedelta(minutes=1))
        assert bot_posts(world, ROSTER_CHANNEL) == []  # nobody listed: no empty post

        await link(world, MALLORY)
        await list_member(world, MALLORY)
        await ticked(world, scheduler, world.clock.now() + timedelta(minutes=10))
        [post] = bot_posts(world, ROSTER_CHANNEL)
        assert post.content.startswith(roster_title("1"))
        assert "@\u200beveryone" in post.content
        assert post.pings.everyone is False
        before = post.content

        await ticked(world, scheduler, world.clock.now() + timedelta(minutes=10))
        assert post.history == []  # nothing changed: not even edited

        await link(world, ALICE)
        await list_member(world, ALICE)
        await ticked(world, scheduler, world.clock.now() + timedelta(minutes=10))
        [same] = bot_posts(world, ROSTER_CHANNEL)
        assert same.id == post.id
        assert same.content != before
        assert "alice" in same.content
        assert [h["content"] for h in same.history] == [before]

        await add_listed(world, 60)
        await ticked(world, scheduler, world.clock.now() + timedelta(minutes=10))
        posts = bot_posts(world, ROSTER_CHANNEL)
        assert len(posts) >= 3
        assert posts[0].id == post.id
        assert all(len(m.content) <= 2000 for m in posts)
        assert posts[0].content.startswith(roster_title("62"))
        assert all(m.content.startswith("**Birders roster (continued)**") for m in posts[1:])
        listed = "\n".join(m.content for m in posts)
        assert all(f"Birder {i:03d}" in listed for i in range(60))
        assert len(world.discord.requests_to("POST", f"/channels/{ROSTER_CHANNEL}/messages")) == (
            len(posts)
        )

        # Fewer members: the extra messages go, the first one stays and is edited.
        def forget_most(store: Store) -> None:
            for index in range(60):
                store.forget_member(GUILD_ID, 1300000000000000000 + index)

        await world.services.store.call(forget_most)
        await ticked(world, scheduler, world.clock.now() + timedelta(minutes=10))
        [left] = bot_posts(world, ROSTER_CHANNEL)
        assert left.id == post.id
        assert left.content.startswith(roster_title("2"))
        assert all(world.discord.message(m.id).deleted for m in posts[1:])
        assert_nobody_pinged(world)


async def test_a_large_roster_takes_at_most_ten_messages(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", roster_channel_id=ROSTER_CHANNEL) as world:
        await add_listed(world, 1500)
        await Scheduler(world.bot, world.services).tick()
        posts = bot_posts(world, ROSTER_CHANNEL)
        assert len(posts) == 10
        assert all(len(m.content) <= 2000 for m in posts)
        shown = sum(m.content.count("\n• ") for m in posts)
        assert posts[-1].content.endswith(f"… and {1500 - shown:,} more: see `/move roster`.")
        assert posts[0].content.startswith(roster_title("1,500"))


async def test_a_deleted_roster_message_is_replaced(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", roster_channel_id=ROSTER_CHANNEL) as world:
        scheduler = Scheduler(world.bot, world.services)
        await link(world, ALICE)
        await list_member(world, ALICE)
        await scheduler.tick()
        [post] = bot_posts(world, ROSTER_CHANNEL)
        world.discord.message(post.id).deleted = True  # a moderator removed it
        await link(world, BOB)
        await list_member(world, BOB)
        await scheduler.tick()
        [replacement] = bot_posts(world, ROSTER_CHANNEL)
        assert replacement.id != post.id
        assert "bob" in replacement.content
        saved = await stored(world, Store.roster_post, GUILD_ID)
        assert saved.message_ids == [replacement.id]


# -- the loop itself --------------------------------------------------------------------------
async def eventually(predicate, what: str) -> None:
    """Wait (up to 10 s) for background work the stand-ins are not told about."""
    for _ in range(1000):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_the_background_loop_runs_by_itself(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", background=True) as world:
        scheduler = world.bot.scheduler
        assert scheduler is not None
        await eventually(lambda: scheduler.ticks >= 1, "a first tick")
        world.clock.current = at("2026-12-06 09:01")
        scheduler.wake()
        await eventually(lambda: len(reminder_posts(world)) == 1, "the announcement")
        ticks = scheduler.ticks
        await eventually(lambda: scheduler.ticks >= ticks + 3, "more ticks")
        assert len(reminder_posts(world)) == 1


def roster_title(count: str) -> str:
    """The roster post's first line, as the bot words it."""
    return "**" + texts.ROSTER_POST_TITLE.format(community="Birders", count=count) + "**"


async def test_reminders_tell_what_to_export_and_the_cooldown(quiet: World) -> None:
    world = quiet
    scheduler = Scheduler(world.bot, world.services)
    await ticked(world, scheduler, due_at(world, "announce") + timedelta(minutes=1))
    await ticked(world, scheduler, due_at(world, "d-7") + timedelta(minutes=1))
    await ticked(world, scheduler, due_at(world, "d-3") + timedelta(minutes=1))
    posts = {
        m.embeds[0]["title"]: " ".join(m.embeds[0]["description"].split())
        for m in bot_posts(world, CHANNEL)
        if m.embeds
    }
    week = posts["One week left to move to new.example"]
    assert "the same username as on old.example is fine" in week
    assert "the settings are not in most apps" in week
    assert (
        "open Import and export > Export and download your follows, lists, blocks, mutes, "
        "domain blocks and bookmarks; on Mastodon 4.6 or later, your filters too." in week
    )
    three = posts["Three days left to move to new.example"]
    assert "settings on the servers' websites, not in most apps" in three
    assert (
        "after a move, the old account cannot move again for 30 days on Mastodon "
        "(7 days on GoToSocial)." in three
    )
