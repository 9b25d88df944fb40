"""``/campaign``: the organisers' commands through the real bot, command tree and stand-ins.

Every test drives discord.py with Discord's own interaction payloads and reads what the bot
sent at the HTTP layer of the Discord stand-in; accounts live on the Mastodon stand-ins and
everything is stored in a real SQLite file.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from companion import texts
from companion.core.handles import Handle
from companion.core.reminders import schedule_for
from companion.standins.discord import (
    CommandNotVisibleError,
    InteractionRecord,
    Pings,
    StoredMessage,
    message_text,
)
from companion.standins.mastodon import Fault, FaultKind
from companion.store import Store
from tests.bot.conftest import (
    ALICE,
    ANNOUNCEMENTS,
    BOB,
    CAROL,
    DEADLINE,
    GUILD_ID,
    HELPER,
    LOCKED,
    MALLORY,
    ORGANISER,
    ORGANISER_ROLE,
    World,
    final_message,
    running_world,
    start_bot,
)
from tests.moves.conftest import move

CHANNEL = ANNOUNCEMENTS + GUILD_ID % 7
LOCKED_CHANNEL = LOCKED + GUILD_ID % 7
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MANAGE_GUILD = 1 << 5
# Names the tests link, with the Mastodon username each one uses.
USERNAMES = {
    ALICE.id: "alice",
    BOB.id: "bob",
    MALLORY.id: "mallory",
    CAROL.id: "carol",
    HELPER.id: "helper",
    ORGANISER.id: "orga",
}


answer_stub = StoredMessage(id=0, channel_id=0, guild_id=None, author={})


# -- helpers shared with test_scheduler.py ---------------------------------------------------
async def link(world: World, spec: Any, *, followers: int = 100) -> None:
    """Create the member's two accounts (if missing) and link them through the service."""
    name = USERNAMES[spec.id]
    if world.old.state.find_username(name) is None:
        world.old.create_account(name, followers_count=followers)
    if world.new.state.find_username(name) is None:
        world.new.create_account(name)
    await world.services.members.link(
        GUILD_ID,
        spec.id,
        spec.global_name,
        Handle(name, world.old.state.local_domain),
        Handle(name, world.new.state.local_domain),
    )


async def list_member(
    world: World, spec: Any, *, consent: bool = True, verified: bool = True
) -> None:
    """Move the member on the servers, check, verify and record the roster choice."""
    name = USERNAMES[spec.id]
    move(world.old, world.new, name, name)
    await world.services.members.check(GUILD_ID, spec.id)
    await world.services.store.call(
        Store.update_member,
        GUILD_ID,
        spec.id,
        verified_at=world.clock.now() if verified else None,
        roster_consent=consent,
    )


async def stored(world: World, method: Any, *args: Any) -> Any:
    """Read the bot's own store (same file, same thread as the bot uses)."""
    return await world.services.store.call(method, *args)


def bot_posts(world: World, channel_id: int) -> list[StoredMessage]:
    """Non-ephemeral messages the bot posted in a channel."""
    bot_id = str(world.discord.world.bot.id)
    return [
        m
        for m in world.discord.messages_in(channel_id, include_ephemeral=False)
        if m.author["id"] == bot_id and m.type != 6  # 6: "pinned a message" notices
    ]


def assert_nobody_pinged(world: World) -> None:
    """Nothing the bot sent notified anyone, and each message said so to Discord."""
    sent = world.discord.sent_by_bot
    assert sent, "the bot sent nothing"
    for message in sent:
        assert message.pings == Pings(), (message.id, message_text(message), message.pings)
        if message.content or message.embeds:
            assert message.allowed_mentions is not None, message_text(message)
            assert message.allowed_mentions.get("parse") == [], message.allowed_mentions
    # Discord refuses a DM to a member who closed them (50007): expected, and recorded.
    assert [v for v in world.discord.violations if v.code != 50007] == []


def assert_in_time(record: InteractionRecord) -> None:
    """Discord's own rule: the first response within 3 seconds, accepted."""
    assert record.response_latency is not None
    assert record.response_latency < world_deadline(record)
    assert record.first_status in (200, 204)


def world_deadline(record: InteractionRecord) -> float:
    """Discord invalidates the token after 3 seconds without a first response."""
    return 3.0


