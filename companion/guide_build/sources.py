"""Adapters between the guide build and the rest of the code: settings, bot, store.

Each is one small function so the build fails with a clear message when a source is
missing, and tests can swap a source without touching the hooks.
"""

from __future__ import annotations

import importlib

from discord import app_commands

from companion.core.exports import unique_entries
from companion.core.roster import RosterEntry
from companion.settings import Settings, load_settings


class GuideSourceError(Exception):
    """A source the guide is generated from is missing or broken."""


def settings_for_guide() -> Settings:
    """Exactly the settings the bot would read when started from the same folder.

    Like ``companion run``: ``companion.toml`` (or ``COMPANION_CONFIG``) and ``.env`` in the
    current directory, then ``COMPANION_`` environment variables. Raises ``SettingsError``.
    """
    return load_settings()


def command_groups() -> list[app_commands.Group]:
    """The bot's real slash-command groups, or ``GuideSourceError`` saying what is missing."""
    try:
        module = importlib.import_module("companion.bot.commands")
    except ImportError as exc:
        raise GuideSourceError(
            "The 'Using the Discord bot' page is generated from the bot's command "
            "definitions, but companion.bot.commands cannot be imported "
            f"({exc.__class__.__name__}: {exc})."
        ) from exc
    factory = getattr(module, "command_groups", None)
    if factory is None:
        raise GuideSourceError(
            "companion.bot.commands has no command_groups() function, which the "
            "'Using the Discord bot' page is generated from."
        )
    groups = list(factory())
    if not groups or not all(isinstance(g, app_commands.Group) for g in groups):
        raise GuideSourceError(
            "companion.bot.commands.command_groups() must return app_commands.Group objects."
        )
    return groups


def roster_entries(settings: Settings) -> list[RosterEntry]:
    """Listed members (moved, verified, consenting) from the store, if its file exists.

    All guilds in the file, or only ``discord_guild_id`` when it is set.
    """
    path = settings.database
    if not path.is_file():
        return []
    from companion.store.store import Store

    store = Store(path)
    try:
        if store.pending_migrations():
            raise GuideSourceError(
                f"The database {path} needs upgrading before the roster can be read: "
                "run `companion db migrate`."
            )
        guilds = [settings.discord_guild_id] if settings.discord_guild_id else store.guild_ids()
        entries = [entry for guild in guilds for entry in store.roster(guild)]
    finally:
        store.close()
    # Several communities in one file: one list, earliest move first, each account once.
    return unique_entries(sorted(entries, key=lambda e: (e.moved_at, e.discord_name.casefold())))


def status_label(status: str, language: str = "en") -> str:
    """The member-facing name of a move status, as the bot shows it in ``language``.

    The catalog's translation, so the guide and the bot agree; English until it is filled.
    """
    from companion.core.move_status import MoveStatus
    from companion.i18n import gettext

    try:
        return gettext(MoveStatus(status).label, language)
    except ValueError:
        raise GuideSourceError(f"The guide names an unknown move status {status!r}.") from None
