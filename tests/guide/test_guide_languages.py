"""The guide in English, German and French: every page translated, the same anchors,
a switcher to the same page, each language's search, Mastodon's own labels in each."""

from __future__ import annotations

import gettext
import io
import json
import re
import string
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from companion.bot.translator import NAME_CONTEXT
from companion.guide_build import figures, phrases, sources
from companion.guide_build.commands_page import commands_reference_markdown
from companion.i18n.labels import mastodon_label, mastodon_labels
from tests.guide.site_pages import LANGUAGE_ROOTS, PAGES, TRANSLATIONS
from tests.paths import REPO

DOCS = REPO / "guide"
ENGLISH_SOURCES = sorted(p for p in DOCS.rglob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name))


def _translated(source: Path, language: str) -> Path:
    return source.with_name(f"{source.stem}.{language}.md")


def _name(source: Path) -> str:
    return str(source.relative_to(DOCS))


# -- every page, in every language ---------------------------------------------------------
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_english_page_has_its_translation(language: str) -> None:
    """No silent fallback to English: each page of guide/ has its .de.md and .fr.md."""
    assert len(ENGLISH_SOURCES) == len(PAGES)
    missing = [_name(s) for s in ENGLISH_SOURCES if not _translated(s, language).is_file()]
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translated_pages_are_not_english(site: Path, language: str) -> None:
    """Each built translated page is the translation, in its language, not a copy."""
    for page in PAGES:
        english = (site / page).read_text(encoding="utf-8")
        built = (site / language / page).read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in built, page
        if _translated(DOCS / page.replace(".html", ".md"), language).is_file():
            assert _words(built) != _words(english), page


def _words(html: str) -> str:
    body = html[html.find('<article class="md-content__inner') :]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def _heading_ids(path: Path) -> set[str]:
    html = path.read_text(encoding="utf-8")
    return set(re.findall(r'<h[2-6][^>]* id="([^"]+)"', html))  # h1: the page itself


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_heading_keeps_its_english_anchor(site: Path, language: str) -> None:
    """Links into a section (the bot's, other pages') land on the same heading everywhere."""
    missing = {}
    for page in PAGES:
        lost = _heading_ids(site / page) - _heading_ids(site / language / page)
        if lost:
            missing[page] = sorted(lost)
    assert missing == {}


def _switcher(html: str) -> dict[str, str]:
    return {
        lang: href
        for href, lang in re.findall(
            r'<a href="([^"]+)" hreflang="([a-z]{2})" class="md-select__link">', html
        )
    }


def test_the_language_switcher_goes_to_the_same_page(site: Path) -> None:
    """From every page, each language's link is relative (works from disk) and leads to
    the same page in that language."""
    wrong = []
    for root in LANGUAGE_ROOTS.values():
        for page in PAGES:
            path = site / root / page
            links = _switcher(path.read_text(encoding="utf-8"))
            assert sorted(links) == sorted(LANGUAGE_ROOTS), path
            for lang, href in links.items():
                target = (path.parent / unquote(href)).resolve()
                expected = (site / LANGUAGE_ROOTS[lang] / page).resolve()
                if href.startswith("/") or target != expected:
                    wrong.append(f"{root}{page} -> {lang}: {href}")
    assert wrong == []


def test_the_sites_404_page_is_english(site: Path) -> None:
    """One 404 page serves the whole site: the English one, not the last language built."""
    html = (site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html
    assert not list(site.glob("*/404.html"))


def test_no_page_makes_material_fetch_sitemaps(site: Path, guide) -> None:
    """Material fetches sitemap.xml beside each head alternate: none are left to do so."""
    for page in guide.page_files(site):
        assert '<link rel="alternate"' not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize(
    ("language", "search_label"), [("en", "Search"), ("de", "Suche"), ("fr", "Rechercher")]
)
def test_materials_own_words_are_in_the_pages_language(
    site: Path, language: str, search_label: str
) -> None:
    html = (site / LANGUAGE_ROOTS[language] / "index.html").read_text(encoding="utf-8")
    assert f'placeholder="{search_label}"' in html


def test_search_index_holds_every_language_and_is_inlined_for_disk(site: Path) -> None:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert data["config"]["lang"] == ["en", "de", "fr"]
    locations = [doc["location"] for doc in data["docs"]]
    for language in TRANSLATIONS:
        assert any(loc.startswith(f"{language}/move/") for loc in locations), language
    inlined = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert json.loads(inlined.removeprefix("var __index = ")) == data


# -- generated pages and community values ----------------------------------------------------
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("de", ("Dienstag, 15. Januar 2030 um 18:00 Uhr", "Beispielwerte")),
        ("fr", ("mardi 15 janvier 2030 à 18:00", "Valeurs d’exemple")),
    ],
)
def test_dates_and_the_example_notice_are_in_the_pages_language(
    site: Path, language: str, words: tuple[str, ...]
) -> None:
    text = _words((site / language / "index.html").read_text(encoding="utf-8"))
    for word in words:
        assert word in text
    assert "Example values" not in text
    assert "Tuesday" not in text