async def run(
    world: World,
    path: str,
    options: dict[str, Any] | None = None,
    *,
    user: Any = ORGANISER,
    enforce_permissions: bool = True,
) -> tuple[InteractionRecord, StoredMessage]:
    """Run a command and return the record and the answer the user finally sees."""
    record = await world.slash(path, options, user=user, enforce_permissions=enforce_permissions)
    assert_in_time(record)
    return record, await world.reply(record)


async def press(
    world: World, message: StoredMessage, prefix: str, *, user: Any = ORGANISER
) -> tuple[InteractionRecord, StoredMessage]:
    """Click the button whose custom_id starts with ``prefix``; return the visible result."""
    custom_id = next(c for c in message.custom_ids if c.startswith(prefix))
    record = await world.click(message, custom_id, user=user)
    assert_in_time(record)
    return record, await world.reply(record)


# -- permissions -----------------------------------------------------------------------------
async def test_campaign_group_is_hidden_by_default_behind_manage_server(world: World) -> None:
    synced = {c["name"]: c for c in world.discord.commands()}
    assert synced["campaign"]["default_member_permissions"] == str(MANAGE_GUILD)
    assert synced["campaign"]["contexts"] == [0]
    assert synced["move"].get("default_member_permissions") is None
    with pytest.raises(CommandNotVisibleError):
        world.discord.slash("campaign show", user=ALICE, guild_id=GUILD_ID)


@pytest.mark.parametrize(
    "path",
    [
        "campaign show",
        "campaign progress",
        "campaign recheck",
        "campaign remind",
        "campaign announce",
        "campaign member",
        "campaign export",
        "campaign setup",
    ],
)
async def test_members_are_refused_even_when_an_admin_made_the_command_visible(
    world: World, path: str
) -> None:
    options: dict[str, Any] = {
        "campaign member": {"user": BOB.id},
        "campaign export": {"format": "csv"},
        "campaign setup": {
            "old_server": "old.example",
            "new_server": "new.example",
            "deadline": "2027-01-15 18:00",
        },
    }.get(path, {})
    _record, answer = await run(world, path, options, user=ALICE, enforce_permissions=False)
    assert answer.ephemeral
    assert answer.content == texts.NOT_ORGANISER
    assert bot_posts(world, CHANNEL) == []
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)
    assert_nobody_pinged(world)


async def test_the_organiser_role_alone_is_enough(world: World) -> None:
    _record, answer = await run(world, "campaign show", user=HELPER, enforce_permissions=False)
    assert answer.ephemeral
    assert texts.SHOW_TITLE in message_text(answer)
    assert "old.example" in message_text(answer)


async def test_buttons_check_the_clicker_again(world: World) -> None:
    _, summary = await run(
        world,
        "campaign setup",
        {"old_server": "old.example", "new_server": "new.example", "deadline": "2027-01-15 18:00"},
    )
    _, refused = await press(world, summary, "mc:setup:yes", user=ALICE)
    assert refused.content == texts.NOT_ORGANISER
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)

    await link(world, BOB)
    _, card = await run(world, "campaign member", {"user": BOB.id})
    _, refused = await press(world, card, "mc:unlink:", user=MALLORY)
    assert refused.content == texts.NOT_ORGANISER
    assert await stored(world, Store.member, GUILD_ID, BOB.id) is not None
    # The organiser role still works on the buttons.
    _, done = await press(world, card, "mc:unlink:", user=HELPER)
    assert done.content.startswith("Unlinked Bob")
    assert_nobody_pinged(world)


