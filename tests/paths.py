"""Where the shared reference material lives: beside the repository, as on CI."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DISCORD_FIXTURES = SHARED / "fixtures" / "discord"
MASTODON_FIXTURES = SHARED / "fixtures" / "mastodon"
