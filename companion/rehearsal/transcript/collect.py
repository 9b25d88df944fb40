"""Collecting the transcript from the Discord stand-in's records and the driver's log.

Every message the bot sent, with each of its versions (a deferred reply is dated when its
answer replaced "thinking…"), who used the command or clicked the button that changed it,
and what people did on Mastodon, in simulated time.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from companion import texts
from companion.core.text import clean_line, escape_markdown
from companion.i18n import _
from companion.standins.discord.models import MessageFlag

from .records import FileItem, Happening, Post, Transcript

if TYPE_CHECKING:
    from companion.rehearsal.community import Persona
    from companion.rehearsal.driver import Action, Driver
    from companion.rehearsal.world import World

_LOADING = int(MessageFlag.LOADING)
_EPHEMERAL = int(MessageFlag.EPHEMERAL)


def collect_transcript(world: World, driver: Driver, personas: list[Persona]) -> Transcript:
    """Everything the bot sent, every version of it, and what people did, by time."""
    stand = world.discord.world
    bot_id = str(stand.bot.id)
    campaign = world.settings.campaign
    transcript = Transcript(
        community=campaign.community_name,
        timezone=campaign.timezone,
        bot_name=stand.bot.username,
    )
    for member in world.guild.members:
        transcript.users[member.id] = member.global_name or member.username
    transcript.users[stand.bot.id] = stand.bot.username
    for channel in world.guild.channels:
        transcript.channels[channel.id] = channel.name
    for role in stand.guild_roles(world.guild.id):
        transcript.roles[role.id] = role.name
    dm_users = {stand.dm_channel_id(p.spec.id): p.name for p in personas}
    by_interaction = {a.interaction_id: a for a in driver.actions if a.interaction_id}
    clicks = [a for a in driver.actions if a.kind == "click" and a.interaction_id]
    roster_heading = (
        _(texts.ROSTER_POST_TITLE)
        .split("{count}")[0]
        .format(community=escape_markdown(campaign.community_name))
    )
    clock = world.clock
    answered = _first_webhook_calls(world)
    for message_id in stand.message_order:
        message = stand.messages[message_id]
        if message.author.get("id") != bot_id or message.type == 6:
            continue
        every = [*message.history, stand.message_payload(message)]
        versions = [v for v in every if not int(v.get("flags") or 0) & _LOADING]
        deferred = len(versions) < len(every)
        record = stand.interactions.get(message.interaction_id or 0)
        if not versions:
            continue
        uploads = {f.filename: f for f in message.files}
        channel_name = transcript.channels.get(message.channel_id)
        dm_to = dm_users.get(message.channel_id)
        invoked = by_interaction.get(message.interaction_id or 0)
        interactive = message.via in ("interaction_response", "followup")
        for index, version in enumerate(versions):
            stamp = (version.get("edited_timestamp") if index else None) or version["timestamp"]
            wall = datetime.fromisoformat(stamp).timestamp()
            when = clock.at_wall(wall)
            if index == 0 and deferred and record is not None and record.token in answered:
                # A deferred reply shows "thinking…" until the answer replaces it.
                when = clock.at_monotonic(answered[record.token])
            post = Post(
                when=when,
                message_id=message.id,
                channel=f"#{channel_name}" if channel_name else _("Direct message"),
                ephemeral=bool(int(version.get("flags") or 0) & _EPHEMERAL),
                content=str(version.get("content") or ""),
                embeds=list(version.get("embeds") or []),
                components=list(version.get("components") or []),
                files=[_file(a, uploads) for a in version.get("attachments") or []],
                dm_to=dm_to,
                edit=index > 0,
                edits=len(versions) - 1,
                pinned=message.pinned and index == 0,
            )
            if invoked is not None:
                post.actor, post.action = invoked.actor, invoked.text
                post.clicked = invoked.kind == "click"
                if post.ephemeral:
                    post.viewer = invoked.actor
            if index > 0 and interactive:
                click = _click_before(clicks, stand, message.id, wall)
                if click is not None:
                    post.actor, post.action, post.clicked = click.actor, click.text, True
            if index > 0 and not interactive and index < len(versions) - 1:
                post.compact = True
            _label(post, roster_heading, message.channel_id == world.announcements_id)
            transcript.entries.append(post)
    for action in driver.actions:
        if action.kind in ("mastodon", "note"):
            when = clock.at_wall(action.wall)
            transcript.entries.append(Happening(when, action.actor, action.text))
    transcript.entries.sort(key=lambda entry: entry.when)
    _unique_anchors(transcript.posts)
    return transcript


def _first_webhook_calls(world: World) -> dict[str, float]:
    """Interaction token -> when the bot first used it after answering (monotonic seconds)."""
    found: dict[str, float] = {}
    for request in world.discord.requests:
        parts = request.path.split("/")
        if len(parts) > 3 and parts[1] == "webhooks":
            found.setdefault(parts[3], request.at)
    return found


def _file(attachment: dict[str, Any], uploads: dict[str, Any]) -> FileItem:
    name = str(attachment.get("filename") or "file")
    upload = uploads.get(name)
    content_type = str(attachment.get("content_type") or "")
    if not content_type or content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    data = upload.data if upload is not None and content_type.startswith("image/") else None
    return FileItem(name, content_type, int(attachment.get("size") or 0), data)


def _click_before(clicks: list[Action], stand: Any, message_id: int, wall: float) -> Action | None:
    """The latest click on this message before it changed (the click that changed it)."""
    found = None
    for click in clicks:
        record = stand.interactions.get(click.interaction_id)
        if record is None or record.original_message_id != message_id:
            continue
        if click.wall <= wall + 0.001:
            found = click
    return found


def _label(post: Post, roster_heading: str, in_announcements: bool) -> None:
    """Name the moments worth a link in the table of contents."""
    if post.compact:
        return
    title = str((post.embeds[0].get("title") if post.embeds else "") or "")
    if in_announcements and not post.ephemeral and title and not post.edit:
        post.anchor, post.label = "post", clean_line(title, 70)
    elif post.content.startswith(f"**{roster_heading}"):
        latest = post.edit or post.edits == 0
        post.anchor = "roster"
        post.label = _("Roster post, as it ended") if latest else _("Roster post, first version")
    elif any(f.filename == "progress.png" for f in post.files):
        post.anchor, post.label = "progress", _("Progress report and chart")
    elif post.files:
        names = ", ".join(f.filename for f in post.files)
        post.anchor, post.label = "export", _("Export: {files}").format(files=clean_line(names, 60))


def _unique_anchors(posts: Iterable[Post]) -> None:
    seen: dict[str, int] = {}
    for post in posts:
        if post.anchor is None:
            continue
        seen[post.anchor] = seen.get(post.anchor, 0) + 1
        post.anchor = f"{post.anchor}-{seen[post.anchor]}"


# --------------------------------------------------------------------------- shared text
