"""Every member in their own language, through the real bot (issue 14).

Interactions carry Discord's own locale values (``de``, ``fr``, ``en-US``, ``es-ES``); the
bot answers in the member's language when a catalog ships, in English otherwise, and posts
in the channel in the campaign's language. Expected sentences come from the catalogs, and
each must really be translated there (not the English fallback).
"""

from __future__ import annotations

from typing import Any

import pytest

from companion import texts
from companion.bot.scheduler import Scheduler
from companion.core import follows_file, texts_reminders
from companion.core.handles import Handle
from companion.core.move_status import MoveStatus
from companion.i18n import gettext, use_language
from companion.moves import discovery, servers
from companion.standins.discord import UploadedFile
from companion.standins.discord.models import message_text as text_of
from companion.standins.mastodon import Fault, FaultKind
from companion.store import Store
from tests.bot.conftest import (
    ALICE,
    ANNOUNCEMENTS,
    GUILD_ID,
    ORGANISER,
    World,
    running_world,
)

LINK = {"old": "@alice@old.example", "new": "alice@new.example"}
CHANNEL = ANNOUNCEMENTS + GUILD_ID % 7
SHIPPED = ["de", "fr"]
# Discord's locale value -> the language the bot answers in.
FALLBACK = {"en-US": "en", "en-GB": "en", "es-ES": "en", "ja": "en"}
# Fixed localised names (the translators use exactly these; see the catalogs).
MOVE_NAMES = {"de": ("umzug", "verknüpfen"), "fr": ("migration", "lier")}


def translated(message: str, language: str) -> str:
    """``message`` in ``language``'s catalog, which must really translate it."""
    text = gettext(message, language)
    assert text != message, f"the {language} catalog does not translate {message!r}"
    return text


async def slash_in(
    world: World,
    locale: str,
    path: str,
    options: dict[str, Any] | None = None,
    *,
    user: Any = ALICE,
):
    """Run a slash command from a Discord app set to ``locale``; return the final answer."""
    payload = world.discord.slash(path, options or {}, user=user, guild_id=GUILD_ID, locale=locale)
    record = await world.discord.dispatch_interaction(payload)
    await record.first_response(timeout=10)
    return await world.reply(record)


async def click_in(world: World, locale: str, message, prefix: str, *, user: Any = ALICE):
    """Press the button whose id starts with ``prefix`` from an app set to ``locale``."""
    custom_id = next(c for c in message.custom_ids if c.startswith(prefix))
    record = await world.discord.dispatch_interaction(
        world.discord.click(message, custom_id, user=user, locale=locale)
    )
    await record.first_response(timeout=10)
    return await world.reply(record)


def labels(message) -> list[str]:
    """The button labels a member sees under a message."""
    found = []
    for row in message.components or []:
        for component in row.get("components") or []:
            if component.get("label"):
                found.append(component["label"])
    return found


def bot_posts(world: World, channel_id: int):
    bot_id = str(world.discord.world.bot.id)
    return [
        m
        for m in world.discord.messages_in(channel_id, include_ephemeral=False)
        if m.author["id"] == bot_id and m.type != 6
    ]


