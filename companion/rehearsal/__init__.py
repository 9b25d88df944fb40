"""Offline rehearsal of a whole campaign with the real bot (``companion rehearse``)."""

from __future__ import annotations

from .result import DEFAULT_MEMBERS, DEFAULT_OUTPUT, RehearsalOptions, RehearsalResult
from .runner import default_speed, print_summary, rehearse_campaign, run_or_rehearse

__all__ = [
    "DEFAULT_MEMBERS",
    "DEFAULT_OUTPUT",
    "RehearsalOptions",
    "RehearsalResult",
    "default_speed",
    "print_summary",
    "rehearse_campaign",
    "run_or_rehearse",
]
