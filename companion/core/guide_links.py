"""Where each topic lives in the member guide, so the bot, the CLI and the guide agree.

Paths are relative to the guide's base URL (``settings.campaign.guide_url``). The guide
gives these headings explicit ids; a browser test fails if any target stops resolving.
Each language's pages live under its code (``de/move/``), with the English anchors
(the guide gives them explicit ids), so a link only gains the language prefix: links
follow the reader's language (the current one, see ``companion.i18n``).
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.i18n import DEFAULT_LANGUAGE, N_, current_language


@dataclass(frozen=True, slots=True)
class GuideTopic:
    """One place in the guide a reply can point to."""

    key: str
    title: str  # an N_-marked message id: show it with ``_()``
    path: str

    def url(self, base: str, language: str | None = None) -> str:
        """Absolute link under the guide's base URL, in the reader's language."""
        return language_url(base, language) + self.path


def language_url(base: str, language: str | None = None) -> str:
    """The guide's home in ``language`` (default: the current one), ending in a slash."""
    language = language or current_language()
    root = base.rstrip("/") + "/"
    return root if language == DEFAULT_LANGUAGE else f"{root}{language}/"


_TOPICS = (
    GuideTopic("start", N_("Start here"), ""),
    GuideTopic("what-moves", N_("What moves and what does not"), "#what-moves"),
    GuideTopic("create-account", N_("Create your new account"), "before/#create-your-new-account"),
    GuideTopic("copy-profile", N_("Copy your profile"), "before/#copy-your-profile"),
    GuideTopic("export", N_("Export your data"), "before/#export-your-data"),
    GuideTopic("archive", N_("Request your archive"), "before/#request-your-archive"),
    GuideTopic(
        "private-posts", N_("Save private posts and messages"), "before/#save-private-posts"
    ),
    GuideTopic("mend-follows", N_("Mend your follows file"), "move/#mend-your-follows-file"),
    GuideTopic("import", N_("Import your data on the new account"), "move/#import-your-data"),
    GuideTopic("check-import", N_("Check your import"), "move/#check-your-import"),
    GuideTopic("alias", N_("Set the alias on your new account"), "move/#set-the-alias"),
    GuideTopic("move", N_("Start the move from your old account"), "move/#start-the-move"),
    GuideTopic("after-move", N_("What your old profile looks like"), "move/#after-the-move"),
    GuideTopic("cooldown", N_("The 30-day cooldown"), "move/#cooldown"),
    GuideTopic("followers", N_("Check your followers"), "after/#check-your-followers"),
    GuideTopic("keep-old", N_("Keep your old account"), "after/#keep-your-old-account"),
    GuideTopic("links", N_("Update your links"), "after/#update-your-links"),
    GuideTopic("refollow", N_("Re-follow the community"), "after/#refollow-the-community"),
    GuideTopic("problems", N_("Common problems"), "problems/"),
    GuideTopic("not-an-alias", N_("“is not an alias of this account”"), "problems/#not-an-alias"),
    GuideTopic("bot", N_("Using the Discord bot"), "bot/"),
    GuideTopic("verify", N_("Prove you own your new account"), "bot/#verify"),
    GuideTopic("roster", N_("The community roster"), "roster/"),
    GuideTopic("privacy", N_("Privacy: what the bot stores"), "privacy/"),
    GuideTopic("organisers", N_("For organisers"), "organisers/"),
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


def topic_url(base: str, key: str, language: str | None = None) -> str:
    """Absolute link to a topic by key (KeyError for an unknown key: a programming error)."""
    return TOPICS[key].url(base, language)


def status_url(base: str, status: str, language: str | None = None) -> str:
    """Absolute link to the guide section for a move status, in the reader's language."""
    return language_url(base, language) + STATUS_ANCHORS[status]


def all_targets() -> set[str]:
    """Every path#anchor the code links to, for the guide's link test."""
    return {topic.path for topic in _TOPICS} | set(STATUS_ANCHORS.values())
