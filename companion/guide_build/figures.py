"""Schematic SVG drawings of Mastodon's settings pages for the member guide.

Drawn for the guide (flat shapes on a card, clearly not screenshots), with the exact labels
of ../shared/reference/mastodon-ui.md and numbered callouts matching the guide's step
numbers. Each drawing carries its own light card background so it reads the same in the
guide's light and dark palettes; the width suits a phone and a click enlarges it.

Run ``python -m companion.guide_build.figures`` to rewrite guide/assets/figures/; a test
checks that the committed files match this code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

WIDTH = 400
PAD = 40  # left edge of the page content; callout badges sit in the gutter before it
RIGHT = WIDTH - 18
FONT = "Arial, Helvetica, 'Liberation Sans', Roboto, sans-serif"
CHAR = 0.5  # average glyph width in em, for wrapping (Arial-like fonts)
# The smallest text: a 375 px phone shows a figure about 343 px wide (0.86 of WIDTH), and
# 14 x 0.86 = 12 px there. Nothing in a drawing is smaller.
MIN_FONT = 14

INK = "#1f2328"
GREY = "#57606a"
LINE = "#c9ced6"
ACCENT = "#563acc"  # Mastodon's brand purple, darkened for contrast on white
GREEN = "#1a7f37"
AMBER = "#9a5b00"
RED = "#c62828"
CALLOUT = "#d9480f"
PAPER = "#ffffff"
CHROME = "#eef0f4"
SIDEBAR = "#f4f3fb"

FIGURES_DIR = Path(__file__).resolve().parents[2] / "guide" / "assets" / "figures"

Segment = tuple[str, str]  # (text, style): style is "", "b", "link", "grey", "green", ...


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def wrap(text: str, size: float, width: float) -> list[str]:
    """Split text into lines that fit ``width`` at font ``size`` (estimated)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and _width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def wrap_segments(segments: Sequence[Segment], size: float, width: float) -> list[list[Segment]]:
    """Wrap styled segments at spaces only, keeping each piece's style.

    A word may span segments ("alice@new.example" then "."): it stays on one line, so
    punctuation never wraps onto a line of its own.
    """
    words: list[list[Segment]] = [[]]  # each word: its styled pieces; [] marks a space
    for text, style in segments:
        parts = text.split(" ")
        for i, part in enumerate(parts):
            if i:
                words.append([])
            if part:
                words[-1].append((part, style))
    lines: list[list[Segment]] = [[]]
    used = 0.0
    for word in (w for w in words if w):
        w = sum(_width(text, size) for text, _ in word)
        gap = _width(" ", size) if lines[-1] else 0.0
        if lines[-1] and used + gap + w > width:
            lines.append([])
            used, gap = 0.0, 0.0
        if gap:
            lines[-1].append((" ", lines[-1][-1][1]))
        lines[-1].extend(word)
        used += gap + w
    return [line for line in lines if line]


_STYLE = {
    "": f'fill="{INK}"',
    "b": f'fill="{INK}" font-weight="700"',
    "grey": f'fill="{GREY}"',
    "green": f'fill="{GREEN}"',
    "amber": f'fill="{AMBER}"',
    "red": f'fill="{RED}"',
    "link": f'fill="{ACCENT}" text-decoration="underline"',
    "blink": f'fill="{ACCENT}" font-weight="700"',
    "white": 'fill="#ffffff" font-weight="700"',
}


def _tspans(line: Sequence[Segment]) -> str:
    out, current, buffer = [], None, ""
    for text, style in [*line, ("", "__end__")]:
        if style != current and buffer:
            out.append(f"<tspan {_STYLE[current or '']}>{escape(buffer)}</tspan>")
            buffer = ""
        current = style
        buffer += text
    return "".join(out)


@dataclass
class Box:
    """A rectangle on the drawing, for callouts."""

    x: float
    y: float
    w: float
    h: float


