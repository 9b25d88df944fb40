"""Discord's markup both renderings share: ``<t:…>`` timestamps and mention tags."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo


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


STAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
CHANNEL = re.compile(r"<#(\d+)>")
USER = re.compile(r"<@!?(\d+)>")
ROLE = re.compile(r"<@&(\d+)>")
