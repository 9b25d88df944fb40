"""Migration Companion: move a whole community from one Mastodon server to another."""

__version__ = "0.1.0"
USER_AGENT = f"MigrationCompanion/{__version__} (+community migration bot)"
