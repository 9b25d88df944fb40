"""The progress chart is a real, readable PNG, drawn without touching pyplot's state."""

import io
import sys
from datetime import UTC, datetime, timedelta

import matplotlib.image
import pytest

from companion.core.handles import Handle
from companion.core.models import Campaign, Member
from companion.reports.chart import progress_chart
from companion.reports.progress import build_progress

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def campaign(name: str = "Garden Club", deadline: datetime | None = NOW + timedelta(days=5)):
    return Campaign(1, name, "old.social", "new.social", deadline, "Europe/Berlin")


def members(count: int) -> list[Member]:
    return [
        Member(
            guild_id=1,
            user_id=i,
            display_name=f"m{i}",
            old_handle=Handle(f"u{i}", "old.social"),
            new_handle=Handle(f"u{i}", "new.social"),
            linked_at=NOW - timedelta(days=14),
            moved_at=NOW - timedelta(hours=7 * i) if i % 3 else None,
            last_status="moved" if i % 3 else "ready_to_move",
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("name", "count", "deadline"),
    [
        ("Garden Club", 40, NOW + timedelta(days=5)),
        ("Price is $5 and $x^2$ 東京 👩‍💻", 3, NOW - timedelta(days=2)),
        ("Nobody yet", 0, None),
    ],
)
def test_chart_is_a_png_of_preview_size(name, count, deadline):
    report = build_progress(members(count), campaign(name, deadline), NOW)
    png = progress_chart(report)
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert (width, height) == (800, 450)
    assert pixels[..., :3].std() > 0.05  # something is drawn, not a blank canvas


def test_chart_leaves_no_pyplot_state_behind():
    had_pyplot = "matplotlib.pyplot" in sys.modules
    progress_chart(build_progress(members(10), campaign(), NOW))
    if not had_pyplot:
        assert "matplotlib.pyplot" not in sys.modules
    else:
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []
