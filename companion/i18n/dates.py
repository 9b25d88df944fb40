"""Dates and times as each language writes them, in the campaign's time zone (Babel)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time

from companion.i18n.catalog import current_language
from companion.i18n.languages import babel_locale_of

Width = Literal["short", "medium", "long", "full"]


def babel_locale(language: str | None = None) -> str:
    """The Babel locale that writes dates for ``language`` (default: the current one)."""
    return babel_locale_of(language or current_language())


def format_moment(
    moment: datetime, zone: tzinfo, *, width: Width = "long", language: str | None = None
) -> str:
    """``moment`` shown to a reader of ``language`` (default: the current one) in ``zone``."""
    return format_datetime(moment, format=width, tzinfo=zone, locale=babel_locale(language))


def format_day(day: date, *, width: Width = "long", language: str | None = None) -> str:
    """A calendar day ("2 October 2096", "2. Oktober 2096") for ``language``'s reader."""
    return format_date(day, format=width, locale=babel_locale(language))


def format_short_day(day: date, *, language: str | None = None) -> str:
    """A day in a list of days ("Thu 3 Dec", "Do., 3. Dez.", "jeu. 3 déc.")."""
    return format_skeleton("MMMEd", day, locale=babel_locale(language))


def format_month_day(day: date, *, language: str | None = None) -> str:
    """A day without its year, as on a chart's axis ("3 Dec", "3. Dez.", "3 déc.")."""
    return format_skeleton("MMMd", day, locale=babel_locale(language))


def format_clock(moment: datetime, zone: tzinfo, *, language: str | None = None) -> str:
    """The 24-hour clock time of ``moment`` in ``zone`` ("18:00")."""
    return format_time(moment, "HH:mm", tzinfo=zone, locale=babel_locale(language))


def format_brief(moment: datetime, zone: tzinfo, *, language: str | None = None) -> str:
    """``moment`` in few characters, with its weekday ("Sat, 6 Oct 2096, 08:00").

    For summaries that name a span of weeks: CLDR's abbreviated names and order
    ("Sa., 6. Okt. 2096, 08:00"; "sam. 6 oct. 2096, 08:00").
    """
    locale = babel_locale(language)
    day = format_skeleton("yMMMEd", moment, tzinfo=zone, locale=locale)
    clock = format_time(moment, "HH:mm", tzinfo=zone, locale=locale)
    return str(Locale.parse(locale).datetime_formats["medium"]).format(clock, day)


def format_numeric(moment: datetime, zone: tzinfo, *, language: str | None = None) -> str:
    """``moment`` in digits, as Discord's app dates a message ("06/10/2096 08:00")."""
    locale = babel_locale(language)
    day = format_skeleton("yMMdd", moment, tzinfo=zone, locale=locale)
    return f"{day} {format_time(moment, 'HH:mm', tzinfo=zone, locale=locale)}"
