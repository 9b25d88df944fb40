"""Build the member guide with the rehearsal's campaign and roster (``mkdocs build``).

The guide reads the same settings as the bot (``companion.toml`` or ``COMPANION_CONFIG``,
then ``COMPANION_`` variables), so a campaign file written for the rehearsal, naming its
database, is all it needs. A failed build is reported, never fatal: everything else the
rehearsal wrote stays.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from companion.core.text import clean_line

from .world import CampaignPlan

BUILD_TIMEOUT = 300.0
ERROR_LINES = 12


@dataclass(frozen=True, slots=True)
class GuideBuild:
    """How the guide build went."""

    ok: bool
    path: Path
    seconds: float
    message: str = ""


def mkdocs_config() -> Path | None:
    """The project's ``mkdocs.yml`` (present in a checkout, not in an installed wheel)."""
    candidate = Path(__file__).resolve().parents[2] / "mkdocs.yml"
    return candidate if candidate.is_file() else None


def campaign_file(plan: CampaignPlan, database: Path, guild_id: int) -> str:
    """A ``companion.toml`` for the rehearsal's campaign and database."""

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "\n".join(
        [
            f"database = {quoted(str(database))}",
            f"discord_guild_id = {guild_id}",
            "",
            "[campaign]",
            f"community_name = {quoted(clean_line(plan.community))}",
            f"old_server = {quoted(plan.old_server)}",
            f"new_server = {quoted(plan.new_server)}",
            f"deadline = {plan.deadline.isoformat()}",
            f"timezone = {quoted(plan.timezone)}",
            f"guide_url = {quoted(plan.guide_url)}",
            "",
        ]
    )


def build_guide(database: Path, plan: CampaignPlan, destination: Path, guild_id: int) -> GuideBuild:
    """Run ``mkdocs build`` into ``destination`` with the rehearsal's settings."""
    started = time.monotonic()
    config = mkdocs_config()
    if config is None:
        return GuideBuild(
            False, destination, 0.0, "mkdocs.yml was not found next to the package (not a checkout)"
        )
    with tempfile.TemporaryDirectory(prefix="companion-guide-") as tmp:
        toml = Path(tmp) / "companion.toml"
        toml.write_text(campaign_file(plan, database, guild_id), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
        env["COMPANION_CONFIG"] = str(toml)
        env["COMPANION_DATABASE"] = str(database)
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--quiet",
            "--config-file",
            str(config),
            "--site-dir",
            str(destination.resolve()),
        ]
        try:
            done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=tmp,  # no stray .env or companion.toml from the caller's folder
                env=env,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return GuideBuild(False, destination, time.monotonic() - started, str(exc))
    seconds = time.monotonic() - started
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()[-ERROR_LINES:]
        return GuideBuild(False, destination, seconds, "\n".join(lines) or "mkdocs failed")
    if not (destination / "index.html").is_file():
        return GuideBuild(False, destination, seconds, "mkdocs wrote no index.html")
    return GuideBuild(True, destination, seconds)
