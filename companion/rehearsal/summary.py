"""The summary printed at the end of a rehearsal (and kept as ``summary.txt``)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from companion.core.move_status import MoveStatus
from companion.core.roster import is_listed

if TYPE_CHECKING:
    from .result import RehearsalResult

FINISHED = {MoveStatus.MOVED.value, MoveStatus.FOLLOWERS_ARRIVED.value}


def _label(status: str) -> str:
    try:
        return MoveStatus(status).label.lower()
    except ValueError:
        return status.replace("_", " ")


def summary_facts(result: RehearsalResult) -> list[tuple[str, str]]:
    """The numbers of the run as (name, value) pairs, for the summary and the transcript."""
    members = list(result.members.values())
    linked = len(members)
    moved = sum(1 for m in members if m.has_moved)
    arrived = sum(1 for m in members if m.last_status == MoveStatus.FOLLOWERS_ARRIVED.value)
    verified = sum(1 for m in members if m.is_verified)
    stuck = Counter(m.last_status or "unchecked" for m in members if m.last_status not in FINISHED)
    stuck_text = ", ".join(f"{_label(s)} {n}" for s, n in sorted(stuck.items())) or "nobody"
    listed = sum(1 for m in members if is_listed(m))
    never = len(result.personas) - linked
    zone = ZoneInfo(result.transcript.timezone)
    start = result.timeline.start.astimezone(zone)
    end = result.timeline.end.astimezone(zone)
    slowest = result.slowest
    slow_text = (
        f"{slowest.first_response:.2f} s ({slowest.label})"
        if slowest is not None and slowest.first_response is not None
        else "none"
    )
    late = len(result.late_answers)
    follows = result.follows
    follows_fact = (
        [
            (
                "Community follows",
                f"{follows.with_mending} of {follows.relationships} kept on the new accounts "
                f"with the mended files; {follows.without_mending} without mending (rows naming "
                "members who had moved already fail)",
            )
        ]
        if follows is not None
        else []
    )
    return [
        ("Members", f"{len(result.personas)} simulated, {linked} linked, {never} never linked"),
        ("Simulated time", f"{start:%a %-d %b %Y %H:%M} → {end:%a %-d %b %Y %H:%M} ({zone})"),
        ("Moved", f"{moved} ({arrived} with their followers arrived)"),
        ("Verified", str(verified)),
        ("Stuck", f"{sum(stuck.values())} ({stuck_text})"),
        ("On the roster", f"{listed} (moved, verified, agreed to be listed)"),
        ("Reminders sent", f"{len(result.posted_reminders)} in the channel"),
        ("Direct messages sent", str(result.dm_sent)),
        (
            "Interactions",
            f"{len(result.latencies)}, slowest first response {slow_text}, "
            f"{late} over Discord's 3 s",
        ),
        *follows_fact,
    ]


def summary_text(result: RehearsalResult) -> str:
    """What the terminal shows when the rehearsal is over."""
    facts = summary_facts(result)
    width = max(len(name) for name, _ in facts)
    lines = [
        f"Rehearsal finished in {result.wall_seconds:.0f} s ({result.speed:,.0f}× real time).",
    ]
    lines += [f"  {name:<{width}}  {value}" for name, value in facts]
    problems = [
        *(f"member ended elsewhere than the script says: {m}" for m in result.mismatches),
        *(f"interaction failed: {f}" for f in result.failures),
        *(f"Discord refused a request: {v}" for v in result.violations),
        *(f"someone was pinged: {p}" for p in result.pings),
    ]
    if problems:
        lines.append("Problems:")
        lines += [f"  - {p}" for p in problems]
    output = result.options.output
    lines.append(f"Written to {output}/:")
    for name in ("transcript.html", "transcript.md", "progress.png"):
        if name in result.files:
            lines.append(f"  {name}")
    exports = sorted(k for k in result.files if k.startswith("exports/"))
    if exports:
        lines.append(f"  exports/ ({len(exports)} files: {', '.join(e[8:] for e in exports)})")
    guide = result.guide
    if guide is not None and guide.ok:
        lines.append(
            f"  guide/index.html (the member guide with this roster, {guide.seconds:.0f} s)"
        )
    elif guide is not None:
        lines.append("  guide/: NOT BUILT. mkdocs said:")
        lines += [f"    {line}" for line in guide.message.splitlines()]
    lines.append("  latencies.csv (each interaction's response time), bot.log, summary.txt")
    lines.append("  rehearsal.db (the bot's database; point COMPANION_DATABASE at it to explore)")
    return "\n".join(lines)
