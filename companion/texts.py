"""Every sentence the bot says, in one place, so it can be reviewed and translated.

Rules the texts follow: say what happened, then what to do next; plain words; no blame.
Member-supplied text is never formatted in here: callers pass it through ``safe()`` first.
Each is an English message id marked with ``N_`` (``NP_`` for a count): callers translate it
with ``_()`` (``ngettext()``) where it is shown, in the reader's language.
"""

from __future__ import annotations

from companion.i18n import N_, NP_

# -- command descriptions (Discord shows these; at most 100 characters) ----------------
MOVE_GROUP = N_("Move your Mastodon account with the community")
CAMPAIGN_GROUP = N_("Run the community's move (organisers)")

LINK = N_("Link your old and new Mastodon accounts so the bot can follow your move")
LINK_OLD = N_("Your current (old) account, like @you@old.social")
LINK_NEW = N_("Your new account, like @you@new.social (the same username as before is fine)")
VERIFY = N_("Prove you own your new account with a one-time code in its bio")
STATUS = N_("See how far your move has got and what to do next")
CHECKLIST = N_("Your personal checklist for the move")
FOLLOWERS = N_("Save your followers list before the move; after it, see who came along")
WHOIS = N_("Find another member's new account (if they agreed to be listed)")
WHOIS_MEMBER = N_("The Discord member you are looking for")
ROSTER = N_("The members who have moved, with their new accounts")
REMINDERS = N_("Turn personal reminders by direct message on or off")
REMINDERS_SETTING = N_("on: remind me by direct message; off: no direct messages")
PRIVACY = N_("See everything the bot stores about you")
FORGET = N_("Delete everything the bot stores about you")
GUIDE = N_("Links into the member guide")
GUIDE_TOPIC = N_("What you need help with")

SETUP = N_("Set up the campaign: servers, deadline, channel, organiser role")
SETUP_OLD = N_("The server the community leaves, like old.social")
SETUP_NEW = N_("The server the community moves to, like new.social")
SETUP_DEADLINE = N_("Cutover date and time, like 2026-12-15 18:00")
SETUP_TIMEZONE = N_("Time zone of the deadline, like Europe/Berlin (default: UTC)")
SETUP_CHANNEL = N_("Channel for announcements, reminders and the roster")
SETUP_ROLE = N_("Role whose members may also run /campaign commands")
SETUP_LANGUAGE = N_("Language of the channel posts (members' own replies follow their Discord app)")
SHOW = N_("Show the current campaign settings")
PROGRESS = N_("Counts per status, moves per day, a chart, and who needs help")
RECHECK = N_("Recheck every linked member now")
REMIND = N_("Show the reminder schedule, or post the next reminder now")
REMIND_NOW = N_("Post the next reminder at once")
ANNOUNCE = N_("Post (and pin) the announcement of the move")
EXPORT = N_("Download the roster as a file")
EXPORT_FORMAT = N_("Which file: Mastodon follows, Mastodon list, CSV, JSON or Markdown")
MEMBER = N_("An organiser's view of one member, with unlink")
MEMBER_USER = N_("The member to look at")

# -- shared ------------------------------------------------------------------------
GENERIC_ERROR = N_(
    "Something went wrong on our side and nothing was changed. Please try again in a "
    "minute; if it keeps happening, tell an organiser."
)
NOT_IN_GUILD = N_("Please use this command inside the community's Discord server.")
NOT_LINKED = N_("You have not linked your accounts yet. Start with `/move link`.")
NOT_YOURS = N_("These buttons belong to someone else's message. Run the command yourself.")
COOLDOWN = N_("You just checked. Please wait {seconds} seconds before checking again.")
DISCORD_ERROR = N_(
    "Discord did not accept the reply ({detail}). Nothing was lost; please try again."
)
GUIDE_LINK = "[{title}]({url})"

