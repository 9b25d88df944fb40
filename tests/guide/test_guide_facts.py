"""The facts about Mastodon the guide states, each as the reference states it.

Every entry names where the fact comes from in the team's reference (mastodon-facts.md,
mastodon-ui.md; the test reads only the built guide), the page that states it, the words it
must use and the wrong versions that must appear on no page at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Fact:
    source: str
    page: str
    says: tuple[str, ...]
    never: tuple[str, ...] = ()


FACTS = [
    Fact(
        "facts §2: only followers move",
        "index.html",
        ("Mastodon brings only your followers",),
        ("moves your follows", "transfers followers, follows"),
    ),
    Fact(
        "facts §1.4, ui §2: the alias is set on the NEW account",
        "move/index.html",
        ('The alias ("Moving from a different account") is set on your new account',),
        ("Move from a different account",),
    ),
    Fact(
        "facts §1, ui §0: the heading is 'Move to a different account', on the OLD account",
        "move/index.html",
        ("Scroll down to Move to a different account and click configure it here",),
        ("Moving to a different account",),
    ),
    Fact(
        "ui §4a: the red Move followers button, with the old account's password",
        "move/index.html",
        ("Click the red Move followers button", "type the password of your old account"),
    ),
    Fact(
        "facts §2: a 30-day cooldown after a move",
        "move/index.html",
        ("cannot move again for 30 days",),
    ),
    Fact(
        "ui §5: an archive every 7 days",
        "before/index.html",
        ("You can request an archive once every 7 days",),
    ),
    Fact(
        "facts §1.3, ui §6: keep Merge; nothing happens until Confirm",
        "move/index.html",
        ("Leave Merge selected", "Click Upload. Nothing is imported yet", "Click Confirm"),
    ),
    Fact(
        "ui §0, §1b: 'Import and export' is a top-level settings item, not under Preferences",
        "organisers/announcements.html",
        ("in the settings menu: Import and export > Export",),
        ("Preferences > Import and export", "Preferences > Account"),
    ),
    Fact(
        "facts §9: imported follows notify",
        "move/index.html",
        ('The people you follow get the usual "followed you" notification',),
        ("not notified", "will not trigger notifications"),
    ),
    Fact(
        "facts §9, ui §5-6: Mastodon 4.6+ exports and imports filters as JSON",
        "before/index.html",
        ("On Mastodon 4.6 and later, also click JSON on the Filters row", "custom_filters.json"),
    ),
    Fact(
        "ui §0: the Export page was 'Data export' before 4.3",
        "before/index.html",
        ('Before Mastodon 4.3 the page was called "Data export"',),
        ("> Data export",),
    ),
    Fact(
        "facts §1.6, ui §7: keep the old account; its profile shows a notice with a link",
        "index.html",
        (
            "your old profile shows a notice with a link to your new account",
            "Never delete your old account",
        ),
        ("forwards people", "at least 30 days after the deadline"),
    ),
]


def _text(path: Path) -> str:
    """A built page as the reader sees its words (tags out, spaces collapsed)."""
    html = re.sub(
        r"<(script|style|svg)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S
    )
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


@pytest.fixture(scope="module")
def pages(site: Path, guide) -> dict[str, str]:
    return {str(p.relative_to(site)): _text(p) for p in guide.page_files(site)}


def test_there_are_twelve_facts() -> None:
    assert len(FACTS) == 12


@pytest.mark.parametrize("fact", FACTS, ids=[f.source for f in FACTS])
def test_the_guide_states_the_fact_as_the_reference_does(fact: Fact, pages) -> None:
    for words in fact.says:
        assert words in pages[fact.page], f"{fact.page} should say: {words}"
    for wrong in fact.never:
        assert [name for name, text in pages.items() if wrong in text] == [], wrong


def test_one_time_estimate_everywhere(pages) -> None:
    """The guide gives one duration for the whole move (the bot's reminders use it too)."""
    every = " ".join(pages.values())
    assert "about half an hour" in pages["index.html"]
    assert "about half an hour" in pages["organisers/announcements.html"]
    for other in ("few minutes", "15 minutes", "an hour or", "ten minutes"):
        assert other not in every, other


def test_the_bots_reminders_give_the_guides_time_estimate() -> None:
    """Reminders say what the guide says: about half an hour, never another figure."""
    from companion.core import texts_reminders

    words = " ".join(
        " ".join((text.title, *text.lines, text.dm_lead))
        for text in texts_reminders.CHANNEL.values()
    )
    assert "about half an hour" in words
    for other in ("few minutes", "15 minutes", "an hour or", "ten minutes"):
        assert other not in words, other
