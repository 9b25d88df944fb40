"""``companion run``: start the live bot."""

from __future__ import annotations

import asyncio

import click

from companion.cli.context import fail, settings_from

HOW_TO_GO_LIVE = (
    "No Discord bot token is configured (setting: discord_token, environment variable "
    "COMPANION_DISCORD_TOKEN).\n"
    "Create one at https://discord.com/developers/applications: New Application > Bot > "
    "Reset Token, then put it in .env as COMPANION_DISCORD_TOKEN=… (never commit it).\n"
    "To try everything without a token, run: companion rehearse"
)


@click.command()
@click.option(
    "--rehearse-without-token",
    is_flag=True,
    help="With no token configured, run the offline rehearsal instead of failing.",
)
@click.pass_context
def run(ctx: click.Context, rehearse_without_token: bool) -> None:
    """Run the Discord bot (needs a bot token)."""
    settings = settings_from(ctx)
    if settings.discord_token is None or not settings.discord_token.get_secret_value():
        if rehearse_without_token:
            from companion.rehearsal import run_or_rehearse

            raise SystemExit(run_or_rehearse(settings))
        fail(HOW_TO_GO_LIVE, code=1)
    from companion.bot.app import run_bot

    try:
        asyncio.run(run_bot(settings))
    except KeyboardInterrupt:
        click.echo("Stopped.")