# -- setup and show --------------------------------------------------------------------------
async def test_setup_checks_both_servers_and_saves_on_confirm(world: World) -> None:
    world.new.state.traits = replace(
        world.new.state.traits, software_version="4.4.1", api_version="4.4.1"
    )
    _record, summary = await run(
        world,
        "campaign setup",
        {
            "old_server": "OLD.example",
            "new_server": "https://new.example/",
            "deadline": "2027-01-15 18:00",
            "timezone": "America/Chicago",
            "channel": CHANNEL,
            "organiser_role": ORGANISER_ROLE,
        },
    )
    shown = message_text(summary)
    assert summary.ephemeral
    assert "Mastodon 4.5.2" in shown
    assert "Mastodon 4.4.1" in shown
    assert "`old.example`" in shown
    assert "`new.example`" in shown
    assert "America/Chicago" in shown
    assert "<t:1800057600:F>" in shown  # 18:00 in Chicago is 00:00 UTC the next day
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)

    # A double click: both clicks leave before Discord shows the first one's answer.
    confirm = summary.custom_ids[0]
    assert confirm.startswith("mc:setup:yes:")
    clicks = [world.discord.click(summary, confirm, user=ORGANISER) for _ in range(2)]
    first, second = [await world.discord.dispatch_interaction(click) for click in clicks]
    saved, again = await world.reply(first), await world.reply(second)
    assert saved.content == texts.SETUP_SAVED
    assert saved.id == summary.id  # the summary was replaced, not answered again
    assert saved.custom_ids == []
    assert again.content == texts.SETUP_EXPIRED
    assert again.ephemeral
    campaign = await stored(world, Store.campaign, GUILD_ID)
    assert (campaign.old_server, campaign.new_server) == ("old.example", "new.example")
    assert campaign.timezone == "America/Chicago"
    assert campaign.deadline == datetime(2027, 1, 15, 18, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert campaign.announcement_channel_id == CHANNEL
    assert campaign.organiser_role_id == ORGANISER_ROLE

    _, shown_now = await run(world, "campaign show")
    assert "America/Chicago" in message_text(shown_now)
    assert "<t:1800057600:F>" in message_text(shown_now)
    assert_nobody_pinged(world)


async def test_setup_confirm_after_a_restart_asks_to_run_setup_again(tmp_path) -> None:
    async with running_world(tmp_path / "bot.db") as world:
        _, summary = await run(
            world,
            "campaign setup",
            {
                "old_server": "old.example",
                "new_server": "new.example",
                "deadline": "2027-01-15 18:00",
            },
        )
        await world.bot.close()
        second = await start_bot(
            world.stack, world.discord, world.old, world.new, world.settings, world.clock, False
        )
        _, answer = await press(second, summary, "mc:setup:yes")
        assert answer.content == texts.SETUP_EXPIRED
        assert not await stored(second, Store.has_stored_campaign, GUILD_ID)


async def test_setup_cancel_changes_nothing(world: World) -> None:
    _, summary = await run(
        world,
        "campaign setup",
        {"old_server": "old.example", "new_server": "new.example", "deadline": "2027-02-01 12:00"},
    )
    late_confirm = world.discord.click(summary, summary.custom_ids[0], user=ORGANISER)
    _, cancelled = await press(world, summary, "mc:setup:no")
    assert cancelled.content == texts.SETUP_CANCELLED
    assert cancelled.embeds == []
    assert cancelled.custom_ids == []
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)
    # A Confirm clicked on a stale copy of the summary after Cancel saves nothing.
    record = await world.discord.dispatch_interaction(late_confirm)
    assert (await world.reply(record)).content == texts.SETUP_EXPIRED
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"deadline": "2026-11-30 18:00"}, "is in the past"),
        ({"deadline": "next friday"}, "could not be read"),
        ({"deadline": "2027-01-15 18:00", "timezone": "Mars/Olympus"}, "is not a time zone"),
        ({"deadline": "2027-01-15 18:00", "new_server": "old.example"}, texts.SETUP_SAME_SERVER),
        ({"deadline": "2027-01-15 18:00", "old_server": "not a server"}, "old_server:"),
    ],
)
async def test_setup_refuses_what_cannot_work(
    world: World, options: dict[str, str], expected: str
) -> None:
    values = {"old_server": "old.example", "new_server": "new.example", **options}
    _, answer = await run(world, "campaign setup", values)
    assert expected in answer.content
    assert answer.custom_ids == []
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)


@pytest.mark.parametrize(
    "fault", [Fault(FaultKind.ERROR, status=503), Fault(FaultKind.HTML), Fault(FaultKind.HANG)]
)
async def test_setup_refuses_a_server_that_does_not_answer(world: World, fault: Fault) -> None:
    fault.seconds = 5.0
    world.new.inject(fault)
    _record, answer = await run(
        world,
        "campaign setup",
        {"old_server": "old.example", "new_server": "new.example", "deadline": "2027-01-15 18:00"},
    )
    assert answer.content.startswith("new.example did not answer like a Mastodon server: ")
    assert len(answer.content) > len("new.example did not answer like a Mastodon server: .")
    assert answer.custom_ids == []
    assert not await stored(world, Store.has_stored_campaign, GUILD_ID)


