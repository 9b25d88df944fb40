"""``companion db``: keep the SQLite file safe (online backups, migrations)."""

from __future__ import annotations

from pathlib import Path

import click

from companion.cli.context import fail, settings_from
from companion.store import Store, StoreError, backup_database


@click.group()
def db() -> None:
    """Manage the database file."""


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def db_backup(ctx: click.Context, path: Path) -> None:
    """Copy the database to PATH, consistently, even while the bot is running."""
    settings = settings_from(ctx)
    if not settings.database.is_file():
        fail(f"There is no database at {settings.database} yet (setting: database).")
    try:
        backup_database(settings.database, path)
    except StoreError as exc:
        fail(f"No backup was made: {exc}.")
    except OSError as exc:
        fail(
            f"No backup was made: could not write to {path} ({exc.strerror or exc}). "
            "Choose a folder you can write to."
        )
    click.echo(f"Backed up {settings.database} to {path}.")


@db.command("migrate")
@click.pass_context
def db_migrate(ctx: click.Context) -> None:
    """Bring the database file's schema up to date, keeping every row."""
    settings = settings_from(ctx)
    store = Store(settings.database)
    try:
        applied = store.migrate()
    finally:
        store.close()
    if applied:
        click.echo(f"Applied {len(applied)} migration(s): {', '.join(applied)}.")
    else:
        click.echo("The database is up to date.")


@db.command("forget-guild")
@click.argument("guild_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def db_forget_guild(ctx: click.Context, guild_id: int, yes: bool) -> None:
    """Delete everything stored for one Discord server (when its campaign is closed)."""
    settings = settings_from(ctx)
    if not settings.database.is_file():
        fail(f"There is no database at {settings.database} (setting: database).")
    store = Store(settings.database)
    try:
        if guild_id not in store.guild_ids():
            fail(f"Nothing is stored for the Discord server {guild_id}.")
        if not yes:
            click.confirm(
                f"Delete every member, check and setting of the Discord server {guild_id}? "
                "This cannot be undone (take a backup first: companion db backup PATH)",
                abort=True,
            )
        removed = store.forget_guild(guild_id)
    finally:
        store.close()
    click.echo(f"Deleted everything stored for {guild_id} ({removed} members).")
