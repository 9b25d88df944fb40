"""Every member-facing word of the campaign reminders, marked for the catalogs (``N_``).

Placeholders (``str.format``): ``{community}`` (already escaped), ``{old_server}``,
``{new_server}``, ``{deadline}`` and ``{deadline_relative}`` (Discord timestamps each
reader sees in their own time zone), ``{moved}``, ``{linked}``, ``{left}``, ``{guide}``
(the guide section for this reminder), ``{previous}`` (the former deadline day),
``{move_cooldown}`` (how long a moved account waits before it may move again, from
``core.cooldowns``) and, in direct messages, ``{next_step}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.i18n import N_, NP_


@dataclass(frozen=True, slots=True)
class ReminderText:
    """One reminder's words: title, body lines, a short lead for DMs, and its guide topic."""

    title: str
    lines: tuple[str, ...]
    dm_lead: str
    guide_topic: str


CHANNEL: dict[str, ReminderText] = {
    "announce": ReminderText(
        title=N_("{community} is moving to {new_server}"),
        lines=(
            N_(
                "We are moving together from {old_server} to {new_server}. "
                "Please move your account by {deadline} ({deadline_relative})."
            ),
            N_(
                "Mastodon brings your followers with you. Your old posts stay on the old server, "
                "so save what you want to keep first."
            ),
            N_(
                "Use `/move link` here to tell the bot your old and new accounts: "
                "it checks each step for you and lets you know what to do next."
            ),
        ),
        dm_lead=N_("We are moving to {new_server}: the move date is {deadline}."),
        guide_topic="start",
    ),
    "d-7": ReminderText(
        title=N_("One week left to move to {new_server}"),
        lines=(
            N_("The move date is {deadline} ({deadline_relative})."),
            N_(
                "If you have not started: create your account on {new_server} (the same username "
                "as on {old_server} is fine), then on {old_server}'s website (the settings are not "
                "in most apps) open Import and export > Export and download your follows, lists, "
                "blocks, mutes, domain blocks and bookmarks; on Mastodon 4.6 or later, your "
                "filters too. The whole move takes about half an hour."
            ),
        ),
        dm_lead=N_("One week left to move to {new_server} (by {deadline})."),
        guide_topic="export",
    ),
    "d-3": ReminderText(
        title=N_("Three days left to move to {new_server}"),
        lines=(
            N_("The move date is {deadline} ({deadline_relative})."),
            N_(
                "Next step for most of us: on your new account, add your old account as an "
                "alias, then start the move from your old account. Both are settings on the "
                "servers' websites, not in most apps."
            ),
            N_(
                "Check the new address before you press “Move followers”: after a move, the old "
                "account cannot move again for {move_cooldown}."
            ),
        ),
        dm_lead=N_("Three days left to move to {new_server} (by {deadline})."),
        guide_topic="alias",
    ),
    "d-1": ReminderText(
        title=N_("Tomorrow is moving day"),
        lines=(
            N_("The move to {new_server} is {deadline_relative} ({deadline})."),
            N_(
                "If you have not moved yet, today is a good day: the whole move takes about half "
                "an hour, and the bot can check each step with `/move status`."
            ),
        ),
        dm_lead=N_("Moving day is tomorrow: {deadline}."),
        guide_topic="move",
    ),
    "d0": ReminderText(
        title=N_("Today is moving day"),
        lines=(
            N_("The move to {new_server} closes {deadline_relative} ({deadline})."),
            N_(
                "Not moved yet? There is still time: set the alias, start the move, done. "
                "Ask here if something does not work."
            ),
        ),
        dm_lead=N_("Today is moving day: the move closes {deadline_relative}."),
        guide_topic="move",
    ),
    "d+1": ReminderText(
        title=N_("We moved: keep your old account"),
        lines=(
            N_("Thank you, everyone who moved to {new_server}!"),
            N_(
                "Keep your old account on {old_server}: it sends your followers and anyone "
                "who finds your old profile on to your new one."
            ),
            N_("Not moved yet? You can still move at any time: the guide shows how."),
        ),
        dm_lead=N_("The move date has passed. Keep your old account: it points to your new one."),
        guide_topic="keep-old",
    ),
    "d+7": ReminderText(
        title=N_("One week later: please do not delete your old account"),
        lines=(
            N_(
                "Deleting your old account on {old_server} would remove the redirect to your "
                "new one, and followers who have not arrived yet could not find you."
            ),
            N_("Update the links to your profile (website, other profiles) to your new account."),
        ),
        dm_lead=N_("One week after the move: please do not delete your old account."),
        guide_topic="keep-old",
    ),
    "d+30": ReminderText(
        title=N_("One month later: check your followers"),
        lines=(
            N_(
                "Compare your follower count on {new_server} with the one you had before. "
                "Followers on servers that were down may need to follow you again."
            ),
            N_("Share your new handle once more so everyone can find you."),
        ),
        dm_lead=N_("One month after the move: check that your followers arrived."),
        guide_topic="followers",
    ),
}

DEADLINE_MOVED = N_("The move date has changed: it is now {deadline} (it was {previous}).")
FIGURES = NP_(  # by the number of linked members
    "So far {moved} of {linked} linked member has moved; {left} still to go.",
    "So far {moved} of {linked} linked members have moved; {left} still to go.",
)
GUIDE_LINE = N_("Guide: {guide}")
# Stand-ins in a sentence while the campaign lacks a name or a server.
SOME_COMMUNITY = N_("our community")
SOME_OLD_SERVER = N_("the old server")
SOME_NEW_SERVER = N_("the new server")

# Under every reminder, so the bot finds its own post again after a crash (see reminders.py).
REFERENCE = "Reminder reference: {reference}"

DM_TITLE = N_("Reminder from {community}")
DM_LINES: tuple[str, ...] = (
    "{dm_lead}",
    N_("Your next step: {next_step}"),
    N_("Guide: {guide}"),
    N_(
        "You get these messages because you asked for them. "
        "Turn them off with `/move reminders off`."
    ),
)
