"""`reviewbot demo --backfill-days`: the real pipeline on a simulated clock, reproducible,
and a history `reviewbot report` can draw."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from reviewbot.app import simulate
from reviewbot.store.schema import Analysis, Review
from reviewbot.workflow import actions
from tests.harness.cli import reviewbot_here


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reviewbot", *args], capture_output=True, text=True, timeout=300
    )


def history(database: Path) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT r.id, r.first_seen_at, r.author, r.rating, r.text, r.status, r.contacted_at, "
            "a.sent_at FROM reviews r LEFT JOIN alerts a ON a.review_id = r.id ORDER BY r.id"
        ).fetchall()


@pytest.mark.slow
async def test_a_backfilled_history_is_reproducible_and_reportable(tmp_path):
    """One history made by a process of its own, one by main() in this process (its own
    hash seed, its caches warm from other tests): the two must be the same. The second
    costs no interpreter start nor imports (~2 s of CPU), and the report is drawn here too."""
    backfill = ("demo", "--backfill-days", "1", "--until", "2026-11-20", "--db")
    first, second = await asyncio.gather(
        asyncio.to_thread(run, *backfill, str(tmp_path / "a.db")),
        asyncio.to_thread(reviewbot_here, *backfill, str(tmp_path / "b.db"), cwd=tmp_path),
    )
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "simulated 1 days:" in first.stdout
    assert b"simulated 1 days:" in second.stdout
    rows = history(tmp_path / "a.db")
    assert rows == history(tmp_path / "b.db")  # same seed, same end: the same history
    assert len(rows) > 13  # about 26 reviews a day
    assert any(sent for *_, sent in rows)  # alerts went out …
    assert {"replied", "open"} <= {row[5] for row in rows}  # … and were handled
    assert rows[0][1] >= "2026-11-18 16:00"  # the day before 2026-11-20 00:00 Shanghai

    again = reviewbot_here(  # main() in this process (tests/harness/cli.py): a refusal
        "demo", "--backfill-days", "1", "--db", str(tmp_path / "a.db"), cwd=tmp_path
    )
    assert again.returncode != 0 and b"exists" in again.stderr

    config = tmp_path / "a.toml"
    done = await asyncio.to_thread(
        reviewbot_here,
        "report",
        "-c",
        str(config),
        "--store",
        "laojiefang",
        "--period",
        "week",
        "--end",
        "2026-11-19",
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr.decode()
    png = tmp_path / "out" / "report-laojiefang-week-2026-11-19.png"
    with Image.open(png) as image:
        image.verify()
    page = png.with_suffix(".html").read_text(encoding="utf-8")
    assert f"<td>新评价（条）</td><td>{len({row[0] for row in rows})}</td>" in page


async def test_simulated_staff_hand_a_manager_only_review_to_the_manager(tmp_path):
    """A health claim only a manager may ignore or approve: staff pass it on, as they must,
    instead of the simulation dying with NotAllowed (it did a few weeks into a month)."""
    end = datetime(2026, 11, 20, tzinfo=simulate.ZONE)
    sim = simulate.MonthSimulation(tmp_path / "month.db", days=1, end=end, seed=7)
    sim.clock.advance(hours=12)
    async with sim.running() as daemon:
        for text in ("昨晚吃完全家上吐下泻，去医院说是食物中毒", "吃完就拉肚子，肯定是菜不干净"):
            sim.platform.add_review(simulate.SHOP, text, 1, when=sim.clock.now())
        await sim.poll()
        async with daemon.sessions() as session:
            rows = (
                await session.execute(
                    select(Review.id, Analysis.severity)
                    .join(Analysis, Analysis.review_id == Review.id)
                    .order_by(Review.id)
                )
            ).all()
        assert [severity for _, severity in rows] == ["critical", "critical"]
        (first, _), (second, _) = rows
        await sim._act(actions.ignore, first, simulate.STAFF)()
        await sim._act(actions.approve, second, simulate.STAFF)()
        async with daemon.sessions() as session:
            handled = {
                r.id: (r.status, r.handled_by)
                for r in await session.scalars(select(Review).where(Review.id.in_([first, second])))
            }
    assert handled == {
        first: ("ignored", simulate.MANAGER.name),
        second: ("approved", simulate.MANAGER.name),
    }
