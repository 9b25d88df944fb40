"""``companion rehearse``: a whole campaign offline, with the real bot, in about a minute."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from companion.i18n import DEFAULT_LANGUAGE, LANGUAGES

MAX_SPEED = 250_000.0  # faster, and a member's few clicks would span simulated days


@click.command()
@click.option(
    "--members",
    type=click.IntRange(min=5, max=2000),
    default=40,
    show_default=True,
    help="Simulated community members (at least 5: one per kind of member).",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=1.0, max=MAX_SPEED),
    default=None,
    help="Times faster than real time [default: the 3-week campaign in about a minute].",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("rehearsal-output"),
    show_default=True,
    help="Folder for the transcript, exports, chart and guide.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Vary the community.")
@click.option("--no-guide", is_flag=True, help="Skip building the member guide.")
@click.option(
    "--language",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The campaign's language, and every simulated member's Discord app's.",
)
def rehearse(
    members: int, speed: float | None, output: Path, seed: int, no_guide: bool, language: str
) -> None:
    """Rehearse a campaign offline: stand-in Discord and Mastodon, the real bot, no token."""
    from companion.i18n import gettext
    from companion.rehearsal import RehearsalOptions, print_summary, rehearse_campaign
    from companion.rehearsal.runner import STOPPED

    options = RehearsalOptions(
        members=members,
        speed=speed,
        output=output,
        seed=seed,
        build_guide=not no_guide,
        language=language,
    )
    try:
        result = asyncio.run(rehearse_campaign(options))
    except KeyboardInterrupt:
        click.echo("\n" + gettext(STOPPED, language), err=True)
        raise SystemExit(1) from None
    print_summary(result)
    if not result.ok:
        raise SystemExit(1)
