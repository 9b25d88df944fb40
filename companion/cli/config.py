"""``companion config``: see the effective settings and where each came from."""

from __future__ import annotations

from typing import Any

import click
from pydantic import BaseModel, SecretStr

from companion.cli.context import settings_from
from companion.settings import Settings


@click.group()
def config() -> None:
    """Inspect the settings."""


@config.command("check")
@click.pass_context
def config_check(ctx: click.Context) -> None:
    """Validate the settings and print them, secrets masked, with their source."""
    settings = settings_from(ctx)
    click.echo("Settings are valid.\n")
    for name, value, origin in effective_settings(settings):
        click.echo(f"  {name} = {value}    [{origin}]")
    if not settings.campaign.to_campaign().is_configured:
        click.echo(
            "\nNo campaign is configured yet (campaign.old_server, campaign.new_server, "
            "campaign.deadline). Organisers can also set it up with /campaign setup."
        )


def _show(value: Any) -> str:
    if isinstance(value, SecretStr):
        return "********" if value.get_secret_value() else "(empty)"
    if value is None:
        return "(not set)"
    return str(value)


def effective_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """Rows of (dotted name, shown value, origin), secrets masked."""
    rows: list[tuple[str, str, str]] = []
    origins = settings.origins
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            for sub in type(value).model_fields:
                key = f"{name}.{sub}"
                rows.append((key, _show(getattr(value, sub)), origins.get(key, "default")))
        elif name == "servers":
            if not value:
                rows.append((name, "(none)", origins.get(name, "default")))
            for domain, server in value.items():
                for sub in type(server).model_fields:
                    shown = _show(getattr(server, sub))
                    key = f"servers.{domain}.{sub}"
                    rows.append((key, shown, origins.get(key, "default")))
        else:
            rows.append((name, _show(value), origins.get(name, "default")))
    return rows
