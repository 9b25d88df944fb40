"""``/move``: what members see, driven through the real bot and observed at the HTTP layer."""

from __future__ import annotations

import re
import sqlite3
from contextlib import AsyncExitStack

import pytest

from companion import texts
from companion.core.cooldowns import CHECK_COOLDOWN, describe
from companion.standins.discord import message_text
from companion.standins.mastodon import Fault, FaultKind, Flavour
from companion.store import Store
from tests.bot.conftest import (
    ALICE,
    BOB,
    GUILD_ID,
    MALLORY,
    OTHER_GUILD_ID,
    final_message,
    running_world,
    start_bot,
)
from tests.paths import REPO

LINK = {"old": "@alice@old.example", "new": "alice@new.example"}


def alias(world, name: str = "alice") -> None:
    world.new.state.set_aliases(name, [world.old.state.actor_uri(name)])


def move(world, name: str = "alice") -> None:
    alias(world, name)
    world.old.state.move(name, world.new.state.actor_uri(name))


async def link(world, user=ALICE, **options):
    record = await world.slash("move link", {**LINK, **options}, user=user)
    return await world.reply(record)


async def test_link_stores_the_pair_records_followers_and_shows_the_card(world):
    record = await world.slash("move link", LINK)
    assert record.callbacks[0].type == 5  # deferred first: the servers may be slow
    message = await world.reply(record)

    assert message.ephemeral
    text = message_text(message)
    assert "Your accounts are linked" in text
    assert "`@alice@old.example` → `@alice@new.example`" in text
    assert "Alias not set" in text
    assert "Moving from a different account" in text
    assert "https://guide.example.org/problems/#alias-missing" in text
    assert "Before the move: 120" in text
    assert "may the community roster list you" in text
    assert message.custom_ids == [
        f"mc:recheck:{ALICE.id}",
        f"mc:followers:{ALICE.id}",
        f"mc:consent:yes:{ALICE.id}",
        f"mc:consent:no:{ALICE.id}",
    ]
    store = world.store()
    member = store.member(GUILD_ID, ALICE.id)
    assert (str(member.old_handle), str(member.new_handle)) == LINK_CANONICAL
    assert member.followers_before == 120
    assert member.last_status == "alias_missing"
    store.close()


LINK_CANONICAL = ("alice@old.example", "alice@new.example")


async def test_roster_question_is_answered_with_buttons_and_asked_once(world):
    message = await link(world)
    answer = await world.click(message, f"mc:consent:yes:{ALICE.id}")
    assert "listed in the roster" in (await world.reply(answer)).content
    assert world.store().member(GUILD_ID, ALICE.id).roster_consent is True
    again = await link(world)
    assert "may the community roster list you" not in message_text(again)
    assert not [c for c in again.custom_ids if c.startswith("mc:consent")]


async def test_link_refuses_malformed_and_hostile_handles_and_stores_nothing(world):
    cases = {
        "alice": "needs its server too",
        "@everyone": "Discord mention",
        f"<@{BOB.id}>": "Discord mention",
        "[alice](https://evil.example)@old.example": "formatting characters",
        "alice@10.0.0.1": "not a number address",
        "alice@old.example:8443": "without a port",
    }
    for typed, words in cases.items():
        record = await world.slash("move link", {"old": typed, "new": "alice@new.example"})
        body = await record.first_response()
        assert body["type"] == 4
        assert body["data"]["flags"] & 64
        assert body["data"]["content"].startswith("Your old account:")
        assert words in body["data"]["content"]
        assert body["data"]["allowed_mentions"]["parse"] == []
    record = await world.slash("move link", {"old": "alice@old.example", "new": "nope"})
    assert "Your new account:" in (await record.first_response())["data"]["content"]
    assert world.store().member(GUILD_ID, ALICE.id) is None


async def test_a_handle_linked_by_another_member_is_refused(world):
    await link(world)
    record = await world.slash(
        "move link", {"old": "bob@old.example", "new": "alice@new.example"}, user=BOB
    )
    reply = await world.reply(record)
    assert "already linked by another member" in reply.content
    assert "ask an organiser" in reply.content
    assert world.store().member(GUILD_ID, BOB.id) is None


async def test_the_same_handle_twice_is_refused(world):
    record = await world.slash(
        "move link", {"old": "alice@old.example", "new": "alice@old.example"}
    )
    assert "are the same handle" in (await world.reply(record)).content