async def test_setup_refuses_a_server_nobody_listens_on(tmp_path) -> None:
    async with running_world(tmp_path / "bot.db") as world:
        await world.new.stop()  # its port is closed now
        _, answer = await run(
            world,
            "campaign setup",
            {
                "old_server": "old.example",
                "new_server": "new.example",
                "deadline": "2027-01-15 18:00",
            },
        )
        assert answer.content.startswith("new.example did not answer like a Mastodon server: ")
        assert not await stored(world, Store.has_stored_campaign, GUILD_ID)
        await world.new.start()


async def test_timezone_autocomplete_suggests_iana_names(world: World) -> None:
    payload = world.discord.autocomplete(
        "campaign setup",
        {"old_server": "a", "new_server": "b", "deadline": "c", "timezone": "berl"},
        focused="timezone",
        user=ORGANISER,
    )
    record = await world.discord.dispatch_interaction(payload)
    await record.first_response(timeout=10)
    assert [c["value"] for c in record.autocomplete_choices or []] == ["Europe/Berlin"]


async def test_show_without_a_campaign(tmp_path) -> None:
    async with running_world(tmp_path / "bot.db", deadline=None) as world:
        _, answer = await run(world, "campaign show")
        assert texts.SHOW_NOT_CONFIGURED in message_text(answer)
        _, refused = await run(world, "campaign announce")
        assert refused.content == texts.NO_CAMPAIGN
        _, remind = await run(world, "campaign remind", {"now": True})
        assert remind.content == texts.NO_CAMPAIGN


# -- progress --------------------------------------------------------------------------------
async def test_progress_counts_charts_and_lists_who_needs_help(world: World) -> None:
    for spec in (ALICE, BOB, MALLORY, CAROL):
        await link(world, spec)
    # Alice moved, but only a tenth of her 120 followers came along.
    await list_member(world, ALICE)
    world.old.state.transfer_followers("alice", 0.1)
    # Bob moved to another account than the one he linked.
    world.new.create_account("bobby")
    move(world.old, world.new, "bob", "bobby")
    # Mallory's old account was deleted before she moved.
    world.old.state.delete("mallory")
    # Carol never set the alias. A week and a day later, everyone is checked again.
    world.clock.advance(days=8)
    await world.services.campaigns.recheck_all(GUILD_ID)

    _record, answer = await run(world, "campaign progress")
    shown = message_text(answer)
    assert answer.ephemeral
    assert "Linked: 4" in shown
    assert "Moved: 1 (25%)" in shown
    assert "Verified: 1 (25%)" in shown
    assert "Days left: 11" in shown
    fields = {f["name"]: f["value"] for f in answer.embeds[0]["fields"]}
    counts = fields[texts.PROGRESS_COUNTS]
    assert "Moved to another account: 1" in counts
    assert "Old account gone: 1" in counts
    assert "Alias not set: 1" in counts
    per_day = fields[texts.PROGRESS_PER_DAY].splitlines()
    assert len(per_day) == 7
    assert per_day[-1] == "Wed 9 Dec: 0"  # Babel's en_GB day, as every language writes its own
    embed_fields = answer.embeds[0]["fields"]
    start = next(i for i, f in enumerate(embed_fields) if f["name"] == texts.PROGRESS_HELP)
    help_fields = [embed_fields[start]] + [
        f for f in embed_fields[start + 1 :] if f["name"] == "\u200b"
    ]
    helped = [line for f in help_fields for line in f["value"].splitlines()]
    assert len(helped) == 4
    assert helped[0].startswith("**@\u200beveryone \\*\\*pwned")
    assert "Old account gone" in helped[0]
    assert helped[1].startswith("**Bob**")
    assert "bobby@new.example" in helped[1]
    assert helped[2].startswith("**Carol**")
    assert "No alias on the new account, 8 days" in helped[2]
    assert helped[3].startswith("**Alice**")
    assert "12 of 120 followers (10%) 8 days" in helped[3]
    assert all(" → " in line for line in helped)  # each with the fix to suggest
    # Mallory's display name is shown literally: no mention, no link, no bold.
    assert all("<@1200000000000000100>" not in f["value"] for f in help_fields)
    assert answer.embeds[0]["image"]["url"] == "attachment://progress.png"
    [chart] = answer.files
    assert chart.filename == "progress.png"
    assert chart.data.startswith(PNG_SIGNATURE)
    assert len(chart.data) > 5_000
    assert_nobody_pinged(world)


