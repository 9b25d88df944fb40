"""The guide in each language: which one a build is making, and search across them.

mkdocs-static-i18n (named in mkdocs.yml) builds English at the site root, then German in
``/de/`` and French in ``/fr/`` from ``guide/move/index.de.md`` and the like. It merges the
languages' search entries only after the offline plugin has inlined the last language's
index for reading from disk, so the hook inlines the merged index once more.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig

from companion.i18n import DEFAULT_LANGUAGE

I18N_PLUGIN = "i18n"
OFFLINE_PLUGIN = "material/offline"


def building(config: MkDocsConfig) -> str:
    """The language the current build makes (English before the plugin has started)."""
    plugin = config.plugins.get(I18N_PLUGIN)
    current = getattr(plugin, "current_language", None)
    return current or DEFAULT_LANGUAGE


def output_folder(config: MkDocsConfig) -> str:
    """Where the current language's pages go: ``""`` for English, ``"de/"`` for German."""
    language = building(config)
    return "" if language == DEFAULT_LANGUAGE else f"{language}/"


def inline_search_index(config: MkDocsConfig) -> None:
    """Rewrite ``search/search_index.js`` from the merged ``search_index.json``."""
    plugin = config.plugins.get(OFFLINE_PLUGIN)
    if plugin is not None:
        plugin.on_post_build(config=config)


_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def drop_head_alternates(html: str) -> str:
    """Remove the ``<link rel="alternate" hreflang>`` tags from a page's head.

    Material fetches ``sitemap.xml`` beside each of them to find the same page in the other
    language: a request that fails from disk and 404s for per-page links. The switcher's
    own links already lead to the same page in each language, so nothing is lost.
    """
    return _HEAD_ALTERNATE.sub("", html)
