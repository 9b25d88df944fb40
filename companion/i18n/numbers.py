"""Numbers as each language writes them ("100,000" / "100.000" / "100 000", "0.52" / "0,52")."""

from __future__ import annotations

from babel.numbers import format_decimal

from companion.i18n.dates import babel_locale


def format_number(value: float, *, decimals: int = 0, language: str | None = None) -> str:
    """``value`` with the language's digit grouping and decimal sign (default: the current one)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale(language))
