"""``/move followers`` through the real bot and real loopback servers that page like Mastodon."""

from __future__ import annotations

import csv
import io

from companion.core.exports import FOLLOWING_HEADER
from companion.standins.discord import message_text
from tests.bot.conftest import ALICE, BOB, GUILD_ID
from tests.followers.conftest import (
    DOWN,
    FRIENDLY,
    LOCAL,
    MOVED_FOLLOWER,
    SMALLFEDI,
    STRICT,
    FollowersWorld,
)

LINK = {"old": "@alice@old.example", "new": "alice@new.example"}


async def say(world, path: str, options=None, user=ALICE):
    record = await world.slash(path, options or {}, user=user)
    return await world.reply(record)


async def link_and_save(fw: FollowersWorld):
    world = fw.world
    await say(world, "move link", LINK)
    return await say(world, "move followers")


def move_alice(fw: FollowersWorld, arriving: list[str]) -> None:
    world = fw.world
    world.new.state.set_aliases("alice", [world.old.state.actor_uri("alice")])
    world.old.state.move("alice", world.new.state.actor_uri("alice"))
    old_names = [
        h.removesuffix("@old.example") if h.endswith("@old.example") else h for h in arriving
    ]
    world.old.state.arrive_followers("alice", old_names)


async def test_saving_reads_every_page_from_the_old_server_and_shows_in_privacy(fworld):
    world = fworld.world
    answer = await link_and_save(fworld)
    assert "Saved: 166 followers of `@alice@old.example`" in answer.content
    assert "`/move forget` deletes it" in answer.content
    # 166 followers, 80 per page: 3 pages, plus the one lookup; nothing else on that route.
    assert world.old.stats.requests["followers"] == 3
    store = world.store()
    account, saved = store.follower_list(GUILD_ID, ALICE.id)
    assert account == "alice@old.example"
    assert saved.count == 166
    assert set(saved.handles) == {
        *FRIENDLY,
        *SMALLFEDI,
        *DOWN,
        *STRICT,
        *(f"{n}@old.example" for n in LOCAL),
        MOVED_FOLLOWER,
    }
    assert saved.moved == {MOVED_FOLLOWER}
    store.close()

    privacy = message_text(await say(world, "move privacy"))
    assert "A followers list you saved: 166 followers of `@alice@old.example`, saved <t:" in privacy


async def test_after_the_move_the_member_sees_who_came_along_grouped_with_reasons(fworld):
    world = fworld.world
    await link_and_save(fworld)
    # Everyone on friendly servers moves along, except one still on its way.
    arriving = [*FRIENDLY[:-1], *(f"{n}@old.example" for n in LOCAL)]
    move_alice(fworld, arriving)
    world.clock.advance(hours=2)
    await world.services.members.check(GUILD_ID, ALICE.id)  # the recheck sees the move

    answer = await say(world, "move followers")
    text = message_text(answer)
    assert "Of the 166 followers you saved" in text
    assert (
        "**104** follow `@alice@new.example` now, "
        + "**61** did not come along and **1** are still arriving"
    ) in text
    assert (
        "30 on `smallfedi.example` (Smallfedi 2024.11.0): "
        + "their server's software is not known to follow moves"
    ) in text
    assert (
        "20 on `down.example` (unknown software): their server did not answer (down or gone)"
        in text
    )
    assert (
        "10 on `strict.example` (Mastodon 4.5.2): their server publicly suspends your new server"
        in text
    )
    assert "1 on `friendly.example` (Mastodon 4.5.2): their own account has moved" in text
    assert "1 on `friendly.example` (Mastodon 4.5.2): still arriving" in text
    assert "for the first 3 days after the move" in text
    [attachment] = answer.files
    assert attachment.filename == "following_accounts_left_behind.csv"
    lines = attachment.data.decode().splitlines()
    assert lines[0] == FOLLOWING_HEADER
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    expected = sorted([*SMALLFEDI, *DOWN, *STRICT, MOVED_FOLLOWER, FRIENDLY[-1]])
    assert rows == [[handle, "true", "false", ""] for handle in expected]

    # Days later, the one without a known reason is no longer "still arriving".
    world.clock.advance(days=4)
    later = message_text(await say(world, "move followers"))
    assert "**62** did not come along and **0** are still arriving" in later
    assert (
        "1 on `friendly.example` (Mastodon 4.5.2): no known reason (they may have unfollowed)"
        in later
    )


