"""The transcript: everything the bot posted or replied, in order, as Markdown and HTML.

Built after the run from the Discord stand-in's records (every message with each of its
versions) and the driver's log of what people did. Times are simulated, in the campaign's
time zone. The HTML page is self-contained (no fonts, scripts or images from elsewhere)
and reads like a Discord channel: embeds with colour bars, fields, buttons, attachments,
the progress chart inline, and ephemeral replies marked "Only you can see this".
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from companion import texts
from companion.core.text import clean_line, escape_markdown, escape_markdown_file
from companion.standins.discord.models import MessageFlag, iter_components

if TYPE_CHECKING:
    from .community import Persona
    from .driver import Action, Driver
    from .world import CampaignPlan, World

BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}
_LOADING = int(MessageFlag.LOADING)
_EPHEMERAL = int(MessageFlag.EPHEMERAL)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class FileItem:
    """One attachment: its name and size; images keep their bytes to be shown inline."""

    filename: str
    content_type: str
    size: int
    data: bytes | None = None

    @property
    def image(self) -> bool:
        """Shown inline rather than as a download."""
        return self.content_type.startswith("image/") and self.data is not None


@dataclass
class Post:
    """One version of a bot message: as first posted, or as changed later."""

    when: datetime
    message_id: int
    channel: str
    ephemeral: bool
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    files: list[FileItem]
    viewer: str | None = None  # who sees an ephemeral reply
    dm_to: str | None = None  # recipient of a direct message
    actor: str | None = None  # who used the command or clicked
    action: str | None = None  # the command line used, or the label of the button clicked
    clicked: bool = False  # True: ``action`` is a button label
    edit: bool = False  # a later version of a message shown earlier
    compact: bool = False  # an intermediate version, shown in one line
    edits: int = 0  # how often the message changed in all
    pinned: bool = False
    anchor: str | None = None
    label: str | None = None  # name in the table of contents


@dataclass(frozen=True, slots=True)
class Happening:
    """Something a person did outside Discord (on a Mastodon server)."""

    when: datetime
    actor: str
    text: str


Entry = Post | Happening


@dataclass
class Transcript:
    """The whole story of a rehearsal, ready to be written as Markdown and HTML."""

    community: str
    timezone: str
    bot_name: str
    entries: list[Entry] = field(default_factory=list)
    users: dict[int, str] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        """The campaign's time zone (every time shown is in it)."""
        return ZoneInfo(self.timezone)

    @property
    def posts(self) -> list[Post]:
        """The bot's messages and their versions, in order."""
        return [e for e in self.entries if isinstance(e, Post)]

    def contents(self) -> list[tuple[str, str]]:
        """(anchor, label) of the moments worth jumping to."""
        return [(p.anchor, p.label) for p in self.posts if p.anchor and p.label]

    def write(
        self, output: Path, plan: CampaignPlan, *, link_guide: bool = False
    ) -> tuple[Path, Path]:
        """Write ``transcript.md`` (+ its images) and the self-contained ``transcript.html``."""
        images = output / "attachments"
        for post in self.posts:
            for item in post.files:
                if item.image and item.data is not None:
                    images.mkdir(parents=True, exist_ok=True)
                    (images / f"{post.message_id}-{item.filename}").write_bytes(item.data)
        md = output / "transcript.md"
        md.write_text(render_markdown(self, plan), encoding="utf-8")
        page = output / "transcript.html"
        page.write_text(render_html(self, plan, link_guide=link_guide), encoding="utf-8")
        return md, page


