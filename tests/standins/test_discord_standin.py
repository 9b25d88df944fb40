"""The Discord stand-in, driven by a real discord.py 2.7 bot (no mocks)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from companion.standins.discord import (
    ChannelSpec,
    CommandNotVisibleError,
    DiscordStandin,
    GuildSpec,
    MemberSpec,
    Perm,
    point_discord_py_at,
)
from companion.standins.discord.validation import UNKNOWN_INTERACTION
from tests.paths import DISCORD_FIXTURES

GUILD_ID = 1100000000000000001
GENERAL_ID = 1100000000000000010
LOCKED_ID = 1100000000000000011
ORGANISER_ID = 1100000000000000100
MEMBER_ID = 1100000000000000101
CLOSED_DMS_ID = 1100000000000000102

ORGANISER = MemberSpec(
    id=ORGANISER_ID, username="orga", global_name="Orga Niser", permissions=Perm.MANAGE_GUILD
)
MEMBER = MemberSpec(id=MEMBER_ID, username="plain", global_name="Plain Member", permissions=0)
CLOSED = MemberSpec(id=CLOSED_DMS_ID, username="private", dms_open=False)


def make_guild() -> GuildSpec:
    return GuildSpec(
        id=GUILD_ID,
        name="Fediverse Friends",
        owner_id=1100000000000000999,
        channels=[
            ChannelSpec(id=GENERAL_ID, name="general"),
            ChannelSpec(id=LOCKED_ID, name="announcements", bot_can_send=False, bot_can_pin=False),
        ],
        members=[ORGANISER, MEMBER, CLOSED],
    )


class Panel(discord.ui.View):
    def __init__(self, clicks: list[int]) -> None:
        super().__init__(timeout=30)
        self.clicks = clicks

    @discord.ui.button(label="Confirm", custom_id="panel:confirm", style=discord.ButtonStyle.green)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.clicks.append(interaction.user.id)
        await interaction.response.edit_message(content="confirmed", view=None)


class Handle(discord.ui.Modal, title="Your new handle"):
    handle = discord.ui.TextInput(label="Handle", custom_id="handle")

    def __init__(self, seen: list[str]) -> None:
        super().__init__()
        self.seen = seen

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.seen.append(self.handle.value)
        await interaction.response.send_message("saved", ephemeral=True)


class TinyBot(commands.Bot):
    """One slash group synced to the guild, like the companion bot does it."""

    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default())
        self.calls: list[tuple[str, Any]] = []
        self.errors: list[Exception] = []
        self.clicks: list[int] = []
        self.modal_values: list[str] = []

    async def setup_hook(self) -> None:
        move = app_commands.Group(name="move", description="Move to the new server")
        bot = self

        @move.command(name="link", description="Link your old and new accounts")
        async def link(interaction: discord.Interaction, old: str, new: str) -> None:
            bot.calls.append(("link", (old, new, interaction.user.id)))
            await interaction.response.send_message(f"Linked {old} → {new}", ephemeral=True)

        @move.command(name="status", description="Slow status report")
        async def status(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="All 12 members moved")

        @move.command(name="late", description="Answers too late")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.35)
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                bot.errors.append(exc)

        @move.command(name="who", description="Show a member")
        async def who(interaction: discord.Interaction, member: discord.Member) -> None:
            bot.calls.append(("who", member))
            await interaction.response.send_message(f"{member.display_name}", ephemeral=True)

        @move.command(name="server", description="Pick the new server")
        async def server(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(name)

        @server.autocomplete("name")
        async def server_names(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            names = ["mastodon.social", "mas.to", "fosstodon.org"]
            return [app_commands.Choice(name=n, value=n) for n in names if current in n]

        @move.command(name="handle", description="Tell us your new handle")
        async def handle(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Handle(bot.modal_values))

        organise = app_commands.Group(
            name="organise",
            description="Organiser tools",
            default_permissions=discord.Permissions(manage_guild=True),
        )

        @organise.command(name="announce", description="Announce the move")
        async def announce(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Announced")

        guild = discord.Object(GUILD_ID)
        self.tree.add_command(move, guild=guild)
        self.tree.add_command(organise, guild=guild)
        await self.tree.sync(guild=guild)


@asynccontextmanager
async def running_bot(**standin_options: Any) -> AsyncIterator[tuple[DiscordStandin, TinyBot]]:
    async with DiscordStandin(guilds=[make_guild()], **standin_options) as standin:
        with standin.discord_py():
            bot = TinyBot()
            task = asyncio.create_task(bot.start("not-a-real-token"))
            try:
                await standin.wait_until_ready(timeout=10)
                yield standin, bot
            finally:
                await bot.close()
                await asyncio.wait_for(task, 10)


@pytest.mark.asyncio
async def test_bot_connects_sees_the_guild_and_syncs_its_commands() -> None:
    async with running_bot() as (standin, bot):
        guild = bot.get_guild(GUILD_ID)
        assert guild is not None
        assert guild.name == "Fediverse Friends"
        assert {c.id for c in guild.text_channels} == {GENERAL_ID, LOCKED_ID}
        assert guild.me is not None
        assert not guild.get_channel(LOCKED_ID).permissions_for(guild.me).send_messages

        synced = {c["name"]: c for c in standin.commands(GUILD_ID)}
        assert set(synced) == {"move", "organise"}
        assert synced["move"]["guild_id"] == str(GUILD_ID)
        assert int(synced["move"]["id"]) > 0
        link = next(o for o in synced["move"]["options"] if o["name"] == "link")
        assert [(o["name"], o["type"]) for o in link["options"]] == [("old", 3), ("new", 3)]
        assert synced["organise"]["default_member_permissions"] == str(int(Perm.MANAGE_GUILD))

        session = standin.session
        assert session is not None
        assert session.identify["intents"] == discord.Intents.default().value
        assert "token" not in session.identify
        identified = standin.gateway.connections[0]
        assert identified.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
        assert standin.requests_to("GET", "/users/@me")[0].authorized


@pytest.mark.asyncio
async def test_slash_command_reaches_the_command_and_replies_ephemerally() -> None:
    async with running_bot() as (standin, bot):
        payload = standin.slash(
            ["move", "link"], {"old": "@ana@old.example", "new": "@ana@new.example"}, user=MEMBER_ID
        )
        assert payload["data"]["options"][0]["options"][0] == {
            "type": 3,
            "name": "old",
            "value": "@ana@old.example",
        }
        record = await standin.dispatch_interaction(payload)
        body = await record.first_response(timeout=5)

        assert bot.calls == [("link", ("@ana@old.example", "@ana@new.example", MEMBER_ID))]
        assert body["type"] == 4
        assert body["data"]["flags"] == 64
        assert body["data"]["content"] == "Linked @ana@old.example → @ana@new.example"
        assert record.response_latency is not None
        assert record.response_latency < 3.0
        assert record.first_status == 200
        message = record.original_message
        assert message is not None
        assert message.ephemeral
        assert message.interaction_id == record.id
        assert standin.messages_in(GENERAL_ID) == [message]
        assert standin.sent_by_bot == [message]


@pytest.mark.asyncio
async def test_user_option_is_resolved_and_organiser_commands_are_hidden_from_members() -> None:
    async with running_bot() as (standin, bot):
        record = await standin.dispatch_interaction(
            standin.slash("move who", {"member": ORGANISER_ID}, user=MEMBER_ID)
        )
        assert (await record.first_response())["data"]["content"] == "Orga Niser"
        _, member = bot.calls[-1]
        assert isinstance(member, discord.Member)
        assert member.guild_permissions.manage_guild

        with pytest.raises(CommandNotVisibleError):
            standin.slash("organise announce", user=MEMBER_ID)
        record = await standin.dispatch_interaction(
            standin.slash("organise announce", user=ORGANISER_ID)
        )
        assert (await record.first_response())["data"]["content"] == "Announced"


@pytest.mark.asyncio
async def test_deferred_response_then_edit_of_original_ends_as_the_edited_message() -> None:
    async with running_bot() as (standin, _bot):
        record = await standin.dispatch_interaction(standin.slash("move status", user=MEMBER_ID))
        assert (await record.first_response())["type"] == 5
        await standin.wait_for(
            lambda: record.original_message is not None and not record.original_message.loading,
            what="the deferred message to be edited",
        )
        message = record.original_message
        assert message is not None
        assert message.content == "All 12 members moved"
        assert not message.ephemeral
        assert message.edited_timestamp is not None
        assert [m.content for m in standin.messages_in(GENERAL_ID)] == ["All 12 members moved"]
        assert message.history[0]["flags"] & 128  # it started as "is thinking…"


@pytest.mark.asyncio
async def test_button_click_on_a_view_message_reaches_the_view_callback() -> None:
    async with running_bot() as (standin, bot):
        channel = bot.get_channel(GENERAL_ID)
        sent = await channel.send("Ready to move?", view=Panel(bot.clicks))
        stored = standin.message(sent.id)
        assert stored.custom_ids == ["panel:confirm"]

        record = await standin.dispatch_interaction(
            standin.click(sent.id, "panel:confirm", user=MEMBER_ID)
        )
        body = await record.first_response()
        assert bot.clicks == [MEMBER_ID]
        assert body["type"] == 7
        assert stored.content == "confirmed"
        assert stored.components == []
        assert record.payload["message"]["id"] == str(sent.id)


@pytest.mark.asyncio
async def test_autocomplete_and_modal_submit_round_trip() -> None:
    async with running_bot() as (standin, bot):
        record = await standin.dispatch_interaction(
            standin.autocomplete("move server", {"name": "mas"}, focused="name", user=MEMBER_ID)
        )
        body = await record.first_response()
        assert body["type"] == 8
        assert [c["value"] for c in body["data"]["choices"]] == ["mastodon.social", "mas.to"]

        opened = await standin.dispatch_interaction(standin.slash("move handle", user=MEMBER_ID))
        assert (await opened.first_response())["type"] == 9
        submitted = await standin.dispatch_interaction(
            standin.modal_submit(opened, {"handle": "@ana@new.example"})
        )
        assert (await submitted.first_response())["data"]["content"] == "saved"
        assert bot.modal_values == ["@ana@new.example"]


@pytest.mark.asyncio
async def test_a_reply_after_the_deadline_gets_unknown_interaction() -> None:
    async with running_bot(interaction_deadline=0.2) as (standin, bot):
        record = await standin.dispatch_interaction(standin.slash("move late", user=MEMBER_ID))
        await record.first_response(timeout=5)
        await standin.wait_for(lambda: bool(bot.errors), what="the bot to see the error")

        assert record.first_status == 404
        assert record.response_latency is not None
        assert record.response_latency > 0.2
        error = bot.errors[0]
        assert isinstance(error, discord.NotFound)
        assert error.code == 10062
        assert standin.violations[-1].code == 10062
        fixture = DISCORD_FIXTURES / "error-unknown-interaction-10062.json"
        assert json.loads(fixture.read_text())["body"] == UNKNOWN_INTERACTION


@pytest.mark.asyncio
async def test_a_second_callback_is_already_acknowledged() -> None:
    async with running_bot() as (standin, _bot):
        record = await standin.dispatch_interaction(
            standin.slash("move link", {"old": "a", "new": "b"}, user=MEMBER_ID)
        )
        await record.first_response()
        url = f"{standin.api_base}/interactions/{record.id}/{record.token}/callback"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, json={"type": 4, "data": {"content": "again"}}) as answer,
        ):
            assert answer.status == 400
            assert (await answer.json())["code"] == 40060
        assert [a.status for a in record.callbacks] == [200, 400]


@pytest.mark.asyncio
async def test_forced_reconnect_resumes_and_the_client_stays_usable() -> None:
    async with running_bot() as (standin, bot):
        session = standin.session
        assert session is not None
        await standin.force_reconnect(timeout=10)

        assert standin.session is session
        assert session.resumes == 1
        assert standin.gateway.connections[-1].path == "/gateway-resume"
        record = await standin.dispatch_interaction(
            standin.slash("move link", {"old": "x", "new": "y"}, user=MEMBER_ID)
        )
        assert (await record.first_response())["data"]["content"] == "Linked x → y"
        assert bot.get_guild(GUILD_ID) is not None
        await standin.sync_client()
        assert [event["s"] for event in session.events] == list(range(1, session.seq + 1))
        assert bot.ws.sequence == session.seq


@pytest.mark.asyncio
async def test_events_sent_while_disconnected_are_replayed_on_resume() -> None:
    async with running_bot() as (standin, _bot):
        session = standin.session
        assert session is not None
        await standin.gateway.close_connection(session, 4000)
        record = await standin.dispatch_interaction(
            standin.slash("move link", {"old": "during", "new": "outage"}, user=MEMBER_ID)
        )
        body = await record.first_response(timeout=10)
        assert body["data"]["content"] == "Linked during → outage"
        assert session.resumes == 1


@pytest.mark.asyncio
async def test_dm_to_a_user_with_closed_dms_raises_forbidden_50007() -> None:
    async with running_bot() as (standin, bot):
        guild = bot.get_guild(GUILD_ID)
        closed = await guild.fetch_member(CLOSED_DMS_ID)
        with pytest.raises(discord.Forbidden) as caught:
            await closed.send("Your new server is ready")
        assert caught.value.code == 50007
        assert standin.dm_messages(CLOSED_DMS_ID) == []

        member = await guild.fetch_member(MEMBER_ID)
        await member.send("Your new server is ready")
        assert [m.content for m in standin.dm_messages(MEMBER_ID)] == ["Your new server is ready"]


@pytest.mark.asyncio
async def test_oversized_message_and_locked_channel_are_rejected_like_discord() -> None:
    async with running_bot() as (standin, bot):
        with pytest.raises(discord.HTTPException) as caught:
            await bot.get_channel(GENERAL_ID).send("x" * 2001)
        assert caught.value.status == 400
        assert caught.value.code == 50035
        assert standin.violations[-1].errors == {
            "content": {
                "_errors": [
                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
                ]
            }
        }
        with pytest.raises(discord.Forbidden) as locked:
            await bot.get_channel(LOCKED_ID).send("hello")
        assert locked.value.code == 50013
        assert standin.messages_in(GENERAL_ID) == []


@pytest.mark.asyncio
async def test_pins_use_the_new_route_and_injected_rate_limits_are_retried() -> None:
    async with running_bot() as (standin, bot):
        channel = bot.get_channel(GENERAL_ID)
        standin.rate_limit_next("/channels/*/messages", method="POST", retry_after=0.05)
        sent = await channel.send("Moving on Saturday")
        assert [r.status for r in standin.requests_to("POST", "/channels/*/messages")] == [429, 200]

        await sent.pin()
        assert standin.requests_to("PUT", f"/channels/{GENERAL_ID}/messages/pins/{sent.id}")
        assert standin.message(sent.id).pinned
        assert [m.type for m in standin.messages_in(GENERAL_ID)] == [0, 6]
        pinned = [m async for m in channel.pins()]
        assert [m.id for m in pinned] == [sent.id]


def test_point_discord_py_at_restores_the_previous_urls() -> None:
    before_base = discord.http.Route.BASE
    before_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    with point_discord_py_at("http://127.0.0.1:9/api/v10"):
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
    assert before_base == discord.http.Route.BASE
    assert before_gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
