"""What the bot says about followers lists: saving, comparing, warnings (see ``texts``).

Same rules as ``companion.texts``: what happened, then what to do next; plain words.
Facts follow mastodon-facts.md §9; labels in quotes are Mastodon's exact strings.
"""

from __future__ import annotations

from companion.core.followers import Reason
from companion.i18n import N_, NP_

TITLE = N_("Your followers")
SAVE_BUTTON = N_("Save my followers list")
COMPARE_BUTTON = N_("Who came along?")
READING = N_("Reading your followers list from {server}: {done} of {expected} so far…")
READING_NEW = N_("Reading the followers of your new account from {server}: {done} so far…")

SAVED = NP_(
    "Saved: {count} follower of {old}, read {when}. Only you can see this list; "
    "`/move forget` deletes it.\nNext: move your account. Afterwards, run `/move followers` "
    "again to see who came along.",
    "Saved: {count} followers of {old}, read {when}. Only you can see this list; "
    "`/move forget` deletes it.\nNext: move your account. Afterwards, run `/move followers` "
    "again to see who came along.",
)
SAVED_TRUNCATED = N_("\nYour account has {expected} followers; the bot keeps the first {count}.")
SAVED_ALREADY = NP_(
    "You saved {count} follower of {old} {when}. After the move, run `/move followers` to "
    "see who came along. To read the list again now, press Save my followers list.",
    "You saved {count} followers of {old} {when}. After the move, run `/move followers` to "
    "see who came along. To read the list again now, press Save my followers list.",
)
HIDDEN = N_(
    "{old} hides who follows it (your network is hidden), so its server shows the bot an "
    "empty list. To save it: on the old server open Preferences, then Privacy and reach "
    "(on Mastodon 4.3 and 4.4 a tab of Public profile), turn off hiding your network, save, "
    "then press Save my followers list again. You can hide it again afterwards."
)
HIDDEN_NEW = N_(
    "{new} hides who follows it, so the bot cannot compare. Show your network for a moment "
    "(Preferences, then Privacy and reach), run `/move followers` again, then hide it again."
)
MOVED_WITHOUT_LIST = N_(
    "Your account has already moved and no followers list was saved before, so the bot cannot "
    "tell who stayed behind: Mastodon has no followers export. Your new account's Follows and "
    "followers page shows who follows you now."
)
MOVED_RECHECK = N_(
    "Your old account has moved, so the bot kept the list you saved before. Press Check again "
    "on `/move status` so the bot sees the move, then run `/move followers` to see who came "
    "along."
)
NOT_MOVED_YET = N_(
    "Your old account has not moved yet (as far as the last check saw). Move it first; then "
    "run `/move followers` again. Use Check again on `/move status` if you just moved."
)
READ_FAILED = N_(
    "The bot could not read the list from {server}: {reason}. Try again in a few minutes."
)
BUSY = N_("The bot is already reading your followers; wait for that reply to finish.")

RESULT = NP_(
    "Of the {saved} follower you saved {saved_when}, **{arrived}** follow {new} now, "
    "**{left}** did not come along and **{arriving}** are still arriving.",
    "Of the {saved} followers you saved {saved_when}, **{arrived}** follow {new} now, "
    "**{left}** did not come along and **{arriving}** are still arriving.",
)
RESULT_ARRIVING_NOTE = N_(
    "Servers pass the move on in their own time: for the first {days} days after the move, "
    "followers with no known reason are counted as still arriving, not lost."
)
GROUP_LINE = N_("{count} on `{domain}` ({software}): {reason}")
MORE_GROUPS = NP_(
    "…and {count} more server (all in the attached file).",
    "…and {count} more servers (all in the attached file).",
)
CSV_NOTE = N_(
    "The attached file lists everyone not on your new account yet, in Mastodon's following "
    "list format: import it on the new account (Import and export > Import, type Following "
    "list, Merge) to follow them back, or write to them."
)
CSV_NAME = "following_accounts_left_behind.csv"
NOTHING_LEFT = N_("Everyone you saved follows your new account. Nothing is left behind.")

REASONS: dict[Reason, str] = {
    Reason.STILL_ARRIVING: N_("still arriving"),
    Reason.NO_MOVE_SUPPORT: N_("their server's software is not known to follow moves"),
    Reason.SERVER_DOWN: N_("their server did not answer (down or gone)"),
    Reason.SUSPENDS_NEW: N_("their server publicly suspends your new server"),
    Reason.LIMITS_NEW: N_("their server publicly limits your new server"),
    Reason.NEW_BLOCKS_THEM: N_("your new server publicly suspends their server"),
    Reason.FOLLOWER_MOVED: N_("their own account has moved"),
    Reason.UNKNOWN: N_("no known reason (they may have unfollowed)"),
}

LOCKED_BEFORE = N_(
    "Your new account approves followers by hand, so followers arriving through the move "
    "will wait as follow requests. Turn follow approval off on the new account before you "
    "move, or plan to approve them all."
)
LOCKED_AFTER = N_(
    "Your new account approves followers by hand: followers who moved with you may be waiting "
    "as follow requests. Open Follow requests on the new account and approve them."
)
COOLDOWN_FIELD = N_("Moving again")
COOLDOWN = N_(
    "The old account may move again from {when} ({software} waits {days} days after a move). "
    "Until then, fix problems on the new account instead of moving again."
)

PRIVACY_LIST = NP_(
    "A followers list you saved: {count} follower of {old}, saved {when}. Only you see it; "
    "`/move forget` deletes it.",
    "A followers list you saved: {count} followers of {old}, saved {when}. Only you see it; "
    "`/move forget` deletes it.",
)

# -- organisers ------------------------------------------------------------------------------
PROGRESS_TITLE = N_("Followers")
PROGRESS = NP_(
    "{members} member saved a followers list ({saved} followers): {arrived} arrived, "
    "{left} left behind, {arriving} still arriving.",
    "{members} members saved a followers list ({saved} followers): {arrived} arrived, "
    "{left} left behind, {arriving} still arriving.",
)
PROGRESS_NONE = N_("No member has saved a followers list yet (`/move followers`, before moving).")
PROGRESS_TOP = N_("Most left behind on:")
PROGRESS_TOP_LINE = N_("`{domain}`: {count} ({reason})")
PROGRESS_HINT = N_("Ask those servers' admins for help; the guide's handbook says how.")

SETUP_BLOCKS = N_(
    "Warning: {blocker} publicly {verb} {blocked}. Moves between them strand followers: "
    "{blocker}'s members will not follow a move to or from {blocked}. Ask its admins first."
)
SETUP_VERBS = {"suspend": N_("suspends"), "silence": N_("limits")}