@dataclass
class Drawing:
    """A page drawing built top to bottom; ``y`` is the cursor."""

    title: str
    desc: str
    url: str | None = None
    badge: str | None = None  # "OLD account" / "NEW account"
    y: float = 0.0
    parts: list[str] = field(default_factory=list)
    overlays: list[str] = field(default_factory=list)
    left: float = PAD
    right: float = RIGHT

    def __post_init__(self) -> None:
        """Start the page: a browser bar when the figure shows a web address, else a margin."""
        if self.url is not None:
            self._browser_bar()
        else:
            self.y = 24

    # -- primitives ---------------------------------------------------------------
    def _browser_bar(self) -> None:
        self.parts.append(
            f'<rect x="1" y="1" width="{WIDTH - 2}" height="40" rx="12" fill="{CHROME}"/>'
        )
        self.parts.append(f'<rect x="1" y="28" width="{WIDTH - 2}" height="13" fill="{CHROME}"/>')
        self.parts.append(
            f'<rect x="14" y="9" width="{WIDTH - 28}" height="24" rx="12" fill="{PAPER}" '
            f'stroke="{LINE}"/>'
        )
        self.parts.append(
            f'<text x="28" y="26" font-size="{MIN_FONT}" fill="{GREY}">'
            f'<tspan fill="{INK}">{escape(self.url or "")}</tspan></text>'
        )
        if self.badge:
            colour = AMBER if self.badge.startswith("OLD") else GREEN
            w = _width(self.badge, MIN_FONT) + 18
            x = WIDTH - 20 - w
            self.parts.append(
                f'<rect x="{x:.0f}" y="10" width="{w:.0f}" height="22" rx="11" fill="{colour}"/>'
                f'<text x="{x + w / 2:.0f}" y="26" font-size="{MIN_FONT}" font-weight="700" '
                f'fill="#ffffff" text-anchor="middle">{escape(self.badge)}</text>'
            )
        self.y = 66

    def text(
        self,
        segments: Sequence[Segment] | str,
        size: float = 15,
        gap: float = 8,
        style: str = "",
        indent: float = 0,
        leading: float = 1.35,
    ) -> Box:
        """A wrapped paragraph; returns its box."""
        if isinstance(segments, str):
            segments = [(segments, style)]
        x = self.left + indent
        lines = wrap_segments(segments, size, self.right - x)
        top = self.y
        for line in lines:
            self.y += size * leading
            self.parts.append(
                f'<text x="{x:.0f}" y="{self.y - size * 0.3:.1f}" font-size="{size}">'
                f"{_tspans(line)}</text>"
            )
        self.y += gap
        return Box(x - 4, top, self.right - x + 8, self.y - top - gap + 2)

    def h1(self, text: str) -> Box:
        """A page heading."""
        return self.text([(text, "b")], size=22, gap=12)

    def h2(self, text: str) -> Box:
        """A section heading."""
        return self.text([(text, "b")], size=16.5, gap=4)

    def space(self, amount: float) -> None:
        """Leave ``amount`` pixels of empty space."""
        self.y += amount

    def rule(self) -> None:
        """A thin horizontal line across the page."""
        self.parts.append(
            f'<line x1="{self.left}" y1="{self.y:.0f}" x2="{self.right}" y2="{self.y:.0f}" '
            f'stroke="{LINE}"/>'
        )
        self.y += 12

    def elision(self, label: str) -> Box:
        """A torn-paper break standing for parts of the page left out of the drawing."""
        y = self.y + 10
        points = " ".join(
            f"{x},{y + (4 if i % 2 else -4)}"
            for i, x in enumerate(range(int(self.left), int(self.right) + 1, 12))
        )
        self.parts.append(
            f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.5"/>'
        )
        label_width = _width(label, MIN_FONT)
        self.parts.append(
            f'<rect x="{(self.left + self.right) / 2 - label_width / 2 - 8:.0f}" y="{y - 10}" '
            f'width="{label_width + 16:.0f}" height="20" fill="{PAPER}"/>'
            f'<text x="{(self.left + self.right) / 2:.0f}" y="{y + 4}" font-size="{MIN_FONT}" '
            f'fill="{GREY}" text-anchor="middle" font-style="italic">{escape(label)}</text>'
        )
        top = self.y
        self.y += 28
        return Box(self.left, top, self.right - self.left, 20)

    def field(
        self,
        label: str,
        hint: str | None = None,
        value: str = "",
        required: bool = True,
        width: float | None = None,
        disabled: bool = False,
        error: str | None = None,
        hint_below: bool = False,
        masked: bool = False,
    ) -> Box:
        """A labelled one-line input; Mastodon's block wrapper puts the hint above the box."""
        top = self.y
        segs: list[Segment] = [(label, "b")]
        if required:
            segs.append((" *", "red"))
        self.text(segs, size=14, gap=2)
        if hint and not hint_below:
            self.text(hint, size=MIN_FONT, style="grey", gap=4)
        w = width or (self.right - self.left)
        fill = "#f2f3f5" if disabled else PAPER
        border = RED if error else "#8c959f"
        self.parts.append(
            f'<rect x="{self.left}" y="{self.y:.0f}" width="{w:.0f}" height="32" rx="5" '
            f'fill="{fill}" stroke="{border}" stroke-width="1.2"/>'
        )
        if value:
            shown = "••••••••••" if masked else value
            self.parts.append(
                f'<text x="{self.left + 10}" y="{self.y + 21:.0f}" font-size="14" '
                f'fill="{GREY if disabled else INK}">{escape(shown)}</text>'
            )
        self.y += 38
        if hint and hint_below:
            self.text(hint, size=MIN_FONT, style="grey", gap=4)
        if error:
            self.text(error, size=MIN_FONT, style="red", gap=4)
        self.y += 6
        return Box(self.left - 6, top - 2, w + 12, self.y - top - 2)

    def button(
        self,
        label: str,
        kind: str = "primary",
        x: float | None = None,
        advance: bool = True,
        disabled: bool = False,
    ) -> Box:
        """A button: primary (purple), danger (red) or secondary (outlined)."""
        w = _width(label, 14) + 34
        x = self.left if x is None else x
        fills = {"primary": ACCENT, "danger": RED, "secondary": PAPER}
        fill = fills[kind]
        stroke = ACCENT if kind == "secondary" else fill
        colour = ACCENT if kind == "secondary" else "#ffffff"
        opacity = ' opacity="0.45"' if disabled else ""
        self.parts.append(
            f'<g{opacity}><rect x="{x:.0f}" y="{self.y:.0f}" width="{w:.0f}" height="34" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            f'<text x="{x + w / 2:.0f}" y="{self.y + 22:.0f}" font-size="14" font-weight="700" '
            f'fill="{colour}" text-anchor="middle">{escape(label)}</text></g>'
        )
        box = Box(x - 5, self.y - 5, w + 10, 44)
        if advance:
            self.y += 46
        return box

    def bar(self, text: str, kind: str = "green") -> Box:
        """A coloured flash / status bar across the content column."""
        colours = {
            "green": ("#dafbe1", GREEN),
            "amber": ("#fff1c2", AMBER),
            "red": ("#ffe0e0", RED),
        }
        back, ink = colours[kind]
        lines = wrap(text, 13.5, self.right - self.left - 24)
        h = 14 + 18.5 * len(lines)
        top = self.y
        self.parts.append(
            f'<rect x="{self.left}" y="{top:.0f}" width="{self.right - self.left}" '
            f'height="{h:.0f}" rx="6" fill="{back}" stroke="{ink}" stroke-opacity="0.35"/>'
        )
        for i, line in enumerate(lines):
            self.parts.append(
                f'<text x="{self.left + 12}" y="{top + 24 + 18.5 * i:.1f}" font-size="{MIN_FONT}" '
                f'font-weight="700" fill="{ink}">{escape(line)}</text>'
            )
        self.y += h + 12
        return Box(self.left - 4, top - 4, self.right - self.left + 8, h + 8)

    def bullets(self, items: Sequence[str], style: str = "amber", size: float = MIN_FONT) -> Box:
        """A bulleted list; each item may wrap over several lines."""
        top = self.y
        for item in items:
            before = self.y
            self.text(item, size=size, style=style, indent=16, gap=3)
            self.parts.append(
                f'<circle cx="{self.left + 6}" cy="{before + size * 0.95:.1f}" r="2.6" '
                f'fill="{AMBER if style == "amber" else INK}"/>'
            )
        self.y += 6
        return Box(self.left - 4, top, self.right - self.left + 8, self.y - top)

    def table(
        self,
        rows: Sequence[Sequence[Segment | str]],
        columns: Sequence[float],
        header: bool = False,
        size: float = MIN_FONT,
        row_height: float = 30,
    ) -> list[Box]:
        """Rows of cells at the given x offsets (relative to the left edge)."""
        boxes = []
        for index, row in enumerate(rows):
            top = self.y
            if index or not header:
                self.parts.append(
                    f'<line x1="{self.left}" y1="{top:.0f}" x2="{self.right}" y2="{top:.0f}" '
                    f'stroke="{LINE}"/>'
                )
            for cell, offset in zip(row, columns, strict=False):
                text, style = (cell, "") if isinstance(cell, str) else cell
                if header and index == 0:
                    style = "b"
                self.parts.append(
                    f'<text x="{self.left + offset:.0f}" y="{top + row_height * 0.66:.0f}" '
                    f'font-size="{size}">{_tspans([(text, style)])}</text>'
                )
            self.y += row_height
            boxes.append(Box(self.left - 4, top, self.right - self.left + 8, row_height))
        self.parts.append(
            f'<line x1="{self.left}" y1="{self.y:.0f}" x2="{self.right}" y2="{self.y:.0f}" '
            f'stroke="{LINE}"/>'
        )
        self.y += 12
        return boxes

    def radio(self, label: str, hint: str, selected: bool) -> Box:
        """A radio button (filled when ``selected``) with its label and a grey hint."""
        top = self.y
        cx, cy = self.left + 9, self.y + 12
        self.parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="8" fill="{PAPER}" '
            f'stroke="{ACCENT if selected else "#8c959f"}" '
            f'stroke-width="2"/>'
        )
        if selected:
            self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="4.2" fill="{ACCENT}"/>')
        self.text([(label, "b"), (" " + hint, "grey")], size=14, indent=26, gap=6)
        return Box(self.left - 5, top - 2, self.right - self.left + 10, self.y - top - 2)

    def avatar(
        self, x: float, y: float, r: float, initial: str, colour: str, grey: bool = False
    ) -> None:
        """A round avatar with an initial, in ``colour`` or greyed out."""
        fill = "#9aa0a6" if grey else colour
        self.parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}"/>')
        if r >= MIN_FONT:  # a small overlay avatar is a plain disc: no letter under 14 px
            self.parts.append(
                f'<text x="{x}" y="{y + r * 0.38:.1f}" font-size="{r:.0f}" font-weight="700" '
                f'fill="#ffffff" text-anchor="middle">{escape(initial)}</text>'
            )

    # -- callouts -----------------------------------------------------------------
    def callout(self, number: int, box: Box) -> None:
        """Highlight ``box`` and put a numbered badge in the left gutter beside it."""
        self.overlays.append(
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" height="{box.h:.0f}" '
            f'rx="7" fill="none" stroke="{CALLOUT}" stroke-width="2.5" stroke-dasharray="7 4"/>'
        )
        cx = max(14.0, min(box.x, PAD) - 16)
        cy = box.y + min(box.h / 2, 22)
        self.overlays.append(
            f'<g><circle cx="{cx:.0f}" cy="{cy:.0f}" r="13" fill="{CALLOUT}" stroke="#ffffff" '
            f'stroke-width="2"/><text x="{cx:.0f}" y="{cy + 5.5:.0f}" font-size="15" '
            f'font-weight="700" fill="#ffffff" text-anchor="middle">{number}</text></g>'
        )

    # -- output -------------------------------------------------------------------
    def svg(self) -> str:
        """The finished figure as SVG text, as tall as what was drawn."""
        height = int(self.y + 26)
        body = "\n  ".join(self.parts + self.overlays)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="t d" '
            f'font-family="{FONT}">\n'
            f'  <title id="t">{escape(self.title)}</title>\n'
            f'  <desc id="d">{escape(self.desc)}</desc>\n'
            f'  <rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="12" '
            f'fill="{PAPER}" stroke="{LINE}" stroke-width="1.5"/>\n'
            f"  {body}\n"
            f'  <text x="{WIDTH - 14}" y="{height - 8}" font-size="{MIN_FONT}" fill="{GREY}" '
            f'text-anchor="end" font-style="italic">drawing, not a screenshot</text>\n'
            f"</svg>\n"
        )


