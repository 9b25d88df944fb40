"""Discord's markup both renderings share: ``<t:…>`` timestamps and mention tags."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, format_timedelta

from companion.i18n import DEFAULT_LANGUAGE, current_language
from companion.i18n.dates import babel_locale


def format_stamp(unix: int, style: str, zone: ZoneInfo, now: datetime) -> str:
    """A Discord ``<t:…>`` tag as a reader in the campaign's time zone would see it."""
    moment = datetime.fromtimestamp(unix, zone)
    language = current_language()
    if style == "R" and language != DEFAULT_LANGUAGE:
        return format_timedelta(
            moment - now, add_direction=True, threshold=1, locale=babel_locale(language)
        )
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
    if language != DEFAULT_LANGUAGE:  # as a Discord app set to that language writes it
        widths = {"t": "short", "T": "medium", "d": "short", "D": "long", "f": "long"}
        if style in {"t", "T"}:
            return format_time(moment, widths[style], locale=babel_locale(language))
        if style in {"d", "D"}:
            return format_date(moment.date(), widths[style], locale=babel_locale(language))
        width: Literal["long", "full"] = "full" if style == "F" else "long"
        return format_datetime(moment, width, tzinfo=zone, locale=babel_locale(language))
    return moment.strftime(formats.get(style, formats["f"]))


STAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
CHANNEL = re.compile(r"<#(\d+)>")
USER = re.compile(r"<@!?(\d+)>")
ROLE = re.compile(r"<@&(\d+)>")
