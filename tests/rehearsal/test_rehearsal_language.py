"""``companion rehearse --language de``: a German campaign, German from end to end (issue 14).

The campaign posts in German, every simulated member's Discord app is German, and the
transcript around the messages (its headings, "only you can see this", who used which
command) is German too. A short run: five members, one of each kind.
"""

from __future__ import annotations

import asyncio
import io

import pytest

from companion import texts
from companion.core import texts_reminders
from companion.i18n import gettext
from companion.rehearsal import RehearsalOptions, RehearsalResult, rehearse_campaign

pytestmark = pytest.mark.slow

LANGUAGE = "de"


def translated(message: str) -> str:
    """``message`` in German, which the catalog must really translate."""
    text = gettext(message, LANGUAGE)
    assert text != message, f"the German catalog does not translate {message!r}"
    return text


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> RehearsalResult:
    options = RehearsalOptions(
        members=5,
        speed=100_000.0,
        output=tmp_path_factory.mktemp("rehearsal-de"),
        seed=11,
        build_guide=False,
        language=LANGUAGE,
        stream=io.StringIO(),
    )
    return asyncio.run(rehearse_campaign(options))


def test_the_german_campaign_runs_to_its_end(german: RehearsalResult) -> None:
    assert german.failures == []
    assert german.violations == []
    assert german.pings == []


def test_members_use_the_german_commands_and_read_german_answers(german) -> None:
    markdown = (german.options.output / "transcript.md").read_text(encoding="utf-8")
    assert "`/umzug verknüpfen alt: " in markdown  # the names a German Discord app shows
    assert translated(texts.LINK_SAVED) in markdown
    assert texts.LINK_SAVED not in markdown
    assert translated(texts.STATUS_TITLE) in markdown


def test_the_channel_posts_are_german(german) -> None:
    markdown = (german.options.output / "transcript.md").read_text(encoding="utf-8")
    title = translated(texts_reminders.CHANNEL["announce"].title).split("{")[0]
    assert title in markdown
    assert translated(texts_reminders.GUIDE_LINE).split("{")[0] in markdown
    assert "/de/" in markdown  # guide links point at the German pages


def test_the_transcript_around_the_messages_is_german(german) -> None:
    page = (german.options.output / "transcript.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page
    assert translated("Only you can see this") in page
    assert "Only you can see this" not in page
    assert translated("Jump to") in page
    markdown = (german.options.output / "transcript.md").read_text(encoding="utf-8")
    assert translated("only you can see this") in markdown
    assert "rehearsal transcript" not in markdown
    assert "Direct message to" not in page
