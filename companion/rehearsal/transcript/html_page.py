"""The transcript as one self-contained HTML page that reads like a Discord channel.

No fonts, scripts or images from elsewhere: embeds with colour bars, fields, buttons,
attachments, the progress chart inline, and ephemeral replies marked "Only you can see
this". The look is ``transcript.css`` beside this file, inlined into the page.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from datetime import datetime
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from companion.core.text import clean_line
from companion.i18n import _, current_language
from companion.i18n.dates import format_day, format_moment, format_numeric
from companion.standins.discord.models import iter_components

from .discord_markup import CHANNEL, ROLE, STAMP, USER, format_stamp
from .records import FileItem, Happening, Post, Transcript

if TYPE_CHECKING:
    from companion.rehearsal.world import CampaignPlan

BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}
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

        text = STAMP.sub(stamp, text)
        text = CHANNEL.sub(
            lambda m: stash.keep(
                f'<span class="mention">#{esc(t.channel_name(int(m.group(1))))}</span>'
            ),
            text,
        )
        text = ROLE.sub(
            lambda m: stash.keep(
                f'<span class="mention">@{esc(t.role_name(int(m.group(1))))}</span>'
            ),
            text,
        )
        text = USER.sub(
            lambda m: stash.keep(
                f'<span class="mention">@{esc(t.user_name(int(m.group(1))))}</span>'
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
            day_name = esc(format_day(day, width="full"))
            parts.append(f'<div class="day"><span>{day_name}</span></div>')
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
    jump_to = esc(_("Jump to"))
    title = _("{community}: rehearsal transcript").format(
        community=clean_line(transcript.community)
    )
    return HTML_PAGE.format(
        title=esc(title),
        css=CSS,
        heading=esc(
            _("{community} · rehearsal").format(community=clean_line(transcript.community))
        ),
        intro=esc(
            _(
                "A simulated campaign from {old} to {new}, deadline {deadline} ({zone}). "
                "Everything the bot posted or replied, in order; all times are simulated, in "
                "the campaign's time zone."
            ).format(
                old=plan.old_server,
                new=plan.new_server,
                deadline=format_moment(deadline, zone, width="full"),
                zone=plan.timezone,
            )
        ),
        facts=f"<dl>{facts}</dl>" if facts else "",
        contents=f"<nav><h2>{jump_to}</h2><ol>{contents}</ol></nav>" if contents else "",
        language=current_language(),
        body="\n".join(parts),
    )


def _html_post(post: Post, transcript: Transcript, text: HtmlText, local: datetime) -> str:
    esc = html.escape
    bot = esc(transcript.bot_name)
    anchor = f' id="{esc(post.anchor)}"' if post.anchor else ""
    where = esc(
        post.channel
        if post.dm_to is None
        else _("Direct message to {member}").format(member=post.dm_to)
    )
    if post.compact:
        first = next((line for line in post.content.split("\n") if line.strip()), "")
        edited_a_message = esc(_("{bot} edited a message:").format(bot=transcript.bot_name))
        return (
            f'<div class="compact"{anchor}><span class="time">{local:%H:%M}</span> '
            f'<span class="where">{where}</span> {edited_a_message} '
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
        verb = _("Updated after") if post.edit else ""
        out.append(
            f'<div class="reply"><span class="mini" style="--h:{_hue(post.actor)}">'
            f"{esc(_initials(post.actor))}</span>{esc(verb)} "
            f"<strong>{esc(clean_line(post.actor, 60))}</strong> {_html_action(post)}</div>"
        )
    elif post.edit:
        edited_this = esc(_("{bot} edited this message").format(bot=transcript.bot_name))
        out.append(f'<div class="reply">{edited_this}</div>')
    out.append('<div class="avatar bot">MC</div><div class="body">')
    badges = '<span class="app">APP</span>'
    pinned_word, edited_word = esc(_("pinned")), esc(_("edited"))
    pinned = f'<span class="pin">📌 {pinned_word}</span>' if post.pinned else ""
    edited = f'<span class="edited-mark">({edited_word})</span>' if post.edit else ""
    out.append(
        f'<div class="head"><span class="name">{bot}</span>{badges}'
        f'<span class="time">{esc(format_numeric(post.when, transcript.zone))}</span>'
        f'<span class="where">{where}</span>'
        f"{pinned}{edited}</div>"
    )
    if post.content:
        out.append(f'<div class="content">{text.render(post.content, post.when)}</div>')
    images = {f.filename: f for f in post.files if f.image}
    for embed in post.embeds:
        out.append(_html_embed(embed, text, post.when, images))
    for item in post.loose_files:
        out.append(_html_file(item))
    rows = [c for c in post.components if c.get("type") == 1]
    for row in rows:
        buttons = [_html_button(c, text) for c in iter_components([row]) if c.get("type") == 2]
        out.append(f'<div class="buttons">{"".join(buttons)}</div>')
    if post.ephemeral:
        shown_to = _("shown to {member}").format(member=clean_line(post.viewer or "", 60))
        viewer = f" ({esc(shown_to)})" if post.viewer else ""
        only_you, dismiss = esc(_("Only you can see this")), esc(_("Dismiss message"))
        out.append(
            f'<div class="only-you">👁 {only_you} · <u>{dismiss}</u>'
            f"<span class='viewer'>{viewer}</span></div>"
        )
    out.append("</div></article>")
    return "".join(out)


def _html_action(post: Post) -> str:
    action = html.escape(post.action or "")
    if post.clicked:
        return html.escape(_("clicked {button}")).format(
            button=f'<span class="btn-ref">{action}</span>'
        )
    return html.escape(_("used {command}")).format(command=f'<span class="cmd">{action}</span>')


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
        f'<div class="file-size">{esc(item.size_text)}</div></div></div>'
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
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header>
<h1><span class="hash">#</span> {heading}</h1>
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

# The page's look, kept as a stylesheet so it can be read and edited as CSS.
CSS = (files(__package__) / "transcript.css").read_text(encoding="utf-8")