# -- /move link -------------------------------------------------------------------
BAD_OLD_HANDLE = N_("Your old account: {reason}")
BAD_NEW_HANDLE = N_("Your new account: {reason}")
SAME_HANDLE = N_(
    "Your old and new accounts are the same handle. Keeping your username is fine, but the "
    "new account is on {new_server}: type your old account first, then the new one, like "
    "you@{new_server}."
)
HANDLE_TAKEN = N_(
    "{handle} is already linked by another member of this server. If it is yours, ask an "
    "organiser to unlink it (they can use `/campaign member`)."
)
OLD_NOT_FOUND = N_(
    "{old} could not be found on {server}. Check the spelling (copy it from your old "
    "profile page) and try again. If your old account was deleted or suspended, tell an "
    "organiser: the bot cannot follow a move from it."
)
LINKED_TITLE = N_("Linked: {old} → {new}")
LINK_SAVED = N_("Your accounts are linked. Here is where your move stands.")
CONSENT_QUESTION = N_(
    "One question: may the community roster list you (your Discord name, old and new "
    "handle) once you have moved? You can change this later in `/move privacy`."
)
CONSENT_YES = N_("Yes, list me")
CONSENT_NO = N_("No, keep me off the roster")
CONSENT_SAVED_YES = N_("Thanks! You will be listed in the roster once you have moved and verified.")
CONSENT_SAVED_NO = N_("Understood: you will not be listed. Your move is still tracked for you.")
LINK_CHECK_FAILED = N_(
    "Your link is saved, but the servers could not be checked just now. Use `/move status` later."
)

# -- /move verify -----------------------------------------------------------------
VERIFY_TITLE = N_("Prove you own your new account")
VERIFY_STEPS = N_(
    "1. On your NEW account, open Edit profile.\n"
    "2. Put this code anywhere in your bio or in a profile field: **{code}**\n"
    "3. Save, then press **Check now** below.\n\n"
    "The code works until {expires}. Once you are verified you can remove it."
)
VERIFY_CHECK_NOW = N_("Check now")
VERIFY_DONE = N_("Verified: {new} is yours. You can remove the code from your bio now.")
VERIFY_ALREADY = N_("You already proved that {new} is yours. Nothing more to do here.")
VERIFY_NOT_FOUND = N_(
    "The code {code} is not in the bio or profile fields of {new} yet. Save your profile on "
    "the new server, wait a moment, then press Check now again."
)
VERIFY_EXPIRED = N_("Your code has expired. Run `/move verify` for a new one.")
VERIFY_NO_CODE = N_("There is no code waiting. Run `/move verify` to get one.")
VERIFY_UNREACHABLE = N_(
    "{server} did not answer, so the code could not be checked. Nothing changed; try "
    "Check now again in a few minutes."
)

# -- /move status -----------------------------------------------------------------
STATUS_TITLE = N_("Your move")
STATUS_FIELD_STATUS = N_("Status")
STATUS_FIELD_NEXT = N_("Next step")
STATUS_FIELD_STEPS = N_("Steps")
STATUS_FIELD_FOLLOWERS = N_("Followers")
STATUS_FOLLOWERS = N_("Before the move: {before}\nOn the new account now: {now}")
STATUS_UNKNOWN_NUMBER = N_("not known yet")
STATUS_CHECKED = N_("Last checked {when}")
STATUS_CHECKED_NOW = N_("The bot just asked your servers: this is where your move stands now.")
STATUS_RECENT = N_(
    "The bot asked your servers {when}: they are asked again once the last check is more "
    "than {cooldown} old. Press **Check again** or run `/move status` after that."
)
STATUS_BEING_CHECKED = N_(
    "The bot is asking your servers right now; this is the last result it has. Run "
    "`/move status` again in {cooldown} for the new one."
)
STATUS_NEVER_CHECKED = N_("Not checked yet")
STATUS_CONFIRMED = N_("Last confirmed {when}")
STATUS_VERIFIED = N_("Verified owner of the new account")
STATUS_NOT_VERIFIED = N_("Not verified yet: run `/move verify`")
STATUS_CHECK_AGAIN = N_("Check again")
STATUS_GUIDE_BUTTON = N_("Open the guide")
STEP_DONE = "✅"
STEP_TODO = "⬜"

# -- /move checklist ---------------------------------------------------------------
CHECKLIST_TITLE = N_("Your checklist")
CHECKLIST_INTRO = N_(
    "Tick each step when you have done it. Steps marked (bot) are ticked for you when the "
    "servers show them."
)
CHECKLIST_BOT_MARK = N_(" (bot)")
CHECKLIST_STEPS: dict[str, str] = {
    "create_account": N_("Create your new account"),
    "export": N_("Export follows, lists, blocks, mutes, domain blocks, bookmarks"),
    "archive": N_("Request your archive"),
    "mend": N_("Mend your follows file (/move mend-follows)"),
    "import": N_("Import your files on the new account (Merge)"),
    "check_import": N_("Check your follows arrived (/move check-import)"),
    "alias": N_("Set the alias on the NEW account"),
    "move": N_("Start the move from the OLD account"),
    "followers": N_("Check your followers arrived"),
}
CHECKLIST_BUTTON_DONE = N_("Done: {step}")
CHECKLIST_BUTTON_UNDO = N_("Undo: {step}")

