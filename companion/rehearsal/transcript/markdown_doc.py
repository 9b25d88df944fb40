"""The transcript as a Markdown document (images beside it in ``attachments/``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from companion.core.text import escape_markdown_file
from companion.i18n import _
from companion.i18n.dates import format_day, format_moment
from companion.standins.discord.models import iter_components

from .discord_markup import CHANNEL, ROLE, STAMP, USER, format_stamp
from .records import Happening, Post, Transcript

if TYPE_CHECKING:
    from companion.rehearsal.world import CampaignPlan


class MarkdownText:
    """Discord text for a Markdown file: tags and mentions written out, the rest kept."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript

    def render(self, text: str, now: datetime) -> str:
        """Timestamps as dates, mentions as names (escaped), everything else as Discord has it."""
        t = self.transcript
        text = STAMP.sub(
            lambda m: format_stamp(int(m.group(1)), m.group(2) or "f", t.zone, now), text
        )
        text = CHANNEL.sub(
            lambda m: "#" + escape_markdown_file(t.channel_name(int(m.group(1)))), text
        )
        text = ROLE.sub(lambda m: "@" + escape_markdown_file(t.role_name(int(m.group(1)))), text)
        return USER.sub(lambda m: "@" + escape_markdown_file(t.user_name(int(m.group(1)))), text)


def render_markdown(transcript: Transcript, plan: CampaignPlan) -> str:
    """The whole transcript as a Markdown document."""
    zone = transcript.zone
    md = MarkdownText(transcript)
    name = escape_markdown_file(transcript.community)
    deadline = plan.deadline.astimezone(zone)
    lines = [
        "# " + _("{community}: rehearsal transcript").format(community=name),
        "",
        _(
            "A simulated campaign from {old} to {new}, deadline {deadline} ({zone}). "
            "Everything the bot posted or replied, in order; all times are simulated, in the "
            "campaign's time zone. 🐘 lines are what members did on their Mastodon servers."
        ).format(
            old=f"`{plan.old_server}`",
            new=f"`{plan.new_server}`",
            deadline=format_moment(deadline, zone, width="full"),
            zone=plan.timezone,
        ),
        "",
    ]
    for fact, value in transcript.facts:
        name = _("{name}:").format(name=fact)  # French writes "Membres :"
        lines.append(f"- **{_md_plain(name)}** {_md_plain(value)}")
    if transcript.facts:
        lines.append("")
    day = None
    for entry in transcript.entries:
        local = entry.when.astimezone(zone)
        if local.date() != day:
            day = local.date()
            lines += [f"## {format_day(local.date(), width='full')}", ""]
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
    where = (
        post.channel
        if post.dm_to is None
        else _("direct message to {member}").format(member=post.dm_to)
    )
    where = _md_plain(where)
    render: Callable[[str], str] = lambda value: md.render(value, post.when)  # noqa: E731
    if post.compact:
        first = next((line for line in post.content.split("\n") if line.strip()), "")
        edited = _("{bot} edited a message:").format(bot=bot)
        return [f"✎ *{local:%H:%M}* · {where} · {edited} {render(first)}", ""]
    head = f"**{local:%H:%M}** · {where} · **{bot}** `APP`"
    if post.pinned:
        head += " · 📌 " + _("pinned")
    if post.edit:
        head += " · *(" + _("edited") + ")*"
    if post.ephemeral:
        viewer = f" ({escape_markdown_file(post.viewer)})" if post.viewer else ""
        head += " · 👁 *" + _("only you can see this") + f"*{viewer}"
    out = []
    if post.anchor:
        out.append(f'<a id="{post.anchor}"></a>')
    if post.actor and post.action:
        verb = _("updated after") + " " if post.edit else ""
        action = (post.action or "").replace("`", "'")
        did = (
            _("clicked {button}").format(button=f"**{_md_plain(action)}**")
            if post.clicked
            else _("used {command}").format(command=f"`{action}`")
        )
        out.append(f"↱ {verb}**{escape_markdown_file(post.actor)}** {did}  ")
    out.append(head + "  ")
    if post.content:
        out += [render(line) + "  " for line in post.content.split("\n")]
    for embed in post.embeds:
        out.append("")
        out += _markdown_embed(embed, render, post)
    for item in post.loose_files:
        if item.image:
            out.append(f"![{item.filename}](attachments/{post.message_id}-{item.filename})")
        else:
            out.append(f"📎 [{item.filename}](exports/{item.filename}) ({item.size_text})")
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
