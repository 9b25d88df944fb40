"""Every image in the built guide carries its width and height, so nothing moves as it loads.

The browser then reserves each figure's box before the drawing arrives (guide.css scales
it to the column with ``height: auto``): no layout shift, even for lazily loaded figures.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]+)"')
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="(\d+)"[^>]*?\sheight="(\d+)"')


class ImageSizeError(ValueError):
    """An image whose size cannot be read (the build stops and names it)."""


def svg_size(path: Path) -> tuple[int, int]:
    """The width and height attributes of an SVG file's root element."""
    try:
        found = _SVG_SIZE.search(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImageSizeError(f"{path.name} cannot be read: {exc.strerror}") from None
    if not found:
        raise ImageSizeError(f"{path.name} has no width and height on its <svg> element")
    return int(found.group(1)), int(found.group(2))


def add_sizes(html: str, size_of: Callable[[str], tuple[int, int]]) -> str:
    """Give each ``<img>`` without a width the width and height ``size_of(src)`` returns."""

    def sized(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if " width=" in tag or not src:
            return tag
        width, height = size_of(src.group(1))
        return f'{tag[:-1]} width="{width}" height="{height}">'

    return _IMG.sub(sized, html)


def resolver(docs_dir: Path, page_dest: str) -> Callable[[str], tuple[int, int]]:
    """Find an image named relative to a built page in the guide's sources (SVG only)."""

    def size_of(src: str) -> tuple[int, int]:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_dest), src))
        if not path.endswith(".svg"):
            raise ImageSizeError(f"{src}: only SVG figures are sized automatically")
        return svg_size(docs_dir / path)

    return size_of
