"""Helpers every CLI command shares: reading settings from the context, failing cleanly."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from companion.settings import Settings


def settings_from(ctx: click.Context) -> Settings:
    """The settings built by the top-level command (loaded on first use)."""
    return ctx.find_root().obj.get()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one readable message and exit with ``code`` (1 failure, 2 bad usage)."""
    click.echo(message, err=True)
    raise SystemExit(code)
