"""How long alerts and replies stop when a daemon is killed with SIGKILL in the middle of work.

    .venv/bin/python bench/failover.py [--kills 8] [--seed 1] [--rate 0.7] [--keep]
                                       [--postgres postgresql+asyncpg://…/db]

A bench, not a test (pytest never collects it): it takes one to four minutes of real time.
SQLite needs nothing else; `--postgres URL` needs a database of its own, whose tables are
dropped first (e.g. `createdb -h 127.0.0.1 -U postgres rb_bench`).

The demo platform and the fake Telegram Bot API server (tests/fakes/telegram.py) run in
this process; the daemon runs as `reviewbot run` in a subprocess, as an operator runs it.
Customers post negative reviews at `--rate` per second, and the store owner taps
"✅ 通过并发布" on each alert card, so a reply is posted for each (through the Telegram
updates reader and the outbox). At a random moment, while reviews, alerts and replies are
flowing, the daemon gets SIGKILL:

- SQLite: it is restarted at once (same host, same database: the same instance name), `--kills`
  times;
- `--postgres URL`: two replicas run, and the one reading Telegram updates is killed and kept
  dead until the survivor has taken the updates over and alerted and posted again, then
  restarted (the next kill waits until it runs), `--kills` times.

Prints, per kill and then as median, p95 and max (seconds): kill → the restarted daemon
running again (SQLite) or the survivor reading Telegram updates (PostgreSQL, the lease
takeover), kill → next alert card, kill → next reply posted on the platform. Then, once
everything has settled, what was lost or duplicated: reviews stored once; one alert card
per review, where a second card is counted as "duplicated" when it does not say it may be
a repeat, and apart, as "repeated with the 可能重复 warning", when it does (the daemon was
killed after Telegram took the card and before it was recorded: still a second message);
the sends found cut off by a kill (audit `outbox.interrupted`, by outbox kind); one reply
per review on the platform (a reply posted again after a crash is counted: the demo
platform keeps one). The target is under 30 s, with nothing lost or duplicated.

`--keep` keeps the daemons' logs and the SQLite file (the path is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.platforms.demo.server import DemoPlatform, DemoServer  # noqa: E402
from tests.fakes.telegram import TOKEN, FakeTelegram  # noqa: E402

REPEAT_MARK = "可能重复"  # the line a card sent again after a cut-off attempt carries
CARD_LINE = "评价：</b>"  # the label of an alert card's review line (chat/telegram/render.py)

OWNER = 1001
STAFF_CHAT = -100100
TEXTS = [
    "水煮鱼太咸了，送到的时候已经凉了",
    "麻婆豆腐一点都不麻，分量也少，差评",
    "等了一个多小时才送到，汤都洒了",
    "酸辣汤又酸又咸，喝不下去，不会再点了",
    "米饭是夹生的，菜也凉了，很失望",
]
WAIT = 120.0  # longest a kill may stop alerts or replies before the run counts it as lost


class CountingPlatform(DemoPlatform):
    """The demo platform, remembering when each review's reply first arrived and how often
    it was posted."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.posts: Counter[str] = Counter()
        self.first_post: dict[str, float] = {}

    def reply(self, shop_id: str, review_id: str, content: str):  # type: ignore[override]
        review = super().reply(shop_id, review_id, content)
        self.posts[review_id] += 1
        self.first_post.setdefault(review_id, time.monotonic())
        return review


@dataclass
class World:
    platform: CountingPlatform
    telegram: FakeTelegram
    workdir: Path
    rng: random.Random
    published: dict[str, str] = field(default_factory=dict)  # marker → platform review id
    pressed: set[int] = field(default_factory=set)

    def alerts(self) -> dict[str, list[tuple[float, bool]]]:
        """Marker → each alert card carrying it that Telegram took: when, and whether it
        says it may be a repeat (sent again after an attempt cut off by a kill)."""
        sent: dict[str, list[tuple[float, bool]]] = {}
        for call in self.telegram.calls:
            text = str(call.params.get("text", ""))
            # A card has the review's line; a card sent again after its review was
            # approved through the first copy has no buttons left, and still counts.
            if call.method != "sendMessage" or CARD_LINE not in text:
                continue
            for marker in self.published:
                if marker in text:
                    sent.setdefault(marker, []).append((call.at, REPEAT_MARK in text))
        return sent

    def next_alert(self, after: float) -> float | None:
        times = [t for cards in self.alerts().values() for t, _ in cards if t > after]
        return min(times) if times else None

    def next_post(self, after: float) -> float | None:
        times = [t for t in self.platform.first_post.values() if t > after]
        return min(times) if times else None