async def test_autocomplete_suggests_the_campaign_servers(world):
    payload = world.discord.autocomplete(
        "move link", {"old": "ali", "new": ""}, user=ALICE, focused="old"
    )
    record = await world.discord.dispatch_interaction(payload)
    body = await record.first_response()
    assert body["type"] == 8
    assert body["data"]["choices"] == [{"name": "@ali@old.example", "value": "@ali@old.example"}]
    payload = world.discord.autocomplete(
        "move link", {"old": "x", "new": "@ali@n"}, user=ALICE, focused="new"
    )
    body = await (await world.discord.dispatch_interaction(payload)).first_response()
    assert body["data"]["choices"][0]["value"] == "@ali@new.example"


async def test_status_card_follows_the_move_and_check_again_has_a_cooldown(world):
    await link(world)
    alias(world)
    world.clock.advance(minutes=2)  # the link's check is now older than the cooldown
    record = await world.slash("move status")
    assert record.callbacks[0].type == 5  # deferred: the servers are asked
    card = await world.reply(record)
    assert card.content == texts.STATUS_CHECKED_NOW
    assert "Ready to move" in message_text(card)  # the alias set since the link, seen at once
    assert "Move to a different account" in message_text(card)

    again = await world.click(card, f"mc:recheck:{ALICE.id}")
    refusal = await again.first_response()
    assert refusal["type"] == 4  # refused at once, before any server is asked
    assert refusal["data"]["flags"] & 64
    assert "Please wait 60 seconds" in refusal["data"]["content"]

    world.clock.advance(minutes=2)
    world.old.state.move("alice", world.new.state.actor_uri("alice"))
    moved = await world.click(card, f"mc:recheck:{ALICE.id}")
    assert moved.callbacks[0].type == 6  # deferred update of the same card
    await world.until(lambda: "**Moved**" in message_text(final_message(moved)), "the edit")
    assert final_message(moved).id == card.id
    assert world.store().member(GUILD_ID, ALICE.id).moved_at is not None


async def test_status_within_the_cooldown_says_when_the_servers_were_asked(world):
    await link(world)
    world.clock.advance(seconds=20)
    alias(world)
    asked = sum(server.stats.requests.total() for server in (world.old, world.new))
    record = await world.slash("move status")
    assert record.callbacks[0].type == 4  # answered at once from the store
    card = await world.reply(record)
    checked_at = world.store().member(GUILD_ID, ALICE.id).last_checked_at
    assert card.content == (
        f"The bot asked your servers <t:{int(checked_at.timestamp())}:R>: they are asked again "
        "once the last check is more than a minute old. Press **Check again** or run "
        "`/move status` after that."
    )
    assert "Alias not set" in message_text(card)  # what that check found, said to be from then
    assert sum(server.stats.requests.total() for server in (world.old, world.new)) == asked
    world.clock.advance(seconds=41)
    later = await world.reply(await world.slash("move status"))
    assert later.content == texts.STATUS_CHECKED_NOW
    assert "Ready to move" in message_text(later)


async def test_someone_elses_buttons_do_nothing_for_you(world):
    message = await link(world)
    record = await world.click(message, f"mc:recheck:{ALICE.id}", user=BOB)
    assert "belong to someone else" in (await world.reply(record)).content


async def test_verify_with_a_code_in_the_new_profile(world):
    await link(world)
    record = await world.slash("move verify")
    message = await world.reply(record)
    code = re.search(r"MOVE-[A-Z2-9]{6}", message_text(message)).group(0)
    assert message.custom_ids == [f"mc:verify:{ALICE.id}"]

    missing = await world.reply(await world.click(message, f"mc:verify:{ALICE.id}"))
    assert f"The code {code} is not in the bio" in missing.content
    assert world.store().member(GUILD_ID, ALICE.id).verified_at is None

    world.new.state.update_profile("alice", note=f"<p>Moving soon! {code}</p>")
    done = await world.reply(await world.click(message, f"mc:verify:{ALICE.id}"))
    assert "Verified" in done.content
    member = world.store().member(GUILD_ID, ALICE.id)
    assert member.verified_at is not None
    assert member.verify_code is None
    again = await world.reply(await world.slash("move verify"))
    assert "already proved" in again.content


