"""The shipped catalogs are complete, exact and in step with the code."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

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


def test_french_punctuation_keeps_its_space_unbreakable():
    """French sets a space before : ; ? ! and inside « »; a plain one lets Discord wrap the
    sign onto a line of its own, so the catalog uses a no-break space there."""
    loose = [
        translated
        for message in _catalog("fr")
        if message.id
        for translated in _strings(message)
        if re.search(r"\S [:;?!»]|« ", translated)
    ]
    assert loose == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_sentences_have_every_form_the_language_needs(language):
    catalog = _catalog(language)
    # The catalog's own Plural-Forms header (Babel's CLDR rules): French has three forms,
    # the second for millions ("1 000 000 de membres"), which no small count shows.
    needed = catalog.num_plurals
    assert needed == len(Locale.parse(language).plural_form.tags) + 1
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


# -- Mastodon's own labels, and commands by their localised names -------------------------
LABELS_FILE = Path(catalogs.PACKAGE_DIR) / "i18n" / "mastodon_labels.json"
# A label is quoted “like this”, "like this" or **like this** in the English sentences.
_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|\*\*([^*]+)\*\*")
_MENTION = re.compile(r"`(/[^`]+)`")


def _mastodon_labels(language: str) -> dict[str, set[str]]:
    """Mastodon's English label → its own strings in ``language`` (a label may have several
    keys, e.g. "Lists" in the navigation and in the import types)."""
    entries = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for entry in entries.values():
        found.setdefault(entry["en"], set()).add(entry[language])
    return found


def _english_forms(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _quoted(text: str) -> set[str]:
    return {next(group for group in match.groups() if group) for match in _QUOTED.finditer(text)}


def test_the_label_pattern_finds_each_way_of_quoting():
    text = 'open “Move to a different account”, choose "Following list" and **Confirm**'
    assert _quoted(text) == {"Move to a different account", "Following list", "Confirm"}


@pytest.mark.parametrize("language", TRANSLATED)
def test_quoted_mastodon_labels_are_mastodons_own_strings(language):
    labels = _mastodon_labels(language)
    checked, wrong = 0, []
    for message in _catalog(language):
        if not message.id:
            continue
        quoted = {label for english in _english_forms(message) for label in _quoted(english)}
        for label in quoted & set(labels):
            checked += 1
            for translated in _strings(message):
                if not any(own in translated for own in labels[label]):
                    wrong.append((label, sorted(labels[label]), translated))
    assert checked > 0  # the bot quotes Mastodon's labels: "Move followers", "Merge", ...
    assert wrong == []


def _localised_commands(language: str) -> dict[str, dict[str, set[str]]]:
    """``/group command`` as a client of ``language`` types them, with each command's
    localised option names (``kanal``) and choice names (``aus``, or the English value)."""
    from companion.bot.commands import command_groups, walk_commands
    from companion.bot.translator import NAME_CONTEXT

    catalog = translations(language)

    def name(english: str) -> str:
        return catalog.pgettext(NAME_CONTEXT, english)

    paths: dict[str, dict[str, set[str]]] = {}
    for group in command_groups():
        paths[f"/{name(group.name)}"] = {"options": set(), "choices": set()}
        for command in walk_commands(group):
            options = {name(param.name) for param in command.parameters}
            choices = {
                word
                for param in command.parameters
                for choice in param.choices
                for word in (catalog.gettext(choice.name), str(choice.value))
            }
            paths[f"/{name(group.name)} {name(command.name)}"] = {
                "options": options,
                "choices": choices,
            }
    return paths


def _unknown_mentions(text: str, commands: dict[str, dict[str, set[str]]]) -> list[str]:
    unknown = []
    for mention in _MENTION.findall(text):
        words = mention.split()
        path = " ".join(words[:2])
        if path not in commands:
            unknown.append(mention)
            continue
        for word in words[2:]:
            option, colon, _value = word.partition(":")
            # "kanal:" names an option; a bare word is a choice ("aus") or a flag ("jetzt").
            known = commands[path]["options"] | (set() if colon else commands[path]["choices"])
            if option not in known:
                unknown.append(mention)
    return unknown


def test_english_mentions_name_real_commands():
    """The check itself, on the English sentences: every `/move …` names a real command."""
    commands = _localised_commands("en")
    unknown = [
        (english, _unknown_mentions(english, commands))
        for message in catalogs.extracted_template()
        if message.id
        for english in _english_forms(message)
        if _unknown_mentions(english, commands)
    ]
    assert unknown == []
    assert _unknown_mentions("`/move umzug`", commands) == ["/move umzug"]
    assert _unknown_mentions("`/campaign setup kanal:`", commands) == ["/campaign setup kanal:"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_translated_mentions_name_the_localised_commands(language):
    """German says "`/umzug verknüpfen`": what a German Discord app shows and accepts."""
    commands = _localised_commands(language)
    unknown = [
        (translated, _unknown_mentions(translated, commands))
        for message in _catalog(language)
        if message.id
        for translated in _strings(message)
        if translated and _unknown_mentions(translated, commands)
    ]
    assert unknown == []
