"""Every sentence the bot says, in one place, so it can be reviewed and translated.

Rules the texts follow: say what happened, then what to do next; plain words; no blame.
Member-supplied text is never formatted in here: callers pass it through ``safe()`` first.
A text that counts something is a (singular, plural) pair: ``plural(n, *PAIR)`` picks one.
"""

from __future__ import annotations

# -- command descriptions (Discord shows these; at most 100 characters) ----------------
MOVE_GROUP = "Move your Mastodon account with the community"
CAMPAIGN_GROUP = "Run the community's move (organisers)"

LINK = "Link your old and new Mastodon accounts so the bot can follow your move"
LINK_OLD = "Your current (old) account, like @you@old.social"
LINK_NEW = "Your new account, like @you@new.social (the same username as before is fine)"
VERIFY = "Prove you own your new account with a one-time code in its bio"
STATUS = "See how far your move has got and what to do next"
CHECKLIST = "Your personal checklist for the move"
FOLLOWERS = "Save your followers list before the move; after it, see who came along"
WHOIS = "Find another member's new account (if they agreed to be listed)"
WHOIS_MEMBER = "The Discord member you are looking for"
ROSTER = "The members who have moved, with their new accounts"
REMINDERS = "Turn personal reminders by direct message on or off"
REMINDERS_SETTING = "on: remind me by direct message; off: no direct messages"
PRIVACY = "See everything the bot stores about you"
FORGET = "Delete everything the bot stores about you"
GUIDE = "Links into the member guide"
GUIDE_TOPIC = "What you need help with"

SETUP = "Set up the campaign: servers, deadline, channel, organiser role"
SETUP_OLD = "The server the community leaves, like old.social"
SETUP_NEW = "The server the community moves to, like new.social"
SETUP_DEADLINE = "Cutover date and time, like 2026-12-15 18:00"
SETUP_TIMEZONE = "Time zone of the deadline, like Europe/Berlin (default: UTC)"
SETUP_CHANNEL = "Channel for announcements, reminders and the roster"
SETUP_ROLE = "Role whose members may also run /campaign commands"
SHOW = "Show the current campaign settings"
PROGRESS = "Counts per status, moves per day, a chart, and who needs help"
RECHECK = "Recheck every linked member now"
REMIND = "Show the reminder schedule, or post the next reminder now"
REMIND_NOW = "Post the next reminder at once"
ANNOUNCE = "Post (and pin) the announcement of the move"
EXPORT = "Download the roster as a file"
EXPORT_FORMAT = "Which file: Mastodon follows, Mastodon list, CSV, JSON or Markdown"
MEMBER = "An organiser's view of one member, with unlink"
MEMBER_USER = "The member to look at"

# -- shared ------------------------------------------------------------------------
GENERIC_ERROR = (
    "Something went wrong on our side and nothing was changed. Please try again in a "
    "minute; if it keeps happening, tell an organiser."
)
NOT_IN_GUILD = "Please use this command inside the community's Discord server."
NOT_LINKED = "You have not linked your accounts yet. Start with `/move link`."
NOT_YOURS = "These buttons belong to someone else's message. Run the command yourself."
COOLDOWN = "You just checked. Please wait {seconds} seconds before checking again."
DISCORD_ERROR = "Discord did not accept the reply ({detail}). Nothing was lost; please try again."
GUIDE_LINK = "[{title}]({url})"

# -- /move link -------------------------------------------------------------------
BAD_OLD_HANDLE = "Your old account: {reason}"
BAD_NEW_HANDLE = "Your new account: {reason}"
SAME_HANDLE = (
    "Your old and new accounts are the same handle. Keeping your username is fine, but the "
    "new account is on {new_server}: type your old account first, then the new one, like "
    "you@{new_server}."
)
HANDLE_TAKEN = (
    "{handle} is already linked by another member of this server. If it is yours, ask an "
    "organiser to unlink it (they can use `/campaign member`)."
)
OLD_NOT_FOUND = (
    "{old} could not be found on {server}. Check the spelling (copy it from your old "
    "profile page) and try again. If your old account was deleted or suspended, tell an "
    "organiser: the bot cannot follow a move from it."
)
LINKED_TITLE = "Linked: {old} → {new}"
LINK_SAVED = "Your accounts are linked. Here is where your move stands."
CONSENT_QUESTION = (
    "One question: may the community roster list you (your Discord name, old and new "
    "handle) once you have moved? You can change this later in `/move privacy`."
)
CONSENT_YES = "Yes, list me"
CONSENT_NO = "No, keep me off the roster"
CONSENT_SAVED_YES = "Thanks! You will be listed in the roster once you have moved and verified."
CONSENT_SAVED_NO = "Understood: you will not be listed. Your move is still tracked for you."
LINK_CHECK_FAILED = (
    "Your link is saved, but the servers could not be checked just now. Use `/move status` later."
)