# -- /move whois, /move roster -----------------------------------------------------
WHOIS_FOUND = N_("{name} moved to {new} (from {old}).")
WHOIS_NOT_MOVED = N_("{name} is listed, but has not finished moving yet. Their new account: {new}.")
WHOIS_NOT_LISTED = N_(
    "{name} has not chosen to be listed in the roster, so the bot cannot share their "
    "accounts. You could ask them directly."
)
WHOIS_BOT = N_("Bots do not move Mastodon accounts.")
ROSTER_TITLE = N_("{community}: who has moved")
ROSTER_EMPTY = N_(
    "Nobody is on the roster yet. Members appear here once they have moved and verified."
)
ROSTER_FOOTER = NP_(
    "Page {page} of {pages} · {count} member · follow them all: {url}",
    "Page {page} of {pages} · {count} members · follow them all: {url}",
)
ROSTER_PREVIOUS = N_("Previous")
ROSTER_NEXT = N_("Next")

# -- /move reminders, privacy, forget, guide -----------------------------------------
REMINDERS_ON = N_(
    "Personal reminders are on: the bot will send you a direct message before the "
    "deadline and after it. Make sure direct messages from this server are allowed."
)
REMINDERS_OFF = N_("Personal reminders are off. You will still see reminders in the channel.")
PRIVACY_TITLE = N_("What the bot stores about you")
PRIVACY_NOTHING = N_("The bot stores nothing about you in this server.")
PRIVACY_FIELDS = N_(
    "Discord name: {name}\nOld account: {old}\nNew account: {new}\nLinked: {linked}\n"
    "Verified: {verified}\nListed in the roster: {consent}\nDirect-message reminders: {dm}\n"
    "Follower count recorded before the move: {followers}\nChecks kept: {checks}\n"
    "Checklist steps ticked: {steps}\nReminders sent to you: {dms}\n"
    "Language of your direct messages (your Discord app's): {language}"
)
PRIVACY_WHY = N_(
    "Why: to show you your status, remind you, and list you in the roster if you agreed. "
    "It is kept until you delete it or the organisers close the campaign. "
    "Delete it all with `/move forget`."
)
PRIVACY_CONSENT_ON = N_("List me in the roster")
PRIVACY_CONSENT_OFF = N_("Take me off the roster")
FORGET_CONFIRM = N_(
    "This deletes your link, your checks, your checklist and your roster entry in this "
    "server, at once. Your Mastodon accounts are not touched. Delete everything?"
)
FORGET_YES = N_("Delete everything")
FORGET_NO = N_("Keep it")
FORGET_DONE = N_("Done: everything the bot stored about you in this server is deleted.")
FORGET_NOTHING = N_("There was nothing stored about you in this server.")
FORGET_KEPT = N_("Nothing was deleted.")
GUIDE_INTRO = N_("The member guide, section by section:")
GUIDE_ONE = N_("{title}: {url}")
GUIDE_UNKNOWN = N_("There is no guide section called {topic}. Start here: {url}")

