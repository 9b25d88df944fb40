"""Dates and times as each language writes them, in the campaign's time zone (Babel)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from babel.dates import format_datetime

from companion.i18n.catalog import current_language

Width = Literal["short", "medium", "long", "full"]


def format_moment(
    moment: datetime, zone: tzinfo, *, width: Width = "long", language: str | None = None
) -> str:
    """``moment`` shown to a reader of ``language`` (default: the current one) in ``zone``."""
    return format_datetime(moment, format=width, tzinfo=zone, locale=language or current_language())