async def test_verify_code_expires_after_a_day(world):
    await link(world)
    message = await world.reply(await world.slash("move verify"))
    code = re.search(r"MOVE-[A-Z2-9]{6}", message_text(message)).group(0)
    world.new.state.update_profile("alice", note=code)
    world.clock.advance(hours=25)
    expired = await world.reply(await world.click(message, f"mc:verify:{ALICE.id}"))
    assert "expired" in expired.content
    assert world.store().member(GUILD_ID, ALICE.id).verified_at is None


async def test_commands_need_a_link_first(world):
    for command in ("move status", "move verify", "move checklist"):
        reply = await world.reply(await world.slash(command))
        assert "Start with `/move link`" in reply.content


async def test_checklist_ticks_by_servers_and_by_the_member(world):
    await link(world)
    message = await world.reply(await world.slash("move checklist"))
    text = message_text(message)
    assert "✅ [Create your new account]" in text
    assert "⬜ [Export follows" in text
    assert f"mc:tick:export:1:{ALICE.id}" in message.custom_ids
    assert not [c for c in message.custom_ids if ":alias:" in c]  # the servers tell that one

    ticked = await world.click(message, f"mc:tick:export:1:{ALICE.id}")
    assert ticked.callbacks[0].type == 7  # the checklist message is updated in place
    updated = final_message(ticked)
    assert "✅ [Export follows" in message_text(updated)
    assert f"mc:tick:export:0:{ALICE.id}" in updated.custom_ids
    assert set(world.store().checklist(GUILD_ID, ALICE.id)) == {"export"}


async def _verified_mover(world, user, name):
    world.old.create_account(name, followers_count=10) if name not in ("alice", "bob") else None
    world.new.create_account(name) if name not in ("alice", "bob") else None
    await link(world, user, old=f"{name}@old.example", new=f"{name}@new.example")
    store = world.store()
    store.update_member(GUILD_ID, user.id, roster_consent=True, verified_at=world.clock.now())
    store.close()
    move(world, name)
    world.clock.advance(minutes=5)
    await world.reply(await world.slash("move status", user=user))
    await world.services.members.check(GUILD_ID, user.id)


async def test_whois_only_shows_members_who_agreed(world):
    await _verified_mover(world, ALICE, "alice")
    found = await world.reply(await world.slash("move whois", {"member": ALICE.id}, user=BOB))
    assert "Alice moved to `@alice@new.example`" in found.content
    await link(world, BOB, old="bob@old.example", new="bob@new.example")
    hidden = await world.reply(await world.slash("move whois", {"member": BOB.id}, user=ALICE))
    assert "has not chosen to be listed" in hidden.content
    assert "bob@" not in hidden.content


async def test_roster_lists_verified_consenting_movers_with_escaped_names(world):
    await _verified_mover(world, ALICE, "alice")
    await _verified_mover(world, MALLORY, "mallory")
    message = await world.reply(await world.slash("move roster", user=BOB))
    text = message_text(message)
    assert "`@alice@new.example`" in text
    assert "`@mallory@new.example`" in text
    assert "@everyone" not in text  # escaped: @ followed by a zero-width space
    assert "[click](https://evil.example)" not in text
    assert "**pwned**" not in text
    assert message.pings.everyone is False
    assert not message.pings.users
    assert message.custom_ids == ["mc:roster:0:p", "mc:roster:2:n"]


async def test_reminders_opt_in_and_out(world):
    await link(world)
    on = await world.reply(await world.slash("move reminders", {"setting": "on"}))
    assert "Personal reminders are on" in on.content
    assert world.store().member(GUILD_ID, ALICE.id).dm_reminders is True
    off = await world.reply(await world.slash("move reminders", {"setting": "off"}))
    assert "off" in off.content
    assert world.store().member(GUILD_ID, ALICE.id).dm_reminders is False


async def test_privacy_shows_what_is_stored(world):
    nothing = await world.reply(await world.slash("move privacy"))
    assert "stores nothing about you" in message_text(nothing)
    await link(world)
    shown = await world.reply(await world.slash("move privacy"))
    text = message_text(shown)
    assert "`@alice@old.example`" in text
    assert "Follower count recorded before the move: 120" in text
    assert "Checks kept: 1" in text
    assert "/move forget" in text
    assert shown.custom_ids == [f"mc:consent:yes:{ALICE.id}"]


