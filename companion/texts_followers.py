"""What the bot says about followers lists: saving, comparing, warnings (see ``texts``).

Same rules as ``companion.texts``: what happened, then what to do next; plain words.
Facts follow mastodon-facts.md §9; labels in quotes are Mastodon's exact strings.
"""

from __future__ import annotations

from companion.core.followers import Reason

TITLE = "Your followers"
SAVE_BUTTON = "Save my followers list"
COMPARE_BUTTON = "Who came along?"
READING = "Reading your followers list from {server}: {done} of {expected} so far…"
READING_NEW = "Reading the followers of your new account from {server}: {done} so far…"

SAVED = (
    "Saved: {count} followers of {old}, read {when}. Only you can see this list; "
    "`/move forget` deletes it.\nNext: move your account. Afterwards, run `/move followers` "
    "again to see who came along."
)
SAVED_TRUNCATED = "\nYour account has {expected} followers; the bot keeps the first {count}."
SAVED_ALREADY = (
    "You saved {count} followers of {old} {when}. After the move, run `/move followers` to "
    "see who came along. To read the list again now, press Save my followers list."
)
HIDDEN = (
    "{old} hides who follows it (your network is hidden), so its server shows the bot an "
    "empty list. To save it: on the old server open Preferences, then Privacy and reach "
    "(on Mastodon 4.3 and 4.4 a tab of Public profile), turn off hiding your network, save, "
    "then press Save my followers list again. You can hide it again afterwards."
)
HIDDEN_NEW = (
    "{new} hides who follows it, so the bot cannot compare. Show your network for a moment "
    "(Preferences, then Privacy and reach), run `/move followers` again, then hide it again."
)
MOVED_WITHOUT_LIST = (
    "Your account has already moved and no followers list was saved before, so the bot cannot "
    "tell who stayed behind: Mastodon has no followers export. Your new account's Follows and "
    "followers page shows who follows you now."
)
MOVED_RECHECK = (
    "Your old account has moved, so the bot kept the list you saved before. Press Check again "
    "on `/move status` so the bot sees the move, then run `/move followers` to see who came "
    "along."
)
NOT_MOVED_YET = (
    "Your old account has not moved yet (as far as the last check saw). Move it first; then "
    "run `/move followers` again. Use Check again on `/move status` if you just moved."
)
READ_FAILED = "The bot could not read the list from {server}: {reason}. Try again in a few minutes."
BUSY = "The bot is already reading your followers; wait for that reply to finish."

RESULT = (
    "Of the {saved} followers you saved {saved_when}, **{arrived}** follow {new} now, "
    "**{left}** did not come along and **{arriving}** are still arriving."
)
RESULT_ARRIVING_NOTE = (
    "Servers pass the move on in their own time: for the first {days} days after the move, "
    "followers with no known reason are counted as still arriving, not lost."
)
GROUP_LINE = "{count} on `{domain}` ({software}): {reason}"
MORE_GROUPS = "…and {count} more servers (all in the attached file)."
CSV_NOTE = (
    "The attached file lists everyone not on your new account yet, in Mastodon's following "
    "list format: import it on the new account (Import and export > Import, type Following "
    "list, Merge) to follow them back, or write to them."
)
CSV_NAME = "following_accounts_left_behind.csv"
NOTHING_LEFT = "Everyone you saved follows your new account. Nothing is left behind."

REASONS: dict[Reason, str] = {
    Reason.STILL_ARRIVING: "still arriving",
    Reason.NO_MOVE_SUPPORT: "their server's software is not known to follow moves",
    Reason.SERVER_DOWN: "their server did not answer (down or gone)",
    Reason.SUSPENDS_NEW: "their server publicly suspends your new server",
    Reason.LIMITS_NEW: "their server publicly limits your new server",
    Reason.NEW_BLOCKS_THEM: "your new server publicly suspends their server",
    Reason.FOLLOWER_MOVED: "their own account has moved",
    Reason.UNKNOWN: "no known reason (they may have unfollowed)",
}

LOCKED_BEFORE = (
    "Your new account approves followers by hand, so followers arriving through the move "
    "will wait as follow requests. Turn follow approval off on the new account before you "
    "move, or plan to approve them all."
)
LOCKED_AFTER = (
    "Your new account approves followers by hand: followers who moved with you may be waiting "
    "as follow requests. Open Follow requests on the new account and approve them."
)
COOLDOWN_FIELD = "Moving again"
COOLDOWN = (
    "The old account may move again from {when} ({software} waits {days} days after a move). "
    "Until then, fix problems on the new account instead of moving again."
)

PRIVACY_LIST = (
    "A followers list you saved: {count} followers of {old}, saved {when}. Only you see it; "
    "`/move forget` deletes it."
)

# -- organisers ------------------------------------------------------------------------------
PROGRESS_TITLE = "Followers"
PROGRESS = (
    "{members} members saved a followers list ({saved} followers): {arrived} arrived, "
    "{left} left behind, {arriving} still arriving."
)
PROGRESS_NONE = "No member has saved a followers list yet (`/move followers`, before moving)."
PROGRESS_TOP = "Most left behind on:"
PROGRESS_TOP_LINE = "`{domain}`: {count} ({reason})"
PROGRESS_HINT = "Ask those servers' admins for help; the guide's handbook says how."

SETUP_BLOCKS = (
    "Warning: {blocker} publicly {verb} {blocked}. Moves between them strand followers: "
    "{blocker}'s members will not follow a move to or from {blocked}. Ask its admins first."
)
SETUP_VERBS = {"suspend": "suspends", "silence": "limits"}