# -- /move verify -----------------------------------------------------------------
VERIFY_TITLE = "Prove you own your new account"
VERIFY_STEPS = (
    "1. On your NEW account, open Edit profile.\n"
    "2. Put this code anywhere in your bio or in a profile field: **{code}**\n"
    "3. Save, then press **Check now** below.\n\n"
    "The code works until {expires}. Once you are verified you can remove it."
)
VERIFY_CHECK_NOW = "Check now"
VERIFY_DONE = "Verified: {new} is yours. You can remove the code from your bio now."
VERIFY_ALREADY = "You already proved that {new} is yours. Nothing more to do here."
VERIFY_NOT_FOUND = (
    "The code {code} is not in the bio or profile fields of {new} yet. Save your profile on "
    "the new server, wait a moment, then press Check now again."
)
VERIFY_EXPIRED = "Your code has expired. Run `/move verify` for a new one."
VERIFY_NO_CODE = "There is no code waiting. Run `/move verify` to get one."
VERIFY_UNREACHABLE = (
    "{server} did not answer, so the code could not be checked. Nothing changed; try "
    "Check now again in a few minutes."
)

# -- /move status -----------------------------------------------------------------
STATUS_TITLE = "Your move"
STATUS_FIELD_STATUS = "Status"
STATUS_FIELD_NEXT = "Next step"
STATUS_FIELD_STEPS = "Steps"
STATUS_FIELD_FOLLOWERS = "Followers"
STATUS_FOLLOWERS = "Before the move: {before}\nOn the new account now: {now}"
STATUS_UNKNOWN_NUMBER = "not known yet"
STATUS_CHECKED = "Last checked {when}"
STATUS_CHECKED_NOW = "The bot just asked your servers: this is where your move stands now."
STATUS_RECENT = (
    "The bot asked your servers {when}: they are asked again once the last check is more "
    "than {cooldown} old. Press **Check again** or run `/move status` after that."
)
STATUS_BEING_CHECKED = (
    "The bot is asking your servers right now; this is the last result it has. Run "
    "`/move status` again in {cooldown} for the new one."
)
STATUS_NEVER_CHECKED = "Not checked yet"
STATUS_CONFIRMED = "Last confirmed {when}"
STATUS_VERIFIED = "Verified owner of the new account"
STATUS_NOT_VERIFIED = "Not verified yet: run `/move verify`"
STATUS_CHECK_AGAIN = "Check again"
STATUS_GUIDE_BUTTON = "Open the guide"
STEP_DONE = "✅"
STEP_TODO = "⬜"

# -- /move checklist ---------------------------------------------------------------
CHECKLIST_TITLE = "Your checklist"
CHECKLIST_INTRO = (
    "Tick each step when you have done it. Steps marked (bot) are ticked for you when the "
    "servers show them."
)
CHECKLIST_BOT_MARK = " (bot)"
CHECKLIST_STEPS: dict[str, str] = {
    "create_account": "Create your new account",
    "export": "Export follows, lists, blocks, mutes, domain blocks, bookmarks",
    "archive": "Request your archive",
    "mend": "Mend your follows file (/move mend-follows)",
    "import": "Import your files on the new account (Merge)",
    "check_import": "Check your follows arrived (/move check-import)",
    "alias": "Set the alias on the NEW account",
    "move": "Start the move from the OLD account",
    "followers": "Check your followers arrived",
}
CHECKLIST_BUTTON_DONE = "Done: {step}"
CHECKLIST_BUTTON_UNDO = "Undo: {step}"

# -- /move whois, /move roster -----------------------------------------------------
WHOIS_FOUND = "{name} moved to {new} (from {old})."
WHOIS_NOT_MOVED = "{name} is listed, but has not finished moving yet. Their new account: {new}."
WHOIS_NOT_LISTED = (
    "{name} has not chosen to be listed in the roster, so the bot cannot share their "
    "accounts. You could ask them directly."
)
WHOIS_BOT = "Bots do not move Mastodon accounts."
ROSTER_TITLE = "{community}: who has moved"
ROSTER_EMPTY = "Nobody is on the roster yet. Members appear here once they have moved and verified."
ROSTER_FOOTER = (  # (singular, plural): pick with ``plural(count, *ROSTER_FOOTER)``
    "Page {page} of {pages} · {count} member · follow them all: {url}",
    "Page {page} of {pages} · {count} members · follow them all: {url}",
)
ROSTER_PREVIOUS = "Previous"
ROSTER_NEXT = "Next"

