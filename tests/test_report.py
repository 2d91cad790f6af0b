"""`reviewbot report` on the hand-built history: a PNG that decodes and an HTML page with
the figures, from the real command (its main(), in this process; test_simulate.py runs
`reviewbot report` as a subprocess)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.harness.cli import reviewbot_here
from tests.history import build


def config(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "report.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        '[[stores]]\nid = "s1"\nname = "一号店"\n'
        '[[stores.sources]]\nplatform = "demo"\naccount = "a"\n'
        '[[stores]]\nid = "s2"\nname = "二号店"\n'
        '[[stores.sources]]\nplatform = "demo"\naccount = "b"\n',
        encoding="utf-8",
    )
    return path


async def report(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess:
    """`reviewbot report -c … ARGS` through the command's main(), in a thread of this process
    (tests/harness/cli.py): the test's event loop keeps serving meanwhile."""
    done = await asyncio.to_thread(
        reviewbot_here, "report", "-c", str(config(tmp_path, database_url)), *args, cwd=Path.cwd()
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


@pytest.mark.slow
async def test_report_writes_a_chart_and_a_page_with_the_figures(sessions, database_url, tmp_path):
    await build(sessions)
    out = tmp_path / "out"

    done = await report(
        tmp_path,
        database_url,
        "--store",
        "s1",
        "--period",
        "day",
        "--end",
        "2026-11-20",
        "--out",
        str(out),
    )

    assert done.returncode == 0, done.stderr
    png, html = out / "report-s1-day-2026-11-20.png", out / "report-s1-day-2026-11-20.html"
    assert f"chart: {png}" in done.stdout and f"page:  {html}" in done.stdout
    with Image.open(png) as image:
        image.verify()
    with Image.open(png) as image:
        assert image.size == (1200, 800)
    page = html.read_text(encoding="utf-8")
    assert "一号店 · 日报（11月20日）" in page
    assert "<td>新评价（条）</td><td>7</td>" in page
    assert "<td>差评（条）</td><td>4</td>" in page
    assert "<td>平均评分（星）</td><td>2.86</td>" in page
    # Judged long after: R1 on time, R2 late, R3 and R4 missed.
    assert "<td>差评按时回复率</td><td>25%</td>" in page and "1 / 1 / 2 / 0" in page
    assert "<td>挽回顾客（位）</td><td>2</td>" in page
    assert "「菜品」差评最多（2 条，常见问题：太咸）" in page
    assert "data:image/png;base64," in page
    assert "平台延迟（评价发布→我们看到）</h2>" in page and "<td>演示平台</td><td>7</td>" in page
    # The summary printed on the terminal says the same.
    assert "新评价 7 条（差评 4、中评 1、好评 2）" in done.stdout


@pytest.mark.slow
async def test_report_for_all_stores_and_for_an_unknown_one(sessions, database_url, tmp_path):
    await build(sessions)
    out = tmp_path / "out"
    done = await report(
        tmp_path,
        database_url,
        "--store",
        "*",
        "--period",
        "week",
        "--end",
        "2026-11-20",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    page = (out / "report-all-week-2026-11-20.html").read_text(encoding="utf-8")
    assert "全部门店 · 周报（11月14日至11月20日）" in page
    assert "<td>新评价（条）</td><td>9</td>" in page  # both stores, and 孙七's from the 19th

    done = await report(tmp_path, database_url, "--store", "nope", "--out", str(out))
    assert done.returncode != 0 and "no store 'nope'" in done.stderr
