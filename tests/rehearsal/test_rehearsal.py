"""The rehearsal is the end-to-end test: a short campaign with the real bot, then its outcome.

One rehearsal (eight members, one of each script and habit, at 100,000× real time) runs
once for the module; the tests read what it left: the store, the stand-in's records of
everything the bot sent, the latencies, the exports and the transcript.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
import re
import subprocess
import sys
import time

import pytest

from companion.core.move_status import MoveStatus
from companion.core.reminders import STEMS, split_key
from companion.core.roster import is_listed
from companion.rehearsal import RehearsalOptions, RehearsalResult, rehearse_campaign
from companion.rehearsal.community import Script
from companion.rehearsal.world import ANNOUNCEMENTS_ID, NEW_SERVER

pytestmark = pytest.mark.slow

MEMBERS = 8  # one of each script, plus a "no" to the roster, an unverified and a late mover
SPEED = 100_000.0
HANDLE = re.compile(r"@?([a-z0-9_]+)@" + re.escape(NEW_SERVER))


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> RehearsalResult:
    output = tmp_path_factory.mktemp("rehearsal")
    options = RehearsalOptions(
        members=MEMBERS,
        speed=SPEED,
        output=output,
        seed=11,
        build_guide=False,
        stream=io.StringIO(),
    )
    started = time.monotonic()
    result = asyncio.run(rehearse_campaign(options))
    assert time.monotonic() - started < 60, "the short rehearsal must stay well under a minute"
    return result


def expected_roster(result: RehearsalResult) -> set[str]:
    return {p.handle for p in result.personas if p.expected_in_roster}


def test_the_community_has_every_kind_of_member(rehearsal):
    scripts = {p.script for p in rehearsal.personas}
    assert scripts == set(Script)
    assert any(not p.consents for p in rehearsal.personas)
    assert any(not p.verifies for p in rehearsal.personas)
    assert any(p.procrastinates and p.reminders for p in rehearsal.personas)
    assert any(p.hostile for p in rehearsal.personas)
    assert not rehearsal.failures


def test_every_member_ends_where_their_script_leads(rehearsal):
    assert not rehearsal.mismatches
    for persona in rehearsal.personas:
        member = rehearsal.members.get(persona.spec.id)
        if persona.script is Script.NEVER_ACTS:
            assert member is None
            assert persona.last_reply == ""
            continue
        assert member is not None
        assert member.last_status == persona.expected_status
        # The bot's last answer to them (their final /move status) says the same.
        label = MoveStatus(persona.expected_status).label
        assert label in persona.last_reply, (persona.handle, persona.last_reply[:300])
        assert member.is_verified is persona.verifies
        assert member.roster_consent is persona.consents


def test_scripted_mistakes_happened_on_the_servers(rehearsal):
    forgot = [p for p in rehearsal.personas if p.script is Script.FORGOT_ALIAS]
    assert forgot
    assert all(p.refused == ["missing_also_known_as"] for p in forgot)
    assert all(not p.refused for p in rehearsal.personas if p.script is Script.CORRECT)
    # The forgetful ones saw the missing alias on their status card before fixing it.
    html = rehearsal.files["transcript.html"].read_text(encoding="utf-8")
    assert MoveStatus.ALIAS_MISSING.label in html


def test_each_reminder_was_posted_exactly_once(rehearsal):
    posted = rehearsal.posted_reminders
    stems = {split_key(key)[0] for key in posted}
    # The rehearsal ends after "7 days after": every reminder up to it went out.
    assert stems == set(STEMS) - {"d+30"}
    ids = [record.message_id for record in posted.values()]
    assert len(ids) == len(set(ids))
    in_channel = [
        m
        for m in rehearsal.bot_messages
        if m.channel_id == ANNOUNCEMENTS_ID and m.embeds and not m.ephemeral
    ]
    assert sorted(m.id for m in in_channel) == sorted(ids)
    titles = [m.embeds[0]["title"] for m in in_channel]
    assert len(titles) == len(set(titles)), titles
    assert rehearsal.dm_sent > 0


def test_the_roster_holds_exactly_the_verified_consenting_movers(rehearsal):
    expected = expected_roster(rehearsal)
    assert expected  # the run must have someone to list
    listed = {m.new_handle.username for m in rehearsal.members.values() if is_listed(m)}
    assert listed == expected
    assert set(HANDLE.findall(rehearsal.roster_post)) == expected
    follows = rehearsal.exports["following_accounts_harbour-birders.csv"].decode()
    rows = list(csv.reader(io.StringIO(follows)))[1:]
    assert {row[0].split("@")[0] for row in rows} == expected
    data = json.loads(rehearsal.exports["roster_harbour-birders.json"])
    assert set(HANDLE.findall(json.dumps(data))) == expected
    for name, content in rehearsal.exports.items():
        assert set(HANDLE.findall(content.decode())) == expected, name


def test_the_bot_always_answered_within_discords_three_seconds(rehearsal):
    assert rehearsal.latencies
    assert not rehearsal.late_answers
    assert all(item.first_response < 3.0 for item in rehearsal.latencies)


def test_discord_saw_no_invalid_requests_and_nobody_was_pinged(rehearsal):
    assert rehearsal.violations == []
    assert rehearsal.pings == []
    hostile = next(p for p in rehearsal.personas if p.hostile)
    raw = hostile.name
    for message in rehearsal.bot_messages:
        assert raw not in message.content  # always escaped, never as typed


def test_mended_follows_files_keep_more_of_the_community_together(rehearsal):
    tally = rehearsal.follows
    assert tally is not None
    assert tally.relationships > 0
    # Rows naming members who had moved before the import fail unless mended.
    assert tally.with_mending > tally.without_mending
    acted = [p for p in rehearsal.personas if p.script is not Script.NEVER_ACTS]
    transcript = (rehearsal.options.output / "transcript.md").read_text(encoding="utf-8")
    assert transcript.count("used `/move mend-follows file: following_accounts.csv`") == len(acted)
    assert transcript.count("used `/move check-import") == len(acted)
    summary = (rehearsal.options.output / "summary.txt").read_text(encoding="utf-8")
    assert (
        f"{tally.with_mending} of {tally.relationships} kept on the new accounts with the "
        f"mended files; {tally.without_mending} without mending"
    ) in summary


def test_the_output_folder_has_transcript_exports_and_chart(rehearsal):
    output = rehearsal.options.output
    html = (output / "transcript.html").read_text(encoding="utf-8")
    md = (output / "transcript.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "Harbour Birders is moving to new.example" in text  # the announcement
        assert "Harbour Birders roster:" in text  # the roster post
    assert "Only you can see this" in html
    assert "data:image/png;base64," in html  # the chart, inline
    assert "<script" not in html  # self-contained: nothing runs,
    assert "fonts.googleapis" not in html  # nothing is fetched
    for name in rehearsal.exports:
        assert (output / "exports" / name).is_file()
    assert (output / "progress.png").read_bytes().startswith(b"\x89PNG")
    assert (output / "summary.txt").is_file()
    timings = (output / "latencies.csv").read_text(encoding="utf-8").splitlines()
    assert len(timings) == len(rehearsal.latencies) + 1


def test_the_rehearse_command_runs_end_to_end(tmp_path):
    """``companion rehearse`` in a subprocess, through the real command group."""
    output = tmp_path / "out"
    code = (
        "import sys\n"
        "from companion.cli import cli\n"
        "from companion.cli.rehearse import rehearse\n"
        "cli.commands.setdefault('rehearse', rehearse)\n"
        "cli(sys.argv[1:], prog_name='companion')\n"
    )
    command = [sys.executable, "-c", code, "rehearse", "--members", "8", "--output", str(output)]
    command += ["--speed", "150000"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.startswith("Rehearsing a ")
    assert "Rehearsal finished in" in done.stdout
    assert (output / "transcript.html").is_file()
    assert (output / "exports").is_dir()
    assert "guide/index.html" in done.stdout, done.stdout[-2000:]
    roster_page = (output / "guide" / "roster" / "index.html").read_text(encoding="utf-8")
    assert "have moved" in roster_page  # the guide was built with the rehearsal's roster


def test_a_failed_guide_build_is_reported_not_fatal(rehearsal, tmp_path, monkeypatch):
    from companion.rehearsal import guide as guide_module
    from companion.rehearsal.runner import campaign_timeline
    from companion.rehearsal.summary import summary_text
    from companion.rehearsal.world import COMMUNITY, OLD_SERVER, PLACEHOLDER_GUIDE, TIMEZONE

    broken = tmp_path / "mkdocs.yml"
    broken.write_text("site_name: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(guide_module, "mkdocs_config", lambda: broken)
    timeline = campaign_timeline()
    plan = guide_module.CampaignPlan(
        COMMUNITY, OLD_SERVER, NEW_SERVER, timeline.deadline, TIMEZONE, PLACEHOLDER_GUIDE
    )
    build = guide_module.build_guide(tmp_path / "none.db", plan, tmp_path / "guide", 1)
    assert not build.ok
    assert build.message
    text = summary_text(dataclasses.replace(rehearsal, guide=build))
    assert "guide/: NOT BUILT" in text
    assert "transcript.html" in text  # everything else is still listed


def test_the_transcript_shows_who_came_along_and_why_the_others_did_not(rehearsal):
    saver = next(p for p in rehearsal.personas if p.saves_followers)
    md = rehearsal.files["transcript.md"].read_text(encoding="utf-8")
    assert "Saved: 400 followers of" in md
    assert "Of the 400 followers you saved" in md
    assert "**382** follow" in md
    assert "8 on `forum.example` (Smallfedi 2024.11.0): their server's software is not known" in md
    assert "6 on `strict.example` (Mastodon 4.5.2): their server publicly suspends your new" in md
    assert "4 on `down.example` (unknown software): their server did not answer" in md
    assert "following_accounts_left_behind.csv" in md
    assert "1 member saved a followers list (400 followers): 382 arrived, 18 left behind" in md
    assert saver.handle  # the member who saved their list is one of the simulated members
