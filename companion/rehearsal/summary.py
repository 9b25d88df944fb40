"""The summary printed at the end of a rehearsal (and kept as ``summary.txt``).

Its facts open the transcript too. Both speak the rehearsal's language, as the campaign
and every member did: names, counts (each with its own plural), dates and numbers.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from companion.core.move_status import MoveStatus
from companion.core.roster import is_listed
from companion.i18n import N_, NP_, _, ngettext, use_language
from companion.i18n.dates import format_brief
from companion.i18n.numbers import format_number

if TYPE_CHECKING:
    from companion.i18n import PluralText

    from .result import RehearsalResult

FINISHED = {MoveStatus.MOVED.value, MoveStatus.FOLLOWERS_ARRIVED.value}

# The names of the facts, in the order they are shown.
MEMBERS = N_("Members")
SIMULATED_TIME = N_("Simulated time")
MOVED = N_("Members who moved")  # not the status "Moved": fr "Déménagés", not "Déménagé"
VERIFIED = N_("Verified")
STUCK = N_("Stuck")
ON_THE_ROSTER = N_("On the roster")
REMINDERS_SENT = N_("Reminders sent")
DIRECT_MESSAGES_SENT = N_("Direct messages sent")
INTERACTIONS = N_("Interactions")
COMMUNITY_FOLLOWS = N_("Community follows")

# Their values.
SIMULATED = NP_("{count} simulated", "{count} simulated")
LINKED = NP_("{count} linked", "{count} linked")
NEVER_LINKED = NP_("{count} never linked", "{count} never linked")
MOVED_VALUE = NP_(
    "{moved} ({count} with their followers arrived)",
    "{moved} ({count} with their followers arrived)",
)
STUCK_VALUE = NP_("{count} ({statuses})", "{count} ({statuses})")
STUCK_STATUS = NP_("{status}: {count}", "{status}: {count}")
NOBODY = N_("nobody")
NOT_CHECKED = N_("not checked yet")
LISTED_VALUE = NP_(
    "{count} (moved, verified, agreed to be listed)",
    "{count} (moved, verified, agreed to be listed)",
)
REMINDERS_VALUE = NP_("{count} in the channel", "{count} in the channel")
INTERACTIONS_VALUE = NP_(
    "{count}, slowest first response {slowest}, {late}",
    "{count}, slowest first response {slowest}, {late}",
)
SLOWEST = N_("{seconds} s ({interaction})")
NO_SLOWEST = N_("none")
LATE = NP_("{count} over Discord's 3 s", "{count} over Discord's 3 s")
FOLLOWS_VALUE = NP_(
    "{count} of {total} kept on the new accounts with the mended files; {without} without "
    "mending (rows naming members who had moved already fail)",
    "{count} of {total} kept on the new accounts with the mended files; {without} without "
    "mending (rows naming members who had moved already fail)",
)

# The lines around the facts in the terminal (and summary.txt).
FINISHED_IN = N_("Rehearsal finished in {seconds} s ({speed}× real time).")
PROBLEMS = N_("Problems:")
MISMATCH = N_("member ended elsewhere than the script says: {detail}")
INTERACTION_FAILED = N_("interaction failed: {detail}")
DISCORD_REFUSED = N_("Discord refused a request: {detail}")
PINGED = N_("someone was pinged: {detail}")
WRITTEN_TO = N_("Written to {folder}:")
EXPORTS = NP_("{folder} ({count} file: {names})", "{folder} ({count} files: {names})")
GUIDE_BUILT = N_("{page} (the member guide with this roster, {seconds} s)")
GUIDE_NOT_BUILT = N_("{folder}: NOT BUILT. mkdocs said:")
LATENCIES = N_("{file} (each interaction's response time)")
DATABASE = N_("{file} (the bot's database; point {variable} at it to explore)")


def _counted(text: PluralText, count: int, **fields: object) -> str:
    """``text`` in the form its count needs, filled in (numbers as the language writes them)."""
    return ngettext(text, count).format(count=format_number(count), **fields)


def _status_name(status: str) -> str:
    if status == "unchecked":
        return _(NOT_CHECKED)
    try:
        return MoveStatus(status).label
    except ValueError:
        return status.replace("_", " ")


def summary_facts(result: RehearsalResult) -> list[tuple[str, str]]:
    """The numbers of the run as (name, value) pairs, for the summary and the transcript."""
    with use_language(result.options.language):
        return _facts(result)


def _facts(result: RehearsalResult) -> list[tuple[str, str]]:
    members = list(result.members.values())
    linked = len(members)
    moved = sum(1 for m in members if m.has_moved)
    arrived = sum(1 for m in members if m.last_status == MoveStatus.FOLLOWERS_ARRIVED.value)
    verified = sum(1 for m in members if m.is_verified)
    stuck = Counter(m.last_status or "unchecked" for m in members if m.last_status not in FINISHED)
    statuses = ", ".join(
        _counted(STUCK_STATUS, n, status=_status_name(s)) for s, n in sorted(stuck.items())
    )
    listed = sum(1 for m in members if is_listed(m))
    never = len(result.personas) - linked
    zone = ZoneInfo(result.transcript.timezone)
    start = format_brief(result.timeline.start, zone)
    end = format_brief(result.timeline.end, zone)
    slowest = result.slowest
    slow_text = (
        _(SLOWEST).format(
            seconds=format_number(slowest.first_response, decimals=2),
            interaction=slowest.shown or slowest.label,
        )
        if slowest is not None and slowest.first_response is not None
        else _(NO_SLOWEST)
    )
    follows = result.follows
    follows_fact = (
        [
            (
                _(COMMUNITY_FOLLOWS),
                _counted(
                    FOLLOWS_VALUE,
                    follows.with_mending,
                    total=format_number(follows.relationships),
                    without=format_number(follows.without_mending),
                ),
            )
        ]
        if follows is not None
        else []
    )
    total_stuck = sum(stuck.values())
    return [
        (
            _(MEMBERS),
            ", ".join(
                (
                    _counted(SIMULATED, len(result.personas)),
                    _counted(LINKED, linked),
                    _counted(NEVER_LINKED, never),
                )
            ),
        ),
        (_(SIMULATED_TIME), f"{start} → {end} ({zone})"),
        (_(MOVED), _counted(MOVED_VALUE, arrived, moved=format_number(moved))),
        (_(VERIFIED), format_number(verified)),
        (
            _(STUCK),
            _counted(STUCK_VALUE, total_stuck, statuses=statuses) if total_stuck else _(NOBODY),
        ),
        (_(ON_THE_ROSTER), _counted(LISTED_VALUE, listed)),
        (_(REMINDERS_SENT), _counted(REMINDERS_VALUE, len(result.posted_reminders))),
        (_(DIRECT_MESSAGES_SENT), format_number(result.dm_sent)),
        (
            _(INTERACTIONS),
            _counted(
                INTERACTIONS_VALUE,
                len(result.latencies),
                slowest=slow_text,
                late=_counted(LATE, len(result.late_answers)),
            ),
        ),
        *follows_fact,
    ]


def summary_text(result: RehearsalResult) -> str:
    """What the terminal shows when the rehearsal is over, in the rehearsal's language."""
    with use_language(result.options.language):
        return _text(result)


