"""The domain: handles, move statuses, checklist, reminders, roster and exports.

No Discord, no HTTP, no SQL: the adapters around it (moves, store, bot, cli) bring those.
"""