# -- /move reminders, privacy, forget, guide -----------------------------------------
REMINDERS_ON = (
    "Personal reminders are on: the bot will send you a direct message before the "
    "deadline and after it. Make sure direct messages from this server are allowed."
)
REMINDERS_OFF = "Personal reminders are off. You will still see reminders in the channel."
PRIVACY_TITLE = "What the bot stores about you"
PRIVACY_NOTHING = "The bot stores nothing about you in this server."
PRIVACY_FIELDS = (
    "Discord name: {name}\nOld account: {old}\nNew account: {new}\nLinked: {linked}\n"
    "Verified: {verified}\nListed in the roster: {consent}\nDirect-message reminders: {dm}\n"
    "Follower count recorded before the move: {followers}\nChecks kept: {checks}\n"
    "Checklist steps ticked: {steps}\nReminders sent to you: {dms}"
)
PRIVACY_WHY = (
    "Why: to show you your status, remind you, and list you in the roster if you agreed. "
    "It is kept until you delete it or the organisers close the campaign. "
    "Delete it all with `/move forget`."
)
PRIVACY_CONSENT_ON = "List me in the roster"
PRIVACY_CONSENT_OFF = "Take me off the roster"
FORGET_CONFIRM = (
    "This deletes your link, your checks, your checklist and your roster entry in this "
    "server, at once. Your Mastodon accounts are not touched. Delete everything?"
)
FORGET_YES = "Delete everything"
FORGET_NO = "Keep it"
FORGET_DONE = "Done: everything the bot stored about you in this server is deleted."
FORGET_NOTHING = "There was nothing stored about you in this server."
FORGET_KEPT = "Nothing was deleted."
GUIDE_INTRO = "The member guide, section by section:"
GUIDE_ONE = "{title}: {url}"
GUIDE_UNKNOWN = "There is no guide section called {topic}. Start here: {url}"

