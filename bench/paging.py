"""How often people are paged during a burst of complaints, on a fake clock.

    .venv/bin/python bench/paging.py [--complaints 40] [--seconds 150] [--hours 2]

The daemon (SQLite in a temporary folder, the demo platform, the console notifier) sees
`--complaints` bad reviews within `--seconds`, polled one by one, a mix of food complaints,
food-safety claims and service complaints; then time runs on for `--hours` with nothing
new. Printed: pages per recipient, the crisis pages to the owner, and the most pages any
recipient got within one hour. The paging keys are [speed_window] update_minutes and
pages_per_hour (defaults 30 and 4); pass --update-minutes / --pages-per-hour to try others.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.app.daemon import Daemon  # noqa: E402
from reviewbot.chat.console import ConsoleNotifier  # noqa: E402
from reviewbot.clock import FakeClock  # noqa: E402
from reviewbot.config import parse_settings  # noqa: E402
from reviewbot.platforms.demo.server import DemoPlatform, DemoServer  # noqa: E402

NOTICE = re.compile(r"━━━ \S+ · 小馆 · 致(\S+) ━━━\n(.*?)(?=\n━━━|\Z)", re.S)
TEXTS = (
    "菜太咸了，难吃",
    "这菜又咸又油，难吃死了",
    "菜都是凉的，太难吃了",
    "鱼不新鲜，难吃",
    "吃完上吐下泻，怀疑食物中毒",
    "我也是吃完拉肚子一整晚",
    "吃了以后胃疼呕吐，去了医院",
    "服务员态度太差了，叫了几次都没人理",
    "等了一个小时才上菜，服务太慢",
)


async def run(args: argparse.Namespace) -> None:
    platform = DemoPlatform(seed=7, reviews_per_minute=0, backlog=0, follow_up_probability=0)
    server = DemoServer(platform, port=0, tick_seconds=0.05)
    await server.start()
    clock = FakeClock()
    out = io.StringIO()
    log: list[tuple[datetime, str, str]] = []
    read = 0
    with tempfile.TemporaryDirectory() as folder:
        settings = parse_settings(
            {
                "database": {"url": f"sqlite+aiosqlite:///{folder}/bench.db"},
                "demo": {"serve": False},
                "daemon": {"poll_interval_seconds": 1},
                "speed_window": {
                    "update_minutes": args.update_minutes,
                    "pages_per_hour": args.pages_per_hour,
                },
                "stores": [
                    {
                        "id": "s",
                        "name": "小馆",
                        "facts": {"signature": "小馆", "contact": "电话 010-1234 5678"},
                        "sources": [
                            {"platform": "demo", "account": "a", "base_url": server.base_url}
                        ],
                    }
                ],
            }
        )
        daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(out, color=False))
        await daemon.start(schedule=False)

        async def step() -> None:
            nonlocal read
            await daemon.drain()
            new, read = out.getvalue()[read:], len(out.getvalue())
            log.extend((clock.now(), to, text) for to, text in NOTICE.findall(new))

        try:
            for n in range(args.complaints):
                platform.add_review("a", f"第{n + 1}位顾客：{TEXTS[n % len(TEXTS)]}", 1)
                await daemon.poll_all_once()
                await step()
                clock.advance(seconds=args.seconds / args.complaints)
            end = clock.now() + timedelta(hours=args.hours)
            while clock.now() < end:
                clock.advance(minutes=5)
                await step()
        finally:
            await daemon.stop()
            await daemon.close()
            await server.stop()

    def most_in_an_hour(whom: str) -> int:
        times = [at for at, to, _ in log if to == whom]
        hour = timedelta(hours=1)
        return max((sum(1 for t in times if s <= t < s + hour) for s in times), default=0)

    crisis = [text.splitlines()[0] for _, to, text in log if to == "店主" and "危机" in text]
    print(
        f"{args.complaints} complaints in {args.seconds:g} s, then {args.hours:g} h; "
        f"update_minutes={args.update_minutes:g}, pages_per_hour={args.pages_per_hour}"
    )
    for whom, count in sorted(Counter(to for _, to, _ in log).items()):
        print(f"  to {whom}: {count} message(s), at most {most_in_an_hour(whom)} in one hour")
    print(f"  crisis pages to the owner: {len(crisis)}")
    for line in crisis:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=150)
    parser.add_argument("--hours", type=float, default=2)
    parser.add_argument("--update-minutes", type=float, default=30)
    parser.add_argument("--pages-per-hour", type=int, default=4)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
