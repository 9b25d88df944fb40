"""What organisers see of followers: the community picture and the setup warning."""

from __future__ import annotations

from companion.standins.discord import message_text
from tests.bot.conftest import ALICE, GUILD_ID, ORGANISER
from tests.followers.conftest import FRIENDLY, FollowersWorld
from tests.followers.test_followers_bot import LINK, move_alice, say


async def test_progress_shows_the_community_followers_picture_without_handles(fworld):
    world = fworld.world
    empty = message_text(await say(world, "campaign progress", user=ORGANISER))
    assert "No member has saved a followers list yet" in empty

    await say(world, "move link", LINK)
    await say(world, "move followers")
    move_alice(fworld, FRIENDLY)
    await world.services.members.check(GUILD_ID, ALICE.id)
    world.clock.advance(days=5)
    await say(world, "move followers")

    text = message_text(await say(world, "campaign progress", user=ORGANISER))
    assert (
        "1 member saved a followers list (166 followers): 100 arrived, 66 left behind, "
        "0 still arriving." in text
    )
    assert "Most left behind on:" in text
    assert "`smallfedi.example`: 30 (their server's software is not known to follow moves)" in text
    assert "`down.example`: 20 (their server did not answer (down or gone))" in text
    assert "`strict.example`: 10 (their server publicly suspends your new server)" in text
    assert "s0@smallfedi.example" not in text  # follower handles are the member's only


async def test_setup_warns_when_one_server_publicly_limits_the_other(fworld: FollowersWorld):
    world = fworld.world
    world.new.state.block_domain("old.example", "silence")
    answer = await say(
        world,
        "campaign setup",
        {"old_server": "old.example", "new_server": "new.example", "deadline": "2027-01-15 18:00"},
        user=ORGANISER,
    )
    text = message_text(answer)
    assert "Warning: `new.example` publicly limits `old.example`" in text
    assert "Moves between them strand followers" in text
    assert "`old.example` publicly" not in text  # the old server publishes no block of new
