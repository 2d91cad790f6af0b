"""APScheduler's skipped-run warning is logged once when a slow job starts skipping runs
and once when it ends, not every interval while it runs."""

from __future__ import annotations

import asyncio
import logging

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES
from apscheduler.triggers.interval import IntervalTrigger

from reviewbot.app import skips


async def test_a_slow_job_logs_its_skipped_runs_once_per_episode(caplog):
    caplog.set_level(logging.INFO, logger="apscheduler")
    scheduler = skips.scheduler(timezone="UTC")
    release = asyncio.Event()
    seen: list[int] = []
    done, refused = asyncio.Event(), asyncio.Event()

    async def slow_poll() -> None:
        await release.wait()

    def on_event(event) -> None:
        seen.append(event.code)
        if seen.count(EVENT_JOB_MAX_INSTANCES) == 5:  # refused five times over
            refused.set()
        if event.code == EVENT_JOB_EXECUTED:
            done.set()

    scheduler.add_listener(on_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_EXECUTED)
    scheduler.add_job(slow_poll, IntervalTrigger(seconds=0.02), id="poll:1", max_instances=1)
    scheduler.start()
    try:
        await asyncio.wait_for(refused.wait(), 10)
        release.set()
        await asyncio.wait_for(done.wait(), 10)
    finally:
        scheduler.shutdown(wait=False)

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler")]
    skipped = [line for line in lines if line.startswith('job "poll:1"')]
    assert not any("maximum number of running instances" in line for line in lines)
    assert skipped[0] == 'job "poll:1" is still running: its next runs are skipped until it ends'
    assert skipped[1].startswith('job "poll:1" ended; ') and len(skipped) == 2
    count = int(skipped[1].split("; ")[1].split(" ")[0])
    assert count == seen[: seen.index(EVENT_JOB_EXECUTED)].count(EVENT_JOB_MAX_INSTANCES)
