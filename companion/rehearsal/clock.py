"""The rehearsal's clock: a ``ScaledClock`` whose speed can change while it runs.

The organiser's setup runs slowly (a 15-minute confirmation window must stay a window),
the weeks of the campaign run fast; every moment the stand-ins stamped in real time can be
turned back into the simulated time it happened at, for the transcript.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from companion.core.clock import ScaledClock


@dataclass(frozen=True, slots=True)
class _Segment:
    """From ``mono`` (real, monotonic seconds) on, simulated time runs ``speed`` times faster."""

    mono: float
    sim: datetime
    speed: float


class RehearsalClock(ScaledClock):
    """Simulated time in segments of constant speed; maps real instants to simulated ones."""

    def __init__(self, start: datetime, speed: float) -> None:
        super().__init__(start, speed)
        mono = time.monotonic()
        # Wall-clock stamps (Discord's message timestamps) are mapped through monotonic time.
        self._wall_minus_mono = time.time() - mono
        self._segments = [_Segment(mono, self.start, speed)]

    def now(self) -> datetime:
        """Simulated time now."""
        return self.at_monotonic(time.monotonic())

    def at_monotonic(self, mono: float) -> datetime:
        """The simulated time at a real ``time.monotonic()`` instant."""
        index = max(0, bisect_right([s.mono for s in self._segments], mono) - 1)
        segment = self._segments[index]
        return segment.sim + timedelta(seconds=(mono - segment.mono) * segment.speed)

    def at_wall(self, wall: float) -> datetime:
        """The simulated time at a real ``time.time()`` instant."""
        return self.at_monotonic(wall - self._wall_minus_mono)

    def at_iso(self, stamp: str) -> datetime:
        """The simulated time of a real ISO 8601 timestamp (as Discord stamps messages)."""
        return self.at_wall(datetime.fromisoformat(stamp).timestamp())

    def set_speed(self, speed: float) -> None:
        """From now on run ``speed`` times faster than real time."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        mono = time.monotonic()
        self._segments.append(_Segment(mono, self.at_monotonic(mono), speed))
        self.speed = speed

    @contextmanager
    def slowed(self, speed: float) -> Iterator[None]:
        """Run at ``speed`` inside the block, then return to the previous speed."""
        previous = self.speed
        self.set_speed(speed)
        try:
            yield
        finally:
            self.set_speed(previous)

    def advance(self, delta: timedelta) -> None:
        """Jump forward by ``delta`` of simulated time."""
        mono = time.monotonic()
        self._segments.append(_Segment(mono, self.at_monotonic(mono) + delta, self.speed))

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time at the current speed."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)

    async def sleep_until(self, moment: datetime) -> None:
        """Wait until simulated time reaches ``moment`` (speed changes are followed)."""
        # The speed may change while waiting, so wait in short steps and look again.
        while (left := (moment - self.now()).total_seconds()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(min(left / self.speed, 0.25))