# -- /campaign ---------------------------------------------------------------------
NOT_ORGANISER = (
    "Only organisers can use /campaign (Manage Server permission or the organiser role). "
    "If you should be one, ask the server's admins."
)
NO_CAMPAIGN = "No campaign is set up yet. An organiser can run `/campaign setup`."
SETUP_BAD_DEADLINE = (
    "The deadline {text} could not be read. Use the form 2026-12-15 18:00 (date, then "
    "24-hour time)."
)
SETUP_PAST_DEADLINE = "The deadline {when} is in the past. Choose a date in the future."
SETUP_BAD_ZONE = "{zone} is not a time zone name. Use one like Europe/Berlin or America/Chicago."
SETUP_BAD_SERVER = "{field}: {reason}"
SETUP_SAME_SERVER = "The old and the new server are the same."
SETUP_SERVER_DOWN = "{server} did not answer like a Mastodon server: {reason}."
SETUP_SUMMARY_TITLE = "Set up the campaign?"
SETUP_SUMMARY = (
    "Community: {community}\nFrom: {old} ({old_version})\nTo: {new} ({new_version})\n"
    "Deadline: {deadline} ({relative})\nChannel: {channel}\nOrganiser role: {role}"
)
SETUP_CONFIRM = "Confirm"
SETUP_CANCEL = "Cancel"
SETUP_SAVED = "The campaign is set up. Next: `/campaign announce` to tell everyone."
SETUP_CANCELLED = "Nothing was changed."
SETUP_EXPIRED = "This summary has expired. Run `/campaign setup` again."
SHOW_TITLE = "The campaign"
SHOW_NOT_CONFIGURED = "Not configured yet: run `/campaign setup`."
NONE_SET = "not set"
PROGRESS_TITLE = "{community}: progress"
PROGRESS_SUMMARY = (
    "Linked: {linked} · Verified: {verified} ({verified_share}) · Moved: {moved} "
    "({moved_share})\n{deadline_line}"
)
PROGRESS_DAYS_LEFT = "Days left: {days}"
PROGRESS_DEADLINE_TODAY = "The deadline is today."
PROGRESS_DAYS_PAST = (
    "The deadline passed {days} day ago.",
    "The deadline passed {days} days ago.",
)
PROGRESS_COUNTS = "By status"
PROGRESS_PER_DAY = "Moves per day (last 7 days)"
PROGRESS_HELP = "Members who need help"
PROGRESS_HELP_NONE = "Nobody is stuck right now."
PROGRESS_HELP_MORE = "… and {count} more: see `/campaign member` for each."
RECHECK_PROGRESS = "Rechecking members: {done}/{total} ({eta} left)"
RECHECK_DONE = (
    "Recheck finished: {total} member checked in {seconds} s.",
    "Recheck finished: {total} members checked in {seconds} s.",
)
RECHECK_NOBODY = "Nobody has linked their accounts yet."
RECHECK_BUSY = "A recheck is already running for this server. Wait for it to finish."
REMIND_TITLE = "Reminder schedule"
REMIND_LINE_SENT = "{mark} {label}: {when} (posted)"
REMIND_LINE_SKIPPED = "{mark} {label}: {when} (skipped: the bot was offline)"
REMIND_LINE_DUE = "{mark} {label}: {when}"
REMIND_NOTHING_LEFT = "All reminders have been posted."
REMIND_POSTED = "Posted the reminder “{label}” in {channel}."
REMIND_NO_CHANNEL = "There is no announcement channel yet. Set one with `/campaign setup channel:`."
ANNOUNCE_POSTED = "Posted the announcement in {channel}{pinned}."
ANNOUNCE_PINNED = " and pinned it"
ANNOUNCE_NOT_PINNED = (
    ", but it could not be pinned: the bot lacks the Pin Messages permission there. Give it "
    "that permission, then pin the announcement from its message menu"
)
ANNOUNCE_PIN_LIMIT = (
    ", but it could not be pinned: the channel already has as many pinned messages as "
    "Discord allows. Unpin an old one, then pin the announcement from its message menu"
)
ANNOUNCE_PIN_GONE = (
    ", but it could not be pinned: the message was deleted before the bot could pin it. "
    "Run `/campaign announce` again to post it anew"
)
ANNOUNCE_PIN_DOWN = (
    ", but it could not be pinned: Discord did not answer just now. Pin the announcement "
    "from its message menu"
)
ANNOUNCE_PIN_REFUSED = (
    ", but Discord refused to pin it ({detail}). Pin the announcement from its message menu"
)
CHANNEL_FORBIDDEN = (
    "The bot cannot post in {channel}. Give it the Send Messages and Embed Links "
    "permissions there, then try again."
)
ANNOUNCE_TITLE = "{community} is moving to {new}"
ANNOUNCE_BODY = (
    "We are moving our Mastodon accounts from **{old}** to **{new}**.\n\n"
    "**Deadline:** {deadline_full} ({deadline_relative}).\n\n"
    "Every member moves their own account; it takes about half an hour. Your followers "
    "come with you, your posts do not.\n\n"
    "1. Read the guide: {guide}\n"
    "2. Run `/move link` here with your old and new handle.\n"
    "3. `/move status` tells you your next step at any time."
)
EXPORT_ATTACHED = (
    "Here is the roster as {label}: {count} member.",
    "Here is the roster as {label}: {count} members.",
)
EXPORT_SPLIT = " Split into {files} files because Mastodon imports at most 20,000 rows per file."
EXPORT_EMPTY = (
    "Nobody is on the roster yet, so there is nothing to export: members appear once they "
    "have moved, verified their new account and agreed to be listed."
)
MEMBER_TITLE = "Member: {name}"
MEMBER_NOT_LINKED = "{name} has not linked any accounts."
MEMBER_HISTORY = "Recent checks"
MEMBER_UNLINK = "Unlink this member"
MEMBER_UNLINKED = "Unlinked {name}: their link, checks and roster entry are deleted."
NEW_MOVES_ANNOUNCEMENT = "Welcome on {new}! These members have just moved:\n{lines}"
ROSTER_POST_TITLE = "{community} roster: {count} moved"
ROSTER_POST_CONTINUED = "{community} roster (continued)"

# -- /campaign: channels (appended) -------------------------------------------------------
CHANNEL_NOT_IN_SERVER = (
    "The announcement channel {channel} is not a channel of this server. Choose one here "
    "with `/campaign setup channel:`."
)
REMIND_FAILED = (
    "Discord did not accept the reminder just now, so it is not marked as posted. "
    "Try `/campaign remind now` again in a minute."
)
ANNOUNCE_FAILED = (
    "Discord did not accept the announcement just now, so nothing was posted. Try "
    "`/campaign announce` again in a minute."
)
EXPORT_CONTINUED = "More files of the same export ({part} of {parts})."
EXPORT_ZIPPED = (
    " {names} did not fit Discord's upload limit, so it comes compressed as a .zip: "
    "open it to get the file."
)
EXPORT_TOO_LARGE = (
    "The roster file is too large for Discord even compressed ({size} MB, the limit here is "
    "{limit} MB). Export it on the server with `companion roster export --format {format}`."
)
ROSTER_POST_MORE = "… and {count:,} more: see `/move roster`."

