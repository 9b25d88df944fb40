"""The languages the bot and the guide ship in, and how a reader's locale maps to one."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

DEFAULT_LANGUAGE = "en"

# Language code → the language's own name (what the guide's switcher and /campaign setup show).
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français"}


def negotiate(locale: str | None) -> str:
    """The shipped language for a locale such as Discord's ``de``, ``fr`` or ``en-GB``.

    Any locale without a catalog (``es-ES``, ``ja``, nonsense) falls back to English.
    """
    if not locale:
        return DEFAULT_LANGUAGE
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LANGUAGE
    return parsed.language if parsed.language in LANGUAGES else DEFAULT_LANGUAGE
