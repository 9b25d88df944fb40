"""Community values for the guide, read from the same settings the bot uses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from companion.guide_build import phrases
from companion.guide_build.phrases import format_day, phrase
from companion.i18n.languages import DEFAULT_LANGUAGE
from companion.settings import EXAMPLE_VALUES_NOTE, Settings, example_deadline

EXAMPLE_OLD_SERVER = "old.example"
EXAMPLE_NEW_SERVER = "new.example"

# How long before and after the deadline each campaign milestone falls.
ANNOUNCE_BEFORE = timedelta(days=14)
KEEP_OLD_SERVER_AFTER = timedelta(days=90)


class PlaceholderError(Exception):
    """A page names a placeholder the guide does not know."""


@dataclass(frozen=True)
class CommunityValues:
    """What the guide prints about this community's move."""

    community: str
    old_server: str
    new_server: str
    deadline: datetime
    discord_invite: str | None
    guide_url: str
    is_example: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> CommunityValues:
        """Take the configured campaign, or clearly fictional values when there is none."""
        campaign = settings.campaign.to_campaign()
        invite = settings.campaign.discord_invite
        if campaign.is_configured:
            assert campaign.old_server
            assert campaign.new_server
            assert campaign.deadline
            return cls(
                community=campaign.community_name,
                old_server=campaign.old_server,
                new_server=campaign.new_server,
                deadline=campaign.deadline.astimezone(campaign.zone),
                discord_invite=invite,
                guide_url=campaign.guide_url,
                is_example=False,
            )
        return cls(
            community=campaign.community_name,
            old_server=campaign.old_server or EXAMPLE_OLD_SERVER,
            new_server=campaign.new_server or EXAMPLE_NEW_SERVER,
            deadline=(campaign.deadline or example_deadline()).astimezone(
                campaign.zone if campaign.deadline else ZoneInfo("UTC")
            ),
            discord_invite=invite,
            guide_url=campaign.guide_url,
            is_example=True,
        )

    @property
    def zone_name(self) -> str:
        """The deadline's time zone, e.g. ``Europe/Berlin``."""
        return str(self.deadline.tzinfo)


def format_deadline(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """Date, time and zone, with UTC alongside when the zone is not UTC."""
    zone = str(moment.tzinfo)
    text = phrase(
        language, "deadline", day=format_day(moment, language), time=f"{moment:%H:%M}", zone=zone
    )
    if moment.utcoffset() != timedelta(0):
        utc = moment.astimezone(ZoneInfo("UTC"))
        text += phrase(language, "deadline_utc", day=format_day(utc, language), time=f"{utc:%H:%M}")
    return text


def example_note(
    values: CommunityValues, short: bool = False, language: str = DEFAULT_LANGUAGE
) -> str:
    """An admonition that marks example values (folded when ``short``); empty when configured."""
    if not values.is_example:
        return ""
    marker = "???" if short else "!!!"
    body = phrase(
        language,
        "example_body",
        note=EXAMPLE_VALUES_NOTE,
        old=values.old_server,
        new=values.new_server,
        deadline=format_deadline(values.deadline, language),
        link="/organisers/running-the-bot.md",
    )
    return f'{marker} warning "{phrase(language, "example_title")}"\n\n    {body}\n'


def _site_link(values: CommunityValues, server: str, path: str) -> str:
    """A link to a page on a Mastodon server; plain text for example servers."""
    text = f"{server}{path}"
    if values.is_example:
        return f"`{text}`"
    return f"[{text}](https://{text}){{: .external }}"


def guide_root(guide_url: str, language: str) -> str:
    """The guide's address in ``language``: English at the base, ``…/de/`` for German."""
    base = guide_url if guide_url.endswith("/") else guide_url + "/"
    return base if language == DEFAULT_LANGUAGE else f"{base}{language}/"


def placeholders(
    values: CommunityValues, language: str = DEFAULT_LANGUAGE
) -> dict[str, Callable[[str], str]]:
    """Each placeholder name and how to render it (the argument is the text after the name).

    Dates and the build's own words are in ``language``; names and servers stay as set.
    """
    deadline = values.deadline

    def format_day(moment: datetime) -> str:
        return phrases.format_day(moment, language)

    def fixed(text: str) -> Callable[[str], str]:
        return lambda _arg: text

    discord = (
        f"[{phrase(language, 'discord_link')}]({values.discord_invite})"
        if values.discord_invite
        else phrase(language, "discord_plain")
    )
    return {
        "community": fixed(values.community),
        "old_server": fixed(values.old_server),
        "new_server": fixed(values.new_server),
        "deadline": fixed(format_deadline(deadline, language)),
        "deadline_day": fixed(format_day(deadline)),
        "deadline_time": fixed(f"{deadline:%H:%M}"),
        "timezone": fixed(values.zone_name),
        "deadline_iso": fixed(deadline.strftime("%Y-%m-%d")),
        "announce_day": fixed(format_day(deadline - ANNOUNCE_BEFORE)),
        "keep_until_day": fixed(format_day(deadline + KEEP_OLD_SERVER_AFTER)),
        "cooldown_end_day": fixed(format_day(deadline + timedelta(days=30))),
        "discord": fixed(discord),
        "guide_url": fixed(guide_root(values.guide_url, language)),
        "example_note": lambda arg: example_note(values, short=arg == "short", language=language),
        "day_offset": lambda days: format_day(deadline + timedelta(days=int(days))),
        "old_page": lambda path: _site_link(values, values.old_server, path),
        "new_page": lambda path: _site_link(values, values.new_server, path),
    }


_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)(?:\s+([^}\s]+))?\s*\}\}")


def render(markdown: str, table: dict[str, Callable[[str], str]], where: str) -> str:
    """Replace every ``{{ name }}`` / ``{{ name arg }}``; unknown names are an error."""

    def replace(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2) or ""
        if name not in table:
            raise PlaceholderError(f"{where}: unknown placeholder {{{{ {name} }}}}")
        return table[name](arg)

    return _PLACEHOLDER.sub(replace, markdown)
