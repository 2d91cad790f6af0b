"""APScheduler's "maximum number of running instances reached" warning, once per episode.

While a job runs long (a slow poll), APScheduler refuses each of its next runs and logs a
warning every time: every 2 s for a fast interval, hundreds of lines that bury everything
else. Here the first refusal is logged (the job is still running, its runs are skipped),
the rest are counted, and one line says when the job ended and how many runs it skipped.
"""

from __future__ import annotations

import logging

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

_SKIPPED = "maximum number of running instances reached"


class SkipEpisodes(logging.Filter):
    """Lets the first skip of an episode through (reworded) and counts the others."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__()
        self.logger = logger
        self.skipped: dict[str, int] = {}  # job id -> runs skipped in its current episode

    def filter(self, record: logging.LogRecord) -> bool:
        if _SKIPPED not in str(record.msg) or not record.args:
            return True
        job = record.args[0] if isinstance(record.args, tuple) else None
        job_id = str(getattr(job, "id", job))
        if job_id in self.skipped:
            self.skipped[job_id] += 1
            return False
        self.skipped[job_id] = 1
        record.msg = 'job "%s" is still running: its next runs are skipped until it ends'
        record.args = (job_id,)
        return True

    def ended(self, event: JobExecutionEvent) -> None:
        """A run finished: close its job's episode, if one was open, in one line."""
        count = self.skipped.pop(event.job_id, None)
        if count is not None:
            self.logger.warning(
                'job "%s" ended; %d run(s) were skipped while it ran', event.job_id, count
            )


def scheduler(**options: object) -> AsyncIOScheduler:
    """An AsyncIOScheduler that logs skipped runs once per episode. It gets a logger of its
    own (under apscheduler.scheduler, so levels and handlers apply as before), so the
    filter never touches another scheduler's records."""
    parent = logging.getLogger("apscheduler.scheduler")
    logger = logging.Logger(parent.name)
    logger.parent = parent
    episodes = SkipEpisodes(logger)
    logger.addFilter(episodes)
    made = AsyncIOScheduler(logger=logger, **options)
    made.add_listener(episodes.ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return made
