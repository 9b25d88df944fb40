"""Message catalogs: Babel-compiled gettext, looked up in the reader's language.

Catalogs are the ``.po`` files themselves, compiled in memory when first used, so a
translator's edit needs no build step and no binary file is kept in the repository.
The language is a context variable: set once where a reader is known (an interaction, a
channel post), it holds for everything that task says, across awaits.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import io
import string
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, NamedTuple

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from companion.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, babel_locale_of

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


class PluralText(NamedTuple):
    """A sentence with a count, as English writes it for one and for many."""

    singular: str
    plural: str


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    """Mark ``message`` for extraction; it is translated later, where it is shown."""
    return message


def NP_(singular: str, plural: str) -> PluralText:  # noqa: N802
    """Mark a sentence with a count for extraction (gettext plural forms)."""
    return PluralText(singular, plural)


def po_path(language: str) -> Path:
    """Where the catalog of ``language`` lives."""
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (English is the message ids themselves)."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return _gettext.NullTranslations()
    path = po_path(language)
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def current_language() -> str:
    """The language of whoever reads what this task says now."""
    return _language.get()


def set_language(language: str) -> None:
    """Speak ``language`` for the rest of this task (an interaction's handler)."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@contextlib.contextmanager
def use_language(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block (channel posts in the campaign's language)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


class _NumberFormatter(string.Formatter):
    """``{count:,}`` and ``{share:.0%}`` as the language writes them (1.234 and 42 % in German)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if format_spec == ",":
                return format_decimal(value, locale=self.locale)
            if format_spec == ".0%":
                return format_percent(value, locale=self.locale)
        return super().format_field(value, format_spec)


class Message(str):
    """A sentence in one language: its ``format`` writes numbers as that language does."""

    language: str

    def __new__(cls, text: str, language: str) -> Message:
        """The text, remembering the language it is written in."""
        message = super().__new__(cls, text)
        message.language = language
        return message

    def format(self, *args: Any, **kwargs: Any) -> str:
        """``str.format``, with the language's digit grouping and percent sign."""
        return _NumberFormatter(babel_locale_of(self.language)).vformat(str(self), args, kwargs)


def gettext(message: str, language: str | None = None) -> str:
    """``message`` in ``language`` (default: the current one), English when untranslated."""
    language = language or _language.get()
    return Message(translations(language).gettext(message), language)


def ngettext(text: PluralText, count: int, language: str | None = None) -> str:
    """The form of ``text`` that fits ``count`` in the language's plural rules."""
    language = language or _language.get()
    chosen = translations(language).ngettext(text.singular, text.plural, count)
    return Message(chosen, language)


_ = gettext
