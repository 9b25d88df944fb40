"""What a phone downloads before the reader scrolls: rewrite each built page to keep it small.

Two changes to the HTML that Material and the glightbox plugin write:

- every external script is deferred, so none of them delays the first paint (Material's
  bundle sits at the end of the page and needs nothing before the document is parsed);
- the lightbox's script and stylesheet (about 70 KB) leave the page: its options stay in
  ``#init-glightbox`` as JSON, and guide.js loads the lightbox when a figure is first tapped.

bench/guide.py measures the result with Lighthouse.
"""

from __future__ import annotations

import json
import re

_SCRIPT = re.compile(r"<script src=\"([^\"]+)\"></script>")
_LIGHTBOX_CSS = re.compile(r'<link href="([^"]*glightbox\.min\.css)" rel="stylesheet">')
_LIGHTBOX_JS = re.compile(r'<script src="([^"]*glightbox\.min\.js)"></script>')
_LIGHTBOX_INIT = re.compile(
    r'<script id="init-glightbox">const lightbox = GLightbox\((\{.*?\})\);.*?</script>', re.S
)


class PageWeightError(ValueError):
    """The page no longer looks as this module expects (a theme or plugin update)."""


def lighten(html: str) -> str:
    """The page with deferred scripts and the lightbox loaded on demand."""
    html = _lightbox_on_demand(html)
    return _SCRIPT.sub(r'<script src="\1" defer></script>', html)


def _lightbox_on_demand(html: str) -> str:
    css, js, init = (p.search(html) for p in (_LIGHTBOX_CSS, _LIGHTBOX_JS, _LIGHTBOX_INIT))
    if not (css and js and init):
        raise PageWeightError("the glightbox plugin's tags were not found")
    options = json.dumps(json.loads(init.group(1)), separators=(",", ":"))
    setup = (
        f'<script id="init-glightbox" type="application/json" data-css="{css.group(1)}" '
        f'data-js="{js.group(1)}">{options}</script>'
    )
    html = html.replace(init.group(0), setup)
    return html.replace(css.group(0), "").replace(js.group(0), "")
