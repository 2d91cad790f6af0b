"""The Feishu app bot: how fast a tap is answered, and how soon cards held while Feishu
was out of reach go out once it is back.

    .venv/bin/python bench/feishu.py [--taps 40] [--held 5]

A daemon (SQLite, the demo platform, the fake Feishu of tests/fakes/feishu.py driven by
the real lark-oapi SDK) posts a card; the fake then sends `--taps` taps (⏰ 稍后提醒, which
records and redraws the card each time) over the long connection, one after another, and
the wall-clock time from the tap frame sent to the SDK's answer frame received is
measured. Then Feishu refuses every REST call while `--held` reviews arrive; it comes back
and the script counts the seconds of daemon time (one outbox run a second, as the
scheduler does) until every held card is in the group.

Prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXT = "水煮鱼太咸了，送到的时候已经凉了"


async def run(taps: int, held: int) -> None:
    from reviewbot.app.daemon import Daemon
    from reviewbot.chat.console import ConsoleNotifier
    from reviewbot.clock import FakeClock
    from reviewbot.platforms.demo.server import DemoPlatform, DemoServer
    from tests.fakes.feishu import FakeFeishu
    from tests.test_feishu import APP_ID, CHAT, SECRET, STAFF, settings

    os.environ["RB_FEISHU_SECRET"] = SECRET
    platform = DemoPlatform(seed=7, reviews_per_minute=0, backlog=0, follow_up_probability=0)
    demo = DemoServer(platform, port=0, tick_seconds=3600)
    await demo.start()
    fake = FakeFeishu(APP_ID, SECRET, {CHAT})
    await fake.start()
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        config = settings(f"sqlite+aiosqlite:///{tmp}/bench.db", demo.base_url, fake)
        daemon = Daemon(config, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
        await daemon.start(schedule=False)
        try:
            await fake.wait_for(lambda: fake.connections)
            platform.add_review("shop-1", TEXT, 1)
            clock.advance(minutes=5)
            await daemon.poll_all_once()
            for _ in range(5):
                await daemon.drain()
                clock.advance(seconds=5)
            (card,) = fake.cards(CHAT)
            value = fake.button(card, "snooze")
            times = []
            for _ in range(taps):
                start = time.perf_counter()
                await fake.tap(STAFF, card["message_id"], value)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            print(
                f"tap -> answer over the long connection ({taps} taps, wall clock): "
                f"median {statistics.median(times):.0f} ms, "
                f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms, max {times[-1]:.0f} ms"
            )

            fake.down = True
            for n in range(held):
                platform.add_review("shop-1", f"{TEXT}（{n + 1}号桌）", 1)
            clock.advance(minutes=5)
            await daemon.poll_all_once()
            await daemon.drain()
            for _ in range(600):  # ten minutes out of reach, one outbox run a second
                clock.advance(seconds=1)
                await daemon.dispatcher.run_once()
            fake.down = False
            waited = 0
            while len(fake.cards(CHAT)) < held + 1:
                if waited > 600:
                    raise RuntimeError("held cards not delivered 10 minutes after the outage")
                clock.advance(seconds=1)
                waited += 1
                await daemon.dispatcher.run_once()
            print(
                f"Feishu back -> {held} held cards delivered: {waited} s (daemon time), "
                f"{len(fake.cards(CHAT)) - 1} cards, none twice"
            )
        finally:
            await daemon.stop()
            await daemon.close()
            await fake.stop()
            await demo.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=40)
    parser.add_argument("--held", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("Lark").setLevel(logging.CRITICAL)
    asyncio.run(run(args.taps, args.held))


if __name__ == "__main__":
    main()