async def test_progress_with_nobody_linked(world: World) -> None:
    _, answer = await run(world, "campaign progress")
    assert "Linked: 0" in message_text(answer)
    assert texts.PROGRESS_HELP_NONE in message_text(answer)
    assert answer.files[0].data.startswith(PNG_SIGNATURE)


# -- recheck ---------------------------------------------------------------------------------
async def test_recheck_edits_one_progress_message_then_summarises(world: World) -> None:
    for spec in (ALICE, BOB, MALLORY, CAROL):
        await link(world, spec)
    move(world.old, world.new, "alice")
    move(world.old, world.new, "carol", "carol")
    world.old.state.delete("bob")
    assert (await stored(world, Store.status_counts, GUILD_ID)) == {"alias_missing": 4}

    record = await world.slash("campaign recheck", user=ORGANISER)
    assert_in_time(record)
    await world.discord.wait_for(
        lambda: (final_message(record) or answer_stub).content.startswith("Recheck finished"),
        timeout=20,
        what="the recheck's summary",
    )
    answer = await world.reply(record)
    assert answer.ephemeral
    assert answer.content.startswith("Recheck finished: 4 members checked in ")
    assert "Moved: 2 (50%)" in message_text(answer)
    assert record.followups == []  # one message, edited in place
    progress = [h.get("content") or "" for h in answer.history]
    assert any(p.startswith("Rechecking members: 0/4") for p in progress), progress
    assert any("/4 (" in p and "s left)" in p for p in progress)
    assert await stored(world, Store.status_counts, GUILD_ID) == {
        "moved": 2,
        "old_account_gone": 1,
        "alias_missing": 1,
    }
    assert_nobody_pinged(world)


async def test_recheck_with_nobody_linked(world: World) -> None:
    _, answer = await run(world, "campaign recheck")
    assert answer.content == texts.RECHECK_NOBODY


# -- reminders and the announcement ----------------------------------------------------------
async def test_remind_shows_the_schedule(world: World) -> None:
    _, answer = await run(world, "campaign remind")
    shown = message_text(answer)
    schedule = schedule_for(await world.services.campaign(GUILD_ID))
    assert schedule is not None
    for reminder in schedule.reminders:
        assert f"<t:{int(reminder.due_at.timestamp())}:f>" in shown
    assert shown.count(texts.STEP_TODO) == 8
    assert "Announcement (14 days before)" in shown
    assert "30 days after" in shown


async def test_remind_now_posts_the_next_reminder_once(world: World) -> None:
    await link(world, ALICE)
    _, first = await run(world, "campaign remind", {"now": True})
    assert first.content == "Posted the reminder “Announcement (14 days before)” in " + (
        f"<#{CHANNEL}>."
    )
    [posted] = bot_posts(world, CHANNEL)
    assert "Birders" in message_text(posted)
    assert "https://guide.example.org/" in message_text(posted)

    _, second = await run(world, "campaign remind", {"now": True})
    assert "“7 days before”" in second.content
    posts = bot_posts(world, CHANNEL)
    assert len(posts) == 2
    assert posts[0].id == posted.id

    # The schedule says both went out; the scheduler does not post them again when due.
    _, schedule = await run(world, "campaign remind")
    assert message_text(schedule).count("(posted)") == 2
    from companion.bot.scheduler import Scheduler

    scheduler = Scheduler(world.bot, world.services)
    world.clock.current = DEADLINE - timedelta(days=7, hours=-1)
    await scheduler.tick()
    assert len(bot_posts(world, CHANNEL)) == 2
    assert_nobody_pinged(world)