@pytest.mark.parametrize(
    ("language", "bot", "link", "settings", "roster"),
    [
        (
            "de",
            "Für Mitglieder",
            "/umzug verknüpfen",
            "Umgebungsvariable",
            "noch nicht veröffentlicht",
        ),
        (
            "fr",
            "Pour les membres",
            "/migration lier",
            "Variable d’environnement",
            "pas encore publié",
        ),
    ],
)
def test_generated_pages_are_made_in_each_language(
    site: Path, language: str, bot: str, link: str, settings: str, roster: str
) -> None:
    root = site / language
    bot_page = _words((root / "bot" / "index.html").read_text(encoding="utf-8"))
    assert bot in bot_page
    assert link in bot_page  # the names Discord shows a member of that language
    assert "/move link" not in bot_page
    assert "For members" not in bot_page
    table = _words((root / "organisers" / "running-the-bot.html").read_text(encoding="utf-8"))
    assert settings in table
    assert "COMPANION_CAMPAIGN__DEADLINE" in table
    assert roster in _words((root / "roster" / "index.html").read_text(encoding="utf-8"))


def _catalog(names: dict[str, str], texts: dict[str, str]) -> gettext.GNUTranslations:
    """A real compiled gettext catalog, as a translator's .po would give."""
    catalog = Catalog(locale="de")
    for english, german in names.items():
        catalog.add(english, german, context=NAME_CONTEXT)
    for english, german in texts.items():
        catalog.add(english, german)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def test_command_reference_shows_the_names_discord_shows_in_the_language() -> None:
    """Names under the "command name" context, descriptions as sentences; the anchors stay
    English; a string no translator filled stays English."""
    groups = sources.command_groups()
    move = next(g for g in groups if g.name == "move")
    link = next(c for c in move.walk_commands() if c.name == "link")
    catalog = _catalog(
        {"move": "umzug", "link": "verknüpfen", "old": "alt"},
        {link.description: "Verknüpfe dein altes und dein neues Konto"},
    )
    text = commands_reference_markdown(groups, "de", catalog)
    assert "### `/umzug verknüpfen` {#link}" in text
    assert "Verknüpfe dein altes und dein neues Konto" in text
    assert "Eingabe: `/umzug verknüpfen alt new`" in text
    assert "- `alt` (Pflicht, Text)" in text
    assert "### `/umzug verify` {#verify}" in text  # not translated yet: English
    assert "## Für Mitglieder: `/umzug` {#move-commands}" in text


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_announcements_link_members_to_their_languages_guide(site: Path, language: str) -> None:
    """{{ guide_url }} in a German template is the German guide, roster page included."""
    html = (site / language / "organisers" / "announcements.html").read_text(encoding="utf-8")
    base = "http://127.0.0.1:8000/"  # the default guide_url
    assert f"{base}{language}/roster/index.html" in html
    assert f"{base}roster/index.html" not in html


def test_the_guides_own_sentences_exist_in_every_language() -> None:
    for language, table in phrases.PHRASES.items():
        assert table.keys() == phrases.EN.keys(), language
        for key, text in table.items():
            assert phrases.fields(text) <= phrases.fields(phrases.EN[key]), (language, key)


# -- figures ----------------------------------------------------------------------------------
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translated_pages_show_their_languages_figures(site: Path, guide, language: str) -> None:
    for page in PAGES:
        for image in guide.parse_page(site / language / page).images:
            src = str(image.get("src"))
            if src.endswith(".svg") and "/figures/" in src:
                assert f"/figures/{language}/" in src, f"{language}/{page}: {src}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_figure_of_the_language_is_used(site: Path, guide, language: str) -> None:
    used = set()
    for page in PAGES:
        used |= {str(img.get("src")) for img in guide.parse_page(site / language / page).images}
    names = {Path(src).name for src in used if f"/figures/{language}/" in src}
    assert names == {f"{name}.svg" for name in figures.FIGURES}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_figures_are_drawn_with_mastodons_labels_of_the_language(language: str) -> None:
    svgs = figures.render_all(language)
    assert sorted(svgs) == sorted(figures.render_all())
    move = svgs["account-settings-move.svg"]
    assert mastodon_label("move_to_heading", language) in move
    assert mastodon_label("move_to_link", language) in move
    assert mastodon_label("error_not_an_alias", language) in svgs["account-migration-error.svg"]
    assert mastodon_label("import_merge", language) in svgs["import-page.svg"]
    assert mastodon_label("import_confirm", language) in svgs["import-confirm.svg"]
    drawn = "".join(svgs.values())
    assert "drawing, not a screenshot" not in drawn
    assert figures._OWN[language]["drawing, not a screenshot"] in drawn
    # No English label is left where Mastodon's German or French differs.
    for key in ("move_to_heading", "move_followers_button", "request_archive", "import_upload"):
        assert mastodon_label(key) not in drawn, key


