"""The commands the bot synced stay within Discord's limits (tests/fixtures/discord/README.md).

Read back from the Discord stand-in after the real bot synced them at start-up, so what is
checked is exactly what Discord would receive.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from companion.bot.translator import NAME_CONTEXT
from companion.i18n.catalog import translations
from tests.bot.conftest import World

try:  # the third-party `regex` module knows \\p{sc=Deva}; the standard `re` does not
    import regex
except ImportError:  # pragma: no cover - depends on what is installed
    regex = None

NAME_PATTERN = r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$"
SUBCOMMAND, GROUP = 1, 2
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
MAX_COMMAND_SIZE = 8000
MAX_GLOBAL_CHAT_COMMANDS = 100


def valid_name(name: str) -> bool:
    """Discord's CHAT_INPUT naming rule, with `regex` when installed, else the same by hand."""
    if regex is not None:
        return regex.match(NAME_PATTERN, name) is not None
    return 1 <= len(name) <= 32 and all(
        ch in "-_'"
        or unicodedata.category(ch)[0] in "LN"
        or 0x0900 <= ord(ch) <= 0x097F  # Devanagari
        or 0x0E00 <= ord(ch) <= 0x0E7F  # Thai
        for ch in name
    )


def walk(command: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The command and every nested option, each with its path for messages."""
    yield "/" + command["name"], command
    stack = [("/" + command["name"], option) for option in command.get("options") or []]
    while stack:
        path, option = stack.pop()
        here = f"{path} {option['name']}"
        yield here, option
        stack.extend((here, child) for child in option.get("options") or [])


def size(command: dict[str, Any]) -> int:
    """Characters Discord counts: names, descriptions and choice values, all levels."""
    total = 0
    for _, item in walk(command):
        total += len(item["name"]) + len(item.get("description") or "")
        for choice in item.get("choices") or []:
            total += len(choice["name"]) + len(str(choice["value"]))
    return total


@pytest.fixture
def synced(world: World) -> list[dict[str, Any]]:
    """The chat-input commands as stored by the stand-in after the bot's sync."""
    commands = [c for c in world.discord.commands() if c.get("type", 1) == 1]
    assert {c["name"] for c in commands} == {"move", "campaign"}
    return commands


def test_the_name_rule_itself() -> None:
    assert valid_name("campaign")
    assert valid_name("mastodon-follows")
    assert valid_name("d'accord")
    assert valid_name("पहला")
    assert valid_name("ไทย")
    assert valid_name("zoë")
    assert not valid_name("")
    assert not valid_name("a" * 33)
    assert not valid_name("two words")
    assert not valid_name("slash/name")


def test_names_are_valid_and_lowercase(synced: list[dict[str, Any]]) -> None:
    for command in synced:
        for path, item in walk(command):
            name = item["name"]
            assert valid_name(name), path
            assert name == name.lower(), path


def test_descriptions_fit(synced: list[dict[str, Any]]) -> None:
    for command in synced:
        for path, item in walk(command):
            description = item.get("description") or ""
            assert 1 <= len(description) <= MAX_DESCRIPTION, (path, description)


def test_options_and_choices_fit(synced: list[dict[str, Any]]) -> None:
    for command in synced:
        for path, item in walk(command):
            options = item.get("options") or []
            assert len(options) <= MAX_OPTIONS, path
            choices = item.get("choices") or []
            assert len(choices) <= MAX_CHOICES, path
            for choice in choices:
                assert 1 <= len(choice["name"]) <= 100, (path, choice)
                if isinstance(choice["value"], str):
                    assert 1 <= len(choice["value"]) <= 100, (path, choice)


def test_required_options_come_first(synced: list[dict[str, Any]]) -> None:
    for command in synced:
        for path, item in walk(command):
            options = [o for o in item.get("options") or [] if o["type"] not in (SUBCOMMAND, GROUP)]
            flags = [bool(o.get("required")) for o in options]
            assert flags == sorted(flags, reverse=True), (path, [o["name"] for o in options])


def test_whole_commands_fit(synced: list[dict[str, Any]]) -> None:
    assert len(synced) <= MAX_GLOBAL_CHAT_COMMANDS
    for command in synced:
        assert size(command) <= MAX_COMMAND_SIZE, command["name"]
        # One nesting level at most: command › group › subcommand.
        for path, item in walk(command):
            if item.get("type") == GROUP:
                assert all(o["type"] == SUBCOMMAND for o in item.get("options") or []), path


def test_the_campaign_group_as_organisers_see_it(synced: list[dict[str, Any]]) -> None:
    campaign = next(c for c in synced if c["name"] == "campaign")
    assert campaign["default_member_permissions"] == str(1 << 5)  # Manage Server
    subcommands = {o["name"]: o for o in campaign["options"]}
    assert set(subcommands) == {
        "setup",
        "show",
        "progress",
        "recheck",
        "remind",
        "announce",
        "export",
        "member",
    }
    export = next(o for o in subcommands["export"]["options"] if o["name"] == "format")
    assert [c["value"] for c in export["choices"]] == [
        "mastodon-follows",
        "mastodon-list",
        "csv",
        "json",
        "markdown",
    ]
    setup = [o["name"] for o in subcommands["setup"]["options"]]
    assert setup[:3] == ["old_server", "new_server", "deadline"]
    timezone = next(o for o in subcommands["setup"]["options"] if o["name"] == "timezone")
    assert timezone.get("autocomplete") is True


# -- every language the commands are synced in (issue 14) ---------------------------------
# Discord's rule for localised names is the same as for names; a localised name must be
# lowercase too (Discord refuses "Umzug"), and unique among its siblings in that locale.
LOCALISED_NAME_PATTERN = r"^[-_\p{L}\p{N}]{1,32}$"
SHIPPED_LOCALES = ("de", "fr")  # Discord's locale values for German and French clients


def valid_localised_name(name: str) -> bool:
    if regex is not None:
        return regex.match(LOCALISED_NAME_PATTERN, name) is not None
    return 1 <= len(name) <= 32 and all(
        ch in "-_" or unicodedata.category(ch)[0] in "LN" for ch in name
    )


def in_locale(item: dict[str, Any], locale: str) -> tuple[str, str]:
    """The name and description a client of ``locale`` sees (English where not localised)."""
    names = item.get("name_localizations") or {}
    descriptions = item.get("description_localizations") or {}
    return names.get(locale, item["name"]), descriptions.get(locale, item.get("description", ""))


def synced_locales(synced: list[dict[str, Any]]) -> set[str]:
    return {
        locale
        for command in synced
        for _, item in walk(command)
        for key in ("name_localizations", "description_localizations")
        for locale in item.get(key) or {}
    }


def test_the_localised_name_rule_itself() -> None:
    assert valid_localised_name("umzug")
    assert valid_localised_name("verknüpfen")
    assert valid_localised_name("réparer-abonnements")
    assert valid_localised_name("rôle_orga")
    assert not valid_localised_name("two words")
    assert not valid_localised_name("a" * 33)
    assert not valid_localised_name("")


def _differs(locale: str, key: str, english: str) -> bool:
    """Whether the catalog words ``english`` differently in ``locale``.

    ("format" is "format" in German and French too: Discord then shows the English name.)
    """
    catalog = translations(locale)
    if key == "name_localizations":
        return catalog.pgettext(NAME_CONTEXT, english) != english
    return catalog.gettext(english) != english


def test_german_and_french_clients_get_every_name_and_description(
    synced: list[dict[str, Any]],
) -> None:
    """The catalogs are complete, so every command and option is synced in both languages."""
    for locale in SHIPPED_LOCALES:
        missing = [
            (path, key)
            for command in synced
            for path, item in walk(command)
            for key, english in (
                ("name_localizations", item["name"]),
                ("description_localizations", item.get("description") or ""),
            )
            if english and locale not in (item.get(key) or {}) and _differs(locale, key, english)
        ]
        assert missing == [], locale
    assert set(SHIPPED_LOCALES) <= synced_locales(synced)
    assert synced_locales(synced) <= set(SHIPPED_LOCALES)  # none for English or Spanish


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_localised_names_are_valid_lowercase_and_unique(
    synced: list[dict[str, Any]], locale: str
) -> None:
    top = [in_locale(command, locale)[0] for command in synced]
    assert len(top) == len(set(top)), (locale, top)
    for command in synced:
        for path, item in walk(command):
            name, _ = in_locale(item, locale)
            assert valid_localised_name(name), (locale, path, name)
            assert name == name.lower(), (locale, path, name)
            siblings = [in_locale(child, locale)[0] for child in item.get("options") or []]
            assert len(siblings) == len(set(siblings)), (locale, path, siblings)


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_localised_descriptions_fit(synced: list[dict[str, Any]], locale: str) -> None:
    for command in synced:
        for path, item in walk(command):
            _, description = in_locale(item, locale)
            assert 1 <= len(description) <= MAX_DESCRIPTION, (locale, path, description)
            for choice in item.get("choices") or []:
                for name in [choice["name"], *(choice.get("name_localizations") or {}).values()]:
                    assert 1 <= len(name) <= 100, (locale, path, choice)


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_whole_commands_fit_in_every_language(synced: list[dict[str, Any]], locale: str) -> None:
    for command in synced:
        total = 0
        for _, item in walk(command):
            name, description = in_locale(item, locale)
            total += len(name) + len(description)
            for choice in item.get("choices") or []:
                shown = (choice.get("name_localizations") or {}).get(locale, choice["name"])
                total += len(shown) + len(str(choice["value"]))
        assert total <= MAX_COMMAND_SIZE, (locale, command["name"])


def test_setup_offers_each_language_by_its_own_name(synced: list[dict[str, Any]]) -> None:
    campaign = next(c for c in synced if c["name"] == "campaign")
    setup = next(o for o in campaign["options"] if o["name"] == "setup")
    language = next(o for o in setup["options"] if o["name"] == "language")
    assert [(c["name"], c["value"]) for c in language["choices"]] == [
        ("English", "en"),
        ("Deutsch", "de"),
        ("Français", "fr"),
    ]
    assert not language.get("required")