# --------------------------------------------------------------------------- collecting


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
    roster_heading = texts.ROSTER_POST_TITLE.split("{count}")[0].format(
        community=escape_markdown(campaign.community_name)
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
                channel=f"#{channel_name}" if channel_name else "Direct message",
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
        post.label = "Roster post, as it ended" if latest else "Roster post, first version"
    elif any(f.filename == "progress.png" for f in post.files):
        post.anchor, post.label = "progress", "Progress report and chart"
    elif post.files:
        names = ", ".join(f.filename for f in post.files)
        post.anchor, post.label = "export", f"Export: {clean_line(names, 60)}"


def _unique_anchors(posts: Iterable[Post]) -> None:
    seen: dict[str, int] = {}
    for post in posts:
        if post.anchor is None:
            continue
        seen[post.anchor] = seen.get(post.anchor, 0) + 1
        post.anchor = f"{post.anchor}-{seen[post.anchor]}"


# --------------------------------------------------------------------------- shared text


def format_stamp(unix: int, style: str, zone: ZoneInfo, now: datetime) -> str:
    """A Discord ``<t:…>`` tag as a reader in the campaign's time zone would see it."""
    moment = datetime.fromtimestamp(unix, zone)
    if style == "R":
        seconds = (moment - now).total_seconds()
        ahead = seconds >= 0
        seconds = abs(seconds)
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if seconds >= size:
                count = round(seconds / size)
                text = f"{count} {unit}{'s' if count != 1 else ''}"
                break
        else:
            text = "a few seconds"
        return f"in {text}" if ahead else f"{text} ago"
    formats = {
        "t": "%H:%M",
        "T": "%H:%M:%S",
        "d": "%d/%m/%Y",
        "D": "%-d %B %Y",
        "f": "%-d %B %Y %H:%M",
        "F": "%A, %-d %B %Y %H:%M",
    }
    return moment.strftime(formats.get(style, formats["f"]))


_STAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_CHANNEL = re.compile(r"<#(\d+)>")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CODE_BLOCK = re.compile(r"```(?:[A-Za-z0-9_+-]*\n)?(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([^\w\s])")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_URL = re.compile(r"https?://[^\s<>()\x00]+")
_EMPHASIS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\*\*(.+?)\*\*"), "<strong>", "</strong>"),
    (re.compile(r"__(.+?)__"), "<u>", "</u>"),
    (re.compile(r"\*(?!\s)(.+?)\*"), "<em>", "</em>"),
    (re.compile(r"(?<![\w])_(?!\s)(.+?)_(?![\w])"), "<em>", "</em>"),
    (re.compile(r"~~(.+?)~~"), "<s>", "</s>"),
    (re.compile(r"\|\|(.+?)\|\|"), '<span class="spoiler">', "</span>"),
]


def _wrapped_in(start: str, end: str) -> Callable[[re.Match[str]], str]:
    """A replacement putting the match's first group between ``start`` and ``end``."""
    return lambda match: f"{start}{match.group(1)}{end}"