async def customers(world: World, rate: float, stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        marker = f"#F{n:05d}"
        review = world.platform.add_review(
            "shop-1", f"{world.rng.choice(TEXTS)} {marker}", 1, nickname=f"顾客{n}"
        )
        world.published[marker] = review.review_id
        await asyncio.sleep(world.rng.expovariate(rate))


async def owner_taps_approve(world: World, stop: asyncio.Event) -> None:
    """The owner approves each card's draft once, as it arrives."""
    while not stop.is_set():
        for card in world.telegram.cards(STAFF_CHAT):
            if card["message_id"] in world.pressed:
                continue
            with contextlib.suppress(AssertionError):  # a card already without its buttons
                world.telegram.press(OWNER, card, world.telegram.button(card, "a"))
                world.pressed.add(card["message_id"])
        await asyncio.sleep(0.3)


def config(world: World, demo_url: str, database_url: str, instance: str | None) -> Path:
    name = instance or "single"
    log_dir = world.workdir / name
    log_dir.mkdir(exist_ok=True)
    instance_line = f'instance = "{instance}"' if instance else ""
    text = f"""
[database]
url = "{database_url}"

[daemon]
poll_interval_seconds = 2
{instance_line}

[demo]
serve = false

[digest]
enabled = false

[notifier]
kind = "telegram"

[telegram]
api_base_url = "{world.telegram.base_url}/bot"
file_base_url = "{world.telegram.base_url}/file/bot"
poll_timeout_seconds = 1

[[people]]
name = "王老板"
telegram_user_id = {OWNER}
role = "owner"
stores = ["*"]

[[stores]]
id = "store-1"
name = "测试小馆"
chat = {{ telegram_chat_id = {STAFF_CHAT} }}
facts = {{ signature = "测试小馆 店长", contact = "店长电话 010-1234 5678" }}

[[stores.sources]]
platform = "demo"
account = "shop-1"
base_url = "{demo_url}"
poll_interval_seconds = 2
"""
    path = log_dir / "reviewbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Replica:
    """`reviewbot run` in a subprocess, its output appended to a log file."""

    def __init__(self, name: str, config_path: Path) -> None:
        self.name = name
        self.config = config_path
        self.log = config_path.with_name("daemon.log")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "reviewbot",
                "run",
                "--config",
                str(self.config),
                stdout=out,
                stderr=out,
                env=env,
                cwd=self.config.parent,
            )

    def said(self, words: str) -> int:
        """How many lines of its log (every run of it so far) contain `words`."""
        if not self.log.exists():
            return 0
        return self.log.read_text(encoding="utf-8", errors="replace").count(words)

    async def until_it_says(self, words: str, since: float, seen: int) -> float | None:
        """Seconds from `since` until its log has more than `seen` lines with `words`."""
        while time.monotonic() < since + WAIT:
            if self.said(words) > seen:
                return time.monotonic() - since
            await asyncio.sleep(0.1)
        return None

    def kill(self) -> float:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        return time.monotonic()

    async def wait(self) -> None:
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=60)
            except TimeoutError:
                self.process.send_signal(signal.SIGKILL)
                await self.process.wait()


async def resumed(world: World, killed_at: float) -> tuple[float | None, float | None]:
    """Seconds from the kill to the next alert card and to the next reply posted."""
    deadline = killed_at + WAIT
    alert = post = None
    while time.monotonic() < deadline and (alert is None or post is None):
        await asyncio.sleep(0.2)
        if alert is None and (at := world.next_alert(killed_at)) is not None:
            alert = at - killed_at
        if post is None and (at := world.next_post(killed_at)) is not None:
            post = at - killed_at
    return alert, post


async def reader_of_updates(database_url: str) -> str | None:
    """Which instance holds the Telegram updates lease now."""
    from sqlalchemy import select

    from reviewbot.store import db
    from reviewbot.store.schema import Lease

    engine = db.create_engine(database_url)
    try:
        async with db.session_factory(engine)() as session:
            return await session.scalar(select(Lease.owner).where(Lease.name == "telegram:updates"))
    finally:
        await engine.dispose()