# --------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------

OLD = "old.example"
NEW = "new.example"


def web_app_menu() -> Drawing:
    """The web app's left column with Preferences and the More menu (4.4+)."""
    d = Drawing(
        "Mastodon's web app: the way into the settings",
        "The left column of the Mastodon website with Preferences and the More menu opened, "
        "showing Password and security and Import and export.",
        url=f"{OLD}/home",
    )
    for item in ("Home", "Trending", "Notifications"):
        d.text(item, size=15, gap=4)
    d.elision("more of the menu")
    pref = d.text([("⚙  Preferences", "b")], size=15, gap=6)
    more = d.text([("⋯  More  ▾", "b")], size=15, gap=8)
    menu_top = d.y
    d.left += 18
    slot = len(d.parts)
    for item in ("Muted words", "Muted users", "Blocked users", "Blocked domains"):
        d.text(item, size=14, gap=2, style="grey")
    d.rule()
    d.text("Privacy and reach", size=14, gap=2, style="grey")
    d.text("Automated post deletion", size=14, gap=2, style="grey")
    pw = d.text([("Password and security", "b")], size=14.5, gap=6)
    ie = d.text([("Import and export", "b")], size=14.5, gap=6)
    d.parts.insert(
        slot,
        f'<rect x="{d.left - 10}" y="{menu_top - 6}" width="{RIGHT - d.left + 10}" '
        f'height="{d.y - menu_top + 8:.0f}" rx="8" fill="{PAPER}" stroke="{LINE}" '
        f'stroke-width="1.5"/>',
    )
    d.left -= 18
    d.y += 14
    d.text("About", size=MIN_FONT, style="grey")
    d.callout(1, Box(pref.x, pref.y, pref.w, pref.h))
    d.callout(2, Box(more.x, more.y, 120, more.h))
    d.callout(3, pw)
    d.callout(4, ie)
    return d


