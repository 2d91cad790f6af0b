"""Routing: each store's channels get the kinds of message their `send` names (alerts,
escalations, crisis pages, account problems, digests, thank-you batches), the people a
page is for are @-mentioned where the service pings by id, and one review's card lives in
several chats, an action in one redrawing the others."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.alerts import queue_notice
from reviewbot.store.schema import Review
from tests import test_feishu as feishu_test
from tests.conftest import make_settings
from tests.fakes.dingtalk import FakeDingTalk as FakeDingTalkApp
from tests.fakes.feishu import FakeFeishu as FakeFeishuApp
from tests.fakes.robots import FakeDingTalk, FakeFeishu, FakeWeCom
from tests.fakes.telegram import TOKEN
from tests.harness.apps import serving
from tests.harness.daemon import start_daemon
from tests.harness.telegram import MANAGER, STAFF_CHAT, telegram_settings
from tests.harness.telegram import NEGATIVE as NEGATIVE_TG
from tests.test_robots import CONSOLE, DT_SECRET, FS_SECRET, HTTP, Robots, arrive, settle, store

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

POSITIVE = "味道很好，服务也热情，下次还来"
NEGATIVE = "米饭是夹生的，太失望了"
COLD = "菜端上来就是凉的，服务员也不理人，太差了"
FS_APP, FS_APP_SECRET, FS_CHAT, FS_STAFF = "cli_routing01", "feishu-secret-01", "oc_group", "ou_s"
DT_APP, DT_APP_SECRET, DT_GROUP = "dingappkey0002", "dingtalk-client-secret-02", "cidGroup=="
MANAGER_DT, MANAGER_FS, MANAGER_WC = "dt-manager-01", "ou_manager_01", "wc_manager_01"


@pytest.fixture
async def hooks(clock) -> AsyncIterator[Robots]:
    """The three services' group-robot fakes (tests/fakes/robots.py)."""
    fakes = Robots(clock)
    for fake in fakes.all:
        await fake.start()
    try:
        yield fakes
    finally:
        for fake in fakes.all:
            await fake.stop()


def bodies(fake: FakeWeCom | FakeDingTalk | FakeFeishu, token: str) -> list[dict]:
    return [m["body"] for m in fake.received if m["token"] == token]


async def test_each_channel_gets_the_kinds_it_asks_for_and_pages_mention_their_people(
    database_url,
    demo,
    clock,
    hooks,
    monkeypatch,
):
    monkeypatch.setenv("RB_WECOM_HOOK", hooks.wecom.add("wc"))
    monkeypatch.setenv("RB_DT_HOOK", hooks.dingtalk.add("dt", DT_SECRET))
    monkeypatch.setenv("RB_DT_SECRET", DT_SECRET)
    monkeypatch.setenv("RB_FS_HOOK", hooks.feishu.add("fs", FS_SECRET))
    monkeypatch.setenv("RB_FS_SECRET", FS_SECRET)
    channels = [
        {"kind": "wecom_robot", "webhook_env": "RB_WECOM_HOOK", "send": ["digests", "thanks"]},
        {"kind": "dingtalk_robot", "webhook_env": "RB_DT_HOOK", "secret_env": "RB_DT_SECRET"},
        {
            "kind": "feishu_robot",
            "webhook_env": "RB_FS_HOOK",
            "secret_env": "RB_FS_SECRET",
            "send": ["notices"],  # the older word: escalations, crisis and accounts
        },
    ]
    people = [
        {
            "name": "李店长",
            "dingtalk_user_id": MANAGER_DT,
            "feishu_open_id": MANAGER_FS,
            "wecom_user_id": MANAGER_WC,
            "role": "manager",
            "stores": ["store-1"],
        }
    ]
    settings = make_settings(
        database_url,
        stores=[store("store-1", "shop-1", demo.base_url, channels)],
        people=people,
        web={"public_url": CONSOLE},
        http=HTTP,
        digest={"daily_at": "12:00", "periods": ["day"]},  # the clock starts at 12:00 local
    )
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", POSITIVE, 5)
        await arrive(daemon, demo, clock, [NEGATIVE])
        async with daemon.sessions() as session, session.begin():
            for topic, audience, text in (
                ("escalation", "manager", "评价 #1 已超过回复时限"),
                ("crisis", "owner", "食品安全危机"),
                ("account", "owner", "美团账号需要重新授权"),
            ):
                await queue_notice(
                    session,
                    store_id="store-1",
                    text=text,
                    now=clock.now(),
                    dedupe_key=topic,
                    audience=audience,  # type: ignore[arg-type]
                    topic=topic,  # type: ignore[arg-type]
                )
        assert await daemon.digests.run("day") == 1
        await daemon.drain()
        await settle(daemon, clock)

        wecom = hooks.wecom.texts("wc")
        assert len(wecom) == 2, wecom  # no alert, no notice: the digest and the thank-yous
        assert "📊" in wecom[0]
        assert "好评待感谢" in wecom[1] and "服务也热情" in wecom[1]
        assert f"{CONSOLE}/reviews/" in wecom[1]  # where to post each, the console
        assert "夹生" not in "".join(wecom)

        dingtalk = bodies(hooks.dingtalk, "dt")  # the robot's default: no digest, no thanks
        texts = [json.dumps(b, ensure_ascii=False) for b in dingtalk]
        assert len(dingtalk) == 4 and "夹生" in texts[0]
        assert [t for t in texts if "超过回复时限" in t] and "📊" not in "".join(texts)
        paged = next(b for b in dingtalk if "超过回复时限" in json.dumps(b, ensure_ascii=False))
        assert paged["at"] == {"atUserIds": [MANAGER_DT]}  # the fake checks @id in the text
        owners = [b for b in dingtalk if "重新授权" in json.dumps(b, ensure_ascii=False)]
        assert owners and "at" not in owners[0]  # no owner in [[people]]: nobody to ping

        feishu = hooks.feishu.texts("fs")
        assert len(feishu) == 3 and "夹生" not in "".join(feishu)
        assert f"<at id={MANAGER_FS}></at>" in next(t for t in feishu if "超过回复时限" in t)
        assert any("食品安全危机" in t for t in feishu) and any("重新授权" in t for t in feishu)

    finally:
        await daemon.stop()
        await daemon.close()


