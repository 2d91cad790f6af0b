"""Chart text is readable on any machine: the bundled Chinese font draws every glyph.

matplotlib warns "Glyph … missing from font(s)" for each character it draws as a box;
these tests turn that warning into an error.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.ft2font import FT2Font
from PIL import Image

from reviewbot.reporting import fonts, metrics
from reviewbot.reporting.charts import render_png
from reviewbot.reporting.labels import CATEGORY
from reviewbot.reporting.summary import STEP
from reviewbot.resources import bundled_font

ZONE = ZoneInfo("Asia/Shanghai")
GLYPH_MISSING = "error:Glyph .* missing:UserWarning"


def week() -> metrics.Figures:
    """A week with something in every panel: trend, categories, step times, the window."""
    start = datetime(2026, 11, 15, 16, tzinfo=UTC)
    days = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]
    return metrics.Figures(
        store_ids=("s1",),
        start=start,
        end=start + timedelta(days=7),
        as_of=start + timedelta(days=7),
        reviews=40,
        categories={name: {"negative": n + 1, "positive": 2} for n, name in enumerate(CATEGORY)},
        trend=[
            metrics.TrendPoint(day=d, rated=5, average=3.5 + (n % 3) / 3)
            for n, d in enumerate(days)
        ],
        steps={
            step: metrics.Spread(count=4, median=60.0 * (n + 1), p90=600.0 * (n + 1), maximum=1e4)
            for n, step in enumerate(metrics.STEPS)
        },
        targets={"alert": 60, "approve": 3600, "post": 7200, "contact": 86400},
        window=metrics.WindowShare(on_time=5, late=2, missed=1, pending=1),
    )


@pytest.mark.filterwarnings(GLYPH_MISSING)
def test_the_chart_draws_every_chinese_glyph():
    png = render_png(week(), "老街坊川菜馆", "week", ZONE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 800)


@pytest.mark.filterwarnings(GLYPH_MISSING)
def test_the_bundled_font_alone_draws_the_chart():
    """Whatever the machine has installed, the font shipped in the package suffices."""
    family = fonts.register_bundled()
    assert family == fonts.BUNDLED_FAMILY
    render_png(week(), "老街坊川菜馆·二号店", "week", ZONE, fonts=[family, fonts.LATIN_FAMILY])


def test_a_system_cjk_font_comes_before_the_bundled_one():
    assert fonts.system_cjk({"DejaVu Sans", "Noto Sans CJK JP", "SimHei"}) == "SimHei"
    assert fonts.system_cjk({"DejaVu Sans", fonts.BUNDLED_FAMILY}) is None
    chosen = fonts.chart_fonts()
    assert chosen[-2:] == (fonts.BUNDLED_FAMILY, fonts.LATIN_FAMILY)
    assert len(chosen) == 2 or chosen[0] in fonts.CJK_FONTS


def test_the_bundled_font_covers_gb2312_and_the_chart_labels():
    path = bundled_font()
    assert path is not None and path.stat().st_size < 5_000_000
    covered = set(FT2Font(str(path)).get_charmap())
    gb2312 = set()
    for row in range(0xB0, 0xF8):  # the 6,763 hanzi
        for cell in range(0xA1, 0xFF):
            try:
                gb2312.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    assert len(gb2312) == 6763 and gb2312 <= covered
    labels = "".join([*CATEGORY.values(), *STEP.values(), "★☆（）：，、·—…↑↓％"])
    assert {ord(c) for c in labels} <= covered
    assert (path.parent / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE")
