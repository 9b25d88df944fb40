"""MkDocs hooks (named in mkdocs.yml): community values and generated pages at build time.

MkDocs loads this file by path, so it only wires events to functions in
``companion.guide_build``; the functions themselves are imported and tested normally.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # `mkdocs build` from a checkout without `pip install -e .`
    sys.path.insert(0, str(_ROOT))

from companion.guide_build import (  # noqa: E402
    commands_page,
    diagrams,
    image_sizes,
    languages,
    page_weight,
    roster,
    settings_table,
    sources,
)
from companion.guide_build.phrases import phrase  # noqa: E402
from companion.guide_build.values import (  # noqa: E402
    CommunityValues,
    PlaceholderError,
    placeholders,
    render,
)
from companion.i18n import DEFAULT_LANGUAGE  # noqa: E402
from companion.settings import SettingsError  # noqa: E402

log = logging.getLogger("mkdocs.hooks.companion")

ROSTER_DIR = "roster"
_state: dict[str, Any] = {}
_english_404: dict[str, str] = {}  # kept across the languages' builds (``_state`` is not)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Read the settings, the bot's commands and the roster once per language built."""
    language = languages.building(config)
    try:
        settings = sources.settings_for_guide()
    except SettingsError as exc:
        raise PluginError(exc.message) from None
    try:
        groups = sources.command_groups()
        entries = sources.roster_entries(settings)
    except sources.GuideSourceError as exc:
        raise PluginError(str(exc)) from None
    values = CommunityValues.from_settings(settings)
    table = placeholders(values, language)
    generated = {
        "settings_table": settings_table.settings_table_markdown(language),
        "commands_reference": commands_page.commands_reference_markdown(groups, language),
        "roster": roster.roster_markdown(entries, values.community, language),
    }
    for name, text in generated.items():
        table[name] = _always(text)
    table["status_label"] = lambda status: _status_label(status, language)
    _state.clear()
    _state.update(values=values, table=table, entries=entries)
    config.site_name = phrase(
        language, "site_name", community=values.community, new_server=values.new_server
    )
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
    custom = fences.setdefault("custom_fences", [])
    if not any(fence.get("name") == "flow" for fence in custom):  # once, not once a language
        custom.append({"name": "flow", "class": "flow", "format": diagrams.flow_fence})
    if values.is_example:
        log.info("Guide built with example values: no campaign is configured.")
    return config


def _status_label(status: str, language: str) -> str:
    try:
        return sources.status_label(status, language)
    except sources.GuideSourceError as exc:
        raise PlaceholderError(str(exc)) from None


@event_priority(-110)  # after the i18n plugin has sorted the files of the language
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Publish the Mastodon-importable roster files next to each language's Roster page."""
    values: CommunityValues = _state["values"]
    folder = languages.output_folder(config)
    for name, content in roster.roster_files(_state["entries"], values.community).items():
        file = File.generated(config, f"{ROSTER_DIR}/{name}", content=content)
        file.dest_uri = folder + file.dest_uri  # its url follows
        files.append(file)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill in the community values and generated sections of one page."""
    try:
        for key, value in list(page.meta.items()):
            if isinstance(value, str):
                page.meta[key] = render(value, _state["table"], page.file.src_uri)
        return render(markdown, _state["table"], page.file.src_uri)
    except PlaceholderError as exc:
        raise PluginError(str(exc)) from None


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Size every image, keep the first screen light, let the switcher's links work alone."""
    size_of = image_sizes.resolver(Path(config.docs_dir), page.file.dest_uri)
    try:
        output = page_weight.lighten(image_sizes.add_sizes(output, size_of))
        return languages.drop_head_alternates(output)
    except (image_sizes.ImageSizeError, page_weight.PageWeightError) as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """Keep the site's one 404 page English (each language's build writes it again)."""
    if template_name != "404.html":
        return output
    if languages.building(config) == DEFAULT_LANGUAGE:
        _english_404["page"] = output
        return output
    return _english_404.get("page", output)


@event_priority(-110)  # after the i18n plugin has merged every language's search entries
def on_post_build(config: MkDocsConfig) -> None:
    """Inline the merged search index again, so search from disk finds every language."""
    languages.inline_search_index(config)


def _always(text: str) -> Callable[[str], str]:
    """A placeholder function that ignores its argument and gives ``text``."""
    return lambda _arg: text
