"""``companion check`` and ``companion recheck``: move statuses from the command line.

``check OLD NEW`` asks the servers about one pair and prints the report (``--json`` for
scripts); it needs no database. ``recheck`` rechecks every linked member in the database,
in batches, with a progress bar, and stores the observations as the bot would. Exit
codes: 0 done, 1 the servers could not be read (or nothing to recheck), 2 bad input.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import click

from companion.cli.context import fail, settings_from
from companion.core.handles import Handle, HandleError
from companion.core.move_report import MoveReport
from companion.settings import Settings
from companion.store import Store


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for scripts.")
@click.option(
    "--followers-before",
    type=click.IntRange(min=0),
    default=None,
    help="The old account's follower count recorded before the move (for followers_arrived).",
)
@click.pass_context
def check(
    ctx: click.Context, old: str, new: str, as_json: bool, followers_before: int | None
) -> None:
    """Check how far a move from OLD to NEW has got, asking both servers now.

    OLD and NEW are handles such as @alice@old.social (profile links work too).
    """
    settings = settings_from(ctx)
    try:
        old_handle, new_handle = Handle.parse(old), Handle.parse(new)
    except HandleError as exc:
        fail(f"{exc.message} (you typed {exc.text!r})", 2)
    report = asyncio.run(_check(settings, old_handle, new_handle, followers_before))
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render(report))
    if not report.confirmed:
        raise SystemExit(1)


async def _check(
    settings: Settings, old: Handle, new: Handle, followers_before: int | None
) -> MoveReport:
    from companion.moves import MoveChecker  # Mastodon.py loads only for checks

    async with MoveChecker(settings) as checker:
        return await checker.check(
            old, new, campaign=settings.campaign.to_campaign(), recorded_followers=followers_before
        )


def render(report: MoveReport) -> str:
    """The report as people read it in a terminal."""
    old = Handle.try_parse(report.old)
    new = Handle.try_parse(report.new)
    rows = [
        ("Old account", old.display if old else report.old),
        ("New account", new.display if new else report.new),
        ("Status", f"{report.label} ({report.status.value})"),
        ("", report.explanation),
    ]
    if report.reason:
        rows.append(("Why", report.reason))
    rows.append(("Next step", report.next_step))
    rows.append(("Guide", report.guide_url))
    if report.moved_to:
        rows.append(("Moved to", report.moved_to))
    if report.followers_before is not None or report.followers_now is not None:
        before = "unknown" if report.followers_before is None else str(report.followers_before)
        now = "unknown" if report.followers_now is None else str(report.followers_now)
        rows.append(
            (
                "Followers",
                f"{before} before the move, {now} on the new account "
                f"({round(report.followers_share * 100)}% counts as arrived)",
            )
        )
    if report.last_confirmed_at is not None:
        rows.append(("Last confirmed", _when(report.last_confirmed_at)))
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{label:<{width}}{value}" for label, value in rows]
    if report.evidence:
        lines.append("")
        lines.append("Evidence (what each server answered):")
        for item in report.evidence:
            lines.append(f"  {_when(item.observed_at)}  {item.server}  {item.asked}")
            lines.append(f"      -> {item.answer}")
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@click.command()
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="Recheck only this Discord server's members (default: every server in the database).",
)
@click.pass_context
def recheck(ctx: click.Context, guild_id: int | None) -> None:
    """Recheck every linked member against the servers and store what they say."""
    settings = settings_from(ctx)
    if not settings.database.is_file():
        fail(f"There is no database at {settings.database} yet (setting: database).")
    totals = asyncio.run(_recheck(settings, guild_id))
    if not totals:
        fail("Nobody has linked their accounts yet: there is nothing to recheck.")
    click.echo("Statuses now: " + ", ".join(f"{n} {s}" for s, n in totals.most_common()))


async def _recheck(settings: Settings, guild_id: int | None) -> Counter[str]:
    from companion.services import open_services  # the checker loads only when needed

    totals: Counter[str] = Counter()
    async with open_services(settings) as services:
        store = services.store
        guilds = [guild_id] if guild_id is not None else await store.call(Store.guild_ids)
        for guild in guilds:
            total = await store.call(Store.member_count, guild)
            if total == 0:
                continue
            with click.progressbar(length=total, label=f"Guild {guild}") as bar:

                def progress(done: int, _total: int, bar: Any = bar) -> None:
                    bar.update(done - bar.pos)

                await services.campaigns.recheck_all(guild, progress)
            totals.update(await store.call(Store.status_counts, guild))
    return totals
