"""Where each topic lives in the member guide, so the bot, the CLI and the guide agree.

Paths are relative to the guide's base URL (``settings.campaign.guide_url``). The guide
gives these headings explicit ids; a browser test fails if any target stops resolving.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GuideTopic:
    """One place in the guide a reply can point to."""

    key: str
    title: str
    path: str

    def url(self, base: str) -> str:
        """Absolute link under the guide's base URL."""
        return base.rstrip("/") + "/" + self.path


_TOPICS = (
    GuideTopic("start", "Start here", ""),
    GuideTopic("what-moves", "What moves and what does not", "#what-moves"),
    GuideTopic("create-account", "Create your new account", "before/#create-your-new-account"),
    GuideTopic("copy-profile", "Copy your profile", "before/#copy-your-profile"),
    GuideTopic("export", "Export your data", "before/#export-your-data"),
    GuideTopic("archive", "Request your archive", "before/#request-your-archive"),
    GuideTopic("private-posts", "Save private posts and messages", "before/#save-private-posts"),
    GuideTopic("mend-follows", "Mend your follows file", "move/#mend-your-follows-file"),
    GuideTopic("import", "Import your data on the new account", "move/#import-your-data"),
    GuideTopic("check-import", "Check your import", "move/#check-your-import"),
    GuideTopic("alias", "Set the alias on your new account", "move/#set-the-alias"),
    GuideTopic("move", "Start the move from your old account", "move/#start-the-move"),
    GuideTopic("after-move", "What your old profile looks like", "move/#after-the-move"),
    GuideTopic("cooldown", "The 30-day cooldown", "move/#cooldown"),
    GuideTopic("followers", "Check your followers", "after/#check-your-followers"),
    GuideTopic("keep-old", "Keep your old account", "after/#keep-your-old-account"),
    GuideTopic("links", "Update your links", "after/#update-your-links"),
    GuideTopic("refollow", "Re-follow the community", "after/#refollow-the-community"),
    GuideTopic("problems", "Common problems", "problems/"),
    GuideTopic("not-an-alias", "“is not an alias of this account”", "problems/#not-an-alias"),
    GuideTopic("bot", "Using the Discord bot", "bot/"),
    GuideTopic("verify", "Prove you own your new account", "bot/#verify"),
    GuideTopic("roster", "The community roster", "roster/"),
    GuideTopic("privacy", "Privacy: what the bot stores", "privacy/"),
    GuideTopic("organisers", "For organisers", "organisers/"),
)

TOPICS: dict[str, GuideTopic] = {topic.key: topic for topic in _TOPICS}

# Each move status links to its own section of "Common problems" (or the next step).
STATUS_ANCHORS: dict[str, str] = {
    "not_linked": "bot/#link",
    "new_account_missing": "problems/#new-account-missing",
    "wrong_server": "problems/#wrong-server",
    "alias_missing": "problems/#alias-missing",
    "alias_unknown": "problems/#alias-unknown",
    "ready_to_move": "move/#start-the-move",
    "moved": "after/#check-your-followers",
    "moved_elsewhere": "problems/#moved-elsewhere",
    "followers_arrived": "after/#refollow-the-community",
    "old_account_gone": "problems/#old-account-gone",
    "server_unreachable": "problems/#server-unreachable",
    "unsupported_server": "problems/#unsupported-server",
    "followers_missing": "problems/#followers-missing",
}


def topic_url(base: str, key: str) -> str:
    """Absolute link to a topic by key (KeyError for an unknown key: a programming error)."""
    return TOPICS[key].url(base)


def status_url(base: str, status: str) -> str:
    """Absolute link to the guide section for a move status."""
    return base.rstrip("/") + "/" + STATUS_ANCHORS[status]


def all_targets() -> set[str]:
    """Every path#anchor the code links to, for the guide's link test."""
    return {topic.path for topic in _TOPICS} | set(STATUS_ANCHORS.values())
