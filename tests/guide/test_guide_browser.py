"""The built guide in Debian's headless Chromium: requests, errors, search, a11y, layout.

Screenshots of every page at 375 px and 1280 px, light and dark, land in
test-artifacts/guide-screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import importlib.resources
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.core.guide_links import all_targets
from tests.guide.site_pages import ALL_PAGES, LANGUAGE_ROOTS, PAGES, TRANSLATED_SAMPLE
from tests.paths import REPO

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("GUIDE_CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "test-artifacts" / "guide-screenshots"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless (never a downloaded browser build).

    Module-scoped on purpose: Playwright's sync API keeps an event loop running in this
    thread while it is open, which would break every asyncio test collected after it.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with playwright_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


class Watcher:
    """Records console errors, page errors and every request leaving the site."""

    def __init__(self, page: object, allowed_prefix: str) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.allowed = allowed_prefix
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", lambda req: self.failed.append(req.url))
        page.route("**/*", self._route)

    def _console(self, message: object) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _route(self, route: object) -> None:
        url = route.request.url
        if url.startswith((self.allowed, "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


def _open(browser: object, base: str, *, width: str = "desktop", dark: bool = False):
    w, h = WIDTHS[width]
    context = browser.new_context(
        viewport={"width": w, "height": h},
        color_scheme="dark" if dark else "light",
        device_scale_factor=1,
    )
    page = context.new_page()
    watcher = Watcher(page, base)
    return context, page, watcher


def _load_all_images(page: object) -> None:
    """Load lazy images now (a full-page screenshot does not scroll) and check each one."""
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function("[...document.images].every(i => i.complete)", timeout=10000)
    broken = page.evaluate(
        "[...document.images].filter(i => !i.naturalWidth).map(i => i.getAttribute('src'))"
    )
    assert broken == []


def _shot_name(path: str, width: str, dark: bool) -> str:
    stem = path.removesuffix(".html").replace("/index", "").replace("/", "-") or "home"
    stem = "home" if stem == "index" else stem
    return f"{stem}-{width}{'-dark' if dark else ''}.png"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_fits(browser, site_url, screenshots_dir, path, width, dark) -> None:
    """No console error, no foreign request, no horizontal overflow; screenshot saved."""
    context, page, watcher = _open(browser, site_url, width=width, dark=dark)
    try:
        page.goto(site_url + path, wait_until="networkidle")
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme == ("slate" if dark else "default")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than the {width} screen"
        _load_all_images(page)
        page.screenshot(path=str(screenshots_dir / _shot_name(path, width, dark)), full_page=True)
        assert watcher.foreign == []
        assert watcher.errors == []
        assert watcher.failed == []
    finally:
        context.close()


@pytest.mark.parametrize("path", TRANSLATED_SAMPLE)
def test_translated_page_loads_cleanly_and_fits_a_phone(
    browser, site_url, screenshots_dir, path
) -> None:
    """German and French run longer: no overflow at 375 px, no error, nothing external."""
    context, page, watcher = _open(browser, site_url, width="phone")
    try:
        page.goto(site_url + path, wait_until="networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone screen"
        _load_all_images(page)
        page.screenshot(
            path=str(screenshots_dir / _shot_name(path, "phone", False)), full_page=True
        )
        assert watcher.foreign == []
        assert watcher.errors == []
        assert watcher.failed == []
    finally:
        context.close()


def _axe_source() -> str:
    return importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violation(browser, site_url, path, dark) -> None:
    """axe finds nothing, of any impact, in either palette."""
    context, page, _ = _open(browser, site_url, dark=dark)
    try:
        page.goto(site_url + path, wait_until="networkidle")
        page.add_script_tag(content=_axe_source())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"]
        ]
        assert violations == []
    finally:
        context.close()


@pytest.mark.parametrize("path", TRANSLATED_SAMPLE)
def test_translated_page_has_no_accessibility_violation(browser, site_url, path) -> None:
    context, page, _ = _open(browser, site_url)
    try:
        page.goto(site_url + path, wait_until="networkidle")
        page.add_script_tag(content=_axe_source())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert [f"{v['id']}: {v['help']}" for v in result["violations"]] == []
    finally:
        context.close()


@pytest.mark.parametrize("root", list(LANGUAGE_ROOTS.values()), ids=list(LANGUAGE_ROOTS))
def test_every_bot_link_target_exists_in_the_browser(browser, site_url, root) -> None:
    """The bot links each member to their language's guide: every target, every language."""
    context, page, watcher = _open(browser, site_url)
    try:
        missing = []
        for target in sorted(all_targets()):
            path, _, anchor = target.partition("#")
            path = root + path
            url = site_url + (path + "index.html" if path.endswith("/") or not path else path)
            page.goto(url + (f"#{anchor}" if anchor else ""))
            if anchor and page.locator(f"[id='{anchor}']").count() != 1:
                missing.append(target)
        assert missing == []
        assert watcher.errors == []
    finally:
        context.close()