async def test_remind_now_when_the_bot_cannot_post(tmp_path) -> None:
    async with running_world(tmp_path / "bot.db", announcement_channel_id=LOCKED_CHANNEL) as world:
        _, answer = await run(world, "campaign remind", {"now": True})
        assert answer.content == texts.CHANNEL_FORBIDDEN.format(channel=f"<#{LOCKED_CHANNEL}>")
        assert await stored(world, Store.reminders_sent, GUILD_ID) == {}
        assert bot_posts(world, LOCKED_CHANNEL) == []


async def test_announce_posts_pins_and_claims_the_scheduled_announcement(world: World) -> None:
    _, answer = await run(world, "campaign announce")
    assert answer.content == texts.ANNOUNCE_POSTED.format(
        channel=f"<#{CHANNEL}>", pinned=texts.ANNOUNCE_PINNED
    )
    [post] = bot_posts(world, CHANNEL)
    assert post.pinned
    shown = message_text(post)
    deadline = int(DEADLINE.timestamp())
    assert f"<t:{deadline}:F>" in shown
    assert f"<t:{deadline}:R>" in shown
    assert "new.example" in shown
    assert "https://guide.example.org/" in shown
    assert "/move link" in shown
    sent = await stored(world, Store.reminders_sent, GUILD_ID)
    assert [record.message_id for record in sent.values()] == [post.id]

    from companion.bot.scheduler import Scheduler

    scheduler = Scheduler(world.bot, world.services)
    world.clock.advance(days=6)  # past the scheduled announcement, before d-7
    await scheduler.tick()
    assert [m.id for m in bot_posts(world, CHANNEL)] == [post.id], [
        message_text(m) for m in bot_posts(world, CHANNEL)
    ]
    assert_nobody_pinged(world)


async def test_announce_where_the_bot_cannot_post(tmp_path) -> None:
    async with running_world(tmp_path / "bot.db", announcement_channel_id=LOCKED_CHANNEL) as world:
        _, answer = await run(world, "campaign announce")
        assert answer.content == texts.CHANNEL_FORBIDDEN.format(channel=f"<#{LOCKED_CHANNEL}>")
        assert await stored(world, Store.reminders_sent, GUILD_ID) == {}
        campaign = await world.services.campaign(GUILD_ID)
        assert campaign.announced_at is None


async def test_announce_where_the_bot_cannot_pin(world: World) -> None:
    await world.discord.set_bot_channel_access(CHANNEL, can_pin=False)
    _, answer = await run(world, "campaign announce")
    assert answer.content == (
        f"Posted the announcement in <#{CHANNEL}>, but it could not be pinned: the bot lacks "
        "the Pin Messages permission there. Give it that permission, then pin the "
        "announcement from its message menu."
    )
    [post] = bot_posts(world, CHANNEL)
    assert not post.pinned
    # Posted all the same: the scheduled announcement is not posted a second time.
    sent = await stored(world, Store.reminders_sent, GUILD_ID)
    assert [record.message_id for record in sent.values()] == [post.id]


@pytest.mark.parametrize(
    ("status", "body", "cause"),
    [
        (
            400,
            {"message": "Maximum number of pins reached (250)", "code": 30003},
            "the channel already has as many pinned messages as Discord allows. Unpin an "
            "old one, then pin the announcement from its message menu.",
        ),
        (
            404,
            {"message": "Unknown Message", "code": 10008},
            "the message was deleted before the bot could pin it. Run `/campaign announce` "
            "again to post it anew.",
        ),
        (
            503,
            {"message": "Service Unavailable", "code": 0},
            "Discord did not answer just now. Pin the announcement from its message menu.",
        ),
    ],
    ids=["pin-limit", "message-deleted", "discord-down"],
)
async def test_announce_says_why_pinning_failed(
    world: World, status: int, body: dict[str, Any], cause: str
) -> None:
    world.discord.fail_next("/channels/*pins/*", method="PUT", status=status, body=body)
    _, answer = await run(world, "campaign announce")
    assert answer.content == (
        f"Posted the announcement in <#{CHANNEL}>, but it could not be pinned: {cause}"
    )
    assert "Pin Messages permission" not in answer.content
    [post] = bot_posts(world, CHANNEL)
    assert not post.pinned
    assert world.discord.requests_to("PUT", "/channels/*pins/*")[-1].injected