class _Stash:
    """Pieces already rendered, replaced by numbered markers so later rules leave them alone."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def keep(self, rendered: str) -> str:
        self.items.append(rendered)
        return f"\x00{len(self.items) - 1}\x00"

    def restore(self, text: str) -> str:
        pattern = re.compile(r"\x00(\d+)\x00")
        while pattern.search(text):
            text = pattern.sub(lambda m: self.items[int(m.group(1))], text)
        return text


# --------------------------------------------------------------------------- HTML


class HtmlText:
    """Discord's message Markdown to HTML: emphasis, code, links, mentions and timestamps."""

    def __init__(self, transcript: Transcript, guide_url: str, *, link_guide: bool) -> None:
        self.transcript = transcript
        self.guide_url = guide_url
        self.link_guide = link_guide

    def href(self, url: str) -> str:
        """Links into the guide point at the guide built next to the transcript."""
        if self.link_guide and url.startswith(self.guide_url):
            rest = url[len(self.guide_url) :]
            path, _, anchor = rest.partition("#")
            if not path or path.endswith("/"):
                path += "index.html"
            elif "." not in path.rsplit("/", 1)[-1]:
                path += "/index.html"
            return "guide/" + path + (f"#{anchor}" if anchor else "")
        return url

    def render(self, text: str, now: datetime) -> str:
        """One message text (or embed description) as HTML."""
        stash = _Stash()
        esc = html.escape
        text = _CODE_BLOCK.sub(lambda m: stash.keep(f"<pre>{esc(m.group(1))}</pre>"), text)
        lines = []
        for line in text.split("\n"):
            lines.append(self._line(line, stash, now))
        return stash.restore("<br>".join(lines))

    def _line(self, line: str, stash: _Stash, now: datetime) -> str:
        css = None
        for prefix, cls in (("-# ", "subtext"), ("> ", "quote"), ("### ", "h3"), ("## ", "h2")):
            if line.startswith(prefix):
                line, css = line[len(prefix) :], cls
                break
        if line.startswith("# "):
            line, css = line[2:], "h1"
        rendered = self._inline(line, stash, now)
        return f'<span class="{css}">{rendered}</span>' if css else rendered

    def _inline(self, text: str, stash: _Stash, now: datetime) -> str:
        esc = html.escape
        t = self.transcript
        text = _CODE.sub(lambda m: stash.keep(f"<code>{esc(m.group(1))}</code>"), text)
        text = _ESCAPE.sub(lambda m: stash.keep(esc(m.group(1))), text)

        def stamp(match: re.Match[str]) -> str:
            shown = format_stamp(int(match.group(1)), match.group(2) or "f", t.zone, now)
            return stash.keep(f'<span class="stamp">{esc(shown)}</span>')

        text = _STAMP.sub(stamp, text)
        text = _CHANNEL.sub(
            lambda m: stash.keep(
                f'<span class="mention">#{esc(t.channels.get(int(m.group(1)), "unknown"))}</span>'
            ),
            text,
        )
        text = _ROLE.sub(
            lambda m: stash.keep(
                f'<span class="mention">@{esc(t.roles.get(int(m.group(1)), "role"))}</span>'
            ),
            text,
        )
        text = _USER.sub(
            lambda m: stash.keep(
                f'<span class="mention">@{esc(t.users.get(int(m.group(1)), "unknown"))}</span>'
            ),
            text,
        )
        text = _LINK.sub(
            lambda m: (
                stash.keep(f'<a href="{esc(self.href(m.group(2)))}">')
                + m.group(1)
                + stash.keep("</a>")
            ),
            text,
        )
        text = _URL.sub(
            lambda m: stash.keep(f'<a href="{esc(self.href(m.group(0)))}">{esc(m.group(0))}</a>'),
            text,
        )
        text = esc(text, quote=False)
        for pattern, start, end in _EMPHASIS:
            text = pattern.sub(_wrapped_in(start, end), text)
        return text


def _colour(embed: dict[str, Any]) -> str:
    value = embed.get("color")
    return f"#{int(value):06x}" if isinstance(value, int) else "#1e1f22"


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def _initials(name: str) -> str:
    letters = [ch for ch in clean_line(name) if ch.isalnum()]
    return (letters[0] if letters else "?").upper()


def _hue(name: str) -> int:
    return sum(ord(ch) for ch in name) * 47 % 360


def render_html(transcript: Transcript, plan: CampaignPlan, *, link_guide: bool = False) -> str:
    """The whole transcript as one self-contained HTML page (guide links to ``guide/``)."""
    esc = html.escape
    text = HtmlText(transcript, plan.guide_url, link_guide=link_guide)
    zone = transcript.zone
    parts: list[str] = []
    day = None
    for entry in transcript.entries:
        local = entry.when.astimezone(zone)
        if local.date() != day:
            day = local.date()
            parts.append(f'<div class="day"><span>{local:%A, %-d %B %Y}</span></div>')
        if isinstance(entry, Happening):
            parts.append(
                '<div class="happening"><span class="icon">🐘</span>'
                f'<span class="time">{local:%H:%M}</span> '
                f"<strong>{esc(clean_line(entry.actor, 60))}</strong> {esc(entry.text)}</div>"
            )
            continue
        parts.append(_html_post(entry, transcript, text, local))
    contents = "".join(
        f'<li><a href="#{esc(anchor)}">{esc(label)}</a></li>'
        for anchor, label in transcript.contents()
    )
    facts = "".join(
        f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in transcript.facts
    )
    deadline = plan.deadline.astimezone(zone)
    title = f"{clean_line(transcript.community)}: rehearsal transcript"
    return HTML_PAGE.format(
        title=esc(title),
        css=CSS,
        community=esc(clean_line(transcript.community)),
        intro=esc(
            f"A simulated campaign from {plan.old_server} to {plan.new_server}, deadline "
            f"{deadline:%A %-d %B %Y %H:%M} ({plan.timezone}). Everything the bot posted "
            "or replied, in order; all times are simulated, in the campaign's time zone."
        ),
        facts=f"<dl>{facts}</dl>" if facts else "",
        contents=f"<nav><h2>Jump to</h2><ol>{contents}</ol></nav>" if contents else "",
        body="\n".join(parts),
    )


