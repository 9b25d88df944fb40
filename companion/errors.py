"""Errors that carry a sentence for the user; every surface (Discord, CLI) shows it as is."""

from __future__ import annotations


class UserFacingError(Exception):
    """A problem the user can understand and act on; ``message`` is shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
