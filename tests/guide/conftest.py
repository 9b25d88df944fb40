"""Fixtures for the member guide: one strict build per session, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.paths import REPO


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any COMPANION_ setting, so example values are used."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(extra)
    return env


@dataclass(frozen=True)
class BuildResult:
    """A finished ``mkdocs build``: where it went and what it printed."""

    site: Path
    returncode: int
    output: str


def run_build(site_dir: Path, cwd: Path = REPO, **env: str) -> BuildResult:
    """Run ``mkdocs build --strict`` exactly as ``make guide-build`` does."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(site_dir),
            "--config-file",
            str(REPO / "mkdocs.yml"),
        ],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return BuildResult(site_dir, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The guide built once per session with example values (no campaign configured)."""
    empty = tmp_path_factory.mktemp("no-settings")  # no companion.toml or .env here
    result = run_build(tmp_path_factory.mktemp("guide") / "site", cwd=empty)
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def site(build: BuildResult) -> Path:
    """The built site's folder."""
    return build.site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class PageParser(HTMLParser):
    """Collects ids, links, images and scripts of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if data.get("id"):
            self.ids.add(str(data["id"]))
        if data.get("name") and tag == "a":
            self.ids.add(str(data["name"]))
        if tag == "a" and data.get("href"):
            self.links.append(str(data["href"]))
        if tag == "img":
            self.images.append(data)
        for attr in ("src", "href"):
            if tag in {"script", "img", "link", "iframe", "source", "video", "audio"} and data.get(
                attr
            ):
                self.sources.append(str(data[attr]))


def parse_page(path: Path) -> PageParser:
    """Parse one built page."""
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_files(site: Path) -> list[Path]:
    """Every HTML page of the built site except the 404 page."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


@pytest.fixture(scope="session")
def guide() -> types.SimpleNamespace:
    """The helpers above, for test modules (conftest is not importable by name)."""
    return types.SimpleNamespace(
        root=REPO,
        run_build=run_build,
        parse_page=parse_page,
        page_files=page_files,
        clean_env=clean_env,
    )
