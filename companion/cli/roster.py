"""``companion roster``: the roster files from the command line, as ``/campaign export``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import click

from companion.cli.context import fail, settings_from
from companion.core.exports import FORMATS, ExportFile
from companion.errors import UserFacingError
from companion.settings import Settings
from companion.store import Store

EXIT_USAGE = 2


@click.group()
def roster() -> None:
    """The community roster: members who moved, verified and agreed to be listed."""


@roster.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "all"]),
    required=True,
    help="mastodon-follows and mastodon-list import into Mastodon; csv, json and markdown "
    "are for people. 'all' writes every one.",
)
@click.option(
    "--output",
    type=click.Path(),
    default=None,
    help="A folder to write into (default: the current folder; created if needed), or a "
    "file name with an extension when the export is a single file.",
)
@click.option("--guild", "guild_id", type=int, default=None, help="Discord server (guild) id.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_context
def roster_export(
    ctx: click.Context, fmt: str, output: str | None, guild_id: int | None, force: bool
) -> None:
    """Write the roster files, for organisers to share or import into Mastodon."""
    settings = settings_from(ctx)
    path = settings.database
    if not path.is_file():
        fail(f"There is no database at {path} yet (setting: database).")
    store = Store(path)
    try:
        if store.pending_migrations():
            fail(f"The database {path} is not up to date: run `companion db migrate` first.")
        guild_id = _choose_guild(store.guild_ids(), guild_id)
    finally:
        store.close()
    try:
        files = asyncio.run(_export(settings, guild_id, fmt))
    except UserFacingError as exc:
        fail(f"{exc.message} Nothing was written.")
    targets = _targets(files, output)
    existing = [str(target) for target in targets.values() if target.exists()]
    if existing and not force:
        fail("Not overwriting " + ", ".join(existing) + " (add --force to replace them).")
    for file in files:
        try:
            _write(targets[file.name], file.content)
        except OSError as exc:
            fail(f"Could not write {targets[file.name]}: {exc.strerror or exc}")
        noun = "account" if file.rows == 1 else "accounts"
        click.echo(f"Wrote {targets[file.name]} ({file.rows:,} {noun}).")


async def _export(settings: Settings, guild_id: int, fmt: str) -> list[ExportFile]:
    """The files, made by the same service as ``/campaign export``."""
    from companion.services import open_services  # the checker loads only when needed

    async with open_services(settings) as services:
        return await services.campaigns.export(guild_id, fmt)


def _choose_guild(known: list[int], wanted: int | None) -> int:
    """The one guild to export: the one asked for, or the only one stored."""
    listed = ", ".join(str(g) for g in known)
    if wanted is not None:
        if wanted not in known:
            fail(
                f"Guild {wanted} has nothing stored. Guilds in the database: {listed or 'none'}.",
                EXIT_USAGE,
            )
        return wanted
    if not known:
        fail("The database holds no campaign and no linked member yet.")
    if len(known) > 1:
        fail(f"The database holds several guilds: {listed}. Choose one with --guild.", EXIT_USAGE)
    return known[0]


def _targets(files: list[ExportFile], output: str | None) -> dict[str, Path]:
    """Where each file goes: into a folder, or to the one file name given."""
    path = Path(output or ".")
    # Every export file has an extension: a path without one (or ending in a slash) is a
    # folder, even before it exists.
    if output is None or path.is_dir() or output.endswith(("/", os.sep)) or not path.suffix:
        return {file.name: path / file.name for file in files}
    if len(files) > 1:
        fail(
            f"This export writes {len(files)} files ({', '.join(f.name for f in files)}): "
            "give --output a folder, not a file name.",
            EXIT_USAGE,
        )
    return {files[0].name: path}


def _write(target: Path, content: bytes) -> None:
    """Write whole or not at all: a reader never sees half a file under the final name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(content)
    partial.replace(target)
