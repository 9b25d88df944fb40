"""The guide builds strictly, links resolve, generated pages follow their sources."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import discord
import pytest
from discord import app_commands
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from companion.core.exports import export_roster
from companion.core.guide_links import STATUS_ANCHORS, all_targets
from companion.core.handles import Handle
from companion.core.roster import RosterEntry as CoreRosterEntry
from companion.guide_build import diagrams, figures, image_sizes, sources
from companion.guide_build.commands_page import commands_reference_markdown
from companion.guide_build.settings_table import settings_entries, settings_table_markdown
from companion.guide_build.values import (
    CommunityValues,
    PlaceholderError,
    placeholders,
    render,
)
from companion.settings import EXAMPLE_VALUES_NOTE, Settings, load_settings
from tests.guide.site_pages import ALL_PAGES, LANGUAGE_ROOTS
from tests.paths import REPO


# -- the strict build -----------------------------------------------------------------
def test_strict_build_has_no_warning(build) -> None:
    assert "WARNING" not in build.output, build.output
    assert "Documentation built" in build.output


def test_every_page_is_built_in_every_language(site: Path, guide) -> None:
    assert sorted(str(p.relative_to(site)) for p in guide.page_files(site)) == sorted(ALL_PAGES)


def test_no_placeholder_left(site: Path, guide) -> None:
    for path in guide.page_files(site):
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text, path


def _target_file(site: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    base = page.parent
    target = (base / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_every_internal_link_and_anchor_resolves(site: Path, guide) -> None:
    problems = []
    cache: dict[Path, set[str]] = {}
    for page in guide.page_files(site):
        for href in guide.parse_page(page).links:
            if urlsplit(href).scheme or href.startswith(("//", "mailto:")):
                continue
            target, anchor = _target_file(site, page, href)
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: {href} (no file)")
                continue
            if anchor and target.suffix == ".html":
                ids = cache.setdefault(target, guide.parse_page(target).ids)
                if anchor not in ids:
                    problems.append(f"{page.relative_to(site)}: {href} (no #{anchor})")
    assert problems == []


@pytest.mark.parametrize("root", list(LANGUAGE_ROOTS.values()), ids=list(LANGUAGE_ROOTS))
def test_every_guide_link_target_of_the_bot_resolves(site: Path, guide, root: str) -> None:
    """Each path#anchor in companion.core.guide_links exists in every language's guide."""
    missing = []
    for target in sorted(all_targets()):
        path, _, anchor = target.partition("#")
        path = root + path
        file = site / path / "index.html" if not path or path.endswith("/") else site / path
        if not file.is_file():
            missing.append(f"{target}: no page {file.relative_to(site)}")
        elif anchor and anchor not in guide.parse_page(file).ids:
            missing.append(f"{target}: no #{anchor}")
    assert missing == []


@pytest.mark.parametrize("root", list(LANGUAGE_ROOTS.values()), ids=list(LANGUAGE_ROOTS))
def test_each_move_status_has_its_own_section(site: Path, guide, root: str) -> None:
    problems_ids = guide.parse_page(site / root / "problems" / "index.html").ids
    for status, target in STATUS_ANCHORS.items():
        if target.startswith("problems/"):
            assert target.split("#")[1] in problems_ids, status
    assert "not-an-alias" in problems_ids


def test_built_pages_reference_no_other_host(site: Path, guide) -> None:
    """Scripts, styles, images and frames all come from the site itself."""
    external = []
    for path in [*guide.page_files(site), site / "404.html"]:
        for src in guide.parse_page(path).sources:
            if urlsplit(src).scheme in {"http", "https"} or src.startswith("//"):
                external.append(f"{path.relative_to(site)}: {src}")
    assert external == []
    bundle_css = "".join(p.read_text() for p in (site / "assets" / "stylesheets").glob("*.css"))
    assert "fonts.googleapis" not in bundle_css
    assert "@import url(http" not in bundle_css


def test_diagrams_are_drawn_into_the_page_with_no_diagram_library(site: Path) -> None:
    """The step diagrams are SVG in the HTML (community values filled in), read aloud by
    their title, and followed by a text alternative; no page loads a diagram script."""
    home = (site / "index.html").read_text(encoding="utf-8")
    move = (site / "move" / "index.html").read_text(encoding="utf-8")
    for html, label, alternative in (
        (home, "The timeline, from the announcement", "The timeline as text:"),
        (move, "The three parts of the move, in order", "The same as text:"),
    ):
        figure = re.search(r'<figure class="flow"><svg [^>]*aria-label="([^"]+)"', html)
        assert figure, label
        assert figure.group(1).startswith(label)
        assert html.index(alternative) > figure.start()
    assert "Tuesday 15 January 2030, 18:00 (UTC)</text>" in home
    assert 'class="flow__old"' in move
    assert 'class="flow__new"' in move
    assert not list(site.rglob("*mermaid*"))
    for page in site.rglob("*.html"):
        assert "mermaid" not in page.read_text(encoding="utf-8"), page


