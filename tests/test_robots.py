"""Group robots (WeCom, DingTalk, Feishu) beside the notifier: signed cards from the
daemon's outbox to local fakes that check each service's signature, the 20-a-minute limit
with the overflow merged into one summary, bad credentials reported plainly, per-store
routing, and nothing lost to an outage or a restart."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from argparse import Namespace
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from reviewbot.app.cli import cmd_channels
from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.chat.notices import REPEAT_NOTE, Notice
from reviewbot.chat.robots.base import Robot, RobotError
from reviewbot.chat.robots.dingtalk import DingTalkRobot
from reviewbot.chat.robots.feishu import FeishuRobot
from reviewbot.chat.robots.wecom import WeComRobot
from reviewbot.clock import FakeClock
from reviewbot.store.alerts import queue_notice
from reviewbot.store.health import channel_health
from reviewbot.store.schema import OutboxMessage
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.cards import AlertView
from reviewbot.workflow.desk import Desk
from tests.conftest import TEST_FACTS, make_settings
from tests.fakes.robots import FakeDingTalk, FakeFeishu, FakeWeCom
from tests.fakes.telegram import TOKEN
from tests.harness.daemon import start_daemon
from tests.harness.telegram import NEGATIVE, STAFF_CHAT, telegram_settings

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

DT_SECRET = "SECdingtalk0123456789abcdefghijklmnopqrstuvwxyz"
FS_SECRET = "feishuSigningSecret0123"
CONSOLE = "https://console.example.cn"
# A loaded test machine may answer slowly: a post cut off by a timeout is retried, and the
# duplicate would make counts fuzzy (a real service may see a message twice too).
HTTP = {"timeout_seconds": 5.0, "max_attempts": 2, "backoff_initial_seconds": 0.01}


class Robots:
    def __init__(self, clock: FakeClock) -> None:
        self.wecom = FakeWeCom(clock.now)
        self.dingtalk = FakeDingTalk(clock.now)
        self.feishu = FakeFeishu(clock.now)
        self.all = (self.wecom, self.dingtalk, self.feishu)


@pytest.fixture
async def robots(clock) -> AsyncIterator[Robots]:
    fakes = Robots(clock)
    for fake in fakes.all:
        await fake.start()
    try:
        yield fakes
    finally:
        for fake in fakes.all:
            await fake.stop()


def store(store_id: str, shop: str, demo_url: str, channels: list[dict]) -> dict[str, Any]:
    return {
        "id": store_id,
        "name": {"store-1": "测试小馆", "store-2": "别的店"}[store_id],
        "facts": TEST_FACTS,
        "channels": channels,
        "sources": [{"platform": "demo", "account": shop, "base_url": demo_url}],
    }


def three_robots(robots: Robots, monkeypatch, dingtalk_secret: str = DT_SECRET) -> list[dict]:
    """One robot of each service for store-1, webhooks and secrets in the environment."""
    monkeypatch.setenv("RB_WECOM_HOOK", robots.wecom.add("wecom-key-0001"))
    monkeypatch.setenv("RB_DT_HOOK", robots.dingtalk.add("dt-token-0001", DT_SECRET))
    monkeypatch.setenv("RB_DT_SECRET", dingtalk_secret)
    monkeypatch.setenv("RB_FS_HOOK", robots.feishu.add("fs-hook-0001", FS_SECRET))
    monkeypatch.setenv("RB_FS_SECRET", FS_SECRET)
    return [
        {"kind": "wecom_robot", "webhook_env": "RB_WECOM_HOOK"},
        {"kind": "dingtalk_robot", "webhook_env": "RB_DT_HOOK", "secret_env": "RB_DT_SECRET"},
        {"kind": "feishu_robot", "webhook_env": "RB_FS_HOOK", "secret_env": "RB_FS_SECRET"},
    ]


async def start(
    database_url: str, clock: FakeClock, stores: list[dict], out: io.StringIO | None = None
) -> Daemon:
    settings = make_settings(database_url, stores=stores, web={"public_url": CONSOLE}, http=HTTP)
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(out or io.StringIO()))
    await daemon.start(schedule=False)
    return daemon


async def arrive(daemon: Daemon, demo, clock: FakeClock, texts: list[str], shop="shop-1") -> None:
    for text in texts:
        demo.platform.add_review(shop, text, 1)
    clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()


async def settle(daemon: Daemon, clock: FakeClock, seconds: float = 1, rounds: int = 20) -> None:
    """Let the robot queues drain as time passes (a second, or a retry's wait, at a time)."""
    for _ in range(rounds):
        async with daemon.sessions() as session:
            waiting = await session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind == "robot", OutboxMessage.status == "pending"
                )
            )
        if waiting is None:
            return
        clock.advance(seconds=seconds)
        await daemon.drain()