@pytest.mark.xdist_group("feishu")  # on the worker that imports the Feishu SDK anyway
async def test_one_card_in_three_chats_an_approval_in_feishu_redraws_the_others(
    database_url, demo, telegram, clock, monkeypatch
):
    """The review's card in the store's Telegram group, its Feishu group and its DingTalk
    group: ✅ tapped in Feishu posts once, and the Telegram and DingTalk cards (redrawn
    in place through the outbox) say who approved it and that the reply is out."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("RB_FEISHU_SECRET", FS_APP_SECRET)
    monkeypatch.setenv("RB_DINGTALK_SECRET", DT_APP_SECRET)
    feishu = FakeFeishuApp(FS_APP, FS_APP_SECRET, {FS_CHAT})
    async with serving(feishu), serving(FakeDingTalkApp(DT_APP, DT_APP_SECRET)) as dingtalk:
        data = telegram_settings(database_url, demo.base_url, telegram.base_url)
        staff = next(p for p in data["people"] if p["name"] == "小张")
        staff["feishu_open_id"] = FS_STAFF
        manager = next(p for p in data["people"] if p["name"] == "李店长")
        manager["feishu_open_id"] = MANAGER_FS
        data["stores"][0]["channels"] = [
            {
                "kind": "feishu_app",
                "app_id": FS_APP,
                "app_secret_env": "RB_FEISHU_SECRET",
                "chat_id": FS_CHAT,
                "domain": feishu.url,
            },
            {
                "kind": "dingtalk_app",
                "client_id": DT_APP,
                "secret_env": "RB_DINGTALK_SECRET",
                "conversation_id": DT_GROUP,
                "card_template_id": "tpl-review.schema",
                "endpoint": dingtalk.base_url,
                "send": ["alerts"],
            },
        ]
        running = await start_daemon(data, telegram, demo, clock)
        try:
            await dingtalk.connected()
            await feishu.wait_for(lambda: feishu.connections)
            tg_card = await running.review_arrives()
            await settle(running.daemon, clock)
            (fs_card,) = feishu.cards(FS_CHAT)
            (dt_card,) = dingtalk.group_cards(DT_GROUP)
            assert NEGATIVE_TG in json.dumps(fs_card, ensure_ascii=False)
            assert NEGATIVE_TG in dt_card.params["markdown"]

            button = feishu.button(fs_card, "approve")
            await feishu.tap(FS_STAFF, fs_card["message_id"], button)
            await running.daemon.drain()  # the reply goes out, then the redraws
            await settle(running.daemon, clock)
            assert len(demo.platform.replies) == 1
            redrawn = telegram.messages[(tg_card["chat"]["id"], tg_card["message_id"])]
            assert "已发布到平台（小张" in redrawn["text"], redrawn["text"]
            assert "已发布到平台（小张" in dt_card.params["status"] and dt_card.updates >= 1
            assert dt_card.params["open"] == "false"
            assert "已发布到平台（小张" in json.dumps(feishu.cards(FS_CHAT)[0], ensure_ascii=False)

            # A page for the manager: their private Telegram chat, and an @ in the Feishu
            # group; the DingTalk group asked for alerts only.
            async with running.daemon.sessions() as session, session.begin():
                rid = await session.scalar(select(func.max(Review.id)))
                await queue_notice(
                    session,
                    store_id="store-1",
                    text="评价已超过回复时限",
                    now=clock.now(),
                    dedupe_key="page",
                    audience="manager",
                    review_id=rid,
                )
            said = len(dingtalk.messages)
            await running.daemon.drain()
            await settle(running.daemon, clock)
            pages = [m for m in feishu.sent if "超过回复时限" in json.dumps(m, ensure_ascii=False)]
            assert len(pages) == 1
            assert f"<at id={MANAGER_FS}></at>" in json.dumps(pages[0], ensure_ascii=False)
            # Each says how to open the review its own way: a command Telegram makes
            # tappable, the card in the Feishu group (or /review to post it again there,
            # not Telegram's tappable /review_N).
            page = json.dumps(pages[0], ensure_ascii=False)
            assert f"请在群里评价 #{rid} 的卡片上处理" in page
            assert f"/review {rid}" in page and "/review_" not in page
            assert len(dingtalk.messages) == said
            (tg_page,) = [
                m["text"] for m in telegram.in_chat(MANAGER) if "超过回复时限" in m.get("text", "")
            ]
            assert tg_page.endswith(f"查看并处理：/review_{rid}")

            # Telegram out of reach: the next review's app cards go out all the same, and
            # a tap in Feishu redraws the DingTalk card without waiting for Telegram's.
            telegram.fail("sendMessage", 502, times=100)
            demo.platform.add_review("shop-1", COLD, 1)
            clock.advance(minutes=5)
            await running.daemon.poll_all_once()
            await running.daemon.drain()
            await settle(running.daemon, clock)
            fs_cold, dt_cold = feishu.cards(FS_CHAT)[-1], dingtalk.group_cards(DT_GROUP)[-1]
            assert COLD in dt_cold.params["markdown"]
            button = feishu.button(fs_cold, "approve")
            await feishu.tap(FS_STAFF, fs_cold["message_id"], button)
            await running.daemon.drain()
            await settle(running.daemon, clock)
            assert len(demo.platform.replies) == 2
            assert "已发布到平台（小张" in dt_cold.params["status"], dt_cold.params["status"]
            assert not any(COLD in m.get("text", "") for m in telegram.in_chat(STAFF_CHAT))
            telegram.faults.clear()
        finally:
            await running.daemon.stop()
            await running.daemon.close()


@pytest.mark.xdist_group("feishu")  # on the worker that imports the Feishu SDK anyway
async def test_a_thank_you_batch_in_feishu_is_posted_once_by_its_button(
    database_url, demo, clock, monkeypatch
):
    """The daily digest brings the Feishu group its thank-you drafts as a card: a stranger's
    ✅ is refused; a double ✅ posts each reply once; the card then says who posted what."""
    monkeypatch.setenv("RB_FEISHU_SECRET", feishu_test.SECRET)
    fake = FakeFeishuApp(feishu_test.APP_ID, feishu_test.SECRET, {feishu_test.CHAT})
    async with serving(fake):
        bench = feishu_test.Bench(fake, demo, clock, database_url)
        daemon = await bench.start()
        try:
            demo.platform.add_review("shop-1", POSITIVE, 5)
            clock.advance(minutes=5)
            await daemon.poll_all_once()
            await bench.settle()
            clock.advance(hours=9.5)  # 21:30 in the store, the daily digest's time
            assert await daemon.digests.run("day") == 1
            await bench.settle()
            (card,) = [
                m
                for m in fake.sent
                if any(b["value"].get("a") == "thanks_post" for b in fake.buttons(m))
            ]
            assert "好评待感谢" in fake.text_of(card) and "服务也热情" in fake.text_of(card)
            post = fake.button(card, "thanks_post")

            refused = await fake.tap(feishu_test.STRANGER, card["message_id"], post)
            assert refused["toast"]["type"] == "error" and not demo.platform.replies
            answers = await asyncio.gather(
                fake.tap(feishu_test.STAFF, card["message_id"], post),
                fake.tap(feishu_test.STAFF, card["message_id"], post),
            )
            await bench.settle()
            assert len(demo.platform.replies) == 1
            toasts = sorted(a["toast"]["content"] for a in answers)
            assert any("已通过 1 条" in t for t in toasts) and any("小张" in t for t in toasts)
            shown = fake.text_of(card)
            assert "小张 发布了" in shown and "已通过" in shown, shown
            # redrawn as the reply reached the platform, not left "posting" for ever
            assert "（已发布到平台）" in shown and "发布中" not in shown, shown
            assert not fake.buttons(card)  # decided: no buttons left to press
        finally:
            await bench.stop()