# -- exports ---------------------------------------------------------------------------------
def parse_mastodon_import(data: bytes) -> tuple[str | None, list[list[str]]]:
    """Read an import file as Mastodon does (mastodon-facts.md §5): header or not, rows."""
    text = data.decode("utf-8")  # UTF-8, or the import fails
    assert not text.startswith("\ufeff")
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    known_headers = {"Account address", "#domain", "#uri", "List name"}
    if rows and rows[0][0] in known_headers:
        return ",".join(rows[0]), rows[1:]
    return None, rows


@pytest.fixture
async def listed(world: World) -> World:
    """Alice, Bob and Mallory moved, verified and agreed; the others are not listed.

    Carol moved and is verified but said no; the helper moved and agreed but never
    verified; the organiser agreed and is verified but has not moved.
    """
    for spec in (ALICE, BOB, MALLORY, CAROL, HELPER, ORGANISER):
        await link(world, spec)
    for spec in (ALICE, BOB, MALLORY):
        await list_member(world, spec)
    await list_member(world, CAROL, consent=False)
    await list_member(world, HELPER, verified=False)
    await world.services.store.call(
        Store.update_member,
        GUILD_ID,
        ORGANISER.id,
        verified_at=world.clock.now(),
        roster_consent=True,
    )
    return world


async def export(world: World, fmt: str) -> tuple[StoredMessage, dict[str, bytes]]:
    _, answer = await run(world, "campaign export", {"format": fmt})
    assert answer.ephemeral
    return answer, {f.filename: f.data for f in answer.files}


async def test_export_mastodon_follows(listed: World) -> None:
    answer, files = await export(listed, "mastodon-follows")
    assert answer.content == "Here is the roster as a Mastodon following list: 3 members."
    assert list(files) == ["following_accounts_birders.csv"]
    header, rows = parse_mastodon_import(files["following_accounts_birders.csv"])
    assert header == "Account address,Show boosts,Notify on new posts,Languages"
    assert rows == [
        ["alice@new.example", "true", "false", ""],
        ["bob@new.example", "true", "false", ""],
        ["mallory@new.example", "true", "false", ""],
    ]


async def test_export_mastodon_list(listed: World) -> None:
    _, files = await export(listed, "mastodon-list")
    assert list(files) == ["lists_birders.csv"]
    header, rows = parse_mastodon_import(files["lists_birders.csv"])
    assert header is None
    assert rows == [
        ["Birders", "alice@new.example"],
        ["Birders", "bob@new.example"],
        ["Birders", "mallory@new.example"],
    ]


async def test_export_csv_neutralises_hostile_names(listed: World) -> None:
    _, files = await export(listed, "csv")
    assert list(files) == ["roster_birders.csv"]
    text = files["roster_birders.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Discord name", "Old handle", "New handle", "Moved at", "Verified"]
    by_new = {row[2]: row for row in rows[1:]}
    assert set(by_new) == {"alice@new.example", "bob@new.example", "mallory@new.example"}
    assert by_new["alice@new.example"][:2] == ["Alice", "alice@old.example"]
    assert by_new["mallory@new.example"][0].startswith("'@everyone")
    assert by_new["alice@new.example"][3] == "2026-12-01T09:00:00Z"
    assert all(row[4] == "true" for row in rows[1:])


async def test_export_json_and_markdown(listed: World) -> None:
    _, files = await export(listed, "json")
    document = json.loads(files["roster_birders.json"])
    assert document["count"] == 3
    assert document["community"] == "Birders"
    assert [m["new_handle"] for m in document["members"]] == [
        "alice@new.example",
        "bob@new.example",
        "mallory@new.example",
    ]
    assert document["members"][2]["discord_name"] == MALLORY.global_name

    _, files = await export(listed, "markdown")
    table = files["roster_birders.md"].decode("utf-8")
    assert table.startswith("# Birders: who moved")
    assert "| Alice | `@alice@old.example` | `@alice@new.example` |" in table
    assert "[click](https://evil.example)" not in table
    assert "carol" not in table
    assert "helper" not in table
    assert "orga" not in table
    assert_nobody_pinged(listed)


