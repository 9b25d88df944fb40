"""Where the tests' own files live: inside the repository, so a fresh clone needs nothing else."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
DISCORD_FIXTURES = FIXTURES / "discord"
MASTODON_FIXTURES = FIXTURES / "mastodon"