def test_a_flow_diagram_without_title_or_boxes_is_refused() -> None:
    with pytest.raises(diagrams.FlowError, match="title"):
        diagrams.render("A | b")
    with pytest.raises(diagrams.FlowError, match="no boxes"):
        diagrams.render("title: Nothing")
    title, steps = diagrams.parse("title: T\nnew: 1. NEW | at 18:00\nLast")
    assert title == "T"
    assert steps == [diagrams.Step("1. NEW", "at 18:00", "new"), diagrams.Step("Last")]


def test_diagram_text_is_never_smaller_than_at_phone_scale() -> None:
    """Drawn 320 units wide for a ~343 px column: every size in units is a size in px."""
    svg = diagrams.render("title: T\n" + "A long first line that has to wrap | detail " * 3)
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) >= 14
    assert f'viewBox="0 0 {diagrams.WIDTH} ' in svg
    assert diagrams.WIDTH <= 343


def test_every_external_script_is_deferred_and_the_lightbox_waits_for_a_tap(site: Path) -> None:
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        html = page.read_text(encoding="utf-8")
        tags = re.findall(r"<script src=[^>]*>", html)
        assert tags, page
        assert all(" defer" in tag for tag in tags), page
        assert "glightbox.min.js" not in " ".join(tags), page
        assert 'glightbox.min.css" rel' not in html, page
        setup = re.search(r'<script id="init-glightbox" type="application/json"[^>]*>', html)
        assert setup, page
        assert 'data-js="' in setup.group(0)


def test_every_image_has_its_width_and_height(site: Path, guide) -> None:
    for page in guide.page_files(site):
        for image in guide.parse_page(page).images:
            src = str(image.get("src"))
            width, height = image_sizes.svg_size((page.parent / src).resolve())
            assert (image.get("width"), image.get("height")) == (str(width), str(height)), src


