"""What a rehearsal is asked to do and what it produced: the runner fills it, the summary reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from companion.core.models import Member
from companion.store import ReminderRecord

from .community import Persona, Timeline
from .driver import Latency
from .follows import FollowsTally
from .guide import GuideBuild
from .transcript import Transcript

if TYPE_CHECKING:
    from companion.standins.discord import StoredMessage

DEFAULT_MEMBERS = 40
DEFAULT_OUTPUT = Path("rehearsal-output")
DISCORD_DEADLINE = 3.0  # seconds Discord waits for an interaction's first response


@dataclass
class RehearsalOptions:
    """What to rehearse and where to write it."""

    members: int = DEFAULT_MEMBERS
    speed: float | None = None  # None: the default (about a minute)
    output: Path = DEFAULT_OUTPUT
    seed: int = 7
    build_guide: bool = True
    language: str = "en"  # the campaign's language, and every member's Discord app
    today: date | None = None
    stream: TextIO | None = None  # progress and summary (default: stdout)


@dataclass
class RehearsalResult:
    """Everything the rehearsal produced, for the summary and the end-to-end test."""

    options: RehearsalOptions
    timeline: Timeline
    speed: float
    wall_seconds: float
    personas: list[Persona]
    members: dict[int, Member]
    reminders: dict[str, ReminderRecord]
    dm_sent: int
    latencies: list[Latency]
    failures: list[str]
    violations: list[str]
    pings: list[str]
    roster_post: str
    exports: dict[str, bytes]
    chart: bytes | None
    transcript: Transcript
    files: dict[str, Path] = field(default_factory=dict)
    guide: GuideBuild | None = None
    bot_messages: list[StoredMessage] = field(default_factory=list)
    follows: FollowsTally | None = None  # community follows kept, with and without mending

    @property
    def slowest(self) -> Latency | None:
        """The interaction the bot took longest to acknowledge."""
        timed = [item for item in self.latencies if item.first_response is not None]
        return max(timed, key=lambda item: item.first_response or 0.0, default=None)

    @property
    def late_answers(self) -> list[Latency]:
        """Interactions acknowledged after Discord's 3 seconds, or never."""
        return [
            item
            for item in self.latencies
            if item.first_response is None or item.first_response > DISCORD_DEADLINE
        ]

    @property
    def posted_reminders(self) -> dict[str, ReminderRecord]:
        """Channel reminders that went out (not the ones skipped after downtime)."""
        return {k: r for k, r in self.reminders.items() if r.message_id}

    @property
    def ok(self) -> bool:
        """True when every member ended where their script says and Discord saw no misuse."""
        return not (
            self.mismatches or self.late_answers or self.violations or self.pings or self.failures
        )

    @property
    def mismatches(self) -> list[str]:
        """Members whose final status differs from what their script implies."""
        found = []
        for persona in self.personas:
            member = self.members.get(persona.spec.id)
            status = member.last_status if member else None
            if status != persona.expected_status:
                found.append(
                    f"{persona.handle} ({persona.script}): expected "
                    f"{persona.expected_status}, got {status}"
                )
        return found
