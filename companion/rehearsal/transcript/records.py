"""The transcript's records: the bot's posts (every version), what people did, the whole story."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from companion.i18n import N_, NP_, _, ngettext
from companion.i18n.numbers import format_number

# What a mention shows when its channel, member or role is not known (as Discord does).
UNKNOWN = N_("unknown")
UNKNOWN_ROLE = N_("unknown role")
# An attachment's size, as people read it.
SIZE_BYTES = NP_("{count} byte", "{count} bytes")
SIZE_KB = N_("{size} KB")
SIZE_MB = N_("{size} MB")


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

    @property
    def size_text(self) -> str:
        """The size as people read it: bytes, KB or MB (in the current language)."""
        if self.size >= 1024 * 1024:
            return _(SIZE_MB).format(size=format_number(self.size / 1024 / 1024, decimals=1))
        if self.size >= 1024:
            return _(SIZE_KB).format(size=format_number(self.size / 1024, decimals=1))
        return ngettext(SIZE_BYTES, self.size).format(count=format_number(self.size))


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

    @property
    def loose_files(self) -> list[FileItem]:
        """The files shown on their own: all but the images an embed already shows."""
        embedded = set()
        for embed in self.embeds:
            url = str((embed.get("image") or {}).get("url") or "")
            if url.startswith("attachment://"):
                embedded.add(url.removeprefix("attachment://"))
        return [f for f in self.files if not (f.image and f.filename in embedded)]


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

    def channel_name(self, channel_id: int) -> str:
        """A channel's name, as a ``<#id>`` mention shows it."""
        return self.channels.get(channel_id) or _(UNKNOWN)

    def user_name(self, user_id: int) -> str:
        """A person's name, as a ``<@id>`` mention shows it."""
        return self.users.get(user_id) or _(UNKNOWN)

    def role_name(self, role_id: int) -> str:
        """A role's name, as a ``<@&id>`` mention shows it."""
        return self.roles.get(role_id) or _(UNKNOWN_ROLE)

    @property
    def posts(self) -> list[Post]:
        """The bot's messages and their versions, in order."""
        return [e for e in self.entries if isinstance(e, Post)]

    def contents(self) -> list[tuple[str, str]]:
        """(anchor, label) of the moments worth jumping to."""
        return [(p.anchor, p.label) for p in self.posts if p.anchor and p.label]