async def test_a_file_too_big_for_discord_comes_zipped(listed: World) -> None:
    _, files = await export(listed, "json")
    raw = len(files["roster_birders.json"])
    listed.discord.world.attachment_size_limit = raw - 1  # a tiny upload limit, in bytes
    answer, files = await export(listed, "json")
    assert list(files) == ["roster_birders.json.zip"]
    assert "roster_birders.json did not fit Discord's upload limit" in answer.content
    with zipfile.ZipFile(io.BytesIO(files["roster_birders.json.zip"])) as archive:
        assert archive.namelist() == ["roster_birders.json"]
        document = json.loads(archive.read("roster_birders.json"))
    assert document["count"] == 3

    # Files that fit are spread over several messages rather than refused.
    _, files = await export(listed, "mastodon-list")
    assert list(files) == ["lists_birders.csv"]

    listed.discord.world.attachment_size_limit = 100
    _, refused = await run(listed, "campaign export", {"format": "markdown"})
    assert refused.files == []
    assert "companion roster export --format markdown" in refused.content
    assert listed.discord.violations == []  # nothing too large was ever sent


async def test_export_of_an_empty_roster(world: World) -> None:
    await link(world, ALICE)
    _, answer = await run(world, "campaign export", {"format": "mastodon-follows"})
    assert answer.content == texts.EXPORT_EMPTY
    assert answer.files == []


# -- one member ------------------------------------------------------------------------------
async def test_member_card_and_unlink(world: World) -> None:
    await link(world, ALICE)
    await link(world, MALLORY)
    await world.services.members.check(GUILD_ID, ALICE.id)
    _, card = await run(world, "campaign member", {"user": ALICE.id})
    shown = message_text(card)
    assert "Member: Alice" in shown
    assert "`@alice@old.example` → `@alice@new.example`" in shown
    assert "Status\nAlias not set" in shown
    assert "Followers\n120" in shown
    history = next(f for f in card.embeds[0]["fields"] if f["name"] == texts.MEMBER_HISTORY)
    assert history["value"].count("<t:") == 2  # the link's check and the recheck

    stale_click = world.discord.click(card, card.custom_ids[0], user=ORGANISER)
    _, unlinked = await press(world, card, "mc:unlink:")
    assert unlinked.content == texts.MEMBER_UNLINKED.format(name="Alice")
    assert await stored(world, Store.member, GUILD_ID, ALICE.id) is None
    assert await stored(world, Store.observations, GUILD_ID, ALICE.id) == []
    assert await stored(world, Store.personal_data, GUILD_ID, ALICE.id) is None
    assert await stored(world, Store.member, GUILD_ID, MALLORY.id) is not None

    # The same button again: nothing left to unlink, said plainly.
    again = await world.reply(await world.discord.dispatch_interaction(stale_click))
    assert again.content == texts.MEMBER_NOT_LINKED.format(name=f"<@{ALICE.id}>")
    assert again.pings == Pings()

    _, mallory = await run(world, "campaign member", {"user": MALLORY.id})
    title = mallory.embeds[0]["title"]
    assert "<@" not in title.replace("\\<@", "")
    assert "**pwned**" not in title
    _, nobody = await run(world, "campaign member", {"user": BOB.id})
    assert nobody.content == texts.MEMBER_NOT_LINKED.format(name="Bob")
    assert_nobody_pinged(world)


async def test_counts_of_one_read_in_the_singular(world: World) -> None:
    await link(world, ALICE)
    await list_member(world, ALICE)
    answer, _ = await export(world, "csv")
    assert answer.content == "Here is the roster as a CSV spreadsheet: 1 member."
    roster = await world.reply(await world.slash("move roster", user=BOB))
    [embed] = roster.embeds
    assert embed["footer"]["text"].startswith("Page 1 of 1 · 1 member · follow them all: ")
    record = await world.slash("campaign recheck", user=ORGANISER)
    await world.discord.wait_for(
        lambda: (final_message(record) or answer_stub).content.startswith("Recheck finished"),
        timeout=20,
        what="the recheck's summary",
    )
    assert (await world.reply(record)).content.startswith("Recheck finished: 1 member checked in ")
    await link(world, BOB)
    await list_member(world, BOB)
    answer, _ = await export(world, "csv")
    assert answer.content == "Here is the roster as a CSV spreadsheet: 2 members."
