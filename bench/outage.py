"""How soon alerts held during a Telegram outage go out once Telegram is back.

    .venv/bin/python bench/outage.py [--trials 10] [--outage-minutes 10] [--stores 1]

A daemon (SQLite, the demo platform, the fake Telegram Bot API of tests/fakes/) runs on a
fake clock that the script moves like the scheduler would: one outbox run per second.
Telegram refuses every sendMessage for `--outage-minutes` (502s) while a negative review
arrives for each store; then it comes back, and the script counts the seconds (daemon
time) until every held alert has reached the chat. Repeated `--trials` times, since the
retry delays are jittered.

Prints figures only: median and max of Telegram back → last held alert delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXT = "水煮鱼太咸了，送到的时候已经凉了，差评"


async def trial(outage_minutes: float, stores: int) -> float:
    from reviewbot.app.daemon import Daemon
    from reviewbot.clock import FakeClock
    from reviewbot.config import parse_settings
    from reviewbot.platforms.demo.server import DemoPlatform, DemoServer
    from tests.conftest import TEST_FACTS  # noqa: F401  (loads the harness in its order)
    from tests.fakes.telegram import TOKEN, FakeTelegram
    from tests.harness.telegram import telegram_settings

    os.environ["TELEGRAM_BOT_TOKEN"] = TOKEN
    platform = DemoPlatform(seed=7, reviews_per_minute=0, backlog=0, follow_up_probability=0)
    demo = DemoServer(platform, port=0, tick_seconds=3600)
    await demo.start()
    fake = FakeTelegram()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = telegram_settings(
            f"sqlite+aiosqlite:///{tmp}/bench.db", demo.base_url, fake.base_url
        )
        template = settings["stores"][1]
        settings["people"] = [p for p in settings["people"] if "stores" in p]
        for person in settings["people"]:
            person["stores"] = ["*"] if person["stores"] == ["*"] else ["store-1"]
        settings["stores"] = [settings["stores"][0]] + [
            {
                **template,
                "id": f"store-{n}",
                "name": f"分店{n}",
                "chat": {"telegram_chat_id": -100000 - n},
                "sources": [{**template["sources"][0], "account": f"shop-{n}"}],
            }
            for n in range(2, stores + 1)
        ]
        clock = FakeClock()
        daemon = Daemon(parse_settings(settings), clock=clock)
        await daemon.start(schedule=False)
        try:
            fake.fail("sendMessage", 502, times=100_000)
            for n in range(1, stores + 1):
                platform.add_review(f"shop-{n}", TEXT, 1)
            clock.advance(minutes=5)
            await daemon.poll_all_once()
            await daemon.drain()
            for _ in range(int(outage_minutes * 60)):  # the outage, one outbox run a second
                clock.advance(seconds=1)
                await daemon.dispatcher.run_once()
            fake.faults.clear()  # Telegram is back
            chats = [s["chat"]["telegram_chat_id"] for s in settings["stores"]]
            waited = 0
            while not all(fake.cards(chat) for chat in chats):
                if waited > 600:
                    raise RuntimeError("held alerts not delivered 10 minutes after the outage")
                clock.advance(seconds=1)
                waited += 1
                await daemon.dispatcher.run_once()
            return float(waited)
        finally:
            await daemon.stop()
            await daemon.close()
            await fake.stop()
            await demo.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--outage-minutes", type=float, default=10)
    parser.add_argument("--stores", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    delays = [await trial(args.outage_minutes, args.stores) for _ in range(args.trials)]
    print(
        f"Telegram back -> held alerts delivered ({args.stores} store(s), "
        f"{args.outage_minutes:g} min outage, {args.trials} trials): "
        f"median {statistics.median(delays):.0f} s, max {max(delays):.0f} s"
    )


if __name__ == "__main__":
    asyncio.run(main())