def sidebar(
    active: str, sub_active: str | None, callouts: dict[int, str], url: str, badge: str
) -> Drawing:
    """The settings sidebar; ``active`` is the open top-level item."""
    name = "Account" if active == "Account" else "Import and export"
    d = Drawing(
        f"The settings menu with {name} open",
        f"Mastodon's settings menu (the sidebar of the settings pages). {name} is open and "
        f"shows its sub-items: "
        + (
            "Account settings, Two-factor Auth and Authorized apps."
            if active == "Account"
            else "Import and Export."
        )
        + " On a phone this menu is behind the menu button at the top of the page.",
        url=url,
        badge=badge,
    )
    d.text([("☰  On a phone, tap the menu button to see this list", "grey")], gap=10)
    top_items = [
        "‹  Back to Mastodon",
        "Public profile",
        "Privacy and reach",
        "Preferences",
        "Follows and followers",
        "Filters",
        "Automated post deletion",
        "Account",
        "Import and export",
        "Invite people",
        "Development",
        "Logout",
    ]
    subs = {
        "Account": ["Account settings", "Two-factor Auth", "Authorized apps"],
        "Import and export": ["Import", "Export"],
    }
    boxes: dict[str, Box] = {}
    for item in top_items:
        style = "b" if item == active else ""
        boxes[item] = d.text([(item, style)], size=14.5, gap=3)
        if item == active:
            for sub in subs[item]:
                st = "blink" if sub == sub_active else ""
                boxes[sub] = d.text([(sub, st)], size=14, indent=22, gap=3)
    for number, label in callouts.items():
        b = boxes[label]
        d.callout(number, Box(b.x, b.y, _width(label, 15) + 34 + (b.x - PAD), b.h))
    return d


