"""What the terminal shows while the rehearsal runs: a bar and the simulated date.

On a terminal the bar is redrawn in place a few times a second; in a log or a pipe one
plain line is printed per simulated calendar day, so CI output stays readable.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from companion.i18n import DEFAULT_LANGUAGE, N_, _, use_language
from companion.i18n.dates import format_brief
from companion.i18n.numbers import format_number

if TYPE_CHECKING:
    from .community import Persona, Stage, Timeline
    from .world import World

BAR_WIDTH = 28
REDRAW_SECONDS = 0.2
DAY_OF = N_("day {day}/{total}")
CAMPAIGN_OVER = N_("Campaign over; final checks and exports…")
# The counts next to the bar.
LINKED = N_("linked")
MOVES_MADE = N_("moves made")
REMINDERS = N_("reminders")
INTERACTIONS = N_("interactions")


class Progress:
    """Draws the progress of the simulated campaign."""

    def __init__(
        self,
        stream: TextIO,
        timeline: Timeline,
        timezone: str,
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.stream = stream
        self.language = language  # the rehearsal's: the terminal speaks it too
        self.timeline = timeline
        self.zone = ZoneInfo(timezone)
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_day: date | None = None
        self._drawn = False

    def line(self, now: datetime, counts: dict[str, int]) -> str:
        """One status line: bar, share of the campaign, simulated date and the counts."""
        with use_language(self.language):
            return self._line(now, counts)

    def _line(self, now: datetime, counts: dict[str, int]) -> str:
        span = self.timeline.span.total_seconds()
        done = min(1.0, max(0.0, (now - self.timeline.start).total_seconds() / span))
        filled = int(done * BAR_WIDTH)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        local = now.astimezone(self.zone)
        total = self.timeline.calendar_days
        day = self.timeline.day_number(now)
        details = " · ".join(f"{_(name)} {format_number(value)}" for name, value in counts.items())
        day_of = _(DAY_OF).format(day=f"{day:>2}", total=total)
        return f"{bar} {done:4.0%}  {day_of} {format_brief(now, self.zone)} {local:%Z}  {details}"

    def show(self, now: datetime, counts: dict[str, int], *, final: bool = False) -> None:
        """Redraw the bar (terminal) or print a line when a new day began (anything else)."""
        text = self.line(now, counts)
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
            self._drawn = True
            return
        day = now.astimezone(self.zone).date()
        if day != self._last_day or final:
            self._last_day = day
            print(text, file=self.stream, flush=True)

    def wrap_up(self) -> None:
        """Say what happens after the simulated weeks (final checks, exports)."""
        self.finish()
        with use_language(self.language):
            print(_(CAMPAIGN_OVER), file=self.stream, flush=True)

    def finish(self) -> None:
        """End the redrawn line so the next output starts on its own line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    async def run(self, world: World, stage: Stage, personas: list[Persona]) -> None:
        """Redraw until cancelled, then once more (the last state stays on screen)."""
        try:
            while True:
                self.show(world.clock.now(), self.counts(world, stage, personas))
                await asyncio.sleep(REDRAW_SECONDS)
        finally:
            now = min(world.clock.now(), self.timeline.end)
            self.show(now, self.counts(world, stage, personas), final=True)

    def counts(self, world: World, stage: Stage, personas: list[Persona]) -> dict[str, int]:
        """The numbers shown next to the bar, by the (marked) names they are shown with."""
        posted = world.discord.messages_in(world.announcements_id, include_ephemeral=False)
        return {
            LINKED: sum(1 for p in personas if p.last_reply),
            # Moves members made, wrong target included; the summary counts what the bot
            # confirmed, so the two words differ on purpose.
            MOVES_MADE: len(stage.moved),
            REMINDERS: sum(1 for m in posted if m.embeds),  # the announcement is the first
            INTERACTIONS: len(stage.driver.latencies),
        }
