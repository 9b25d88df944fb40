"""The shipped catalogs are complete, exact and in step with the code."""

from __future__ import annotations

import string

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from companion import catalogs
from companion.i18n import LANGUAGES, NP_, PluralText, gettext, ngettext, use_language
from companion.i18n.catalog import po_path, translations

TRANSLATED = [code for code in LANGUAGES if code != "en"]


def _catalog(language):
    with po_path(language).open("rb") as po_file:
        return read_po(po_file, locale=language)


def _fields(text: str) -> set[str]:
    """The ``str.format`` fields of a sentence, with their format specs."""
    return {
        f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None
    }


def test_the_template_holds_exactly_what_the_code_says():
    assert catalogs.template_is_current(), "run python -m companion.catalogs"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = _catalog(language)
    missing = [m.id for m in catalog if m.id and not all(_strings(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == []
    assert fuzzy == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_the_english_ones(language):
    wrong = []
    for message in _catalog(language):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[1]
        for translated in _strings(message):
            if _fields(translated) != _fields(english):
                wrong.append((english, translated))
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_sentences_have_every_form_the_language_needs(language):
    catalog = _catalog(language)
    forms = Locale.parse(language).plural_form
    needed = len({forms(n) for n in range(200)})
    for message in catalog:
        if message.id and message.pluralizable:
            assert len(message.string) == needed, message.id


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_a_reader_without_a_catalog_reads_english():
    with use_language("es"):
        assert gettext("Check again") == "Check again"


def test_plural_marker_gives_the_form_for_the_count():
    text = NP_("{count} member", "{count} members")
    assert isinstance(text, PluralText)
    assert ngettext(text, 1, "en").format(count=1) == "1 member"
    assert ngettext(text, 2, "en").format(count=2) == "2 members"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogs_compile(language):
    assert translations(language).info()["language"] == language
