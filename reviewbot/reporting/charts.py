"""The digest chart: one PNG with the rating trend, negative reviews by category, each
step's time against its window, and the share of negative reviews answered in time.

Drawn with matplotlib's object API on the Agg canvas (no display, no pyplot global state),
behind a lock because matplotlib is not thread-safe and the daemon draws in a worker thread.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import matplotlib
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from reviewbot.reporting.fonts import chart_fonts, has_bold
from reviewbot.reporting.metrics import STEPS, Figures, TrendPoint
from reviewbot.reporting.summary import CATEGORY, STEP, title

_LOCK = threading.Lock()
WIDTH, HEIGHT, DPI = 12.0, 8.0, 100  # 1200 × 800 px: sharp on a phone, small to send
INK, MUTED, GRID = "#222222", "#777777", "#e6e6e6"
GOOD, WARN, BAD, IDLE = "#2e9d5b", "#f0a33a", "#d64541", "#b8c4d6"
BAR, BAR_LIGHT = "#3b6fb6", "#a9c1e6"


def _empty(ax, text: str = "暂无数据") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, fontsize=13)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _style(ax, heading: str) -> None:
    ax.set_title(heading, loc="left", fontsize=13, color=INK, pad=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(MUTED)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=9)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def rolling(points: list[TrendPoint], days: int) -> tuple[list[int], list[float]]:
    """The average rating of the `days` days up to each day (all ratings, not daily means)."""
    xs, ys = [], []
    for i in range(len(points)):
        window = points[max(0, i - days + 1) : i + 1]
        rated = sum(p.rated for p in window)
        if rated and i >= days - 1:
            xs.append(i)
            ys.append(sum((p.average or 0) * p.rated for p in window) / rated)
    return xs, ys


def rating_trend(ax, f: Figures) -> None:
    _style(ax, "评分走势（每日平均）")
    points = f.trend
    if not any(p.rated for p in points):
        _empty(ax)
        return
    xs = list(range(len(points)))
    counts = ax.twinx()
    counts.bar(xs, [p.rated for p in points], color=GRID, width=0.7, zorder=0)
    counts.tick_params(colors=MUTED, labelsize=8)
    for side in ("top", "left"):
        counts.spines[side].set_visible(False)
    counts.spines["right"].set_color(GRID)
    counts.set_ylim(0, max(p.rated for p in points) * 2.2)
    ax.set_zorder(counts.get_zorder() + 1)
    ax.patch.set_visible(False)
    rated = [(x, p.average) for x, p in zip(xs, points, strict=True) if p.average is not None]
    (line,) = ax.plot(
        [x for x, _ in rated],
        [y for _, y in rated],
        color=BAR,
        marker="o",
        markersize=4,
        linewidth=2,
    )
    handles = [line]
    labels = ["每日平均评分"]
    if len(points) > 10:  # a month of daily points is noisy: show the weekly average too
        line.set(color=BAR_LIGHT, linewidth=1.2, markersize=3)
        xs_avg, ys_avg = rolling(points, 7)
        (smooth,) = ax.plot(xs_avg, ys_avg, color=BAR, linewidth=2.5)
        handles.append(smooth)
        labels.append("7日平均")
    if f.average_rating is not None:
        handles.append(ax.axhline(f.average_rating, color=WARN, linestyle="--", linewidth=1.2))
        labels.append(f"本期平均 {f.average_rating:.1f}")
    handles.append(Patch(color=GRID))
    labels.append("评价数（右轴）")
    ax.legend(handles, labels, **{**LEGEND_BELOW, "ncol": len(handles)})
    ax.set_ylim(1, 5.3)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_ylabel("平均评分（星）", fontsize=10)
    step = max(1, math.ceil(len(points) / 10))
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([f"{p.day.month}/{p.day.day}" for p in points][::step])
    ax.set_xlim(-0.6, len(points) - 0.4)


def negative_categories(ax, f: Figures) -> None:
    _style(ax, "差评类别")
    counts = f.negative_by_category
    if not counts:
        _empty(ax, "本期没有差评")
        return
    names = list(counts)[::-1]  # most at the top
    values = [counts[n] for n in names]
    colors = [BAD if n == "hygiene" else BAR for n in names]
    ax.barh([CATEGORY.get(n, n) for n in names], values, color=colors, height=0.6)
    for y, value in enumerate(values):
        ax.text(value, y, f" {value}", va="center", fontsize=10, color=INK)
    ax.set_xlim(0, max(values) * 1.15 + 0.5)
    ax.set_xlabel("差评数（条，一条可涉及多个类别）", fontsize=10)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.tick_params(axis="y", labelsize=11)


# Ticks people read at a glance, in minutes.
TIME_TICKS = {
    1 / 6: "10秒",
    1: "1分钟",
    10: "10分钟",
    60: "1小时",
    360: "6小时",
    1440: "1天",
    10080: "7天",
}
LEGEND_BELOW = {
    "loc": "upper center",
    "bbox_to_anchor": (0.5, -0.2),
    "ncol": 3,
    "fontsize": 9,
    "frameon": False,
}


def response_times(ax, f: Figures) -> None:
    _style(ax, "各环节用时与目标")
    rows = [s for s in STEPS if f.steps.get(s) and f.steps[s].count]
    if not rows:
        _empty(ax)
        return
    rows = rows[::-1]
    ys = list(range(len(rows)))
    medians = [max(f.steps[s].median or 0, 1) / 60 for s in rows]
    p90s = [max(f.steps[s].p90 or 0, 1) / 60 for s in rows]
    ax.barh(ys, p90s, color=BAR_LIGHT, height=0.6, label="最慢一成（p90）")
    ax.barh(ys, medians, color=BAR, height=0.35, label="中位数")
    for y, step in zip(ys, rows, strict=True):
        target = f.targets.get(step)
        if target:
            over = (f.steps[step].median or 0) > target
            ax.plot(
                [target / 60] * 2,
                [y - 0.42, y + 0.42],
                color=BAD if over else GOOD,
                linewidth=2.5,
            )
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{STEP[s]}\n（{f.steps[s].count} 条）" for s in rows], fontsize=10)
    ax.set_xscale("log")
    values = [*p90s, *(f.targets.get(s, 60) / 60 for s in rows)]
    low, high = min(min(medians), 0.5) * 0.7, max(values) * 1.6
    ax.set_xlim(low, high)
    ticks = [t for t in TIME_TICKS if low <= t <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FixedFormatter([TIME_TICKS[t] for t in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("用时（对数刻度）", fontsize=10)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.legend(
        handles=[
            Patch(color=BAR, label="中位数"),
            Patch(color=BAR_LIGHT, label="最慢一成（p90）"),
            Line2D([], [], color=GOOD, linewidth=2.5, label="目标（红：中位数超时）"),
        ],
        **LEGEND_BELOW,
    )


def window_share(ax, f: Figures) -> None:
    ax.set_title("需回复的评价是否按时回复", loc="left", fontsize=13, pad=10)
    w = f.window
    parts = [
        ("按时回复", w.on_time, GOOD),
        ("超时回复", w.late, WARN),
        ("过时限未回复", w.missed, BAD),
        ("仍在时限内", w.pending, IDLE),
    ]
    parts = [p for p in parts if p[1]]
    if not parts:
        _empty(ax, "本期没有需要回复的评价")
        return
    wedges, _ = ax.pie(
        [n for _, n, _ in parts],
        colors=[c for _, _, c in parts],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 2},
    )
    share = f"{w.share:.0%}" if w.share is not None else "—"
    weight = matplotlib.rcParams["axes.titleweight"]
    ax.text(0, 0.08, share, ha="center", va="center", fontsize=22, fontweight=weight, color=INK)
    ax.text(0, -0.2, "按时回复率", ha="center", va="center", fontsize=10, color=MUTED)
    ax.legend(
        wedges,
        [f"{label} {n}" for label, n, _ in parts],
        loc="center left",
        bbox_to_anchor=(0.95, 0.5),
        fontsize=10,
        frameon=False,
    )
    ax.set_aspect("equal")


def render_png(
    f: Figures,
    store_name: str,
    period: str,
    zone: ZoneInfo,
    *,
    fonts: Sequence[str] | None = None,
) -> bytes:
    """The chart as PNG bytes, drawn in `fonts` (by default the best available, see
    reporting.fonts)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK:
        families = list(fonts or chart_fonts())
        # Headings are bold where the font has a bold face (the bundled one has not).
        weight = "bold" if has_bold(families[0]) else "normal"
        rc = {
            "font.family": "sans-serif",
            "font.sans-serif": families,
            "axes.unicode_minus": False,
            "axes.titleweight": weight,
            "figure.titleweight": weight,
        }

        with matplotlib.rc_context(rc):
            fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor="white")
            FigureCanvasAgg(fig)
            grid = fig.add_gridspec(
                2, 2, hspace=0.55, wspace=0.32, left=0.08, right=0.92, top=0.9, bottom=0.1
            )
            rating_trend(fig.add_subplot(grid[0, 0]), f)
            negative_categories(fig.add_subplot(grid[0, 1]), f)
            response_times(fig.add_subplot(grid[1, 0]), f)
            window_share(fig.add_subplot(grid[1, 1]), f)
            fig.suptitle(title(f, store_name, period, zone), fontsize=16)
            fig.text(
                0.99,
                0.01,
                "reviewbot",
                ha="right",
                va="bottom",
                fontsize=8,
                color=MUTED,
            )
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