# -- /campaign ---------------------------------------------------------------------
NOT_ORGANISER = N_(
    "Only organisers can use /campaign (Manage Server permission or the organiser role). "
    "If you should be one, ask the server's admins."
)
NO_CAMPAIGN = N_("No campaign is set up yet. An organiser can run `/campaign setup`.")
SETUP_BAD_DEADLINE = N_(
    "The deadline {text} could not be read. Use the form 2026-12-15 18:00 (date, then "
    "24-hour time)."
)
SETUP_PAST_DEADLINE = N_("The deadline {when} is in the past. Choose a date in the future.")
SETUP_BAD_ZONE = N_(
    "{zone} is not a time zone name. Use one like Europe/Berlin or America/Chicago."
)
SETUP_BAD_SERVER = N_("{field}: {reason}")
SETUP_SAME_SERVER = N_("The old and the new server are the same.")
SETUP_SERVER_DOWN = N_("{server} did not answer like a Mastodon server: {reason}.")
SETUP_SUMMARY_TITLE = N_("Set up the campaign?")
SETUP_SUMMARY = N_(
    "Community: {community}\nFrom: {old} ({old_version})\nTo: {new} ({new_version})\n"
    "Deadline: {deadline} ({relative})\nChannel: {channel}\nOrganiser role: {role}\n"
    "Language of the channel posts: {language}"
)
SETUP_CONFIRM = N_("Confirm")
SETUP_CANCEL = N_("Cancel")
SETUP_SAVED = N_("The campaign is set up. Next: `/campaign announce` to tell everyone.")
SETUP_CANCELLED = N_("Nothing was changed.")
SETUP_EXPIRED = N_("This summary has expired. Run `/campaign setup` again.")
SHOW_TITLE = N_("The campaign")
SHOW_NOT_CONFIGURED = N_("Not configured yet: run `/campaign setup`.")
SHOW_COMMUNITY = N_("Community")
SHOW_FROM = N_("From")
SHOW_TO = N_("To")
SHOW_DEADLINE = N_("Deadline")
SHOW_CHANNEL = N_("Channel")
SHOW_ROSTER_CHANNEL = N_("Roster channel")
SHOW_ROLE = N_("Organiser role")
SHOW_LANGUAGE = N_("Language of the channel posts")
SHOW_GUIDE = N_("Guide")
NONE_SET = N_("not set")
YES = N_("yes")
NO = N_("no")
NOT_ASKED = N_("not asked yet")
PROGRESS_TITLE = N_("{community}: progress")
PROGRESS_SUMMARY = N_(
    "Linked: {linked} · Verified: {verified} ({verified_share}) · Moved: {moved} "
    "({moved_share})\n{deadline_line}"
)
PROGRESS_DAYS_LEFT = N_("Days left: {days}")
PROGRESS_DEADLINE_TODAY = N_("The deadline is today.")
PROGRESS_DAYS_PAST = NP_(
    "The deadline passed {days} day ago.",
    "The deadline passed {days} days ago.",
)
PROGRESS_COUNTS = N_("By status")
PROGRESS_PER_DAY = N_("Moves per day (last 7 days)")
# The progress chart's words (a PNG: the title, the legend and the axis).
CHART_TITLE = N_("{community}: {moved:,} of {linked:,} moved ({share})")
CHART_MOVED = N_("moved")
CHART_LINKED = N_("linked ({count:,})")
CHART_DEADLINE = N_("deadline ({day})")
CHART_MEMBERS = N_("members")
# Translators: one line of a count list: a status or a day, then how many members.
PROGRESS_COUNT_LINE = N_("{label}: {count:,}")
PROGRESS_HELP = N_("Members who need help")
PROGRESS_HELP_NONE = N_("Nobody is stuck right now.")
PROGRESS_HELP_MORE = N_("… and {count} more: see `/campaign member` for each.")
RECHECK_PROGRESS = N_("Rechecking members: {done}/{total} ({eta} left)")
RECHECK_DONE = NP_(
    "Recheck finished: {total} member checked in {seconds} s.",
    "Recheck finished: {total} members checked in {seconds} s.",
)
RECHECK_NOBODY = N_("Nobody has linked their accounts yet.")
RECHECK_BUSY = N_("A recheck is already running for this server. Wait for it to finish.")
REMIND_TITLE = N_("Reminder schedule")
REMIND_LINE_SENT = N_("{mark} {label}: {when} (posted)")
REMIND_LINE_SKIPPED = N_("{mark} {label}: {when} (skipped: the bot was offline)")
REMIND_LINE_DUE = N_("{mark} {label}: {when}")
REMIND_NOTHING_LEFT = N_("All reminders have been posted.")
REMIND_POSTED = N_("Posted the reminder “{label}” in {channel}.")
REMIND_NO_CHANNEL = N_(
    "There is no announcement channel yet. Set one with `/campaign setup channel:`."
)
ANNOUNCE_POSTED = N_("Posted the announcement in {channel}{pinned}.")
ANNOUNCE_PINNED = N_(" and pinned it")
ANNOUNCE_NOT_PINNED = N_(
    ", but it could not be pinned: the bot lacks the Pin Messages permission there. Give it "
    "that permission, then pin the announcement from its message menu"
)
ANNOUNCE_PIN_LIMIT = N_(
    ", but it could not be pinned: the channel already has as many pinned messages as "
    "Discord allows. Unpin an old one, then pin the announcement from its message menu"
)
ANNOUNCE_PIN_GONE = N_(
    ", but it could not be pinned: the message was deleted before the bot could pin it. "
    "Run `/campaign announce` again to post it anew"
)
ANNOUNCE_PIN_DOWN = N_(
    ", but it could not be pinned: Discord did not answer just now. Pin the announcement "
    "from its message menu"
)
ANNOUNCE_PIN_REFUSED = N_(
    ", but Discord refused to pin it ({detail}). Pin the announcement from its message menu"
)
CHANNEL_FORBIDDEN = N_(
    "The bot cannot post in {channel}. Give it the Send Messages and Embed Links "
    "permissions there, then try again."
)
ANNOUNCE_TITLE = N_("{community} is moving to {new}")
ANNOUNCE_BODY = N_(
    "We are moving our Mastodon accounts from **{old}** to **{new}**.\n\n"
    "**Deadline:** {deadline_full} ({deadline_relative}).\n\n"
    "Every member moves their own account; it takes about half an hour. Your followers "
    "come with you, your posts do not.\n\n"
    "1. Read the guide: {guide}\n"
    "2. Run `/move link` here with your old and new handle.\n"
    "3. `/move status` tells you your next step at any time."
)
EXPORT_ATTACHED = NP_(
    "Here is the roster as {label}: {count} member.",
    "Here is the roster as {label}: {count} members.",
)
EXPORT_SPLIT = N_(
    " Split into {files} files because Mastodon imports at most 20,000 rows per file."
)
EXPORT_EMPTY = N_(
    "Nobody is on the roster yet, so there is nothing to export: members appear once they "
    "have moved, verified their new account and agreed to be listed."
)
MEMBER_TITLE = N_("Member: {name}")
MEMBER_NOT_LINKED = N_("{name} has not linked any accounts.")
MEMBER_HISTORY = N_("Recent checks")
MEMBER_UNLINK = N_("Unlink this member")
MEMBER_UNLINKED = N_("Unlinked {name}: their link, checks and roster entry are deleted.")
NEW_MOVES_ANNOUNCEMENT = N_("Welcome on {new}! These members have just moved:\n{lines}")
ROSTER_POST_TITLE = N_("{community} roster: {count} moved")
ROSTER_POST_CONTINUED = N_("{community} roster (continued)")

