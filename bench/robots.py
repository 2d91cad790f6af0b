"""Benchmark the group robots' side of delivery: drawing and signing cards, and fitting a
summary, posted for real (aiohttp) to the local fakes of tests/fakes/robots.py.

    .venv/bin/python bench/robots.py [--cards 200]

Prints, per service: cards posted per second (render, sign, POST, read the answer; the
fake's rate limit lifted), the bytes of the largest card, and how many one-line alerts one
summary holds within the service's size limit (out of 200 waiting).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviewbot.chat.robots.dingtalk import DingTalkRobot
from reviewbot.chat.robots.feishu import FeishuRobot
from reviewbot.chat.robots.wecom import WeComRobot
from reviewbot.clock import FakeClock
from tests.fakes.robots import FakeDingTalk, FakeFeishu, FakeWeCom
from tests.test_robots import long_alert

SECRET = "SECbench0123456789"


async def main(cards: int) -> None:
    clock = FakeClock()
    alert = long_alert()
    print(f"{'service':<10} {'cards/s':>8} {'largest card (B)':>17} {'summary holds':>14}")
    async with aiohttp.ClientSession() as http:
        for name, fake_class, robot_class in (
            ("wecom", FakeWeCom, WeComRobot),
            ("dingtalk", FakeDingTalk, DingTalkRobot),
            ("feishu", FakeFeishu, FeishuRobot),
        ):
            fake = fake_class(clock.now)
            fake.per_minute, fake.per_second = 10**9, None
            await fake.start()
            secret = None if robot_class is WeComRobot else SECRET
            robot = robot_class(
                http,
                key=name,
                webhook=fake.add("bench", secret),
                webhook_env="BENCH_HOOK",
                secret=secret,
                public_url="https://console.example.cn",
            )
            started = time.perf_counter()
            for n in range(cards):
                await robot.send_alert(replace(alert, review_id=n))
            rate = cards / (time.perf_counter() - started)
            largest = max(
                len(json.dumps(m["body"], ensure_ascii=False).encode()) for m in fake.received
            )
            waiting = [replace(alert, review_id=n) for n in range(200)]
            held = (await robot.send_summary(waiting))["count"]
            print(f"{name:<10} {rate:>8.0f} {largest:>17} {held:>10}/200")
            await fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=200)
    asyncio.run(main(parser.parse_args().cards))