def export_page(callouts: dict[int, str]) -> Drawing:
    """Export page (/settings/export) on the old account."""
    d = Drawing(
        "The Export page on your old account",
        "Mastodon's Export page: a table of Media storage, Posts, Follows, Lists, Followers, "
        "You mute, You block, Domain blocks, Bookmarks and Filters, with a CSV download link "
        "on the rows you can export (JSON for Filters, on Mastodon 4.6 and later), then the "
        "note about archives and the Request your archive button, and a row with the Download "
        "your archive link.",
        url=f"{OLD}/settings/export",
        badge="OLD account",
    )
    d.h1("Export")
    rows = [
        ("Media storage", "12.3 MB", ""),
        ("Posts", "1,234", ""),
        ("Follows", "321", "CSV"),
        ("Lists", "3", "CSV"),
        ("Followers", "456", ""),
        ("You mute", "7", "CSV"),
        ("You block", "2", "CSV"),
        ("Domain blocks", "1", "CSV"),
        ("Bookmarks", "40", "CSV"),
        ("Filters", "5", "JSON"),  # Mastodon 4.6 and later
    ]
    boxes = d.table(
        [[label, count, (("⤓ " + link) if link else "", "link")] for label, count, link in rows],
        columns=[0, 150, 235],
    )
    csv_rows = [b for b, r in zip(boxes, rows, strict=True) if r[2]]
    d.space(4)
    note = d.text(
        [
            ("You can request an archive of your ", "grey"),
            ("posts and uploaded media", "b"),
            (
                ". The exported data will be in the ActivityPub format, readable by any compliant "
                "software. You can request an archive every 7 days.",
                "grey",
            ),
        ],
        size=MIN_FONT,
    )
    request = d.button("Request your archive")
    archive = d.table(
        [
            ["Date", "Size"],
            ["Aug 21, 2026, 10:02", "85.2 MB"],
            [("⤓ Download your archive", "link")],  # the row's last cell, on its own line here
        ],
        columns=[0, 165],
        header=True,
        size=MIN_FONT,
    )
    targets = {
        "csv": Box(
            csv_rows[0].x,
            csv_rows[0].y,
            csv_rows[0].w,
            csv_rows[-1].y + csv_rows[-1].h - csv_rows[0].y,
        ),
        "note": note,
        "request": request,
        "download": archive[2],
    }
    for number, key in callouts.items():
        d.callout(number, targets[key])
    return d


def import_page() -> Drawing:
    """Import page (/settings/imports) on the new account."""
    d = Drawing(
        "The Import page on your new account",
        "Mastodon's Import page: the Import type menu set to Following list, the Data file "
        "chooser with following_accounts.csv chosen, the two choices Merge (selected) and "
        "Overwrite, and the Upload button.",
        url=f"{NEW}/settings/imports",
        badge="NEW account",
    )
    d.h1("Import")
    kind = d.field(
        "Import type",
        "You can import data that you have exported from another server, such as a list of "
        "the people you are following or blocking.",
        value="Following list",
    )
    d.parts.append(
        f'<text x="{RIGHT - 18}" y="{d.y - 23:.0f}" font-size="{MIN_FONT}" fill="{INK}">▾</text>'
    )
    top = d.y
    d.text([("Data", "b"), (" *", "red")], size=14, gap=2)
    d.text("CSV file exported from another Mastodon server", size=MIN_FONT, style="grey", gap=4)
    d.parts.append(
        f'<rect x="{PAD}" y="{d.y:.0f}" width="86" height="30" rx="4" fill="{CHROME}" '
        f'stroke="#8c959f"/><text x="{PAD + 43}" y="{d.y + 20:.0f}" font-size="{MIN_FONT}" '
        f'fill="{INK}" text-anchor="middle">Browse…</text>'
        f'<text x="{PAD + 96}" y="{d.y + 20:.0f}" font-size="{MIN_FONT}" fill="{INK}">'
        f"following_accounts.csv</text>"
    )
    d.y += 40
    data = Box(PAD - 6, top - 2, RIGHT - PAD + 12, d.y - top)
    d.space(2)
    merge = d.radio("Merge", "Keep existing records and add new ones", selected=True)
    d.radio("Overwrite", "Replace current records with the new ones", selected=False)
    d.space(4)
    upload = d.button("Upload")
    d.callout(3, kind)
    d.callout(4, data)
    d.callout(5, merge)
    d.callout(6, upload)
    return d


