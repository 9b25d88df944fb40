"""The ``companion`` command: a thin layer over the package, with clear exit codes.

Exit codes: 0 success, 1 the work failed, 2 bad usage or bad settings. Settings are built
here, once, and handed to each command through click's context object.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from companion import __version__
from companion.cli.check import check, recheck
from companion.cli.config import config
from companion.cli.db import db
from companion.cli.rehearse import rehearse
from companion.cli.roster import roster
from companion.cli.run import run
from companion.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2


class CompanionGroup(click.Group):
    """Turn our own errors into one readable line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; report settings errors with exit code 2."""
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            click.echo(exc.message, err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=CompanionGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="companion")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="COMPANION_CONFIG",
    help="The campaign file (default: companion.toml in the current folder).",
)
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None) -> None:
    """Migration Companion: move a whole community to a new Mastodon server together."""
    ctx.obj = LazySettings(config_file)


class LazySettings:
    """Load settings on first use, so ``--help`` works even when they are broken."""

    def __init__(self, config_file: Path | None) -> None:
        self.config_file = config_file
        self._settings: Settings | None = None

    def get(self) -> Settings:
        """The settings, loaded once; raises ``SettingsError`` with a readable message."""
        if self._settings is None:
            self._settings = load_settings(self.config_file)
            logging.basicConfig(
                level=self._settings.log_level,
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                stream=sys.stderr,
            )
        return self._settings


cli.add_command(run)
cli.add_command(config)
cli.add_command(db)
cli.add_command(check)
cli.add_command(recheck)
cli.add_command(roster)
cli.add_command(rehearse)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="companion")
