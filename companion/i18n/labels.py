"""Mastodon's own interface labels in each language, as its locale files write them.

``mastodon_labels.json`` (beside this file; MASTODON_LABELS.md says where each string was
read) is the one source of every label the project quotes or draws: a German reader is
shown Mastodon's German string, never a fresh translation of the English one.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from companion.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

LABELS_FILE = Path(__file__).resolve().parent / "mastodon_labels.json"

_SOFT_HYPHEN = "\u00ad"
_TAG = re.compile(r"<[^>]+>")


@functools.cache
def mastodon_labels() -> dict[str, dict[str, object]]:
    """Every recorded label entry by its short id."""
    data: dict[str, dict[str, object]] = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    return data


def raw_label(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The entry's string as Mastodon's file has it (placeholders and HTML kept)."""
    entry = mastodon_labels()[key]
    text = entry[language if language in LANGUAGES else DEFAULT_LANGUAGE]
    assert isinstance(text, str)
    return text.replace(_SOFT_HYPHEN, "")


def mastodon_label(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The label as a reader sees it on screen: HTML tags and soft hyphens removed."""
    return _TAG.sub("", raw_label(key, language))


# Mastodon's refusals of a move, by their key under ``migrations.errors`` (the code the
# Mastodon stand-in's MoveRefusedError carries), and the entry that holds their words.
MIGRATION_ERRORS = {
    "already_moved": "error_already_moved",
    "missing_also_known_as": "error_not_an_alias",
    "move_to_self": "error_move_to_self",
    "not_found": "error_not_found",
    "on_cooldown": "error_on_cooldown",
}


def migration_error(code: str, language: str = DEFAULT_LANGUAGE) -> str:
    """What Mastodon's move form says for the refusal ``code``, in ``language``."""
    return mastodon_label(MIGRATION_ERRORS[code], language)
