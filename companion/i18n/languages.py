"""The languages the bot and the guide ship in, and how a reader's locale maps to one."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

DEFAULT_LANGUAGE = "en"

# Language code → the language's own name (what the guide's switcher and /campaign setup show).
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français"}

# The Babel locale that writes a language's dates and numbers. The bot's English is
# British ("organiser"): its dates read "2 October 2096" too.
_BABEL_LOCALES = {"en": "en_GB"}


def babel_locale_of(language: str) -> str:
    """The Babel locale for ``language``'s dates and numbers."""
    return _BABEL_LOCALES.get(language, language)


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