async def test_forget_after_confirmation_leaves_no_row_behind(world):
    await link(world)
    await world.slash("move reminders", {"setting": "on"})
    prompt = await world.reply(await world.slash("move forget"))
    kept = await world.click(prompt, f"mc:forget:no:{ALICE.id}")
    assert "Nothing was deleted" in final_message(kept).content
    assert world.store().member(GUILD_ID, ALICE.id) is not None

    prompt = await world.reply(await world.slash("move forget"))
    done = await world.click(prompt, f"mc:forget:yes:{ALICE.id}")
    assert (
        "everything the bot stored about you in this server is deleted"
        in final_message(done).content
    )
    raw = sqlite3.connect(world.settings.database)
    for table in ("members", "observations", "checklist", "accounts", "dm_reminders_sent"):
        count = raw.execute(
            f"SELECT count(*) FROM {table} WHERE guild_id = ?", [GUILD_ID]
        ).fetchone()[0]
        assert count == 0, table


async def test_guide_links_and_topic_autocomplete(world):
    menu = await world.reply(await world.slash("move guide"))
    assert "https://guide.example.org/move/#set-the-alias" in menu.content
    one = await world.reply(await world.slash("move guide", {"topic": "followers"}))
    assert (
        one.content == "Check your followers: https://guide.example.org/after/#check-your-followers"
    )
    payload = world.discord.autocomplete(
        "move guide", {"topic": "alias"}, user=ALICE, focused="topic"
    )
    body = await (await world.discord.dispatch_interaction(payload)).first_response()
    values = [choice["value"] for choice in body["data"]["choices"]]
    assert "alias" in values
    assert "not-an-alias" in values


async def test_guilds_are_isolated(world):
    await link(world)
    elsewhere = await world.reply(await world.slash("move status", guild_id=OTHER_GUILD_ID))
    assert "Start with `/move link`" in elsewhere.content
    record = await world.slash(
        "move link",
        {"old": "alice@old.example", "new": "alice@new.example"},
        user=BOB,
        guild_id=OTHER_GUILD_ID,
    )
    assert "Your accounts are linked" in (await world.reply(record)).content


async def test_slow_servers_never_miss_discords_three_seconds(world):
    world.old.latency = 1.5
    world.new.latency = 1.5
    record = await world.slash("move link", LINK)
    assert record.response_latency < 1.0
    assert record.first_status == 200
    reply = await world.reply(record, wait=30)
    assert "Your accounts are linked" in reply.content
    assert not [v for v in world.discord.violations if v.code == 10062]


async def test_servers_down_give_a_sentence_and_keep_the_link(world):
    world.new.inject(Fault(FaultKind.ERROR, status=503))
    reply = await link(world)
    text = message_text(reply)
    assert "Server not answering" in text
    assert "checks again later" in text
    assert "Traceback" not in text
    member = world.store().member(GUILD_ID, ALICE.id)
    assert member.last_status == "server_unreachable"
    assert member.last_confirmed_at is None


async def test_a_discord_error_on_the_reply_is_logged_not_fatal(world, caplog):
    body = {"message": "Invalid Form Body", "code": 50035}
    world.discord.fail_next("/webhooks/*", method="POST", status=400, body=body, times=2)
    await world.slash("move link", LINK)
    await world.until(lambda: "Could not tell user" in caplog.text, "the failure to be logged")
    assert "50035" in caplog.text
    status = await world.reply(await world.slash("move status"))
    assert "Your move" in message_text(status)  # the bot carries on, and the link was kept


async def test_nobody_is_ever_pinged(world):
    await _verified_mover(world, MALLORY, "mallory")
    await world.slash("move roster", user=BOB)
    for message in world.discord.sent_by_bot:
        assert message.pings.everyone is False, message.content
        assert not message.pings.users
        assert not message.pings.roles
    for request in world.discord.requests:
        body = request.json if isinstance(request.json, dict) else {}
        data = body.get("data", body) if isinstance(body, dict) else {}
        if isinstance(data, dict) and "allowed_mentions" in data:
            assert data["allowed_mentions"]["parse"] == []