def test_the_figures_own_words_exist_in_every_language() -> None:
    tables = figures._OWN
    assert sorted(tables) == sorted(TRANSLATIONS)
    assert tables["de"].keys() == tables["fr"].keys()
    for language, table in tables.items():
        for english, text in table.items():
            assert _fields(text) == _fields(english), (language, english)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", ["en", *TRANSLATIONS])
def test_figure_text_stays_on_the_card(language: str) -> None:
    """German runs longer: every line, at the wrapping's glyph estimate, fits the card."""
    outside = []
    for name, svg in figures.render_all(language).items():
        for match in re.finditer(
            r'<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"([^>]*)>(.*?)</text>', svg
        ):
            x, size, attrs = float(match[1]), float(match[2]), match[3]
            body = unescape(re.sub(r"<[^>]+>", "", match[4]))
            width = len(body) * size * figures.CHAR
            left = x - width / 2 if "middle" in attrs else x - width if '"end"' in attrs else x
            if left < 4 or left + width > figures.WIDTH - 4:
                outside.append(f"{name}: {body}")
    assert outside == []


# -- Mastodon's labels in the translated pages -------------------------------------------------
_QUOTED = ("**{}**", '"{}"', "“{}”", "'{}'")


def _plain(text: str) -> str:
    """Text as compared: soft hyphens out, (narrow) no-break spaces as plain spaces."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u00ad", ""))


def _by_english() -> dict[str, set[str]]:
    """Each English label and the entries that write it (menus repeat words in places)."""
    groups: dict[str, set[str]] = {}
    for key in mastodon_labels():
        groups.setdefault(_plain(mastodon_label(key)), set()).add(key)
    return groups


def _quoted(english_page: str) -> list[str]:
    """The English labels the page quotes (in bold or in quotes)."""
    text = _plain(english_page)
    return [label for label in _by_english() if any(form.format(label) in text for form in _QUOTED)]


# Quoted English labels a translation rightly leaves out (MASTODON_LABELS.md explains each).
_NOT_CARRIED: dict[tuple[str, str], str] = {
    # 'your phone app has no "Import", "alias" or "Move" settings' names the settings
    # loosely, as a symptom; the translations describe them in words.
    ("problems/index.md", "Import"): "a loose description, not the page's label",
}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_each_quoted_mastodon_label_is_mastodons_own_string(language: str) -> None:
    """For every label the English page quotes, its translation has Mastodon's string
    (one of them where the same English has several keys, as "Import and export" has)."""
    wrong = []
    groups = _by_english()
    for source in ENGLISH_SOURCES:
        translation = _translated(source, language)
        if not translation.is_file():
            continue
        translated = _plain(translation.read_text(encoding="utf-8"))
        for english in _quoted(source.read_text(encoding="utf-8")):
            if (_name(source), english) in _NOT_CARRIED:
                continue
            labels = {_plain(mastodon_label(key, language)) for key in groups[english]}
            if not any(label in translated for label in labels):
                wrong.append(f"{_name(translation)}: {english!r} should read one of {labels}")
    assert wrong == []


def test_french_pages_keep_the_space_before_punctuation_unbreakable() -> None:
    """French sets a space before : ; ? ! and inside « »; on a narrow phone a plain one lets
    the sign wrap onto a line of its own, so the French pages use a no-break space there."""
    loose = []
    for source in ENGLISH_SOURCES:
        text = _translated(source, "fr").read_text(encoding="utf-8")
        text = re.sub(r"```.*?```|`[^`\n]*`|\{\{.*?\}\}", "", text, flags=re.S)
        loose += [
            f"{_name(source)}: {line.strip()[:60]}"
            for line in text.splitlines()
            if re.search(r"[^\s\-*>|] ([;?!»]|:(?![\w+-]+:))|« ", line)
        ]
    assert loose == []
