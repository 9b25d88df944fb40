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
        fail(str(exc))
    except OSError as exc:
        fail(f"Could not write the backup to {path}: {exc.strerror or exc}")
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
