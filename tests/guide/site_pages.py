"""Every page the built guide has: the build and the browser tests walk the same list."""

PAGES = [
    "index.html",
    "before/index.html",
    "move/index.html",
    "after/index.html",
    "problems/index.html",
    "bot/index.html",
    "roster/index.html",
    "privacy/index.html",
    "organisers/index.html",
    "organisers/announcements.html",
    "organisers/server-admin.html",
    "organisers/running-the-bot.html",
    "organisers/roster.html",
]