def _text(result: RehearsalResult) -> str:
    facts = _facts(result)
    width = max(len(name) for name, _value in facts)
    lines = [
        _(FINISHED_IN).format(
            seconds=format_number(result.wall_seconds), speed=format_number(result.speed)
        )
    ]
    lines += [f"  {name:<{width}}  {value}" for name, value in facts]
    problems = [
        *(_(MISMATCH).format(detail=m) for m in result.mismatches),
        *(_(INTERACTION_FAILED).format(detail=f) for f in result.failures),
        *(_(DISCORD_REFUSED).format(detail=v) for v in result.violations),
        *(_(PINGED).format(detail=p) for p in result.pings),
    ]
    if problems:
        lines.append(_(PROBLEMS))
        lines += [f"  - {p}" for p in problems]
    lines.append(_(WRITTEN_TO).format(folder=f"{result.options.output}/"))
    for name in ("transcript.html", "transcript.md", "progress.png"):
        if name in result.files:
            lines.append(f"  {name}")
    exports = sorted(k for k in result.files if k.startswith("exports/"))
    if exports:
        names = ", ".join(e.removeprefix("exports/") for e in exports)
        lines.append("  " + _counted(EXPORTS, len(exports), folder="exports/", names=names))
    guide = result.guide
    if guide is not None and guide.ok:
        seconds = format_number(guide.seconds)
        lines.append("  " + _(GUIDE_BUILT).format(page="guide/index.html", seconds=seconds))
    elif guide is not None:
        lines.append("  " + _(GUIDE_NOT_BUILT).format(folder="guide/"))
        lines += [f"    {line}" for line in guide.message.splitlines()]
    lines.append(
        "  " + ", ".join((_(LATENCIES).format(file="latencies.csv"), "bot.log", "summary.txt"))
    )
    lines.append("  " + _(DATABASE).format(file="rehearsal.db", variable="COMPANION_DATABASE"))
    return "\n".join(lines)