async def test_buttons_keep_working_after_a_restart(tmp_path):
    db = tmp_path / "restart.db"
    async with running_world(db) as first:
        first.old.create_account("alice", followers_count=120)
        first.new.create_account("alice")
        message = await link(first)
        alias(first)
        first.clock.advance(minutes=2)  # past the link's check: Check again asks the servers
        # The first bot goes away; a new process starts on the same file and stand-ins.
        await first.bot.close()
        async with AsyncExitStack() as stack:
            second = await start_bot(
                stack, first.discord, first.old, first.new, first.settings, first.clock, False
            )
            assert second.bot is not first.bot
            record = await second.click(message, f"mc:recheck:{ALICE.id}")
            await second.until(lambda: "Ready to move" in message_text(final_message(record)))
            answer = await second.click(message, f"mc:consent:no:{ALICE.id}")
            assert "will not be listed" in (await second.reply(answer)).content
    assert Store(db).member(GUILD_ID, ALICE.id).roster_consent is False


async def test_an_old_handle_that_does_not_exist_is_refused_at_link(world):
    reply = await link(world, old="alicee@old.example")
    assert "`@alicee@old.example` could not be found on old.example" in reply.content
    assert "Check the spelling" in reply.content
    assert world.store().member(GUILD_ID, ALICE.id) is None


async def test_an_old_account_deleted_after_linking_is_reported_not_refused(world):
    await link(world)
    world.old.state.delete("alice")
    world.clock.advance(minutes=2)
    state = await world.services.members.check(GUILD_ID, ALICE.id)
    assert state.report.status.value == "old_account_gone"


def test_the_guide_says_what_move_status_does():
    """Common problems sends members to /move status: it must promise what the bot does."""
    page = (REPO / "guide" / "problems" / "index.md").read_text(encoding="utf-8")
    promise = (
        f"asks your servers again once its last check is more than {describe(CHECK_COOLDOWN)} old"
    )
    sections = {
        name: page.split(f"{{ #{name} }}")[1].split("\n## ")[0]
        for name in ("alias-missing", "server-unreachable")
    }
    for name, section in sections.items():
        assert "`/move status`" in section, name
        assert " ".join(promise.split()) in " ".join(section.split()), name
    told = texts.STATUS_RECENT.format(when="<t:0:R>", cooldown=describe(CHECK_COOLDOWN))
    assert f"more than {describe(CHECK_COOLDOWN)} old" in told


NOT_IN_APPS = "the settings are not in most apps"
WAIT_NOT_RETRY = (
    "wait: your old server can keep an older copy of your new profile for up to 24 hours, "
    "so try again later rather than again and again"
)


@pytest.mark.parametrize(
    ("flavour", "cooldown"), [(Flavour.MASTODON, "30 days"), (Flavour.GOTOSOCIAL, "7 days")]
)
async def test_the_status_card_tells_what_the_guide_tells(tmp_path, flavour, cooldown):
    """Where the settings are, the cooldown of the old server's software, and to wait."""
    async with running_world(tmp_path / "bot.db", old_flavour=flavour) as world:
        world.old.create_account("alice", followers_count=120)
        world.new.create_account("alice")
        linked = " ".join(message_text(await link(world)).split())
        assert NOT_IN_APPS in linked  # "Alias not set": set it on the website
        alias(world)
        world.clock.advance(minutes=2)
        ready = " ".join(message_text(await world.reply(await world.slash("move status"))).split())
        assert "Ready to move" in ready
        assert NOT_IN_APPS in ready
        assert f"Afterwards your old account cannot move again for {cooldown}." in ready
        assert WAIT_NOT_RETRY in ready

        move(world)
        world.clock.advance(minutes=2)
        moved = " ".join(message_text(await world.reply(await world.slash("move status"))).split())
        assert "**Moved**" in moved
        assert f"It cannot move again for {cooldown} after the move." in moved


async def test_link_says_the_same_username_is_fine(world):
    [group] = [c for c in world.discord.commands() if c["name"] == "move"]
    [link_command] = [o for o in group["options"] if o["name"] == "link"]
    [new_option] = [o for o in link_command["options"] if o["name"] == "new"]
    assert "the same username as before is fine" in new_option["description"]
    same = await world.reply(
        await world.slash("move link", {"old": "alice@old.example", "new": "alice@old.example"})
    )
    assert "Keeping your username is fine, but the new account is on new.example" in same.content
