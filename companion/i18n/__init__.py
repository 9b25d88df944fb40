"""Languages: which ones ship, which one each reader gets, and the translated text.

The bot's sentences live in ``companion/texts.py`` (and the core's text modules) as English
message ids marked with :func:`N_`/:func:`NP_`; Babel extracts them into
``companion/locales/messages.pot`` and translators fill one ``messages.po`` per language.
Code shows a sentence with :func:`_` (or :func:`ngettext` for counts) at the moment it is
sent, in the language of whoever reads it (:func:`use_language`).
"""

from companion.i18n.catalog import (
    N_,
    NP_,
    PluralText,
    _,
    current_language,
    gettext,
    ngettext,
    use_language,
)
from companion.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, negotiate
from companion.i18n.numbers import format_count, format_share

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "NP_",
    "N_",
    "PluralText",
    "_",
    "current_language",
    "format_count",
    "format_share",
    "gettext",
    "negotiate",
    "ngettext",
    "use_language",
]