@pytest.mark.parametrize("language", SHIPPED)
async def test_the_client_shows_move_in_its_language(world: World, language: str) -> None:
    synced = {c["name"]: c for c in world.discord.commands() if c.get("type", 1) == 1}
    move = synced["move"]
    assert move["description_localizations"][language] == translated(texts.MOVE_GROUP, language)
    group_name, link_name = MOVE_NAMES[language]
    assert move["name_localizations"][language] == group_name
    link = next(o for o in move["options"] if o["name"] == "link")
    assert link["name_localizations"][language] == link_name
    assert link["description_localizations"][language] == translated(texts.LINK, language)
    # Discord keeps the English names for every other locale: nothing is synced for them.
    assert set(move["name_localizations"]) == set(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
async def test_a_member_is_answered_and_linked_to_the_guide_in_their_language(
    world: World, language: str
) -> None:
    message = await slash_in(world, language, "move link", LINK)
    shown = text_of(message)
    assert translated(texts.LINK_SAVED, language) in shown
    assert texts.LINK_SAVED not in shown
    assert translated(texts.STATUS_TITLE, language) in shown
    assert f"https://guide.example.org/{language}/problems/#alias-missing" in shown
    assert translated(texts.STATUS_CHECK_AGAIN, language) in labels(message)
    assert translated(texts.CONSENT_YES, language) in labels(message)
    # Its language is kept with the link, for the direct messages sent later.
    member = await world.services.store.call(Store.member, GUILD_ID, ALICE.id)
    assert member.language == language

    answer = await click_in(world, language, message, "mc:consent:yes")
    assert answer.content == translated(texts.CONSENT_SAVED_YES, language)


@pytest.mark.parametrize("locale", sorted(FALLBACK))
async def test_any_other_locale_is_answered_in_english(world: World, locale: str) -> None:
    message = await slash_in(world, locale, "move link", LINK)
    shown = text_of(message)
    assert texts.LINK_SAVED in shown
    assert "https://guide.example.org/problems/#alias-missing" in shown
    assert texts.STATUS_CHECK_AGAIN in labels(message)
    member = await world.services.store.call(Store.member, GUILD_ID, ALICE.id)
    assert member.language == "en"


@pytest.mark.parametrize("language", SHIPPED)
async def test_a_mistyped_handle_is_explained_in_the_members_language(
    world: World, language: str
) -> None:
    message = await slash_in(world, language, "move link", {"old": "alice", "new": LINK["new"]})
    why = translated(
        "A Mastodon handle needs its server too, like {example} (you typed only the name).",
        language,
    ).format(example=Handle.EXAMPLE)
    assert message.ephemeral
    assert message.content == translated(texts.BAD_OLD_HANDLE, language).format(reason=why)
    assert await world.services.store.call(Store.member, GUILD_ID, ALICE.id) is None


@pytest.mark.parametrize("language", SHIPPED)
async def test_the_guide_command_links_to_the_members_language(world: World, language: str) -> None:
    message = await slash_in(world, language, "move guide", {"topic": "alias"})
    assert f"https://guide.example.org/{language}/move/#set-the-alias" in message.content
    assert translated("Set the alias on your new account", language) in message.content


@pytest.mark.parametrize("language", SHIPPED)
async def test_a_campaign_set_to_a_language_posts_its_reminders_in_it(
    tmp_path, language: str
) -> None:
    async with running_world(tmp_path / "bot.db", language=language) as world:
        answer = await slash_in(world, "en-US", "campaign remind", {"now": True}, user=ORGANISER)
        # The organiser's own answer follows their English client ...
        assert answer.content.startswith("Posted the reminder")
        # ... the channel post speaks the campaign's language.
        [posted] = bot_posts(world, CHANNEL)
        shown = text_of(posted)
        title = translated(texts_reminders.CHANNEL["announce"].title, language)
        assert title.format(community="Birders", new_server="new.example") in shown
        assert translated(texts_reminders.GUIDE_LINE, language).split("{")[0] in shown
        assert f"https://guide.example.org/{language}/" in shown


async def test_direct_messages_follow_the_members_language(world: World) -> None:
    """The campaign posts in English; Alice's app is French, so her reminder is French."""
    await slash_in(world, "fr", "move link", LINK)
    await slash_in(world, "fr", "move reminders", {"setting": "on"})
    await slash_in(world, "en-US", "campaign remind", {"now": True}, user=ORGANISER)
    await Scheduler(world.bot, world.services).tick()
    [to_alice] = world.discord.dm_messages(ALICE.id)
    assert translated(texts_reminders.DM_TITLE, "fr").format(community="Birders") in (
        to_alice.content
    )
    assert "https://guide.example.org/fr/" in to_alice.content
    [posted] = bot_posts(world, CHANNEL)
    assert "Birders is moving to new.example" in text_of(posted)


async def test_setup_chooses_the_campaign_language_and_show_names_it(world: World) -> None:
    summary = await slash_in(
        world,
        "en-US",
        "campaign setup",
        {
            "old_server": "old.example",
            "new_server": "new.example",
            "deadline": "2027-01-15 18:00",
            "language": "de",
        },
        user=ORGANISER,
    )
    assert "Language of the channel posts: Deutsch" in text_of(summary)
    saved = await click_in(world, "en-US", summary, "mc:setup:yes", user=ORGANISER)
    assert saved.content == texts.SETUP_SAVED
    campaign = await world.services.store.call(Store.campaign, GUILD_ID)
    assert campaign.language == "de"
    shown = await slash_in(world, "en-US", "campaign show", user=ORGANISER)
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Language of the channel posts"] == "Deutsch"


async def test_an_organiser_reads_the_setup_summary_in_their_language(world: World) -> None:
    summary = await slash_in(
        world,
        "de",
        "campaign setup",
        {"old_server": "old.example", "new_server": "new.example", "deadline": "2027-01-15 18:00"},
        user=ORGANISER,
    )
    assert summary.embeds[0]["title"] == translated(texts.SETUP_SUMMARY_TITLE, "de")
    assert translated(texts.SETUP_CONFIRM, "de") in labels(summary)
    # What the bot found on each server is German too ("Mastodon 4.5.2, Sammelprüfungen").
    shown = text_of(summary)
    assert translated(servers.BATCH_RECHECKS, "de") in shown
    assert servers.BATCH_RECHECKS not in shown
    assert servers.ONE_BY_ONE not in shown


@pytest.mark.parametrize("language", SHIPPED)
async def test_a_wrong_file_is_explained_in_the_members_language(
    world: World, language: str
) -> None:
    muted = UploadedFile(
        field_name="file",
        filename="muted_accounts.csv",
        content_type="text/csv",
        data=b"Account address,Hide notifications\nbob@old.example,true\n",
    )
    answer = await slash_in(world, language, "move mend-follows", {"file": muted})
    upload = translated(follows_file.UPLOAD_EITHER, language)
    wrong = translated(follows_file.MUTED_FILE, language).format(upload=upload)
    assert wrong in text_of(answer)
    assert not answer.files


async def test_setup_says_in_the_organisers_language_why_a_server_cannot_be_used(
    world: World,
) -> None:
    world.new.inject(Fault(FaultKind.HTML))  # a web page where the API should answer
    answer = await slash_in(
        world,
        "de",
        "campaign setup",
        {"old_server": "old.example", "new_server": "new.example", "deadline": "2027-01-15 18:00"},
        user=ORGANISER,
    )
    opening = translated(texts.SETUP_SERVER_DOWN, "de").split("{reason}")[0]
    assert answer.content.startswith(opening.format(server="new.example"))
    why = translated(discovery.NOT_THE_CLIENT_API, "de").split("{reason}")[1]
    assert why in answer.content
    assert discovery.NOT_THE_CLIENT_API.split("{reason}")[1] not in answer.content
    assert answer.custom_ids == []


@pytest.mark.parametrize(
    ("language", "last_day", "colon"),
    [("de", "Di., 1. Dez.: 0", ": 1"), ("fr", "mar. 1 déc.\u00a0: 0", "\u00a0: 1")],
)
async def test_an_organiser_reads_progress_in_their_language(
    world: World, language: str, last_day: str, colon: str
) -> None:
    await slash_in(world, "en-US", "move link", LINK)
    answer = await slash_in(world, language, "campaign progress", user=ORGANISER)
    fields = {f["name"]: f["value"] for f in answer.embeds[0]["fields"]}
    # The days are written as the language writes them, not strftime's English.
    per_day = fields[translated(texts.PROGRESS_PER_DAY, language)].splitlines()
    assert per_day[-1] == last_day
    [line] = fields[translated(texts.PROGRESS_COUNTS, language)].splitlines()
    with use_language(language):
        label = MoveStatus.ALIAS_MISSING.label
    assert label != MoveStatus.ALIAS_MISSING.label  # the English label
    assert line == label + colon
