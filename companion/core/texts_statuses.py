"""Every member-facing word of the move statuses, marked for the catalogs (``N_``).

Each status (keyed by its value, the guide's anchor key) has a short label, one sentence
saying what it means and the next step. Placeholders (``str.format``): ``{old}``, ``{new}``,
``{target}``, ``{new_server}``, ``{share}``, ``{last_known}``, ``{confirmed}`` and
``{move_cooldown}`` (how long the old account must wait before it may move again).
Account settings are pages of the server's website, not part of most apps: the texts say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.i18n import N_


@dataclass(frozen=True, slots=True)
class StatusText:
    """One status's words: its label, what it means, and what to do next."""

    label: str
    explanation: str
    next_step: str


# Fields of the sentences below when the facts leave them open, and the "confirmed" clause.
SOME_OTHER_ACCOUNT = N_("another account")
SOME_NEW_SERVER = N_("your new server")
NOTHING_KNOWN_YET = N_("nothing yet")
CONFIRMED_AT = N_(", confirmed {when}")
# How long a moved account waits, per software: "30 days on Mastodon (7 days on GoToSocial)".
PERIOD_ON_SOFTWARE = N_("{period} on {software}")
MOVE_COOLDOWNS = N_("{mastodon} ({others})")

STATUS_TEXTS: dict[str, StatusText] = {
    "not_linked": StatusText(
        N_("Not linked yet"),
        N_("The bot does not know your old and new accounts yet."),
        N_("Tell the bot your old and new handles with /move link."),
    ),
    "new_account_missing": StatusText(
        N_("New account not found"),
        N_("Your new server does not know the account {new}."),
        N_(
            "Check the spelling of your new handle, or create the account on {new_server} first "
            "(the same username as on your old server is fine), then check again."
        ),
    ),
    "wrong_server": StatusText(
        N_("New account on another server"),
        N_("Your new account {new} is not on the community's new server, {new_server}."),
        N_("Create your new account on {new_server} and link that one instead."),
    ),
    "alias_missing": StatusText(
        N_("Alias not set"),
        N_("Your new account does not list {old} as an alias yet, so the move would be refused."),
        N_(
            "On your new server's website (the settings are not in most apps), open Account "
            "settings on your new account, then “Moving from a different account”, create an "
            "alias naming {old}, then check again."
        ),
    ),
    "alias_unknown": StatusText(
        N_("Alias cannot be checked"),
        N_(
            "Your new server does not let the bot read the alias list, so the bot cannot tell "
            "whether the alias is set."
        ),
        N_(
            "Make sure your new account has an alias naming {old}; if it is missing, the move "
            "page on your old account will say the new account “is not an alias of this account”. "
            "If the alias is there and the page still says so, wait: your old server can keep an "
            "older copy of your new profile for up to 24 hours, so try again later rather than "
            "again and again."
        ),
    ),
    "ready_to_move": StatusText(
        N_("Ready to move"),
        N_(
            "Your new account lists your old one as an alias, and your old account has not "
            "moved yet."
        ),
        N_(
            "On your old server's website (the settings are not in most apps), open Account "
            "settings, then “Move to a different account”, enter {new} and your password, and "
            "press “Move followers”. Afterwards your old account cannot move again for "
            "{move_cooldown}. If the page says the new account “is not an alias of this account”, "
            "wait: your old server can keep an older copy of your new profile for up to 24 hours, "
            "so try again later rather than again and again."
        ),
    ),
    "moved": StatusText(
        N_("Moved"),
        N_(
            "Your old account now points to {new}; your followers are on their way. It cannot "
            "move again for {move_cooldown} after the move."
        ),
        N_(
            "Nothing to do but wait: followers arrive over hours or days. Keep your old account, "
            "do not delete it."
        ),
    ),
    "moved_elsewhere": StatusText(
        N_("Moved to another account"),
        N_("Your old account moved to {target}, not to the account you linked ({new})."),
        N_("If {target} is yours, link that account instead; if not, ask an organiser for help."),
    ),
    "followers_arrived": StatusText(
        N_("Followers arrived"),
        N_(
            "Your new account has at least {share} of the followers your old one had before "
            "the move."
        ),
        N_(
            "You are done: re-follow the community's accounts and update the links to your profile."
        ),
    ),
    "old_account_gone": StatusText(
        N_("Old account gone"),
        N_(
            "Your old server no longer shows {old} (deleted or suspended); followers still on "
            "their way may be lost."
        ),
        N_(
            "Tell an organiser; if you have not moved yet, ask your old server's team whether the "
            "account can be restored."
        ),
    ),
    "server_unreachable": StatusText(
        N_("Server not answering"),
        N_(
            "A server did not answer properly, so the bot could not check; last known: "
            "{last_known}{confirmed}."
        ),
        N_(
            "Nothing to do: the bot checks again later. If this lasts more than a day, tell an "
            "organiser."
        ),
    ),
    "unsupported_server": StatusText(
        N_("Server not supported"),
        N_(
            "A server answered, but not like a Mastodon server, so the bot cannot read the move; "
            "last known: {last_known}{confirmed}."
        ),
        N_("Check your profiles yourself, and tell an organiser which software that server runs."),
    ),
}
