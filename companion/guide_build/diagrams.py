"""Step diagrams drawn at build time as inline SVG, so no diagram library loads on a phone.

A ``flow`` fence in a guide page lists one box per line, top to bottom, joined by arrows::

    ```flow
    title: What the diagram shows, for screen readers
    First box's bold line | its second line
    new: A box on the new account | drawn with the new account's colour
    ```

The SVG sits in the page and takes its colours from the guide's stylesheet (``.flow`` in
guide.css), so it follows the light and dark palettes. It is drawn at the width of a phone
column, so its text is never smaller than the page's own on a 375 px screen. Each diagram
keeps a text alternative in the page next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from companion.guide_build.figures import wrap

WIDTH = 320  # a 375 px phone shows the content column about 343 px wide: drawn 1:1 or larger
HEAD = 16.0  # font sizes in px at that scale
DETAIL = 14.5
LEADING = 1.3
PAD_X = 14
PAD_Y = 10
GAP = 30  # room for the arrow between two boxes
KINDS = ("new", "old")


class FlowError(ValueError):
    """A ``flow`` fence the guide cannot draw (the build stops with this message)."""


@dataclass(frozen=True)
class Step:
    """One box: a bold first line, an optional second line, an optional account colour."""

    head: str
    detail: str = ""
    kind: str = ""


def parse(source: str) -> tuple[str, list[Step]]:
    """Read a fence's title and boxes."""
    title, steps = "", []
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("title:"):
            title = line.removeprefix("title:").strip()
            continue
        kind = ""
        prefix, sep, rest = line.partition(":")
        if sep and prefix in KINDS:
            kind, line = prefix, rest.strip()
        head, _, detail = line.partition("|")
        steps.append(Step(head.strip(), detail.strip(), kind))
    if not title:
        raise FlowError("a flow diagram needs a 'title:' line (read out by screen readers)")
    if not steps:
        raise FlowError(f"the flow diagram {title!r} has no boxes")
    return title, steps


def render(source: str) -> str:
    """The fence as an inline SVG figure."""
    title, steps = parse(source)
    text_width = WIDTH - 2 * PAD_X
    parts: list[str] = []
    y = 1.0
    for index, step in enumerate(steps):
        # Bold glyphs run wider than the estimate in figures.wrap: wrap them a little sooner.
        heads = wrap(step.head, HEAD * 1.1, text_width)
        details = wrap(step.detail, DETAIL, text_width) if step.detail else []
        height = 2 * PAD_Y + (len(heads) * HEAD + len(details) * DETAIL) * LEADING
        kind = f' class="flow__{step.kind}"' if step.kind else ""
        parts.append(
            f'<g{kind}><rect x="1" y="{y:.1f}" width="{WIDTH - 2}" height="{height:.1f}" rx="8"/>'
        )
        line_y = y + PAD_Y
        for text, size, css in [(h, HEAD, "flow__head") for h in heads] + [
            (d, DETAIL, "flow__detail") for d in details
        ]:
            line_y += size * LEADING
            parts.append(
                f'<text x="{WIDTH / 2:.0f}" y="{line_y - size * 0.3:.1f}" class="{css}" '
                f'font-size="{size}" text-anchor="middle">{escape(text)}</text>'
            )
        parts.append("</g>")
        y += height
        if index < len(steps) - 1:
            mid = WIDTH / 2
            parts.append(
                f'<path class="flow__arrow" d="M{mid:.0f} {y + 3:.1f}V{y + GAP - 9:.1f}"/>'
                f'<path class="flow__tip" d="M{mid - 6:.0f} {y + GAP - 11:.1f}'
                f'L{mid:.0f} {y + GAP - 2:.1f}L{mid + 6:.0f} {y + GAP - 11:.1f}Z"/>'
            )
            y += GAP
    height = int(y + 2)
    return (
        f'<figure class="flow"><svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">' + "".join(parts) + "</svg></figure>"
    )


def flow_fence(
    source: str, language: str, class_name: str, options: Any, md: Any, **kwargs: Any
) -> str:
    """pymdownx.superfences custom fence formatter for ``flow`` (see hooks.on_config)."""
    return render(source)