# -- /move mend-follows and /move check-import (services/follows.py) ------------------------
MEND_FOLLOWS = "Mend your follows file so it follows the community's new accounts"
MEND_FOLLOWS_FILE = "following_accounts.csv or lists.csv from your old account's Export page"
CHECK_IMPORT = "After importing: find the follows that did not arrive on your new account"
CHECK_IMPORT_FILE = "The mended file you imported (following_accounts….csv or lists….csv)"
FOLLOWS_TOO_BIG = (
    "That file is {size} MB: a follows file is far smaller. Upload following_accounts.csv "
    "or lists.csv from your old account's Export page."
)
FOLLOWS_UNREADABLE_UPLOAD = "Discord did not hand the file over just now. Upload it again."
FOLLOWS_TOO_LARGE_TO_SEND = (
    "The mended file is {size} MB, more than Discord lets the bot send here ({limit} MB). "
    "Split your file into smaller ones and mend each."
)
MEND_TITLE = "**Your mended {kind} file**: {rows:,} rows (your file had {rows_in:,})."
MEND_COMMUNITY = "- {count:,} old accounts of community members replaced by their new ones."
MEND_PUBLIC = "- {count:,} other accounts that moved replaced by their new ones."
MEND_DUPLICATES = "- {count:,} duplicate rows removed."
MEND_OWN = "- {count:,} rows naming your own old or new account left out."
MEND_GONE = "- {count:,} accounts that no longer exist left out: {accounts}."
MEND_UNREADABLE = (
    "- {count:,} lines are not Mastodon accounts and are left out (line {lines}); your "
    "original file still has them."
)
MEND_UNKNOWN = "- {count:,} accounts could not be looked up (their server did not answer): kept."
MEND_ENCODING = "- Your file was in {encoding}: the mended file is UTF-8, as Mastodon reads it."
MEND_FORMULAS = (
    "- {count:,} list names began like a spreadsheet formula: they now start with an apostrophe."
)
MEND_SPLIT = (
    "- Split into {parts} files (Mastodon takes 20,000 rows or 20 MB per file): import each."
)
MEND_UNCHANGED = "- Nothing needed mending: no row names an account that moved."
MEND_LIMIT = (
    "⚠️ Your new account may follow {room:,} more accounts (limit {limit:,}, it follows "
    "{following:,}); Mastodon refuses an import with more rows. Remove rows first."
)
MEND_NEXT = (
    '**Next:** on your **new** account open Import and export > Import, choose "{type}", '
    'keep "Merge", upload the file, click "Upload" and then **Confirm**. Afterwards, run '
    "`/move check-import` with the same file to see that every follow arrived."
)
MEND_LOOKUP_OFFER = (
    "**Optional:** {count:,} other accounts may have moved too. The button looks each one "
    "up on its own server (one request each, paced under the servers' rate limits)."
)
MEND_LOOKUP_BUTTON = "Look up other moves"
MEND_LOOKUP_NO_FILE = (
    "The mended file is no longer attached to this message. Run `/move mend-follows` again."
)
MEND_LOOKUP_PROGRESS = "Looking up other accounts: {done:,} of {total:,} done…"
MEND_LOOKUP_NOTHING = (
    "Every account in the file is a community member's or yours: nothing to look up."
)
CHECK_ALL_THERE = (
    "All {rows:,} accounts of your file are followed by {new}. Nothing to import again."
)
CHECK_MISSING = (
    "{missing:,} of {rows:,} accounts in your file are not followed by {new} yet: they are in "
    "the attached file. Imports take time on big servers: if you confirmed the import less "
    "than an hour ago, it may still be running, so check again later. If it says "
    '"Finished" under "Recent imports", import the attached file the same way (Merge).'
)
CHECK_HIDDEN = (
    "{new} hides whom it follows from others, so the bot cannot compare. Let your profile "
    'show your follows for a moment and check again, or compare by hand on the "Follows '
    "and followers\" page of your new account's settings."
)
CHECK_PARTIAL = " (The server stopped answering part way: only {read:,} follows were read.)"
CHECK_UNREACHABLE = (
    "The bot could not read whom {new} follows: {reason}. Try again in a few minutes."
)
CHECK_NOT_FOUND = "{new} was not found on its server. Check the handle with `/move status`."