async def test_forget_deletes_the_saved_list(fworld):
    world = fworld.world
    await link_and_save(fworld)
    question = await say(world, "move forget")
    await world.reply(await world.click(question, f"mc:forget:yes:{ALICE.id}"))
    store = world.store()
    assert store.follower_list(GUILD_ID, ALICE.id) is None
    assert store.db["follower_lists"].count == 0
    store.close()


async def test_hidden_network_is_explained_and_nothing_is_saved(fworld):
    world = fworld.world
    world.old.state.get("alice").hide_collections = True
    answer = await link_and_save(fworld)
    assert "hides who follows it" in answer.content
    assert "Privacy and reach" in answer.content
    assert answer.custom_ids == [f"mc:followers:{ALICE.id}"]
    store = world.store()
    assert store.follower_list(GUILD_ID, ALICE.id) is None
    store.close()


async def test_locked_new_account_warns_before_and_hints_follow_requests_after(fworld):
    world = fworld.world
    world.new.state.get("alice").locked = True
    linked = message_text(await say(world, "move link", LINK))
    assert "will wait as follow requests" in linked
    checklist = message_text(await say(world, "move checklist"))
    assert "will wait as follow requests" in checklist
    saved = await say(world, "move followers")
    assert "will wait as follow requests" in saved.content

    move_alice(fworld, FRIENDLY)
    await world.services.members.check(GUILD_ID, ALICE.id)
    status = message_text(await say(world, "move status"))
    assert "Open Follow requests on the new account" in status
    assert "The old account may move again from <t:" in status
    assert "Mastodon waits 30 days after a move" in status
    after = message_text(await say(world, "move followers"))
    assert "Open Follow requests on the new account" in after


async def test_the_card_button_saves_and_only_its_owner_may_press_it(fworld):
    world = fworld.world
    card = await say(world, "move link", LINK)
    assert f"mc:followers:{ALICE.id}" in card.custom_ids
    pressed = await world.reply(await world.click(card, f"mc:followers:{ALICE.id}"))
    assert "Saved: 166 followers" in pressed.content
    other = await world.reply(await world.click(card, f"mc:followers:{ALICE.id}", user=BOB))
    assert "Saved" not in other.content


async def test_a_long_list_is_read_in_the_background_with_progress_in_the_reply(fworld):
    world = fworld.world
    world.old.state.set_followers("alice", [f"p{i}@friendly.example" for i in range(2000)])
    await say(world, "move link", LINK)
    world.old.latency = 0.15  # 26 pages take seconds: the reply shows how far it got
    record = await world.slash("move followers")
    await world.discord.wait_for(
        lambda: "Saved" in (record.original_message.content or ""), timeout=30, what="the result"
    )
    assert "Saved: 2,000 followers" in record.original_message.content  # progress replaced
    shown = [version.get("content") or "" for version in record.original_message.history]
    progress = [text for text in shown if text.startswith("Reading your followers list")]
    assert progress, shown
    assert "from old.example:" in progress[0]
    assert progress[0].endswith("of 2,000 so far…")


async def test_a_list_saved_before_the_move_is_never_replaced_by_a_partial_one(fworld):
    world = fworld.world
    await link_and_save(fworld)
    move_alice(fworld, FRIENDLY)  # moved, but the bot has not rechecked yet
    card = await say(world, "move status")
    answer = await world.reply(await world.click(card, f"mc:followers:{ALICE.id}"))
    assert "Your old account has moved, so the bot kept the list you saved before" in message_text(
        answer
    )
    store = world.store()
    assert store.follower_list(GUILD_ID, ALICE.id)[1].count == 166
    store.close()