# -- /campaign: channels (appended) -------------------------------------------------------
CHANNEL_NOT_IN_SERVER = N_(
    "The announcement channel {channel} is not a channel of this server. Choose one here "
    "with `/campaign setup channel:`."
)
REMIND_FAILED = N_(
    "Discord did not accept the reminder just now, so it is not marked as posted. "
    "Try `/campaign remind now` again in a minute."
)
ANNOUNCE_FAILED = N_(
    "Discord did not accept the announcement just now, so nothing was posted. Try "
    "`/campaign announce` again in a minute."
)
EXPORT_CONTINUED = N_("More files of the same export ({part} of {parts}).")
EXPORT_ZIPPED = N_(
    " {names} did not fit Discord's upload limit, so it comes compressed as a .zip: "
    "open it to get the file."
)
EXPORT_TOO_LARGE = N_(
    "The roster file is too large for Discord even compressed ({size} MB, the limit here is "
    "{limit} MB). Export it on the server with `companion roster export --format {format}`."
)
ROSTER_POST_MORE = N_("… and {count:,} more: see `/move roster`.")

# -- /move mend-follows and /move check-import (services/follows.py) ------------------------
MEND_FOLLOWS = N_("Mend your follows file so it follows the community's new accounts")
MEND_FOLLOWS_FILE = N_("following_accounts.csv or lists.csv from your old account's Export page")
CHECK_IMPORT = N_("After importing: find the follows that did not arrive on your new account")
CHECK_IMPORT_FILE = N_("The mended file you imported (following_accounts….csv or lists….csv)")
FOLLOWS_TOO_BIG = N_(
    "That file is {size} MB: a follows file is far smaller. Upload following_accounts.csv "
    "or lists.csv from your old account's Export page."
)
FOLLOWS_UNREADABLE_UPLOAD = N_("Discord did not hand the file over just now. Upload it again.")
FOLLOWS_TOO_LARGE_TO_SEND = N_(
    "The mended file is {size} MB, more than Discord lets the bot send here ({limit} MB). "
    "Split your file into smaller ones and mend each."
)
MEND_TITLE = NP_(
    "**Your mended {kind} file**: {rows:,} row (your file had {rows_in:,}).",
    "**Your mended {kind} file**: {rows:,} rows (your file had {rows_in:,}).",
)
MEND_COMMUNITY = NP_(
    "- {count:,} old account of a community member replaced by their new one.",
    "- {count:,} old accounts of community members replaced by their new ones.",
)
MEND_PUBLIC = NP_(
    "- {count:,} other account that moved replaced by its new one.",
    "- {count:,} other accounts that moved replaced by their new ones.",
)
MEND_DUPLICATES = NP_(
    "- {count:,} duplicate row removed.",
    "- {count:,} duplicate rows removed.",
)
MEND_OWN = NP_(
    "- {count:,} row naming your own old or new account left out.",
    "- {count:,} rows naming your own old or new account left out.",
)
MEND_GONE = NP_(
    "- {count:,} account that no longer exists left out: {accounts}.",
    "- {count:,} accounts that no longer exist left out: {accounts}.",
)
MEND_GONE_MORE = N_(" and {count:,} more")
MEND_UNREADABLE = NP_(
    "- {count:,} line is not a Mastodon account and is left out (line {lines}); your "
    "original file still has it.",
    "- {count:,} lines are not Mastodon accounts and are left out (line {lines}); your "
    "original file still has them.",
)
MEND_UNKNOWN = NP_(
    "- {count:,} account could not be looked up (its server did not answer): kept.",
    "- {count:,} accounts could not be looked up (their server did not answer): kept.",
)
MEND_ENCODING = N_("- Your file was in {encoding}: the mended file is UTF-8, as Mastodon reads it.")
MEND_FORMULAS = NP_(
    "- {count:,} list name began like a spreadsheet formula: it now starts with an apostrophe.",
    "- {count:,} list names began like a spreadsheet formula: they now start with an apostrophe.",
)
MEND_SPLIT = N_(
    "- Split into {parts} files (Mastodon takes 20,000 rows or 20 MB per file): import each."
)
MEND_UNCHANGED = N_("- Nothing needed mending: no row names an account that moved.")
MEND_LIMIT = N_(
    "⚠️ Your new account may follow {room:,} more accounts (limit {limit:,}, it follows "
    "{following:,}); Mastodon refuses an import with more rows. Remove rows first."
)
MEND_NEXT = N_(
    '**Next:** on your **new** account open Import and export > Import, choose "{type}", '
    'keep "Merge", upload the file, click "Upload" and then **Confirm**. Afterwards, run '
    "`/move check-import` with the same file to see that every follow arrived."
)
MEND_LOOKUP_OFFER = NP_(
    "**Optional:** {count:,} other account may have moved too. The button looks it "
    "up on its own server (one request, paced under the server's rate limits).",
    "**Optional:** {count:,} other accounts may have moved too. The button looks each one "
    "up on its own server (one request each, paced under the servers' rate limits).",
)
MEND_LOOKUP_BUTTON = N_("Look up other moves")
MEND_LOOKUP_NO_FILE = N_(
    "The mended file is no longer attached to this message. Run `/move mend-follows` again."
)
MEND_LOOKUP_PROGRESS = N_("Looking up other accounts: {done:,} of {total:,} done…")
MEND_LOOKUP_NOTHING = N_(
    "Every account in the file is a community member's or yours: nothing to look up."
)
CHECK_ALL_THERE = NP_(
    "The {rows:,} account of your file is followed by {new}. Nothing to import again.",
    "All {rows:,} accounts of your file are followed by {new}. Nothing to import again.",
)
CHECK_MISSING = NP_(
    "{missing:,} of {rows:,} accounts in your file is not followed by {new} yet: it is in "
    "the attached file. Imports take time on big servers: if you confirmed the import less "
    "than an hour ago, it may still be running, so check again later. If it says "
    '"Finished" under "Recent imports", import the attached file the same way (Merge).',
    "{missing:,} of {rows:,} accounts in your file are not followed by {new} yet: they are in "
    "the attached file. Imports take time on big servers: if you confirmed the import less "
    "than an hour ago, it may still be running, so check again later. If it says "
    '"Finished" under "Recent imports", import the attached file the same way (Merge).',
)
CHECK_HIDDEN = N_(
    "{new} hides whom it follows from others, so the bot cannot compare. Let your profile "
    'show your follows for a moment and check again, or compare by hand on the "Follows '
    "and followers\" page of your new account's settings."
)
CHECK_PARTIAL = NP_(
    " (The server stopped answering part way: only {read:,} follow was read.)",
    " (The server stopped answering part way: only {read:,} follows were read.)",
)
CHECK_UNREACHABLE = N_(
    "The bot could not read whom {new} follows: {reason}. Try again in a few minutes."
)
CHECK_NOT_FOUND = N_("{new} was not found on its server. Check the handle with `/move status`.")
