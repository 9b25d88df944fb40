"""Time as the product sees it: the real clock live, a compressed one in the rehearsal.

Everything that reads the time or waits for a moment takes a ``Clock``, so a three-week
campaign can run in a minute through exactly the code the live bot runs.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the time and waits; the live bot and the rehearsal differ only here."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait this many seconds of clock time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait in real time."""
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """A clock that runs ``speed`` times faster than real time from a chosen start."""

    def __init__(self, start: datetime, speed: float) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = start.astimezone(UTC)
        self.speed = speed
        self._origin = time.monotonic()
        self._offset = timedelta()

    def now(self) -> datetime:
        """Simulated time: the start plus elapsed real time multiplied by the speed."""
        elapsed = (time.monotonic() - self._origin) * self.speed
        return self.start + timedelta(seconds=elapsed) + self._offset

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time (``seconds / speed`` real seconds)."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)

    def advance(self, delta: timedelta) -> None:
        """Jump forward (a simulated downtime or a skipped quiet night)."""
        self._offset += delta
