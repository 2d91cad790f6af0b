"""A daemon in a process of its own, for a test to kill with SIGKILL while it works.

    python -m tests.harness.doomed SETTINGS_JSON CLOCK_ISO

It starts on the settings (its own instance name, as `reviewbot run` would pick), polls
every account once and drains the pipeline and the outbox, on a fake clock standing at
CLOCK_ISO; the test decides when it dies (the chat server it talks to can stall).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from reviewbot.app.daemon import Daemon
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings


async def main(settings: str, now: str) -> None:
    daemon = Daemon(
        parse_settings(json.loads(settings)), clock=FakeClock(datetime.fromisoformat(now))
    )
    await daemon.start(schedule=False)
    await daemon.poll_all_once()
    await daemon.drain()
    await daemon.stop()
    await daemon.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