def import_confirm() -> Drawing:
    """The confirmation step after Upload (/settings/imports/ID)."""
    d = Drawing(
        "The confirmation page after Upload",
        "The page Importing followed accounts, with the sentence You are about to follow up "
        "to 321 accounts from following_accounts.csv, and the buttons Cancel and Confirm.",
        url=f"{NEW}/settings/imports/123",
        badge="NEW account",
    )
    d.h1("Importing followed accounts")
    d.text(
        [
            ("You are about to ", ""),
            ("follow", "b"),
            (" up to ", ""),
            ("321 accounts", "b"),
            (" from ", ""),
            ("following_accounts.csv", "b"),
            (".", ""),
        ],
        size=14.5,
        gap=16,
    )
    d.button("Cancel", kind="secondary", advance=False)
    confirm = d.button("Confirm", x=PAD + _width("Cancel", 14) + 34 + 14)
    d.callout(7, confirm)
    return d


def account_settings(which: str) -> Drawing:
    """Account settings (/auth/edit), highlighting one of the two moving sections."""
    new = which == "alias"
    d = Drawing(
        "Account settings on your " + ("new" if new else "old") + " account",
        "Mastodon's Account settings page. After Account status, Security and Sessions come "
        "the sections Move to a different account (If you wish to redirect this account to a "
        "different one, you can configure it here), Moving from a different account (To move "
        "from another account to this one, first you need to create an account alias) and "
        "Delete account. The "
        + (
            "Moving from a different account section is highlighted."
            if new
            else "Move to a different account section is highlighted."
        ),
        url=f"{NEW if new else OLD}/auth/edit",
        badge="NEW account" if new else "OLD account",
    )
    d.h1("Account settings")
    d.h2("Account status")
    d.text("Your account is fully operational.", style="green", size=14)
    d.elision("Security and Sessions")
    top = d.y
    d.h2("Move to a different account")
    d.text(
        [
            ("If you wish to redirect this account to a different one, you can ", "grey"),
            ("configure it here", "link"),
            (".", "grey"),
        ],
        size=14,
        gap=14,
    )
    move_box = Box(PAD - 6, top - 4, RIGHT - PAD + 12, d.y - top - 6)
    top = d.y
    d.h2("Moving from a different account")
    d.text(
        [
            ("To move from another account to this one, first you need to ", "grey"),
            ("create an account alias", "link"),
            (".", "grey"),
        ],
        size=14,
        gap=14,
    )
    alias_box = Box(PAD - 6, top - 4, RIGHT - PAD + 12, d.y - top - 6)
    d.h2("Delete account")
    d.text(
        [
            ("If you wish to delete your account, you can ", "grey"),
            ("proceed here", "link"),
            (". You will be asked for confirmation.", "grey"),
        ],
        size=14,
    )
    if new:
        d.callout(2, alias_box)
    else:
        d.callout(3, move_box)
    return d


def account_aliases() -> Drawing:
    """Account aliases page (/settings/aliases) on the new account."""
    d = Drawing(
        "The Account aliases page on your new account",
        "Mastodon's Account aliases page: an explanation that ends The account migration is "
        "initiated from the old account, the field Handle of the old account with "
        "alice@old.example typed in, and the Create alias button.",
        url=f"{NEW}/settings/aliases",
        badge="NEW account",
    )
    d.h1("Account aliases")
    d.text(
        [
            (
                "If you want to move from another account to this one, here you can create an "
                "alias, which is required before you can proceed with moving followers from the "
                "old account to this one. This action by itself is ",
                "",
            ),
            ("harmless and reversible", "b"),
            (". ", ""),
            ("The account migration is initiated from the old account", "b"),
            (".", ""),
        ],
        size=MIN_FONT,
        gap=14,
    )
    handle = d.field(
        "Handle of the old account",
        "Specify the username@domain of the account you want to move from",
        value=f"alice@{OLD}",
    )
    create = d.button("Create alias")
    d.table(
        [["Handle of the old account", ""], ["You have no aliases.", ""]],
        columns=[0, 250],
        header=True,
        size=MIN_FONT,
    )
    d.callout(3, handle)
    d.callout(4, create)
    return d


_WARNINGS = [
    "This action will move all followers from the current account to the new account",
    "No other data will be moved automatically (including your posts and the list of "
    "accounts you follow)",
    "Your current account's profile will be updated with a redirect notice and be excluded "
    "from searches",
    "The new account must first be configured to back-reference this one",
    "After moving there is a waiting period during which you will not be able to move again",
    "Your current account will not be fully usable afterwards. However, you will have "
    "access to data export as well as re-activation.",
]


