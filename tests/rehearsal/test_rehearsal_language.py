"""``companion rehearse --language de``: a German campaign, German from end to end (issue 14).

The campaign posts in German, every simulated member's Discord app is German, and the
transcript around the messages (its headings, "only you can see this", who used which
command) is German too. A short run: five members, one of each kind. The facts that open
the transcript, what members did on Mastodon (the 🐘 lines) and the terminal's summary are
checked in German and in French.
"""

from __future__ import annotations

import asyncio
import functools
import io
import re
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_day_names

from companion import catalogs, texts
from companion.core import texts_reminders
from companion.core.move_status import MoveStatus
from companion.i18n import gettext, ngettext
from companion.i18n.labels import mastodon_label
from companion.rehearsal import (
    RehearsalOptions,
    RehearsalResult,
    rehearse_campaign,
    runner,
    summary,
)
from companion.rehearsal.community import Script
from companion.rehearsal.transcript.records import Happening

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


# -- Around the bot's posts: the facts, the 🐘 lines, the terminal's summary (de and fr) -----


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> RehearsalResult:
    options = RehearsalOptions(
        members=5,
        speed=100_000.0,
        output=tmp_path_factory.mktemp("rehearsal-fr"),
        seed=11,
        build_guide=False,
        language="fr",
        stream=io.StringIO(),
    )
    return asyncio.run(rehearse_campaign(options))


@pytest.fixture(scope="module", params=["de", "fr"])
def run(request: pytest.FixtureRequest) -> RehearsalResult:
    """The German and the French rehearsal, each run once for the module."""
    return request.getfixturevalue("german" if request.param == "de" else "french")


def in_language(message: str, language: str) -> str:
    text = gettext(message, language)
    assert text != message, f"the {language} catalog does not translate {message!r}"
    return text


def sentence_pattern(sentence: str) -> re.Pattern[str]:
    """A marked sentence as a pattern: its words exactly, any text for each field."""
    parts = re.split(r"\{[a-z_]+\}", sentence)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


@functools.cache
def sentences_marked_in(path: str) -> list[str]:
    """The whole sentences (not plural fragments) extracted from one source file."""
    return [
        message.id
        for message in catalogs.extracted_template()
        if isinstance(message.id, str)
        and message.id
        and any(where == f"companion/{path}" for where, _line in message.locations)
    ]


def test_the_facts_are_named_and_told_in_the_rehearsals_language(run: RehearsalResult) -> None:
    language = run.options.language
    markdown = (run.options.output / "transcript.md").read_text(encoding="utf-8")
    page = (run.options.output / "transcript.html").read_text(encoding="utf-8")
    names = [name for name, _value in run.transcript.facts]
    english = [summary.MEMBERS, summary.SIMULATED_TIME, summary.MOVED, summary.VERIFIED]
    english += [summary.STUCK, summary.ON_THE_ROSTER, summary.REMINDERS_SENT]
    english += [summary.DIRECT_MESSAGES_SENT, summary.INTERACTIONS, summary.COMMUNITY_FOLLOWS]
    assert names == [gettext(name, language) for name in english]
    for name in names:
        assert f"**{gettext('{name}:', language).format(name=name)}**" in markdown
    assert sum(gettext(name, language) != name for name in english) >= 9  # fr: "Interactions"
    for name in english:
        if gettext(name, language) == name:
            continue
        assert f"**{name}:**" not in markdown
        assert f"**{name} :**" not in markdown
        assert f"<dt>{name}</dt>" not in page
    facts = dict(run.transcript.facts)
    members = facts[in_language(summary.MEMBERS, language)]
    simulated = ngettext(summary.SIMULATED, 5, language).format(count=5)
    assert members.startswith(simulated + ", ")
    assert simulated != "5 simulated"
    start = run.timeline.start.astimezone(ZoneInfo(run.transcript.timezone))
    span = facts[in_language(summary.SIMULATED_TIME, language)].split(" (")[0]
    weekday = get_day_names("abbreviated", locale=language)[start.weekday()]
    assert span.startswith(weekday)  # "Sa., 5. Dez. 2026, 08:00"; "sam. 5 déc. 2026, 08:00"
    assert f"{start:%a}" not in span
    stuck = facts[in_language(summary.STUCK, language)]
    for member in run.members.values():
        if member.last_status not in summary.FINISHED:
            status = member.last_status
            name = MoveStatus(status).label if status else summary.NOT_CHECKED
            assert in_language(name, language) in stuck
    interactions = facts[gettext(summary.INTERACTIONS, language)]
    late = len(run.late_answers)
    assert ngettext(summary.LATE, late, language).format(count=late) in interactions
    assert "over Discord's" not in interactions


