"""The transcript: everything the bot posted or replied, in order, as Markdown and HTML.

Built after the run (``collect``) from the Discord stand-in's records and the driver's
log of what people did (``records``); times are simulated, in the campaign's time zone.
Written as a Markdown document (``markdown_doc``) and a self-contained HTML page
(``html_page``, styled by ``transcript.css``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .collect import collect_transcript
from .html_page import render_html
from .markdown_doc import render_markdown
from .records import Transcript

if TYPE_CHECKING:
    from companion.rehearsal.world import CampaignPlan


def write_transcript(
    transcript: Transcript, output: Path, plan: CampaignPlan, *, link_guide: bool = False
) -> tuple[Path, Path]:
    """Write ``transcript.md`` (+ its images) and the self-contained ``transcript.html``."""
    images = output / "attachments"
    for post in transcript.posts:
        for item in post.files:
            if item.image and item.data is not None:
                images.mkdir(parents=True, exist_ok=True)
                (images / f"{post.message_id}-{item.filename}").write_bytes(item.data)
    md = output / "transcript.md"
    md.write_text(render_markdown(transcript, plan), encoding="utf-8")
    page = output / "transcript.html"
    page.write_text(render_html(transcript, plan, link_guide=link_guide), encoding="utf-8")
    return md, page


__all__ = ["Transcript", "collect_transcript", "render_html", "render_markdown", "write_transcript"]
