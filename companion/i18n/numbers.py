"""Numbers as each language writes them ("100,000" / "100.000" / "100 000", "0.52" / "0,52").

Sentences from the catalog format ``{count:,}`` and ``{share:.0%}`` this way by themselves
(:class:`companion.i18n.catalog.Message`); these helpers are for numbers shown outside one.
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from companion.i18n.dates import babel_locale


def format_number(value: float, *, decimals: int = 0, language: str | None = None) -> str:
    """``value`` with the language's digit grouping and decimal sign (default: the current one)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale(language))


def format_count(count: int, language: str | None = None) -> str:
    """A count ("1,234", "1.234", "1 234") as the language writes it."""
    return format_number(count, language=language)


def format_share(share: float, language: str | None = None) -> str:
    """A share of members ("42%", "42 %") as the language writes it."""
    return format_percent(share, locale=babel_locale(language))