def account_migration(error: bool = False) -> Drawing:
    """Account migration page (/settings/migration) on the old account, before moving."""
    d = Drawing(
        "The Account migration page on your old account"
        + (", showing the alias error" if error else ""),
        "Mastodon's Account migration page: Your account is not redirecting to any other "
        "account currently; the heading Move to a different account with six warnings; the "
        "fields Handle of the new account and Current password; and the red Move followers "
        "button."
        + (
            " A red bar says Something isn't quite right yet! Please review the error below, "
            "and under the handle the error reads: is not an alias of this account."
            if error
            else ""
        ),
        url=f"{OLD}/settings/migration",
        badge="OLD account",
    )
    d.h1("Account migration")
    d.text(
        "Your account is not redirecting to any other account currently.", style="green", size=14
    )
    d.h2("Move to a different account")
    d.text("Before proceeding, please read these notes carefully:", size=MIN_FONT, gap=4)
    d.bullets(_WARNINGS, size=MIN_FONT)
    d.text(
        [
            ("Alternatively, you can ", "grey"),
            ("only put up a redirect on your profile", "link"),
            (".", "grey"),
        ],
        size=MIN_FONT,
        gap=12,
    )
    if error:
        d.bar("Something isn't quite right yet! Please review the error below", kind="red")
    handle = d.field(
        "Handle of the new account",
        "Specify the username@domain of the account you want to move to",
        value=f"alice@{NEW}",
        error="is not an alias of this account" if error else None,
    )
    password = d.field(
        "Current password",
        "For security purposes please enter the password of the current account",
        value="secret",
        masked=True,
    )
    move = d.button("Move followers", kind="danger")
    d.h2("Moving from a different account")
    d.text(
        [
            ("To move from another account to this one, first you need to ", "grey"),
            ("create an account alias", "link"),
            (".", "grey"),
        ],
        size=MIN_FONT,
    )
    if error:
        d.callout(1, handle)
    else:
        d.callout(4, handle)
        d.callout(5, password)
        d.callout(6, move)
    return d


def account_migration_after() -> Drawing:
    """Account migration page after the move: redirecting, cooldown, past migrations."""
    d = Drawing(
        "The Account migration page after the move",
        "After Move followers, the Account migration page says Your account is now "
        "redirecting to alice@new.example and your followers are being moved over. It shows "
        "Cancel redirect, the 30-day waiting period, and a Past migrations table with the "
        "number of followers at the time of the move.",
        url=f"{OLD}/settings/migration",
        badge="OLD account",
    )
    d.h1("Account migration")
    d.bar(
        f"Your account is now redirecting to alice@{NEW} and your followers are being moved over.",
        kind="green",
    )
    d.text(f"Your account is redirecting to alice@{NEW}.", style="green", size=14, gap=4)
    d.text(
        "Cancelling the redirect will re-activate your current account, but will not bring "
        "back followers that have been moved to that account.",
        size=MIN_FONT,
        style="grey",
        gap=4,
    )
    d.text([("Cancel redirect", "link")], size=MIN_FONT, gap=12)
    d.h2("Move to a different account")
    cooldown = d.text(
        "You have recently migrated your account. This function will become available again "
        "in 30 days.",
        style="amber",
        size=MIN_FONT,
        gap=8,
    )
    d.field("Handle of the new account", value="", disabled=True)
    d.field("Current password", value="", disabled=True)
    d.button("Move followers", kind="danger", disabled=True)
    d.h2("Past migrations")
    rows = d.table(
        [["Moved to", "Followers at time of move", ""], [f"alice@{NEW}", "1,234", "5 minutes ago"]],
        columns=[0, 150, 250],
        header=True,
        size=MIN_FONT,
    )
    d.callout(1, cooldown)
    d.callout(2, rows[1])
    return d