async def reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from reviewbot.store import db

    engine = db.create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def stored(database_url: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Platform review id → review rows stored for it, and → alert rows made for it; and
    outbox kind → messages whose send was found cut off by a kill (audit)."""
    from sqlalchemy import select

    from reviewbot.store import db
    from reviewbot.store.schema import Alert, AuditEntry, Review

    engine = db.create_engine(database_url)
    try:
        async with db.session_factory(engine)() as session:
            reviews = Counter((await session.scalars(select(Review.external_id))).all())
            alerts = Counter(
                (
                    await session.scalars(
                        select(Review.external_id).join(Alert, Alert.review_id == Review.id)
                    )
                ).all()
            )
            cut_off = (
                await session.scalars(
                    select(AuditEntry).where(AuditEntry.action == "outbox.interrupted")
                )
            ).all()
            interrupted = Counter(str((e.details or {}).get("kind")) for e in cut_off)
            return reviews, alerts, interrupted
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    world = World(
        CountingPlatform(seed=args.seed, reviews_per_minute=0, backlog=0, follow_up_probability=0),
        FakeTelegram(),
        workdir,
        random.Random(args.seed),
    )
    demo = DemoServer(world.platform, port=0, tick_seconds=3600)
    demo_url = await demo.start()
    await world.telegram.start()
    postgres = args.postgres
    if postgres:
        await reset_postgres(postgres)
        database_url = postgres
        names = ["replica-a", "replica-b"]
    else:
        database_url = f"sqlite+aiosqlite:///{workdir / 'failover.db'}"
        names = [None]
    replicas = {
        n or "single": Replica(n or "single", config(world, demo_url, database_url, n))
        for n in names
    }
    for replica in replicas.values():
        await replica.start()
    stop, done = asyncio.Event(), asyncio.Event()
    tasks = [
        asyncio.create_task(customers(world, args.rate, stop)),
        asyncio.create_task(owner_taps_approve(world, done)),
    ]
    outages: list[tuple[float | None, float | None]] = []
    readies: list[float | None] = []
    try:
        # Running: alerts and replies flowing before the first kill.
        first_alert, first_post = await resumed(world, time.monotonic())
        if first_alert is None or first_post is None:
            raise SystemExit(f"the daemon never alerted or posted; see the logs in {workdir}")
        for k in range(args.kills):
            await asyncio.sleep(world.rng.uniform(1.0, 6.0))  # a random moment mid-work
            if postgres:
                holder = await reader_of_updates(database_url)
                victim = replicas.get(holder or "") or world.rng.choice(list(replicas.values()))
            else:
                (victim,) = replicas.values()
            # What the work waits for: the restarted daemon to be running again, or the
            # survivor to take the Telegram updates lease over (the other leases go with it).
            if postgres:
                (watched,) = (r for r in replicas.values() if r is not victim)
                words = "reading Telegram updates"
            else:
                watched, words = victim, "reviewbot running"
            seen = watched.said(words)
            killed_at = victim.kill()
            wall_clock = time.strftime("%H:%M:%S")  # to find the kill in the daemons' logs
            back = asyncio.create_task(watched.until_it_says(words, killed_at, seen))
            await victim.wait()
            if not postgres:
                await victim.start()  # at once: same host, same database, same name
            alert, post = await resumed(world, killed_at)
            outages.append((alert, post))
            ready = await back
            # Restarted only once the survivor took the updates over (else the victim takes
            # its own lease back at start), and the next kill waits until it runs.
            if postgres:
                running = victim.said("reviewbot running")
                await victim.start()
                await victim.until_it_says("reviewbot running", time.monotonic(), running)
            readies.append(ready)
            what = "survivor reads updates" if postgres else "restarted daemon running"
            print(
                f"  kill {k + 1} ({victim.name}, {wall_clock}): {what} {fmt(ready)} s, "
                f"next alert {fmt(alert)} s, next reply posted {fmt(post)} s",
                flush=True,
            )
        stop.set()  # no more reviews; the owner keeps approving what is alerted
        # Everything published is alerted and answered once the daemons catch up.
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            alerts = world.alerts()
            if len(alerts) == len(world.published) and len(world.platform.first_post) == len(
                world.published
            ):
                break
            await asyncio.sleep(0.5)
    finally:
        stop.set()
        done.set()
        for task in tasks:
            task.cancel()
        for replica in replicas.values():
            await replica.stop()
        await world.telegram.stop()
        await demo.stop()
    reviews, alert_rows, interrupted = await stored(database_url)
    alerts = world.alerts()
    ids = set(world.published.values())
    return {
        "outages": outages,
        "readies": readies,
        "published": len(world.published),
        "reviews_lost": len(ids - set(reviews)),
        "reviews_duplicated": sum(1 for i in ids if reviews[i] > 1),
        "alerts_lost": sum(1 for m in world.published if m not in alerts),
        # A second card that does not say it may be a repeat: staff are not warned.
        "alerts_duplicated": sum(
            1 for cards in alerts.values() if sum(not marked for _, marked in cards) > 1
        ),
        # A second card that says so (可能重复): still a second message, counted apart.
        "alerts_repeated_marked": sum(
            1 for cards in alerts.values() if len(cards) > 1 and any(m for _, m in cards)
        ),
        # A card marked as a possible repeat that was in fact the only one (the kill came
        # before Telegram took the first attempt): a needless warning, no second message.
        "alerts_marked_alone": sum(
            1 for cards in alerts.values() if len(cards) == 1 and cards[0][1]
        ),
        "interrupted": interrupted,
        "alert_rows_duplicated": sum(1 for i in ids if alert_rows[i] > 1),
        "replies_lost": len(ids - set(world.platform.first_post)),
        "replies_resent": sum(1 for i in ids if world.platform.posts[i] > 1),
        "replies_on_platform": len(world.platform.replies),
    }


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def percentile(values: list[float], share: int) -> float | None:
    """Nearest rank, as in reviewbot.reporting.metrics."""
    ordered = sorted(values)
    return ordered[max(0, -(-share * len(ordered) // 100) - 1)] if ordered else None


def summary(label: str, values: list[float | None]) -> str:
    seen = [v for v in values if v is not None]
    missing = len(values) - len(seen)
    if not seen:
        return f"{label}: none within {WAIT:.0f} s"
    return (
        f"{label}: median {statistics.median(seen):.1f} s, p95 {fmt(percentile(seen, 95))} s, "
        f"max {max(seen):.1f} s" + (f", {missing} not within {WAIT:.0f} s" if missing else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.7, help="reviews per second")
    parser.add_argument("--postgres", metavar="URL", help="two replicas on this database")
    parser.add_argument("--keep", action="store_true", help="keep the logs and database")
    args = parser.parse_args()
    # A killed daemon's half-sent requests make the fake servers log connection resets.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    mode = "PostgreSQL, two replicas" if args.postgres else "SQLite, one daemon restarted"
    print(f"failover: {mode}, {args.kills} × SIGKILL, {args.rate:g} reviews/s", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="reviewbot-failover-"))
    r = asyncio.run(run(args, workdir))
    if not args.keep:  # kept when the run fails or when asked: the daemons' logs are there
        shutil.rmtree(workdir)
    else:
        print(f"logs and database in {workdir}")
    takeover = " (takeover by the other replica)" if args.postgres else ""
    ready = "survivor reads Telegram updates" if args.postgres else "restarted daemon running"
    print(summary(f"kill → {ready}", r["readies"]))
    print(summary(f"kill → next alert{takeover}", [a for a, _ in r["outages"]]))
    print(summary(f"kill → next reply posted{takeover}", [p for _, p in r["outages"]]))
    print(
        f"reviews published {r['published']}: lost {r['reviews_lost']}, "
        f"duplicated {r['reviews_duplicated']}"
    )
    print(
        f"alert cards lost {r['alerts_lost']}, duplicated {r['alerts_duplicated']} "
        f"(a second card without warning; alerts made twice {r['alert_rows_duplicated']})"
    )
    print(
        f"alert cards repeated with the 可能重复 warning {r['alerts_repeated_marked']} "
        f"(a second message all the same: Telegram took the card, the daemon was killed "
        f"before recording it); warned but the only card {r['alerts_marked_alone']}"
    )
    cut = ", ".join(f"{kind} {n}" for kind, n in sorted(r["interrupted"].items())) or "none"
    print(f"sends found cut off by a kill (audit outbox.interrupted): {cut}")
    print(
        f"replies lost {r['replies_lost']}, on the platform {r['replies_on_platform']} "
        f"(one per review; {r['replies_resent']} posted again after a crash, idempotent)"
    )


if __name__ == "__main__":
    main()