def test_the_organisers_timeline_is_told_once(site: Path) -> None:
    """One presentation: a list of steps, no table and no diagram repeating it."""
    html = (site / "organisers" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="timeline"') : html.index('id="community-versus-one"')]
    assert "<table" not in section
    assert "<svg" not in section
    assert section.count("<dt>") == 8
    assert "Deadline." in section


def test_vendored_scripts_match_their_recorded_checksums() -> None:
    vendor = REPO / "guide" / "assets" / "javascripts" / "vendor"
    record = (vendor / "VENDORED.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in vendor.glob("*.js")) == ["iframe-worker-shim.js"]
    digest = hashlib.sha256((vendor / "iframe-worker-shim.js").read_bytes()).hexdigest()
    assert f"sha256 {digest}" in record


def test_offline_search_index_is_inlined(site: Path) -> None:
    assert (site / "search" / "search_index.js").read_text().startswith("var __index = ")
    assert "iframe-worker-shim.js" in (site / "index.html").read_text()


def test_every_image_has_alt_text_and_exists(site: Path, guide) -> None:
    for page in guide.page_files(site):
        for image in guide.parse_page(page).images:
            alt = (image.get("alt") or "").strip()
            assert len(alt) > 30, f"{page}: {image.get('src')} needs a meaningful alt text"
            src = str(image.get("src"))
            assert (page.parent / src).resolve().is_file(), src


def test_every_figure_is_used(site: Path, guide) -> None:
    used = set()
    for page in guide.page_files(site):
        used |= {Path(str(img.get("src"))).name for img in guide.parse_page(page).images}
    assert {f"{name}.svg" for name in figures.FIGURES} <= used


def test_example_values_are_marked(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "Example values" in html
    assert EXAMPLE_VALUES_NOTE in html
    assert "old.example" in html
    assert "new.example" in html
    assert "Tuesday 15 January 2030 at 18:00 (UTC time)" in html


# -- community values from the settings -------------------------------------------------
def test_configured_campaign_replaces_example_values(tmp_path: Path, guide) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "companion.toml").write_text(
        '[campaign]\ncommunity_name = "Knitting Circle"\nold_server = "wool.social"\n'
        'new_server = "yarn.social"\ndeadline = "2031-03-01T18:00"\n'
        'timezone = "Europe/Berlin"\ndiscord_invite = "https://discord.gg/knit"\n',
        encoding="utf-8",
    )
    result = guide.run_build(tmp_path / "site", cwd=work)
    assert result.returncode == 0, result.output
    html = (result.site / "index.html").read_text(encoding="utf-8")
    assert "Example values" not in html
    assert "Knitting Circle is moving to yarn.social" in html
    assert "Saturday 1 March 2031 at 18:00 (Europe/Berlin time)" in html
    assert "17:00 UTC" in html
    assert "https://discord.gg/knit" in html
    move = (result.site / "move" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://yarn.social/settings/aliases"' in move
    assert 'href="https://wool.social/settings/migration"' in move


def test_environment_variables_configure_the_guide(tmp_path: Path, guide) -> None:
    result = guide.run_build(
        tmp_path / "site",
        cwd=tmp_path,
        COMPANION_CAMPAIGN__OLD_SERVER="a.example",
        COMPANION_CAMPAIGN__NEW_SERVER="b.example",
        COMPANION_CAMPAIGN__DEADLINE="2031-05-02T09:30",
    )
    assert result.returncode == 0, result.output
    assert "moving to b.example" in (result.site / "index.html").read_text(encoding="utf-8")


def test_invalid_settings_fail_the_build_with_their_message(tmp_path: Path, guide) -> None:
    result = guide.run_build(
        tmp_path / "site", cwd=tmp_path, COMPANION_CAMPAIGN__TIMEZONE="Mars/Base"
    )
    assert result.returncode != 0
    assert "campaign.timezone" in result.output
    assert "COMPANION_CAMPAIGN__TIMEZONE" in result.output
    assert "IANA time zone" in result.output


def test_settings_load_without_a_campaign_file(tmp_path: Path, monkeypatch, guide) -> None:
    monkeypatch.chdir(tmp_path)
    for key in list(guide.clean_env()):
        if key.startswith("COMPANION_"):
            monkeypatch.delenv(key)
    values = CommunityValues.from_settings(load_settings())
    assert values.is_example
    assert values.old_server == "old.example"


def test_unknown_placeholder_is_an_error() -> None:
    table = placeholders(CommunityValues.from_settings(Settings(_env_file=None)))
    with pytest.raises(PlaceholderError, match="nope"):
        render("Hello {{ nope }}", table, "x.md")
    assert render("{{ old_page /settings/export }}", table, "x.md") == (
        "`old.example/settings/export`"
    )


# -- in-process builds (to swap one source) ----------------------------------------------
def _build_in_process(site_dir: Path) -> None:
    config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    mkdocs_build(config)


@pytest.fixture
def no_settings_files(tmp_path: Path, monkeypatch, guide) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in list(guide.clean_env()):
        if key.startswith("COMPANION_"):
            monkeypatch.delenv(key)
    return tmp_path


def test_missing_bot_commands_fail_the_build(no_settings_files: Path, monkeypatch, caplog) -> None:
    monkeypatch.setitem(sys.modules, "companion.bot.commands", None)  # import now fails
    with pytest.raises((PluginError, Abort)):
        _build_in_process(no_settings_files / "site")
    assert "companion.bot.commands cannot be imported" in caplog.text
    assert not (no_settings_files / "site" / "bot" / "index.html").exists()


def test_command_groups_error_names_the_module(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "companion.bot.commands", None)
    with pytest.raises(sources.GuideSourceError, match="Using the Discord bot"):
        sources.command_groups()


def _entry(name: str, old: str, new: str, day: int) -> CoreRosterEntry:
    return CoreRosterEntry(
        discord_name=name,
        old_handle=Handle.parse(old),
        new_handle=Handle.parse(new),
        moved_at=datetime(2030, 1, day, 10, tzinfo=UTC),
        verified=True,
    )


def test_roster_with_entries_publishes_files(no_settings_files: Path, monkeypatch) -> None:
    entries = [
        _entry("al|ice", "alice@old.example", "@Alice@New.Example", 9),
        _entry("Zoë <b>", "zoe@old.example", "zoe@new.example", 10),
    ]
    monkeypatch.setattr(sources, "roster_entries", lambda settings: entries)
    site = no_settings_files / "site"
    _build_in_process(site)
    following = (site / "roster" / "following_accounts_example-community.csv").read_text()
    rows = list(csv.reader(io.StringIO(following)))
    assert rows == [
        ["Account address", "Show boosts", "Notify on new posts", "Languages"],
        ["alice@new.example", "true", "false", ""],
        ["zoe@new.example", "true", "false", ""],
    ]
    lists = (site / "roster" / "lists_example-community.csv").read_text()
    assert lists.splitlines() == [
        "Example Community,alice@new.example",
        "Example Community,zoe@new.example",
    ]
    # Byte for byte what organisers get from /campaign export, beside every language's page.
    for fmt in ("mastodon-follows", "mastodon-list"):
        for file in export_roster(entries, "Example Community", fmt):
            for root in LANGUAGE_ROOTS.values():
                assert (site / root / "roster" / file.name).read_bytes() == file.content
    german = (site / "de" / "roster" / "index.html").read_text(encoding="utf-8")
    assert "2 Mitglieder sind umgezogen" in german
    assert "als <strong>Folge ich</strong> importieren" in german  # Mastodon's own label
    assert 'href="following_accounts_example-community.csv"' in german
    html = (site / "roster" / "index.html").read_text(encoding="utf-8")
    assert "2 members have moved" in html
    assert "Zoë &lt;b&gt;" in html
    assert "Zoë <b>" not in html
    assert 'href="following_accounts_example-community.csv"' in html
    assert 'href="https://new.example/@zoe"' in html


def test_roster_without_entries_says_so(site: Path) -> None:
    html = (site / "roster" / "index.html").read_text(encoding="utf-8")
    assert "published here once members have moved" in html
    assert "Merge" in html
    assert not list((site / "roster").glob("*.csv"))


def test_roster_reads_the_real_store(tmp_path: Path) -> None:
    store_module = pytest.importorskip("companion.store.store")

    db = tmp_path / "companion.db"
    store = store_module.Store(db)
    store.migrate()
    for uid, name, listed in ((1, "Ann", True), (2, "Ben", False), (3, "Cy", True)):
        store.link_member(
            7,
            uid,
            name,
            Handle.parse(f"{name.lower()}@old.example"),
            Handle.parse(f"{name.lower()}@new.example"),
        )
        store.update_member(
            7, uid, verified_at=datetime(2030, 1, 2, tzinfo=UTC), roster_consent=listed
        )
    store.db["members"].update((7, 1), {"moved_at": "2030-01-05T10:00:00+00:00"})
    store.db["members"].update((7, 2), {"moved_at": "2030-01-05T10:00:00+00:00"})
    store.close()
    entries = sources.roster_entries(Settings(_env_file=None, database=db))
    assert [(e.discord_name, str(e.new_handle)) for e in entries] == [("Ann", "ann@new.example")]


# -- generated pages ---------------------------------------------------------------------
def test_settings_table_lists_every_setting_with_its_env_var() -> None:
    table = settings_table_markdown()
    for name in Settings.model_fields:
        assert f"`{name}" in table, name
    for setting, env, field in settings_entries():
        assert f"| `{setting}` | `{env}` |" in table
        assert (field.description or "")[:40] in table
    assert "`campaign.deadline` | `COMPANION_CAMPAIGN__DEADLINE`" in table
    assert "`servers.<domain>.access_token` | `COMPANION_SERVERS__<domain>__ACCESS_TOKEN`" in table
    assert "`request_timeout` | `COMPANION_REQUEST_TIMEOUT` | `8.0`" in table


def test_settings_table_env_names_really_work(tmp_path: Path, monkeypatch) -> None:
    """Setting each documented variable changes the documented setting."""
    monkeypatch.chdir(tmp_path)
    samples = {
        "COMPANION_DISCORD_GUILD_ID": ("discord_guild_id", 42),
        "COMPANION_CAMPAIGN__NEW_SERVER": ("campaign.new_server", "new.example"),
        "COMPANION_SERVERS__<domain>__API_BASE_URL": ("servers", "https://api.example"),
        "COMPANION_LOG_LEVEL": ("log_level", "DEBUG"),
    }
    documented = {env for _, env, _ in settings_entries()}
    for env, (_, value) in samples.items():
        assert env in documented
        monkeypatch.setenv(env.replace("<domain>", "x.example"), str(value))
    settings = load_settings(env_file=None)
    assert settings.discord_guild_id == 42
    assert settings.campaign.new_server == "new.example"
    assert settings.server("x.example").api_base_url == "https://api.example"
    assert settings.log_level == "DEBUG"


def test_running_the_bot_page_has_the_generated_table(site: Path) -> None:
    html = (site / "organisers" / "running-the-bot.html").read_text(encoding="utf-8")
    for _, env, _ in settings_entries():
        assert env.replace("<", "&lt;").replace(">", "&gt;") in html, env


def _sample_groups() -> list[app_commands.Group]:
    move = app_commands.Group(name="move", description="Move your account")
    campaign = app_commands.Group(name="campaign", description="Run the move")

    @move.command(name="link", description="Link your old and new accounts")
    @app_commands.describe(old="Your old handle", new="Your new handle")
    async def link(interaction: discord.Interaction, old: str, new: str) -> None: ...

    @move.command(name="verify", description="Prove you own the new account")
    async def verify(interaction: discord.Interaction) -> None: ...

    @move.command(name="reminders", description="Turn reminders on or off")
    @app_commands.describe(setting="on or off")
    @app_commands.choices(
        setting=[
            app_commands.Choice(name="on", value="on"),
            app_commands.Choice(name="off", value="off"),
        ]
    )
    async def reminders(interaction: discord.Interaction, setting: str) -> None: ...

    @campaign.command(name="export", description="Download the roster")
    @app_commands.describe(fmt="Which file")
    @app_commands.rename(fmt="format")
    async def export(interaction: discord.Interaction, fmt: str = "csv") -> None: ...

    sub = app_commands.Group(name="remind", description="Reminders", parent=campaign)

    @sub.command(name="now", description="Post the next reminder at once")
    async def now(interaction: discord.Interaction) -> None: ...

    return [campaign, move]


def test_commands_reference_from_real_groups() -> None:
    text = commands_reference_markdown(_sample_groups())
    assert text.index("## For members: `/move`") < text.index("## For organisers: `/campaign`")
    assert "### `/move link` {#link}" in text
    assert "### `/move verify` {#verify}" in text
    assert "Type: `/move link old new`" in text
    assert "- `old` (required, text): Your old handle" in text
    assert "- `setting` (required, choice): on or off. One of: `on`, `off`." in text
    assert "### `/campaign export` {#campaign-export}" in text
    assert "`/campaign export [format]`" in text
    assert "- `format` (optional, text): Which file" in text
    assert "### `/campaign remind now` {#campaign-remind-now}" in text
    assert text.count("This command has no options.") == 2


def test_bot_page_documents_every_real_command(site: Path) -> None:
    html = (site / "bot" / "index.html").read_text(encoding="utf-8")
    for group in sources.command_groups():
        for command in group.walk_commands():
            if isinstance(command, app_commands.Command):
                assert f"/{command.qualified_name}" in html
                assert command.description.replace("'", "&#x27;")[:40] in html or (
                    command.description[:40] in html
                )


# -- figures -----------------------------------------------------------------------------
def test_committed_figures_match_their_generator() -> None:
    assert figures.main(["--check"]) == 0, "run: python -m companion.guide_build.figures"


def test_figures_use_the_interface_labels() -> None:
    svgs = figures.render_all()
    assert "Move to a different account" in svgs["account-settings-move.svg"]
    assert "Moving to a different account" not in "".join(svgs.values())
    assert "create an account alias" in svgs["account-settings-alias.svg"]
    assert "configure it here" in svgs["account-settings-move.svg"]
    assert "Move followers" in svgs["account-migration.svg"]
    assert "is not an alias of this account" in svgs["account-migration-error.svg"]
    assert "Merge" in svgs["import-page.svg"]
    assert "Overwrite" in svgs["import-page.svg"]
    assert "Confirm" in svgs["import-confirm.svg"]
    assert "Request your archive" in svgs["export-archive.svg"]
    for name, svg in svgs.items():
        assert "<title" in svg, name
        assert "<desc" in svg, name
        assert "drawing, not a screenshot" in svg, name
        assert 'viewBox="0 0 400 ' in svg, name


def test_figure_text_is_at_least_12_px_on_a_phone() -> None:
    """A 375 px phone shows a figure 343 px wide: every font size times 343/400 >= 12."""
    for name, svg in figures.render_all().items():
        sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
        assert min(sizes) * 343 / figures.WIDTH >= 12, name


def test_no_figure_line_is_only_punctuation() -> None:
    """A word and the punctuation after it wrap together (no "." alone on a line)."""
    for name, svg in figures.render_all().items():
        for line in re.findall(r"<text [^>]*>(.*?)</text>", svg):
            text = re.sub(r"<[^>]+>", "", line).strip()
            assert text.strip(".,:;!?") or not text, f"{name}: {line}"
    drawn = figures.render_all()["old-account-disabled.svg"]
    assert "alice@new.example</tspan><tspan" in drawn


def test_the_export_figure_shows_filters_as_json() -> None:
    svg = figures.render_all()["export-page.svg"]
    assert "Filters</tspan>" in svg
    assert "⤓ JSON</tspan>" in svg
    assert "Filters" in svg[svg.index("<desc") : svg.index("</desc>")]