def _html_post(post: Post, transcript: Transcript, text: HtmlText, local: datetime) -> str:
    esc = html.escape
    bot = esc(transcript.bot_name)
    anchor = f' id="{esc(post.anchor)}"' if post.anchor else ""
    where = esc(post.channel if post.dm_to is None else f"Direct message to {post.dm_to}")
    if post.compact:
        first = next((line for line in post.content.split("\n") if line.strip()), "")
        return (
            f'<div class="compact"{anchor}><span class="time">{local:%H:%M}</span> '
            f'<span class="where">{where}</span> {bot} edited a message: '
            f"{text.render(first, post.when)}</div>"
        )
    classes = ["msg"]
    if post.ephemeral:
        classes.append("ephemeral")
    if post.dm_to is not None:
        classes.append("dm")
    if post.edit:
        classes.append("edited")
    out = [f'<article class="{" ".join(classes)}"{anchor}>']
    if post.action and post.actor:
        verb = "Updated after" if post.edit else ""
        out.append(
            f'<div class="reply"><span class="mini" style="--h:{_hue(post.actor)}">'
            f"{esc(_initials(post.actor))}</span>{esc(verb)} "
            f"<strong>{esc(clean_line(post.actor, 60))}</strong> {_html_action(post)}</div>"
        )
    elif post.edit:
        out.append(f'<div class="reply">{bot} edited this message</div>')
    out.append('<div class="avatar bot">MC</div><div class="body">')
    badges = '<span class="app">APP</span>'
    pinned = '<span class="pin">📌 pinned</span>' if post.pinned else ""
    edited = '<span class="edited-mark">(edited)</span>' if post.edit else ""
    out.append(
        f'<div class="head"><span class="name">{bot}</span>{badges}'
        f'<span class="time">{local:%d/%m/%Y %H:%M}</span><span class="where">{where}</span>'
        f"{pinned}{edited}</div>"
    )
    if post.content:
        out.append(f'<div class="content">{text.render(post.content, post.when)}</div>')
    images = {f.filename: f for f in post.files if f.image}
    for embed in post.embeds:
        out.append(_html_embed(embed, text, post.when, images))
    for item in post.files:
        if item.image and item.filename in _embedded_images(post.embeds):
            continue
        out.append(_html_file(item))
    rows = [c for c in post.components if c.get("type") == 1]
    for row in rows:
        buttons = [_html_button(c, text) for c in iter_components([row]) if c.get("type") == 2]
        out.append(f'<div class="buttons">{"".join(buttons)}</div>')
    if post.ephemeral:
        viewer = f" (shown to {esc(clean_line(post.viewer, 60))})" if post.viewer else ""
        out.append(
            '<div class="only-you">👁 Only you can see this · <u>Dismiss message</u>'
            f"<span class='viewer'>{viewer}</span></div>"
        )
    out.append("</div></article>")
    return "".join(out)


def _html_action(post: Post) -> str:
    action = html.escape(post.action or "")
    if post.clicked:
        return f'clicked <span class="btn-ref">{action}</span>'
    return f'used <span class="cmd">{action}</span>'


