"""How long from a review appearing on a platform to its alert reaching chat, at scale.

    .venv/bin/python bench/latency.py [--stores 1,100,1000] [--poll-interval 10]
                                     [--seconds 30] [--rate 2] [--database-url URL]

For each number of stores, a fresh daemon (SQLite by default) polls one demo-platform
account per store and alerts through Telegram; the demo platform and the fake Telegram Bot
API server (tests/fakes/telegram.py) run in a second process. That process publishes
negative reviews at `--rate` per second to random stores for `--seconds`, and timestamps
each alert as the fake server receives it. The daemon is pinned to one core, the platform
side to another, so the daemon's figures are those of one core.

Prints figures only: p50, p95 and max of review-appears → alert-received, in seconds,
with the daemon's CPU use. The target is p95 under 5 s + the poll interval.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXT = "水煮鱼太咸了，送到的时候已经凉了，等了一个多小时，差评"
STAFF_CHAT = -1000000


def pin(cpu: int) -> None:
    """Run this process on one core (if the machine has it)."""
    if hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {cpu})


# -- the platform side: demo platform, fake Telegram, and the customers -----------------


def platform_side(conn: Any, stores: int, rate: float, seconds: float, seed: int) -> None:
    pin(1)
    asyncio.run(_platform_side(conn, stores, rate, seconds, seed))


async def _platform_side(conn: Any, stores: int, rate: float, seconds: float, seed: int) -> None:
    from reviewbot.platforms.demo.server import DemoPlatform, DemoServer
    from tests.fakes.telegram import FakeTelegram

    platform = DemoPlatform(seed=seed, reviews_per_minute=0, backlog=0, follow_up_probability=0)
    demo = DemoServer(platform, port=0, tick_seconds=3600)
    telegram = FakeTelegram()
    await demo.start()
    await telegram.start()
    conn.send({"demo": demo.base_url, "telegram": telegram.base_url})
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, conn.recv)  # the daemon is ready
    rng = random.Random(seed)
    published: dict[str, float] = {}
    wall: dict[str, float] = {}
    started, requests = time.monotonic(), platform.requests
    n = 0
    while time.monotonic() - started < seconds:
        n += 1
        marker = f"#B{n:06d}"
        shop = f"shop-{rng.randrange(stores):04d}"
        platform.add_review(shop, f"{TEXT} {marker}", 1, nickname=f"顾客{n}")
        published[marker] = time.monotonic()
        wall[marker] = time.time()
        await asyncio.sleep(rng.expovariate(rate))
    # Polls per second while customers posted (not diluted by the daemon's shutdown).
    polls = (platform.requests - requests) / (time.monotonic() - started)
    conn.send({"published": len(published), "wall": wall})
    await loop.run_in_executor(None, conn.recv)  # the daemon has had its time
    received: dict[str, float] = {}
    for call in telegram.calls:
        if call.method != "sendMessage":
            continue
        text = str(call.params.get("text", ""))
        for marker in published:
            if marker in text and marker not in received:
                received[marker] = call.at
    latencies = [received[m] - published[m] for m in published if m in received]
    conn.send({"latencies": latencies, "published": len(published), "polls": polls})
    await demo.stop()
    await telegram.stop()


# -- the daemon side ------------------------------------------------------------------------


def settings_for(stores: int, database_url: str, urls: dict[str, str], interval: float):
    from reviewbot.config import parse_settings

    return parse_settings(
        {
            "database": {"url": database_url},
            "demo": {"serve": False},
            "daemon": {"poll_interval_seconds": interval},
            "notifier": {"kind": "telegram"},
            "telegram": {
                "api_base_url": f"{urls['telegram']}/bot",
                "file_base_url": f"{urls['telegram']}/file/bot",
                "poll_timeout_seconds": 1,
            },
            "digest": {"enabled": False},
            "stores": [
                {
                    "id": f"store-{i:04d}",
                    "name": f"门店{i}",
                    "chat": {"telegram_chat_id": STAFF_CHAT - i},
                    "sources": [
                        {"platform": "demo", "account": f"shop-{i:04d}", "base_url": urls["demo"]}
                    ],
                }
                for i in range(stores)
            ],
        }
    )


async def measure(stores: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from reviewbot.app.daemon import Daemon
    from tests.fakes.telegram import TOKEN

    os.environ["TELEGRAM_BOT_TOKEN"] = TOKEN
    ours, theirs = mp.Pipe()
    child = mp.get_context("spawn").Process(
        target=platform_side, args=(theirs, stores, args.rate, args.seconds, args.seed)
    )
    child.start()
    loop = asyncio.get_running_loop()
    urls = await loop.run_in_executor(None, ours.recv)
    url = args.database_url or f"sqlite+aiosqlite:///{workdir / f'latency-{stores}.db'}"
    if args.database_url:
        await reset(args.database_url)
    daemon = Daemon(settings_for(stores, url, urls, args.poll_interval))
    started = time.monotonic()
    await daemon.start()
    startup = time.monotonic() - started
    # Every account polled once (first polls are spread over up to 3 s) before customers post.
    await asyncio.sleep(min(args.poll_interval, 3.0) + 2.0)
    cpu, wall = time.process_time(), time.monotonic()
    ours.send("go")
    sent = await loop.run_in_executor(None, ours.recv)
    published = sent["published"]
    await asyncio.sleep(args.poll_interval + 10.0)  # the last reviews' polls and alerts
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    inside, waiting = await seen_to_alert(daemon, sent["wall"])
    await daemon.stop()
    await daemon.close()
    ours.send("collect")
    result = await loop.run_in_executor(None, ours.recv)
    child.join(timeout=30)
    latencies = sorted(result["latencies"])
    return {
        "stores": stores,
        "published": published,
        "alerted": len(latencies),
        "p50": statistics.median(latencies) if latencies else None,
        "p95": percentile(latencies, 95),
        "max": latencies[-1] if latencies else None,
        "poll_p50": statistics.median(waiting) if waiting else None,
        "poll_p95": percentile(waiting, 95),
        "inside_p50": statistics.median(inside) if inside else None,
        "inside_p95": percentile(inside, 95),
        "cpu": cpu / wall,
        "startup": startup,
        "polls_per_second": result["polls"],
    }


def percentile(values: list[float], share: int) -> float | None:
    """Nearest rank, as in reviewbot.reporting.metrics."""
    ordered = sorted(values)
    return ordered[max(0, -(-share * len(ordered) // 100) - 1)] if ordered else None


async def seen_to_alert(daemon: Any, wall: dict[str, float]) -> tuple[list[float], list[float]]:
    """Where the time went: from the poll that first saw a review to its alert sent (the
    daemon's own work), and from publication to that poll (the poll interval, and how late
    polls ran)."""
    from sqlalchemy import select

    from reviewbot.store.schema import Alert, Review

    async with daemon.sessions() as session:
        rows = await session.execute(
            select(Review.text, Review.first_seen_at, Alert.sent_at)
            .join(Alert, Alert.review_id == Review.id)
            .where(Alert.sent_at.is_not(None))
        )
        inside, waiting = [], []
        for text, seen, sent in rows:
            inside.append((sent - seen).total_seconds())
            marker = (text or "").rsplit(" ", 1)[-1]
            if marker in wall:
                waiting.append(seen.timestamp() - wall[marker])
        return inside, waiting


async def reset(url: str) -> None:
    from sqlalchemy import text

    from reviewbot.store import db

    engine = db.create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", default="1,100,1000")
    parser.add_argument("--poll-interval", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long customers post")
    parser.add_argument("--rate", type=float, default=3.0, help="reviews per second, all stores")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL instead of a fresh SQLite file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # Every review of the bench has the same text: the variety guard runs out of fresh
    # wordings for a store and says so for each draft, which is beside the point here.
    logging.getLogger("reviewbot.replies.engine").setLevel(logging.ERROR)
    pin(0)
    print(
        f"poll interval {args.poll_interval:g} s, {args.rate:g} reviews/s for "
        f"{args.seconds:g} s, target p95 < {5 + args.poll_interval:g} s"
    )
    print(
        f"{'stores':>6} {'reviews':>7} {'alerted':>7} {'p50 s':>6} {'p95 s':>6} {'max s':>6}"
        f" | {'to poll p50':>11} {'p95':>5} | {'to alert p50':>12} {'p95':>5}"
        f" | {'cpu':>5} {'polls/s':>7} {'start s':>7}"
    )
    with tempfile.TemporaryDirectory(prefix="reviewbot-bench-") as tmp:
        for stores in (int(n) for n in args.stores.split(",")):
            r = asyncio.run(measure(stores, args, Path(tmp)))

            def f(v):
                return "—" if v is None else f"{v:.2f}"

            print(
                f"{r['stores']:>6} {r['published']:>7} {r['alerted']:>7} {f(r['p50']):>6} "
                f"{f(r['p95']):>6} {f(r['max']):>6} | {f(r['poll_p50']):>11} "
                f"{f(r['poll_p95']):>5} | {f(r['inside_p50']):>12} "
                f"{f(r['inside_p95']):>5} | {r['cpu']:>5.0%} "
                f"{r['polls_per_second']:>7.1f} {r['startup']:>7.1f}",
                flush=True,
            )
            if os.environ.get("BENCH_JSON"):
                print(json.dumps(r))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
