"""`reviewbot demo`: the whole loop in one command, on a throwaway database.

The demo platform starts in-process and publishes reviews quickly; the daemon polls it,
analyzes, drafts and prints alerts; at the end everything ingested is processed and a
one-line JSON summary is returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path
from typing import Any

from reviewbot.app.daemon import Daemon
from reviewbot.config import Settings, parse_settings
from reviewbot.platforms.demo.corpus import load_corpus

DEMO_STORE_ID = "laojiefang"


def demo_settings(database: Path, *, seed: int | None = None, rate: float = 40.0) -> Settings:
    menu = list(load_corpus().menu)
    return parse_settings(
        {
            "database": {"url": f"sqlite+aiosqlite:///{database}"},
            "daemon": {
                "poll_interval_seconds": 2,
                "pipeline_interval_seconds": 1,
                "outbox_interval_seconds": 0.5,
            },
            "demo": {
                "port": 0,
                "reviews_per_minute": rate,
                "backlog": 6,
                "seed": seed,
                "follow_up_probability": 0.5,
            },
            "stores": [
                {
                    "id": DEMO_STORE_ID,
                    "name": "老街坊川菜馆",
                    "facts": {
                        "signature": "老街坊川菜馆 店长老王",
                        "contact": "店长电话 028-6543 2100",
                        "menu": menu,
                        "proofs": [
                            "食品经营许可证 JY25101070012345",
                            "餐饮服务食品安全量化分级 A 级",
                        ],
                    },
                    "sources": [{"platform": "demo", "account": "laojiefang-demo"}],
                }
            ],
        }
    )


async def run_demo(
    seconds: float, *, seed: int | None = None, stop: asyncio.Event | None = None
) -> dict[str, Any]:
    """Run the loop for `seconds` (or until `stop` is set); returns the summary counts."""
    with tempfile.TemporaryDirectory(prefix="reviewbot-demo-") as tmp:
        daemon = Daemon(demo_settings(Path(tmp) / "demo.db", seed=seed))
        await daemon.start()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for((stop or asyncio.Event()).wait(), timeout=seconds)
        finally:
            await daemon.stop(drain=True)
        try:
            return await daemon.summary()
        finally:
            await daemon.close()
