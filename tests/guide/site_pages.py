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

# English at the site root, the translations in their own folders.
TRANSLATIONS = ("de", "fr")
LANGUAGE_ROOTS = {"en": "", "de": "de/", "fr": "fr/"}
ALL_PAGES = [root + page for root in LANGUAGE_ROOTS.values() for page in PAGES]

# The browser checks that would triple the run time in a full matrix take these translated
# pages: the home page, the longest how-to page (figures, tabs) and a generated page.
SAMPLE = ["index.html", "move/index.html", "bot/index.html"]
TRANSLATED_SAMPLE = [f"{lang}/{page}" for lang in TRANSLATIONS for page in SAMPLE]