def test_internal_links_resolve_when_clicked_through(browser, site_url) -> None:
    """Every same-site link of every page, in every language, answers 200 and its anchor
    exists (each target is loaded once and all its anchors looked up there)."""
    context, page, watcher = _open(browser, site_url)
    try:
        links: set[str] = set()
        for path in ALL_PAGES:
            page.goto(site_url + path)
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            links |= {h for h in hrefs if h.startswith(site_url)}
        anchors: dict[str, set[str]] = {}
        for link in links:
            url, _, anchor = link.partition("#")
            anchors.setdefault(url, set()).update({anchor} if anchor else set())
        broken = []
        for url, wanted in sorted(anchors.items()):
            response = page.goto(url)
            if response is None or response.status != 200:
                broken.append(f"{url}: {response.status if response else 'no response'}")
            elif wanted and ".html" in url:
                ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
                broken += [f"{url}#{anchor}: missing" for anchor in sorted(wanted - ids)]
        assert broken == []
        assert watcher.foreign == []
    finally:
        context.close()


def _search(page: object, text: str) -> int:
    opener = page.locator("label.md-header__button[for='__search']").first
    if opener.is_visible():  # phone: the search field hides behind a button
        opener.click()
    box = page.locator("input.md-search__input")
    box.click()
    box.type(text, delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.locator(".md-search-result__item").count()


def test_search_finds_pages(browser, site_url) -> None:
    context, page, watcher = _open(browser, site_url)
    try:
        page.goto(site_url + "index.html", wait_until="networkidle")
        assert _search(page, "alias") > 0
        assert "alias" in page.locator(".md-search-result").inner_text().lower()
        assert watcher.errors == []
        assert watcher.foreign == []
    finally:
        context.close()


def test_search_works_from_disk(browser, site) -> None:
    """The offline plugin: the folder opened from disk still searches, with no network."""
    base = site.resolve().as_uri() + "/"
    context, page, watcher = _open(browser, base)
    try:
        page.goto(base + "index.html", wait_until="load")
        assert _search(page, "cooldown") > 0
        page.goto(base + "move/index.html", wait_until="load")
        assert watcher.errors == []
        assert watcher.foreign == []
    finally:
        context.close()


@pytest.mark.parametrize(
    ("language", "word"), [("de", "Stichtag"), ("fr", "déménagement")], ids=["de", "fr"]
)
def test_search_from_disk_finds_pages_of_the_language(browser, site, language, word) -> None:
    """Opened from disk, a German word typed on a German page finds German pages."""
    base = site.resolve().as_uri() + "/"
    context, page, watcher = _open(browser, base)
    try:
        page.goto(base + f"{language}/index.html", wait_until="load")
        assert _search(page, word) > 0
        hrefs = page.eval_on_selector_all(
            ".md-search-result__item a", "els => els.map(e => e.href)"
        )
        assert hrefs
        assert all(f"/{language}/" in href for href in hrefs), hrefs
        assert watcher.foreign == []
    finally:
        context.close()


def test_language_switcher_goes_to_the_same_page_from_disk(browser, site) -> None:
    """German "Move step by step" -> Français lands on the French "Move step by step"."""
    base = site.resolve().as_uri() + "/"
    context, page, watcher = _open(browser, base)
    try:
        page.goto(base + "de/move/index.html", wait_until="load")
        page.locator(".md-select button.md-header__button").first.hover()
        page.locator(".md-select__link[hreflang='fr']").click()
        page.wait_for_url("**/fr/move/index.html")
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.locator(".md-select button.md-header__button").first.hover()
        page.locator(".md-select__link[hreflang='en']").click()
        page.wait_for_url(base + "move/index.html")
        assert watcher.foreign == []
    finally:
        context.close()


def test_palette_toggle_switches_light_and_dark(browser, site_url) -> None:
    context, page, _ = _open(browser, site_url)
    try:
        page.goto(site_url + "index.html", wait_until="networkidle")
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        assert page.evaluate(scheme) == "default"
        page.locator("label[for='__palette_1']").click()
        assert page.evaluate(scheme) == "slate"
        page.locator("label[for='__palette_0']").click()
        assert page.evaluate(scheme) == "default"
    finally:
        context.close()


def test_figures_enlarge_on_click(browser, site_url, screenshots_dir) -> None:
    """The lightbox loads on the first tap on a figure, not with the page."""
    context, page, watcher = _open(browser, site_url, width="phone")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(site_url + "move/index.html", wait_until="networkidle")
        assert not [url for url in requested if "glightbox" in url]
        link = page.locator("a.glightbox").first
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_selector(".glightbox-container .gslide-image img", state="visible")
        page.wait_for_timeout(600)
        page.screenshot(path=str(screenshots_dir / "lightbox-phone.png"))
        width = page.evaluate(
            "document.querySelector('.glightbox-container .gslide-image img')"
            ".getBoundingClientRect().width"
        )
        assert width > 300
        assert [url for url in requested if "glightbox.min" in url]
        page.keyboard.press("Escape")
        page.wait_for_selector(".glightbox-container", state="detached")
        page.locator("a.glightbox").nth(1).click()  # now GLightbox's own handler
        page.wait_for_selector(".glightbox-container .gslide-image img", state="visible")
        assert watcher.errors == []
    finally:
        context.close()


def test_content_tabs_are_linked_across_pages(browser, site_url) -> None:
    """Choosing "In an app" once switches every website/app tab set."""
    context, page, _ = _open(browser, site_url)
    try:
        page.goto(site_url + "move/index.html", wait_until="networkidle")
        page.locator(".tabbed-labels label", has_text="In an app").first.click()
        checked = page.eval_on_selector_all(
            ".tabbed-set",
            "sets => sets.map(s => s.querySelector('input:checked + * , input:checked')"
            " && [...s.querySelectorAll('.tabbed-labels label')]"
            ".find(l => document.getElementById(l.htmlFor).checked).innerText)",
        )
        assert checked
        assert all(text == "In an app" for text in checked)
        page.goto(site_url + "before/index.html", wait_until="networkidle")
        label = page.evaluate(
            "[...document.querySelectorAll('.tabbed-labels label')]"
            ".find(l => document.getElementById(l.htmlFor).checked).innerText"
        )
        assert label == "In an app"
    finally:
        context.close()


def test_no_page_loads_a_script_larger_than_materials_bundle(browser, site_url, site) -> None:
    """Every script a page loads, the search index and the lightbox included, weighs no
    more than Material's own bundle (about 115 KB): no diagram library or the like."""
    (bundle,) = (site / "assets" / "javascripts").glob("bundle.*.min.js")
    limit = bundle.stat().st_size
    context, page, watcher = _open(browser, site_url, width="phone")
    sizes: dict[str, int] = {}

    def record(response: object) -> None:
        if response.request.resource_type == "script" or response.url.endswith(".js"):
            sizes[response.url] = len(response.body())

    page.on("response", record)
    try:
        for path in PAGES:
            page.goto(site_url + path, wait_until="networkidle")
        page.goto(site_url + "move/index.html", wait_until="networkidle")
        page.locator("a.glightbox").first.click()  # loads the lightbox's script
        page.wait_for_selector(".glightbox-container .gslide-image img", state="visible")
        page.keyboard.press("Escape")
        page.wait_for_selector(".glightbox-container", state="detached")
        assert _search(page, "alias") > 0  # loads the search worker and its index
        assert any(url.endswith(bundle.name) for url in sizes)
        assert any("glightbox.min.js" in url for url in sizes)
        too_big = {url: size for url, size in sizes.items() if size > limit}
        assert too_big == {}
        assert watcher.foreign == []
    finally:
        context.close()


def test_search_downloads_nothing_until_it_is_opened(browser, site_url) -> None:
    context, page, watcher = _open(browser, site_url, width="phone")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(site_url + "before/index.html", wait_until="networkidle")
        page.wait_for_timeout(500)
        assert not [url for url in requested if "search_index" in url or "/workers/" in url]
        assert _search(page, "alias") > 0
        assert [url for url in requested if "search_index" in url]
        assert [url for url in requested if "/workers/search." in url]
        assert watcher.errors == []
    finally:
        context.close()


def test_home_page_first_screen_shows_start_here_on_a_small_phone(browser, site_url) -> None:
    """375 x 667 (an iPhone SE), with the example-values notice on the page."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(site_url + "index.html", wait_until="networkidle")
        assert page.locator(".admonition.warning, details.warning").count() == 1
        button = page.locator("a.md-button", has_text="Start here").bounding_box()
        assert button is not None
        assert button["y"] + button["height"] <= 667
    finally:
        context.close()


def _smallest_text_px(page: object) -> list[dict[str, object]]:
    """For each drawing on the page: its smallest font size as shown on screen, in px."""
    return page.evaluate(
        """async () => {
            const found = [];
            const smallest = (svg) => Math.min(...[...svg.querySelectorAll('[font-size]')]
                .map(el => parseFloat(el.getAttribute('font-size'))));
            for (const svg of document.querySelectorAll('figure.flow svg')) {
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                found.push({name: svg.getAttribute('aria-label'), px: smallest(svg) * scale});
            }
            for (const img of document.querySelectorAll('figure img[src$=".svg"]')) {
                img.scrollIntoView();
                const text = await (await fetch(img.src)).text();
                const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
                const scale = img.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                found.push({name: img.getAttribute('src'), px: smallest(svg) * scale});
            }
            return found;
        }"""
    )


@pytest.mark.parametrize("path", PAGES + TRANSLATED_SAMPLE)
def test_drawing_text_is_at_least_12_px_on_a_phone(browser, site_url, path) -> None:
    context, page, _ = _open(browser, site_url, width="phone")
    try:
        page.goto(site_url + path, wait_until="networkidle")
        small = [(d["name"], round(d["px"], 1)) for d in _smallest_text_px(page) if d["px"] < 12]
        assert small == []
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_hidden_permalinks_add_no_line_under_headings(browser, site_url, path) -> None:
    """At 375 px a heading is as tall with its hidden ¶ link as without it."""
    context, page, _ = _open(browser, site_url, width="phone")
    try:
        page.goto(site_url + path, wait_until="networkidle")
        taller = page.evaluate(
            """() => [...document.querySelectorAll('.md-typeset :is(h1,h2,h3) .headerlink')]
                .map(link => {
                    const heading = link.parentElement;
                    const withLink = heading.getBoundingClientRect().height;
                    link.style.display = 'none';
                    const without = heading.getBoundingClientRect().height;
                    link.style.display = '';
                    return [heading.id, withLink - without];
                }).filter(([, extra]) => extra > 0.5)"""
        )
        assert taller == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ALL_PAGES)
def test_nothing_moves_while_the_page_loads(browser, site_url, path) -> None:
    """Cumulative layout shift 0 on a phone, lazy figures scrolled into view included."""
    context, page, _ = _open(browser, site_url, width="phone")
    try:
        page.add_init_script(
            """window.__shift = 0;
            new PerformanceObserver(list => list.getEntries().forEach(e => {
                if (!e.hadRecentInput) window.__shift += e.value;
            })).observe({type: 'layout-shift', buffered: true});"""
        )
        page.goto(site_url + path, wait_until="networkidle")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
        _load_all_images(page)
        assert page.evaluate("window.__shift") == 0
    finally:
        context.close()