def test_the_elephant_lines_are_in_the_rehearsals_language(run: RehearsalResult) -> None:
    language = run.options.language
    lines = [e.text for e in run.transcript.entries if isinstance(e, Happening)]
    assert lines
    sentences = sentences_marked_in("rehearsal/community.py")
    assert len(sentences) >= 8  # signed up, bio, alias, move, refusal, import, deletion, ...
    ours = [sentence_pattern(in_language(s, language)) for s in sentences]
    english = [sentence_pattern(s) for s in sentences]
    for line in lines:
        assert any(p.fullmatch(line) for p in ours), line
        assert not any(p.fullmatch(line) for p in english), line
    markdown = (run.options.output / "transcript.md").read_text(encoding="utf-8")
    assert markdown.count("🐘 *") == len(lines)


def test_a_refused_move_quotes_mastodons_own_words_in_the_language(run) -> None:
    language = run.options.language
    forgot = [p for p in run.personas if p.script is Script.FORGOT_ALIAS]
    assert forgot
    assert all(p.refused == ["missing_also_known_as"] for p in forgot)
    refusal = mastodon_label("error_not_an_alias", language)
    assert refusal != mastodon_label("error_not_an_alias")
    lines = [e.text for e in run.transcript.entries if isinstance(e, Happening)]
    refused = [line for line in lines if refusal in line]
    assert len(refused) == len(forgot)
    opening, closing = {"de": ("„", "“"), "fr": ("«\u00a0", "\u00a0»")}[language]
    assert all(f"{opening}{refusal}{closing}" in line for line in refused)
    markdown = (run.options.output / "transcript.md").read_text(encoding="utf-8")
    assert mastodon_label("error_not_an_alias") not in markdown
    merge = mastodon_label("import_merge", language)
    imported = [line for line in lines if f"({merge})" in line]
    assert len(imported) == sum(1 for p in run.personas if p.script is not Script.NEVER_ACTS)
    assert "(Merge)" not in markdown


def test_days_and_dates_around_the_posts_are_in_the_language(run: RehearsalResult) -> None:
    language = run.options.language
    page = (run.options.output / "transcript.html").read_text(encoding="utf-8")
    markdown = (run.options.output / "transcript.md").read_text(encoding="utf-8")
    days = re.findall(r'<div class="day"><span>([^<]+)</span>', page)
    assert days
    assert all(f"\n## {day}\n" in markdown for day in days)
    wide = set(get_day_names("wide", locale=language).values())
    assert all(any(day.startswith(name) for name in wide) for day in days), days
    for english_day in get_day_names("wide", locale="en").values():
        assert english_day not in page
        assert english_day not in markdown
    assert "· rehearsal" not in page
    assert in_language("{community} · rehearsal", language).format(community="") in page


def test_the_summary_is_in_the_rehearsals_language(run: RehearsalResult) -> None:
    language = run.options.language
    text = (run.options.output / "summary.txt").read_text(encoding="utf-8")
    first, *rest = text.splitlines()
    assert first.startswith(in_language(summary.FINISHED_IN, language).split("{")[0])
    for name, value in run.transcript.facts:
        assert any(line.startswith(f"  {name}") and line.endswith(value) for line in rest)
    for english in (summary.MEMBERS, summary.STUCK, summary.VERIFIED, summary.MOVED):
        assert f"  {english} " not in text
    written = in_language(summary.WRITTEN_TO, language)
    assert written.format(folder=f"{run.options.output}/") in text
    exports = sum(1 for name in run.files if name.startswith("exports/"))
    assert exports > 1
    assert ngettext(summary.EXPORTS, exports, language).split("{")[0] in text
    assert "files:" not in text
    assert "Written to" not in text
    assert "each interaction's response time" not in text
    # The terminal said where it started in the language too.
    started = run.options.stream.getvalue()
    assert "Rehearsing" not in started
    assert ngettext(runner.MEMBERS, 5, language).format(count=5) in started