def moved_profile() -> Drawing:
    """The old profile after the move, as anyone sees it."""
    d = Drawing(
        "What your old profile shows after the move",
        "The old profile, alice@old.example, with a banner at the top: Alice has indicated "
        "that their new account is now: Alice, @alice@new.example, with a Go to profile "
        "button. Below it the old profile is faded and grey, with the old posts still there.",
        url=f"{OLD}/@alice",
    )
    top = d.y
    d.parts.append(
        f'<rect x="{PAD - 8}" y="{top - 8}" width="{RIGHT - PAD + 16}" height="104" rx="8" '
        f'fill="{SIDEBAR}" stroke="{LINE}"/>'
    )
    d.text([("Alice", "b"), (" has indicated that their new account is now:", "")], size=14, gap=10)
    row = d.y
    d.avatar(PAD + 20, row + 20, 20, "A", ACCENT)
    d.avatar(PAD + 34, row + 34, 8, "a", "#8a8f98", grey=True)
    d.parts.append(
        f'<text x="{PAD + 52}" y="{row + 16}" font-size="15" font-weight="700" '
        f'fill="{INK}">Alice</text>'
        f'<text x="{PAD + 52}" y="{row + 35}" font-size="{MIN_FONT}" fill="{GREY}">'
        f"@alice@{NEW}</text>"
    )
    d.y = row + 6
    go = d.button("Go to profile", x=RIGHT - _width("Go to profile", 14) - 34 - 4, advance=False)
    d.y = row + 62
    banner = Box(PAD - 10, top - 12, RIGHT - PAD + 20, 112)
    faded = d.y
    d.parts.append(
        f'<g opacity="0.5"><rect x="{PAD - 8}" y="{faded}" width="{RIGHT - PAD + 16}" '
        f'height="70" rx="6" fill="#b9bcc2"/>'
    )
    d.y = faded + 70
    d.avatar(PAD + 30, d.y, 26, "a", "#777", grey=True)
    d.parts.append(
        f'<text x="{PAD + 66}" y="{d.y + 12}" font-size="16" font-weight="700" '
        f'fill="{INK}">Alice</text>'
        f'<text x="{PAD + 66}" y="{d.y + 30}" font-size="{MIN_FONT}" fill="{GREY}">'
        f"@alice@{OLD}</text>"
    )
    d.y += 50
    for offset, tab in ((0, "Activity"), (90, "Media"), (170, "Featured")):
        d.parts.append(
            f'<text x="{PAD + offset}" y="{d.y + 14}" font-size="{MIN_FONT}" fill="{GREY}">'
            f"{tab}</text>"
        )
    d.y += 26
    d.rule()
    d.text("Your old posts stay here: posts are not moved.", size=MIN_FONT, style="grey", gap=4)
    d.parts.append("</g>")
    d.callout(1, banner)
    d.callout(2, go)
    return d


def old_account_disabled() -> Drawing:
    """What the member sees when logging in to the old account after moving."""
    d = Drawing(
        "Logging in to your old account after the move",
        "The Mastodon website signed in to the old account after the move: Your account "
        "alice@old.example is currently disabled because you moved to alice@new.example, "
        "with the buttons Account settings and Log out.",
        url=f"{OLD}/home",
        badge="OLD account",
    )
    d.text(
        [
            ("Your account ", ""),
            (f"alice@{OLD}", "link"),
            (" is currently disabled because you moved to ", ""),
            (f"alice@{NEW}", "link"),
            (".", ""),
        ],
        size=14.5,
        gap=14,
    )
    w = RIGHT - PAD
    settings = Box(PAD - 5, d.y - 5, w + 10, 44)
    d.parts.append(
        f'<rect x="{PAD}" y="{d.y:.0f}" width="{w}" height="34" rx="6" fill="{ACCENT}"/>'
        f'<text x="{PAD + w / 2}" y="{d.y + 22:.0f}" font-size="14" font-weight="700" '
        f'fill="#ffffff" text-anchor="middle">Account settings</text>'
    )
    d.y += 44
    d.parts.append(
        f'<rect x="{PAD}" y="{d.y:.0f}" width="{w}" height="34" rx="6" fill="{PAPER}" '
        f'stroke="{ACCENT}" stroke-width="1.5"/><text x="{PAD + w / 2}" y="{d.y + 22:.0f}" '
        f'font-size="14" font-weight="700" fill="{ACCENT}" text-anchor="middle">Log out</text>'
    )
    d.y += 46
    d.callout(1, settings)
    return d


FIGURES: dict[str, Callable[[], Drawing]] = {
    "web-app-menu": web_app_menu,
    "sidebar-export": lambda: sidebar(
        "Import and export",
        "Export",
        {3: "Import and export"},
        f"{OLD}/settings/export",
        "OLD account",
    ),
    "sidebar-import": lambda: sidebar(
        "Import and export", "Import", {2: "Import"}, f"{NEW}/settings/imports", "NEW account"
    ),
    "sidebar-account-new": lambda: sidebar(
        "Account", "Account settings", {1: "Account settings"}, f"{NEW}/auth/edit", "NEW account"
    ),
    "sidebar-account-old": lambda: sidebar(
        "Account", "Account settings", {2: "Account settings"}, f"{OLD}/auth/edit", "OLD account"
    ),
    "export-page": lambda: export_page({4: "csv"}),
    "export-archive": lambda: export_page({1: "request", 3: "download"}),
    "import-page": import_page,
    "import-confirm": import_confirm,
    "account-settings-alias": lambda: account_settings("alias"),
    "account-aliases": account_aliases,
    "account-settings-move": lambda: account_settings("move"),
    "account-migration": account_migration,
    "account-migration-error": lambda: account_migration(error=True),
    "account-migration-after": account_migration_after,
    "moved-profile": moved_profile,
    "old-account-disabled": old_account_disabled,
}


def render_all() -> dict[str, str]:
    """File name -> SVG text for every figure."""
    return {f"{name}.svg": factory().svg() for name, factory in FIGURES.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Write every figure into guide/assets/figures/ (``--check`` only compares)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, text in render_all().items():
        path = FIGURES_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print("Out of date figures: " + ", ".join(stale), file=sys.stderr)
        return 1
    print(("Checked" if check else "Wrote") + f" {len(FIGURES)} figures in {FIGURES_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
