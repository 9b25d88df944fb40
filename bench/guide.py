"""The member guide on a phone: Lighthouse mobile scores, layout shift, weight and requests.

Builds the guide (example values, as the tests do), serves it on 127.0.0.1 and runs
Lighthouse (bench/node_modules, installed from bench/package-lock.json with ``npm ci``) in
mobile mode with simulated throttling, in the same Chromium the browser tests use. Prints,
per page, the median of ``--runs`` runs against the targets; asserts nothing.

Every page in every language (English at the root, then de/ and fr/) unless ``--page`` names some.

Run: ``python bench/guide.py [--runs 3] [--page de/move/index.html ...]``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.guide.site_pages import ALL_PAGES  # noqa: E402  (the one list of the guide's pages)

BENCH = REPO / "bench"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("GUIDE_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
MAX_BYTES = 350 * 1024
MAX_CLS = 0.0
COMPRESSED = {".html", ".css", ".js", ".json", ".svg"}
TIMINGS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")
MKDOCS_BUILD = (sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet")


@dataclass
class Run:
    """What one Lighthouse run measured on one page."""

    scores: dict[str, int]
    cls: float
    bytes: int  # uncompressed: what the phone holds once loaded (the target)
    transferred: int  # over the wire (compressed when served with --gzip)
    requests: int
    foreign: list[str]
    largest_script: int
    timings: dict[str, float]  # first and largest contentful paint, blocking time (ms)


def build_site(site: Path) -> None:
    """Build the guide exactly as ``make guide-build`` does, with example values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    with tempfile.TemporaryDirectory() as empty:  # no companion.toml or .env here
        subprocess.run(
            [*MKDOCS_BUILD, "--site-dir", str(site), "--config-file", str(REPO / "mkdocs.yml")],
            cwd=empty,
            env=env,
            check=True,
            timeout=300,
        )


def ensure_lighthouse() -> None:
    """Install Lighthouse into bench/node_modules from the lock file when it is missing."""
    if not LIGHTHOUSE.exists():
        print("Installing Lighthouse into bench/node_modules (npm ci) ...", flush=True)
        subprocess.run(["npm", "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"], check=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """Serves text files gzip-compressed when asked, as static hosts (GitHub Pages) do."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or path.suffix not in COMPRESSED or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def lighthouse(url: str, base: str) -> Run:
    """One Lighthouse run (mobile, simulated throttling) of one page."""
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    proc = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--form-factor=mobile",
            "--throttling-method=simulate",
            "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(proc.stdout)
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    scripts = [r.get("resourceSize", 0) for r in requests if r.get("resourceType") == "Script"]
    return Run(
        scores={c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        cls=audits["cumulative-layout-shift"]["numericValue"],
        bytes=sum(int(r.get("resourceSize", 0)) for r in requests if r["url"].startswith(base)),
        transferred=int(audits["total-byte-weight"]["numericValue"]),
        requests=len(requests),
        foreign=[r["url"] for r in requests if not r["url"].startswith((base, "data:"))],
        largest_script=max(scripts, default=0),
        timings={t: audits[t]["numericValue"] for t in TIMINGS},
    )


def summarise(page: str, runs: list[Run]) -> bool:
    """Print one page's medians against the targets; True when every target is met."""
    scores = {c: int(statistics.median(r.scores[c] for r in runs)) for c in CATEGORIES}
    cls = max(r.cls for r in runs)
    weight = int(statistics.median(r.bytes for r in runs))
    wire = int(statistics.median(r.transferred for r in runs))
    requests = int(statistics.median(r.requests for r in runs))
    foreign = sorted({u for r in runs for u in r.foreign})
    fcp, lcp, tbt = (statistics.median(r.timings[t] for r in runs) for t in TIMINGS)
    met = (
        all(scores[c] >= TARGETS[c] for c in CATEGORIES)
        and cls <= MAX_CLS
        and weight < MAX_BYTES
        and not foreign
    )
    print(
        f"{page:<32} "
        + " ".join(f"{scores[c]:>4}" for c in CATEGORIES)
        + f" {cls:>6.3f} {weight / 1024:>7.1f} {wire / 1024:>7.1f} {requests:>5} "
        + f"{max(r.largest_script for r in runs) / 1024:>7.1f} "
        + f"{fcp / 1000:>5.1f} {lcp / 1000:>5.1f} {tbt:>5.0f}  {'PASS' if met else 'MISS'}"
    )
    for url in foreign:
        print(f"    external request: {url}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--page", action="append", help="only this page (repeatable)")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="serve files uncompressed (default: gzip, as static hosts serve them)",
    )
    args = parser.parse_args()
    pages = args.page or ALL_PAGES
    ensure_lighthouse()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_site(site)
        handler_class = _QuietHandler if args.plain else _GzipHandler
        handler = functools.partial(handler_class, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            served = "uncompressed" if args.plain else "gzip-compressed, as static hosts do"
            print(f"Site served on 127.0.0.1, {served}. KB: uncompressed total (the target).")
            print(
                f"Lighthouse mobile, simulated throttling, median of {args.runs} "
                f"(targets: performance >= {TARGETS['performance']}, others 100, CLS 0, "
                f"< {MAX_BYTES // 1024} KB)"
            )
            print(
                f"{'page':<32} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'CLS':>6} "
                f"{'KB':>7} {'wire KB':>7} {'reqs':>5} {'big JS':>7} "
                f"{'FCP s':>5} {'LCP s':>5} {'TBT':>5}"
            )
            results = [
                summarise(page, [lighthouse(base + page, base) for _ in range(args.runs)])
                for page in pages
            ]
        finally:
            server.shutdown()
            server.server_close()
    print(f"{sum(results)} of {len(results)} pages meet every target.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