@pytest.fixture
async def stopping() -> AsyncIterator[list[Daemon]]:
    daemons: list[Daemon] = []
    yield daemons
    for daemon in daemons:
        await daemon.stop()
        await daemon.close()


async def test_each_robot_posts_a_signed_chinese_card_with_links(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    out = io.StringIO()
    channels = three_robots(robots, monkeypatch)
    daemon = await start(
        database_url, clock, [store("store-1", "shop-1", demo.base_url, channels)], out
    )
    stopping.append(daemon)
    await arrive(daemon, demo, clock, [NEGATIVE])
    await settle(daemon, clock)
    assert NEGATIVE in out.getvalue()  # the notifier still gets it, as before
    for fake in robots.all:
        assert not fake.refused, f"{type(fake).__name__} refused: {fake.refused}"
        (text,) = [t for token in fake.hooks for t in fake.texts(token)]
        assert NEGATIVE in text and "测试小馆" in text and "建议回复" in text
        assert f"{CONSOLE}/reviews/" in text  # the button to the console's review page
    card = robots.feishu.received[0]["body"]
    urls = [a["url"] for a in card["card"]["elements"][-1]["actions"]]
    assert any(u.startswith(f"{CONSOLE}/reviews/") for u in urls)  # the console's page …
    assert any(u.startswith(demo.base_url) for u in urls)  # … and the review on its platform
    assert robots.dingtalk.received[0]["body"]["msgtype"] == "actionCard"


async def test_past_the_limit_the_alerts_waiting_are_merged_not_dropped(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    """The same as the 21st in a minute below, on a robot configured for 3 a minute (for
    alerts only: five complaints in a row also open a crisis, whose page would count)."""
    monkeypatch.setenv("RB_WECOM_HOOK", robots.wecom.add("wecom-key-0001"))
    channels = [
        {"kind": "wecom_robot", "webhook_env": "RB_WECOM_HOOK", "per_minute": 3, "send": ["alerts"]}
    ]
    robots.wecom.per_minute = 3  # the fake refuses a 4th message in a minute
    daemon = await start(database_url, clock, [store("store-1", "shop-1", demo.base_url, channels)])
    stopping.append(daemon)
    texts = [f"{NEGATIVE}（{n}号桌）" for n in range(1, 6)]
    await arrive(daemon, demo, clock, texts)
    await settle(daemon, clock)  # a send timed out on a loaded machine is retried in seconds
    said = robots.wecom.texts("wecom-key-0001")
    assert not robots.wecom.refused and len(said) == 3  # all in the first minute
    assert "评价提醒汇总" in said[-1] and "每分钟最多发 3 条" in said[-1]
    for text in texts:
        assert any(text.split("（")[1] in s for s in said), f"lost {text}"
    assert "（5号桌）" in said[-1]
    await settle(daemon, clock, seconds=61)  # a crisis page, if any, the next minute
    assert not robots.wecom.refused


@pytest.mark.slow
async def test_the_21st_alert_in_a_minute_is_merged_into_a_summary(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    channels = three_robots(robots, monkeypatch)
    daemon = await start(database_url, clock, [store("store-1", "shop-1", demo.base_url, channels)])
    stopping.append(daemon)
    texts = [f"{NEGATIVE}（{n}号桌）" for n in range(1, 22)]
    await arrive(daemon, demo, clock, texts)
    await settle(daemon, clock)
    for fake in robots.all:
        assert not fake.refused, f"{type(fake).__name__} was pushed past its limit"
        (token,) = fake.hooks
        said = fake.texts(token)  # (the fake refuses a 21st in a minute)
        summaries = [s for s in said if "评价提醒汇总" in s]
        assert summaries, f"{type(fake).__name__}: nothing merged"
        for text in texts:  # none dropped: each table's alert is in some message
            mark = text.split("（")[1]
            assert any(mark in s for s in said), f"{type(fake).__name__} lost {mark}"
        assert "（21号桌）" in summaries[-1]
    async with daemon.sessions() as session:
        left = await session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.kind == "robot", OutboxMessage.status != "sent"
            )
        )
    assert left is None


async def test_a_rate_limit_answer_is_retried_and_nothing_is_sent_twice(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    channels = three_robots(robots, monkeypatch)
    daemon = await start(database_url, clock, [store("store-1", "shop-1", demo.base_url, channels)])
    stopping.append(daemon)
    for fake in robots.all:
        fake.scripted.append(fake.rate_code)
    await arrive(daemon, demo, clock, [NEGATIVE])
    for fake in robots.all:
        assert [r["code"] for r in fake.refused] == [fake.rate_code] and not fake.received
    await settle(daemon, clock, seconds=61)  # (DingTalk's wait is ten minutes)
    for fake in robots.all:
        assert len(fake.received) == 1


@pytest.mark.both_databases
async def test_an_outage_holds_alerts_then_delivers_each_once_in_order(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    channels = three_robots(robots, monkeypatch)[:1]  # WeCom
    daemon = await start(database_url, clock, [store("store-1", "shop-1", demo.base_url, channels)])
    stopping.append(daemon)
    robots.wecom.down = True
    texts = [f"{NEGATIVE}（{n}号桌）" for n in range(1, 4)]
    for text in texts:
        await arrive(daemon, demo, clock, [text])
    assert not robots.wecom.received
    robots.wecom.down = False
    await settle(daemon, clock, seconds=70)
    said = [s for s in robots.wecom.texts("wecom-key-0001") if "评价 #" in s]  # the cards
    assert len(said) == 3  # (three bad reviews also opened a crisis: its page came too)
    assert [next(t for t in texts if t.split("（")[1] in s) for s in said] == texts


async def test_a_card_whose_answer_was_lost_goes_again_saying_it_may_be_a_repeat(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    """WeCom showed the card and its answer never came (the request timed out): the card
    goes again, since it may not have arrived, and the copy says it may be a repeat. A
    robot that could not be reached at all sends its card once, with no such warning."""
    wecom, dingtalk = three_robots(robots, monkeypatch)[:2]
    settings = make_settings(
        database_url,
        stores=[store("store-1", "shop-1", demo.base_url, [wecom, dingtalk])],
        web={"public_url": CONSOLE},
        http={**HTTP, "timeout_seconds": 0.5, "max_attempts": 1},
    )
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
    await daemon.start(schedule=False)
    stopping.append(daemon)
    robots.wecom.stall = 1
    robots.dingtalk.down = True
    await arrive(daemon, demo, clock, [NEGATIVE])
    (first,) = robots.wecom.texts("wecom-key-0001")
    assert NEGATIVE in first and "可能重复" not in first
    robots.dingtalk.down = False
    await settle(daemon, clock, seconds=70)
    first_again, second = robots.wecom.texts("wecom-key-0001")
    assert first_again == first
    assert REPEAT_NOTE.removeprefix("⚠️ ") in second and NEGATIVE in second
    (card,) = robots.dingtalk.texts("dt-token-0001")  # a 502: it never arrived
    assert NEGATIVE in card and "可能重复" not in card


async def test_a_wrong_secret_is_a_clear_health_error_and_a_restart_delivers(
    database_url, demo, clock, robots, monkeypatch, stopping, caplog, capsys, tmp_path
):
    caplog.set_level(logging.INFO)
    wrong = "SECwrongwrongwrong0123456789"
    channels = three_robots(robots, monkeypatch, dingtalk_secret=wrong)[1:2]  # DingTalk
    stores = [store("store-1", "shop-1", demo.base_url, channels)]
    daemon = await start(database_url, clock, stores)
    await arrive(daemon, demo, clock, [NEGATIVE])
    assert [r["code"] for r in robots.dingtalk.refused] == [310000]
    (health,) = await channel_health(daemon.sessions)
    assert health["state"] == "bad_credentials" and health["pending"] == 1
    assert "RB_DT_SECRET" in health["last_error"] and "加签" in health["last_error"]
    for secret in (wrong, "dt-token-0001"):
        assert secret not in health["last_error"] and secret not in caplog.text
    await daemon.stop()
    await daemon.close()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[[stores]]\nid = "store-1"\nname = "测试小馆"\n'
        '[[stores.channels]]\nkind = "dingtalk_robot"\nwebhook_env = "RB_DT_HOOK"\n'
        'secret_env = "RB_DT_SECRET"\n[[stores.sources]]\nplatform = "demo"\naccount = "shop-1"\n',
        encoding="utf-8",
    )
    capsys.readouterr()
    assert await asyncio.to_thread(cmd_channels, Namespace(config=str(config), json=False)) == 0
    table = capsys.readouterr().out
    assert "dingtalk_robot:RB_DT_HOOK" in table and "bad_credentials" in table
    assert "RB_DT_SECRET" in table and wrong not in table

    monkeypatch.setenv("RB_DT_SECRET", DT_SECRET)  # the owner fixes it and restarts
    daemon = await start(database_url, clock, stores)
    stopping.append(daemon)
    await settle(daemon, clock, seconds=301)
    assert (
        len(robots.dingtalk.received) == 1 and NEGATIVE in robots.dingtalk.texts("dt-token-0001")[0]
    )
    (health,) = await channel_health(daemon.sessions)
    assert health["state"] == "ok" and health["pending"] == 0


async def test_a_stores_alerts_and_notices_go_only_to_its_own_robots(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    monkeypatch.setenv("RB_A", robots.wecom.add("robot-a"))
    monkeypatch.setenv("RB_B", robots.dingtalk.add("robot-b"))
    monkeypatch.setenv("RB_C", robots.feishu.add("robot-c", FS_SECRET))
    monkeypatch.setenv("RB_C_SECRET", FS_SECRET)
    stores = [
        store("store-1", "shop-1", demo.base_url, [{"kind": "wecom_robot", "webhook_env": "RB_A"}]),
        store(
            "store-2",
            "shop-2",
            demo.base_url,
            [
                {"kind": "dingtalk_robot", "webhook_env": "RB_B", "send": ["alerts"]},
                {"kind": "feishu_robot", "webhook_env": "RB_C", "secret_env": "RB_C_SECRET"},
            ],
        ),
    ]
    daemon = await start(database_url, clock, stores)
    stopping.append(daemon)
    await arrive(daemon, demo, clock, ["米饭是夹生的，太失望了"], shop="shop-1")
    await arrive(daemon, demo, clock, ["服务员态度很差，等了一个小时"], shop="shop-2")
    async with daemon.sessions() as session, session.begin():
        await queue_notice(
            session,
            store_id="store-2",
            text="美团账号需要重新授权",
            now=clock.now(),
            dedupe_key="t",
        )
    await daemon.drain()
    await settle(daemon, clock)
    a, b, c = (
        robots.wecom.texts("robot-a"),
        robots.dingtalk.texts("robot-b"),
        robots.feishu.texts("robot-c"),
    )
    assert len(a) == 1 and "夹生" in a[0] and "态度" not in a[0]
    assert len(b) == 1 and "态度" in b[0]  # alerts only
    assert len(c) == 2 and "态度" in c[0] and "重新授权" in c[1]
    assert not any("夹生" in t for t in b + c)


async def test_a_mute_holds_the_robots_alerts_and_unmuting_sends_them(
    database_url, demo, clock, robots, monkeypatch, stopping
):
    channels = three_robots(robots, monkeypatch)[:1]  # WeCom
    daemon = await start(database_url, clock, [store("store-1", "shop-1", demo.base_url, channels)])
    stopping.append(daemon)
    desk = Desk(
        daemon.settings,
        daemon.directory,
        daemon.sessions,
        clock,
        daemon.drafter,
        edit_timeout=timedelta(minutes=10),
    )
    owner = Actor("test:owner", "王老板", {"*": "owner"})
    await desk.mute(owner, ["store-1"], timedelta(hours=2))
    await arrive(daemon, demo, clock, [NEGATIVE])
    assert not robots.wecom.received
    await desk.unmute(owner, ["store-1"])
    await daemon.drain()
    (text,) = robots.wecom.texts("wecom-key-0001")
    assert NEGATIVE in text


def long_alert() -> AlertView:
    """A card at its longest: a review and a draft far beyond any robot's limit, and
    markdown a customer might type."""
    return AlertView(
        alert_id=1,
        kind="new",
        token="t",
        review_id=7,
        store_id="store-1",
        store_name="测试小馆",
        platform="meituan",
        rating=1,
        author="**[点我](https://evil.example)**",
        order_id=None,
        created_at=None,
        text="水煮鱼太咸了<font color='info'>好评</font>。" * 300,
        follow_up="追评：还是很咸。" * 200,
        revision=1,
        polarity="negative",
        sentiment=0.05,
        categories=[{"name": "food", "polarity": "negative"}],
        malicious=False,
        malicious_reasons=[],
        severity="high",
        required_role="staff",
        draft_id=1,
        draft_text="非常抱歉，我们会改进。" * 300,
        draft_template="food",
        url="https://www.meituan.com/review/7",
    )


@pytest.mark.parametrize(
    ("robot_class", "fake_attr"),
    [(WeComRobot, "wecom"), (DingTalkRobot, "dingtalk"), (FeishuRobot, "feishu")],
)
async def test_a_long_card_fits_the_services_limit_and_user_markup_is_inert(
    robots, robot_class, fake_attr
):
    fake = getattr(robots, fake_attr)
    secret = None if robot_class is WeComRobot else "SECsecret0123456789"
    async with aiohttp.ClientSession() as http:
        robot: Robot = robot_class(
            http,
            key="k",
            webhook=fake.add("long", secret),
            webhook_env="RB_HOOK",
            secret=secret,
            secret_env=None if secret is None else "RB_SECRET",
            public_url=CONSOLE,
        )
        await robot.send_alert(long_alert())
    assert not fake.refused
    (text,) = fake.texts("long")
    assert "https://www.meituan.com/review/7" in text and f"{CONSOLE}/reviews/7" in text
    assert "[点我](" not in text and "［点我］" in text  # no link smuggled in
    assert "<font color='info'>好评" not in text
    assert len(json.dumps(fake.received[0]["body"], ensure_ascii=False).encode()) < 20_000


@pytest.mark.parametrize(
    ("robot_class", "fake_attr", "code"),
    [(DingTalkRobot, "dingtalk", 310000), (FeishuRobot, "feishu", 19021)],
)
async def test_a_wrong_signing_secret_is_named_never_shown(
    robots, robot_class, fake_attr, code, caplog
):
    fake = getattr(robots, fake_attr)
    wrong = "SECnot-the-robots-secret-42"
    async with aiohttp.ClientSession() as http:
        robot = robot_class(
            http,
            key="k",
            webhook=fake.add("hook-token-77", "SECthe-robots-secret-0"),
            webhook_env="RB_HOOK",
            secret=wrong,
            secret_env="RB_SECRET",
        )
        with pytest.raises(RobotError) as failure:
            await robot.send_notice(Notice("store-1", "测试小馆", "测试消息"))
    assert failure.value.code == f"credentials_{code}" and failure.value.retryable
    message = str(failure.value)
    assert "RB_SECRET" in message and wrong not in message and "hook-token-77" not in message
    assert [r["code"] for r in fake.refused] == [code] and not fake.received


async def test_telegram_and_robots_together_and_a_store_on_robots_alone(
    database_url, demo, clock, robots, telegram, monkeypatch
):
    """store-1 has its Telegram group and a WeCom robot; store-2 a DingTalk robot only."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("RB_A", robots.wecom.add("robot-a"))
    monkeypatch.setenv("RB_B", robots.dingtalk.add("robot-b"))
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["http"] = HTTP
    one, two = settings["stores"]
    one["channels"] = [{"kind": "wecom_robot", "webhook_env": "RB_A"}]
    del two["chat"]
    two["channels"] = [{"kind": "dingtalk_robot", "webhook_env": "RB_B"}]
    running = await start_daemon(settings, telegram, demo, clock)
    try:
        card = await running.review_arrives("米饭是夹生的，太失望了", shop="shop-1")
        assert "夹生" in card["text"]
        await arrive(running.daemon, demo, clock, ["服务员态度很差，等了一个小时"], shop="shop-2")
        await settle(running.daemon, clock)
        assert len(telegram.cards(STAFF_CHAT)) == 1  # store-2's alert is not on Telegram
        (a,) = robots.wecom.texts("robot-a")
        (b,) = robots.dingtalk.texts("robot-b")
        assert "夹生" in a and "态度" in b
        assert await running.count(OutboxMessage, OutboxMessage.status == "dead") == 0
    finally:
        await running.daemon.stop()
        await running.daemon.close()


def test_a_notice_says_how_to_open_its_reviews_and_nothing_when_it_has_none():
    """A crisis page (no review of its own) ended with a dangling "查看并处理："."""
    from reviewbot.chat.robots.wecom import WeComRobot

    bare = WeComRobot(None, key="k", webhook="https://x", webhook_env="E")  # type: ignore[arg-type]
    linked = WeComRobot(None, key="k", webhook="https://x", webhook_env="E", public_url=CONSOLE)  # type: ignore[arg-type]
    assert bare.open_lines([]) == [] and linked.open_lines([]) == []
    assert bare.open_lines([7]) == []  # an alert-only robot has no cards to act on
    assert linked.open_lines([7]) == [f"查看并处理：{CONSOLE}/reviews/7"]
    assert linked.open_lines([7, 9]) == [
        "查看并处理：",
        f"#7 {CONSOLE}/reviews/7",
        f"#9 {CONSOLE}/reviews/9",
    ]
