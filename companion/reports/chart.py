"""The progress chart: members moved day by day against the deadline, as a PNG for Discord.

Drawn on a ``matplotlib.figure.Figure`` with the Agg canvas directly: no pyplot, so no
global figure registry, no GUI backend and nothing left behind between calls in the bot.
Sized for Discord's preview (about 550 px wide), with large type so it reads at that size.
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from companion import texts
from companion.i18n import _, format_share
from companion.i18n.dates import format_month_day
from companion.reports.progress import ProgressReport

WIDTH_INCHES = 8.0
HEIGHT_INCHES = 4.5
DPI = 100
MOVED_COLOUR = "#2f6fdf"
LINKED_COLOUR = "#7a7a7a"
DEADLINE_COLOUR = "#d1495b"
MAX_TITLE_LENGTH = 60


def progress_chart(report: ProgressReport) -> bytes:
    """The cumulative moves chart as PNG bytes (800 × 450 px)."""
    fig = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    points = report.cumulative_moves
    first_day = points[0][0] if points else report.today
    # Each day's total is reached by its end: the step rises at the start of the next day.
    xs = [_midnight(first_day)] + [_midnight(day + timedelta(days=1)) for day, _ in points]
    ys = [0] + [total for _, total in points]
    ax.step(xs, ys, where="post", color=MOVED_COLOUR, linewidth=3, label=_(texts.CHART_MOVED))
    ax.fill_between(xs, ys, step="post", color=MOVED_COLOUR, alpha=0.15)
    ax.axhline(
        report.linked,
        color=LINKED_COLOUR,
        linestyle="--",
        linewidth=2,
        label=_(texts.CHART_LINKED).format(count=report.linked),
    )
    end = _midnight(max(report.today, first_day) + timedelta(days=1))
    if report.deadline is not None:
        # The axis shows the campaign's local days, so the deadline is placed in local time.
        deadline_x = report.deadline.astimezone(ZoneInfo(report.timezone)).replace(tzinfo=None)
        ax.axvline(
            deadline_x,
            color=DEADLINE_COLOUR,
            linewidth=2.5,
            label=_(texts.CHART_DEADLINE).format(day=format_month_day(deadline_x)),
        )
        end = max(end, deadline_x + timedelta(days=2))
    ax.set_xlim(_midnight(first_day), end)
    # Headroom above the "linked" line keeps the one-row legend clear of every line.
    ax.set_ylim(0, max(report.linked, report.moved, 1) * 1.3)
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    # Babel, not strftime: month names in the reader's language, whatever the process locale.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_month_day(num2date(x))))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=13)
    ax.set_ylabel(_(texts.CHART_MEMBERS), fontsize=14)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", fontsize=13, frameon=False, ncols=3, handlelength=1.5)
    community = report.community
    if len(community) > MAX_TITLE_LENGTH:
        community = community[: MAX_TITLE_LENGTH - 1] + "…"
    # parse_math=False: a "$" in the community's name is text, not the start of a formula.
    ax.set_title(
        _(texts.CHART_TITLE).format(
            community=community,
            moved=report.moved,
            linked=report.linked,
            share=format_share(report.share_moved),
        ),
        fontsize=17,
        loc="left",
        parse_math=False,
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A name in a script the bundled font lacks draws boxes; that is not worth a log line.
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
