"""One store connected to all four fake platforms at once, through the daemon: every
platform's bad review reaches the console as an alert."""

from __future__ import annotations

import io
from contextlib import AsyncExitStack

from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.health import source_health
from reviewbot.store.schema import Alert, Review
from tests.conftest import make_settings
from tests.fakes import serve
from tests.fakes.dianping import DianpingPlatform
from tests.fakes.eleme import ElemePlatform
from tests.fakes.google import GooglePlatform
from tests.fakes.meituan import MeituanPlatform

ENV = {
    "MT_SECRET": "test_secret",
    "ELE_SECRET": "ele_secret",
    "DP_SECRET": "dp_secret",
    "DP_SESSION": "sess123",
    "G_SECRET": "g-secret",
    "G_REFRESH": "g-refresh",
}


async def test_one_store_on_all_four_platforms_alerts_from_each(database_url, clock, monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    meituan = MeituanPlatform(now=clock.now)
    eleme = ElemePlatform(now=clock.now)
    dianping = DianpingPlatform(now=clock.now)
    google = GooglePlatform(now=clock.now)
    meituan.add("水煮鱼太咸了，送到的时候已经凉了", 1)
    meituan.add("很好吃，下次还点", 5)
    eleme.add("等了一个半小时才送到，汤全洒了", 1, order_id=None)
    dianping.add(1)
    dianping.add(1, review_set="2")
    google.add(1, "服务员态度很差，菜也是冷的")

    async with AsyncExitStack() as stack:
        mt_url = await stack.enter_async_context(serve(meituan.app()))
        meituan.public_base = f"{mt_url}/api/v1"
        ele_url = await stack.enter_async_context(serve(eleme.app()))
        dp_url = await stack.enter_async_context(serve(dianping.app()))
        g_url = await stack.enter_async_context(serve(google.app()))
        sources = [
            {
                "platform": "meituan",
                "account": "store_001",
                "app_id": "1234",
                "app_secret_env": "MT_SECRET",
                "base_url": f"{mt_url}/api/v1",
            },
            {
                "platform": "eleme",
                "account": "123456",
                "app_key": "appkey1",
                "app_secret_env": "ELE_SECRET",
                "base_url": ele_url,
            },
            *(
                {
                    "platform": "dianping",
                    "open_shop_uuid": "abc",
                    "review_set": review_set,
                    "app_key": "1000069",
                    "app_secret_env": "DP_SECRET",
                    "session_env": "DP_SESSION",
                    "base_url": dp_url,
                }
                for review_set in ("dianping", "meituan")
            ),
            {
                "platform": "google",
                "account": "accounts/111/locations/222",
                "client_id": "client-1.apps.googleusercontent.com",
                "client_secret_env": "G_SECRET",
                "refresh_token_env": "G_REFRESH",
                "base_url": g_url,
                "token_url": f"{g_url}/token",
            },
        ]
        out = io.StringIO()
        daemon = Daemon(
            make_settings(database_url, sources=sources),
            clock=clock,
            notifier=ConsoleNotifier(out, color=False),
        )
        await daemon.start(schedule=False)
        try:
            clock.advance(minutes=1)
            await daemon.poll_all_once()
            await daemon.drain()
            health = await source_health(daemon.sessions)
            async with daemon.sessions() as session:
                reviews = (await session.scalars(select(Review))).all()
                alerted = set(
                    (
                        await session.scalars(
                            select(Review.platform).join(Alert, Alert.review_id == Review.id)
                        )
                    ).all()
                )
        finally:
            await daemon.stop()
            await daemon.close()

    assert [row["state"] for row in health] == ["ok"] * 5, health
    assert len(reviews) == 6
    assert alerted == {"meituan", "eleme", "dianping", "google"}
    printed = out.getvalue()
    for label in ("美团外卖", "饿了么", "大众点评", "Google"):
        assert f"差评提醒 · 测试小馆 · {label}" in printed, label
    assert "水煮鱼太咸了" in printed and "汤全洒了" in printed and "服务员态度很差" in printed
    assert "（只有评分，没有文字）" in printed  # Dianping exposes no text
    dianping_rows = {(r.account, r.external_id) for r in reviews if r.platform == "dianping"}
    assert dianping_rows == {("abc/dianping", "dp1"), ("abc/meituan", "dp2")}
