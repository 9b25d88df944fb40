"""Campaign reports for organisers: progress numbers and the progress chart."""

from companion.reports.progress import HelpNeeded, ProgressReport, build_progress

__all__ = ["HelpNeeded", "ProgressReport", "build_progress"]