def _embedded_images(embeds: list[dict[str, Any]]) -> set[str]:
    names = set()
    for embed in embeds:
        url = str((embed.get("image") or {}).get("url") or "")
        if url.startswith("attachment://"):
            names.add(url.removeprefix("attachment://"))
    return names


def _data_uri(item: FileItem) -> str:
    assert item.data is not None
    return f"data:{item.content_type};base64,{base64.b64encode(item.data).decode()}"


def _html_embed(
    embed: dict[str, Any], text: HtmlText, now: datetime, images: dict[str, FileItem]
) -> str:
    esc = html.escape
    out = [f'<div class="embed" style="border-left-color:{_colour(embed)}">']
    author = (embed.get("author") or {}).get("name")
    if author:
        out.append(f'<div class="e-author">{text.render(str(author), now)}</div>')
    if embed.get("title"):
        title = text.render(str(embed["title"]), now)
        if embed.get("url"):
            title = f'<a href="{esc(text.href(str(embed["url"])))}">{title}</a>'
        out.append(f'<div class="e-title">{title}</div>')
    if embed.get("description"):
        out.append(f'<div class="e-desc">{text.render(str(embed["description"]), now)}</div>')
    fields = embed.get("fields") or []
    if fields:
        out.append('<div class="e-fields">')
        for item in fields:
            cls = "e-field inline" if item.get("inline") else "e-field"
            name = str(item.get("name") or "")
            value = text.render(str(item.get("value") or ""), now)
            out.append(
                f'<div class="{cls}"><div class="e-fname">{text.render(name, now)}</div>'
                f'<div class="e-fvalue">{value}</div></div>'
            )
        out.append("</div>")
    url = str((embed.get("image") or {}).get("url") or "")
    if url.startswith("attachment://"):
        image = images.get(url.removeprefix("attachment://"))
        if image is not None:
            out.append(
                f'<img class="e-image" alt="{esc(image.filename)}" src="{_data_uri(image)}">'
            )
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        out.append(f'<div class="e-footer">{text.render(str(footer), now)}</div>')
    out.append("</div>")
    return "".join(out)


def _html_file(item: FileItem) -> str:
    esc = html.escape
    if item.image:
        return f'<img class="attachment-image" alt="{esc(item.filename)}" src="{_data_uri(item)}">'
    return (
        f'<div class="file"><span class="file-icon">📄</span><div>'
        f'<a href="exports/{esc(item.filename)}">{esc(item.filename)}</a>'
        f'<div class="file-size">{esc(_size(item.size))}</div></div></div>'
    )


def _html_button(component: dict[str, Any], text: HtmlText) -> str:
    esc = html.escape
    style = BUTTON_STYLES.get(int(component.get("style") or 2), "secondary")
    label = esc(str(component.get("label") or ""))
    disabled = " disabled" if component.get("disabled") else ""
    if style == "link":
        href = esc(text.href(str(component.get("url") or "")))
        return f'<a class="btn secondary{disabled}" href="{href}">{label} <span>↗</span></a>'
    return f'<span class="btn {style}{disabled}">{label}</span>'


HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header>
<h1><span class="hash">#</span> {community} · rehearsal</h1>
<p>{intro}</p>
{facts}
{contents}
</header>
<main>
{body}
</main>
</body>
</html>
"""

CSS = """
:root { color-scheme: dark; }
* { box-sizing: border-box; }
body { margin: 0; background: #313338; color: #dbdee1;
  font: 15px/1.375 "gg sans", "Noto Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; }
a { color: #00a8fc; text-decoration: none; }
a:hover { text-decoration: underline; }
header { background: #2b2d31; border-bottom: 1px solid #1f2023; padding: 16px 24px; }
header h1 { margin: 0 0 6px; font-size: 20px; color: #f2f3f5; }
header .hash { color: #80848e; }
header p { margin: 0 0 10px; color: #b5bac1; max-width: 60em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0;
  font-size: 14px; }
dt { color: #949ba4; } dd { margin: 0; color: #dbdee1; }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #949ba4;
  margin: 12px 0 4px; }
nav ol { margin: 0; padding-left: 20px; columns: 2; font-size: 14px; }
main { padding: 8px 0 40px; max-width: 1000px; }
.day { display: flex; align-items: center; margin: 20px 16px 8px; color: #949ba4;
  font-size: 12px; font-weight: 600; }
.day::before, .day::after { content: ""; flex: 1; border-top: 1px solid #3f4147; }
.day span { padding: 0 8px; }
.msg { position: relative; padding: 4px 48px 4px 72px; margin-top: 14px; min-height: 44px; }
.msg:hover { background: #2e3035; }
.msg.ephemeral { background: rgba(88, 101, 242, .07); }
.msg.dm { background: rgba(35, 165, 90, .06); }
.msg.edited { margin-top: 6px; }
.avatar { position: absolute; left: 16px; width: 40px; height: 40px; border-radius: 50%;
  display: flex; align-items: center; justify-content: center; font-size: 20px; }
.avatar.bot { background: #5865f2; color: #fff; font-weight: 700; font-size: 14px; }
.cmd { color: #c9cdfb; font-weight: 500; }
.btn-ref { background: #4e5058; color: #fff; border-radius: 3px; padding: 0 6px;
  font-size: 12px; }
.reply { position: relative; color: #b5bac1; font-size: 13px; margin: 0 0 4px -2px; }
.reply::before { content: ""; position: absolute; left: -38px; top: 9px; width: 30px;
  height: 10px; border-left: 2px solid #4e5058; border-top: 2px solid #4e5058;
  border-top-left-radius: 6px; }
.reply strong { color: #f2f3f5; font-weight: 600; }
.mini { display: inline-flex; width: 16px; height: 16px; border-radius: 50%; font-size: 10px;
  align-items: center; justify-content: center; color: #fff; vertical-align: -3px;
  background: hsl(var(--h), 45%, 45%); margin-right: 4px; }
.head { display: flex; align-items: baseline; flex-wrap: wrap; gap: 6px; }
.name { color: #f2f3f5; font-weight: 600; }
.app { background: #5865f2; color: #fff; font-size: 10px; font-weight: 700; padding: 1px 4px;
  border-radius: 3px; position: relative; top: -1px; }
.time { color: #949ba4; font-size: 12px; }
.where { color: #949ba4; font-size: 12px; background: #2b2d31; border-radius: 4px;
  padding: 0 6px; }
.pin, .edited-mark { color: #949ba4; font-size: 11px; }
.content { white-space: normal; overflow-wrap: anywhere; }
.content .quote, .e-desc .quote { border-left: 4px solid #4e5058; padding-left: 8px;
  display: inline-block; }
.subtext { color: #949ba4; font-size: 13px; }
.h1 { font-size: 22px; font-weight: 700; } .h2 { font-size: 19px; font-weight: 700; }
.h3 { font-size: 16px; font-weight: 700; }
code { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 0 3px;
  font: 13px/1.4 Consolas, "Andale Mono WT", Monaco, monospace; }
pre { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 8px;
  white-space: pre-wrap; font: 13px/1.4 Consolas, Monaco, monospace; margin: 4px 0; }
.mention { background: rgba(88, 101, 242, .3); color: #c9cdfb; border-radius: 3px;
  padding: 0 2px; font-weight: 500; }
.stamp { background: rgba(255, 255, 255, .06); border-radius: 3px; padding: 0 2px; }
.spoiler { background: #1e1f22; color: #1e1f22; border-radius: 3px; }
.embed { background: #2b2d31; border-left: 4px solid #1e1f22; border-radius: 4px;
  padding: 8px 16px 12px 12px; margin: 6px 0 2px; max-width: 520px; }
.e-author { font-size: 13px; font-weight: 600; color: #f2f3f5; margin-top: 4px; }
.e-title { font-weight: 600; color: #f2f3f5; margin-top: 4px; font-size: 16px; }
.e-desc { font-size: 14px; margin-top: 6px; overflow-wrap: anywhere; }
.e-fields { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin-top: 8px; }
.e-field { grid-column: 1 / -1; font-size: 14px; }
.e-field.inline { grid-column: auto; }
.e-fname { font-weight: 600; color: #f2f3f5; margin-bottom: 2px; }
.e-fvalue { overflow-wrap: anywhere; }
.e-image { display: block; max-width: 100%; border-radius: 4px; margin-top: 12px; }
.e-footer { font-size: 12px; color: #b5bac1; margin-top: 8px; }
.buttons { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 2px; }
.btn { display: inline-flex; align-items: center; gap: 4px; height: 32px; padding: 2px 16px;
  border-radius: 3px; font-size: 14px; font-weight: 500; color: #fff; cursor: default; }
.btn.primary { background: #5865f2; } .btn.secondary { background: #4e5058; }
.btn.success { background: #248046; } .btn.danger { background: #da373c; }
a.btn { color: #fff; text-decoration: none; } a.btn span { font-size: 12px; }
.btn.disabled { opacity: .5; }
.file { display: flex; gap: 10px; align-items: center; background: #2b2d31;
  border: 1px solid #1e1f22; border-radius: 8px; padding: 10px 12px; margin: 6px 0;
  max-width: 432px; }
.file-icon { font-size: 26px; } .file-size { color: #949ba4; font-size: 12px; }
.attachment-image { display: block; max-width: 400px; border-radius: 8px; margin: 6px 0; }
.only-you { color: #949ba4; font-size: 12px; margin-top: 4px; }
.only-you u { color: #00a8fc; text-decoration: none; }
.viewer { margin-left: 4px; }
.happening { margin: 6px 16px 6px 72px; padding: 2px 10px; color: #b5bac1; font-size: 13px;
  border-left: 2px solid #6364ff; background: rgba(99, 100, 255, .06); border-radius: 0 4px 4px 0; }
.happening .icon { margin-right: 6px; } .happening strong { color: #dbdee1; }
.compact { margin: 2px 16px 2px 72px; color: #949ba4; font-size: 12px; }
.compact strong { color: #b5bac1; }
"""


# --------------------------------------------------------------------------- Markdown


class MarkdownText:
    """Discord text for a Markdown file: tags and mentions written out, the rest kept."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript

    def render(self, text: str, now: datetime) -> str:
        """Timestamps as dates, mentions as names (escaped), everything else as Discord has it."""
        t = self.transcript
        text = _STAMP.sub(
            lambda m: format_stamp(int(m.group(1)), m.group(2) or "f", t.zone, now), text
        )
        text = _CHANNEL.sub(
            lambda m: "#" + escape_markdown_file(t.channels.get(int(m.group(1)), "unknown")), text
        )
        text = _ROLE.sub(
            lambda m: "@" + escape_markdown_file(t.roles.get(int(m.group(1)), "role")), text
        )
        return _USER.sub(
            lambda m: "@" + escape_markdown_file(t.users.get(int(m.group(1)), "unknown")), text
        )


def render_markdown(transcript: Transcript, plan: CampaignPlan) -> str:
    """The whole transcript as a Markdown document."""
    zone = transcript.zone
    md = MarkdownText(transcript)
    name = escape_markdown_file(transcript.community)
    deadline = plan.deadline.astimezone(zone)
    lines = [
        f"# {name}: rehearsal transcript",
        "",
        f"A simulated campaign from `{plan.old_server}` to `{plan.new_server}`, deadline "
        f"{deadline:%A %-d %B %Y %H:%M} ({plan.timezone}). Everything the bot posted or "
        "replied, in order; all times are simulated, in the campaign's time zone. "
        "🐘 lines are what members did on their Mastodon servers.",
        "",
    ]
    for fact, value in transcript.facts:
        lines.append(f"- **{_md_plain(fact)}:** {_md_plain(value)}")
    if transcript.facts:
        lines.append("")
    day = None
    for entry in transcript.entries:
        local = entry.when.astimezone(zone)
        if local.date() != day:
            day = local.date()
            lines += [f"## {local:%A, %-d %B %Y}", ""]
        if isinstance(entry, Happening):
            lines += [
                f"🐘 *{local:%H:%M}* · **{escape_markdown_file(entry.actor)}** "
                f"{_md_plain(entry.text)}",
                "",
            ]
            continue
        lines += _markdown_post(entry, transcript, md, local)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_post(
    post: Post, transcript: Transcript, md: MarkdownText, local: datetime
) -> list[str]:
    bot = escape_markdown_file(transcript.bot_name)
    where = post.channel if post.dm_to is None else f"direct message to {post.dm_to}"
    where = _md_plain(where)
    render: Callable[[str], str] = lambda value: md.render(value, post.when)  # noqa: E731
    if post.compact:
        first = next((line for line in post.content.split("\n") if line.strip()), "")
        return [f"✎ *{local:%H:%M}* · {where} · {bot} edited a message: {render(first)}", ""]
    head = f"**{local:%H:%M}** · {where} · **{bot}** `APP`"
    if post.pinned:
        head += " · 📌 pinned"
    if post.edit:
        head += " · *(edited)*"
    if post.ephemeral:
        viewer = f" ({escape_markdown_file(post.viewer)})" if post.viewer else ""
        head += f" · 👁 *only you can see this*{viewer}"
    out = []
    if post.anchor:
        out.append(f'<a id="{post.anchor}"></a>')
    if post.actor and post.action:
        verb = "updated after " if post.edit else ""
        action = (post.action or "").replace("`", "'")
        did = f"clicked **{_md_plain(action)}**" if post.clicked else f"used `{action}`"
        out.append(f"↱ {verb}**{escape_markdown_file(post.actor)}** {did}  ")
    out.append(head + "  ")
    if post.content:
        out += [render(line) + "  " for line in post.content.split("\n")]
    for embed in post.embeds:
        out.append("")
        out += _markdown_embed(embed, render, post)
    embedded = _embedded_images(post.embeds)
    for item in post.files:
        if item.image and item.filename in embedded:
            continue
        if item.image:
            out.append(f"![{item.filename}](attachments/{post.message_id}-{item.filename})")
        else:
            out.append(f"📎 [{item.filename}](exports/{item.filename}) ({_size(item.size)})")
    buttons = []
    for component in iter_components(post.components):
        if component.get("type") != 2:
            continue
        label = str(component.get("label") or "")
        if component.get("url"):
            buttons.append(f"[\\[{label} ↗\\]]({component['url']})")
        else:
            buttons.append(f"`[ {label} ]`")
    if buttons:
        out += ["", " ".join(buttons)]
    out.append("")
    return out


def _md_plain(text: str) -> str:
    """Our own text in Markdown: only what would start formatting, links or tags is escaped."""
    return re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)


def _markdown_embed(embed: dict[str, Any], render: Callable[[str], str], post: Post) -> list[str]:
    out = []
    if embed.get("title"):
        out.append(f"> **{render(str(embed['title']))}**")
    if embed.get("description"):
        out += [f"> {render(line)}" for line in str(embed["description"]).split("\n")]
    for item in embed.get("fields") or []:
        name = render(str(item.get("name") or "")).replace("\u200b", "").strip()
        value_lines = str(item.get("value") or "").split("\n")
        out.append(">")
        if name:
            out.append(f"> **{name}**  ")
        out += [f"> {render(line)}  " for line in value_lines]
    url = str((embed.get("image") or {}).get("url") or "")
    if url.startswith("attachment://"):
        out.append(">")
        filename = url.removeprefix("attachment://")
        out.append(f"> ![{filename}](attachments/{post.message_id}-{filename})")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        out += [">", f"> *{render(str(footer))}*"]
    return out
