"""Routing: each store's channels get the kinds of message their `send` names (alerts,
escalations, crisis pages, account problems, digests, thank-you batches), the people a
page is for are @-mentioned where the service pings by id, and one review's card lives in
several chats, an action in one redrawing the others."""

from __future__ import annotations

import io
import json

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.alerts import queue_notice
from tests.conftest import make_settings
from tests.fakes.robots import FakeDingTalk, FakeFeishu, FakeWeCom
from tests.test_robots import (  # noqa: F401 (fixtures)
    CONSOLE,
    DT_SECRET,
    FS_SECRET,
    HTTP,
    arrive,
    robots,
    settle,
    stopping,
    store,
)

POSITIVE = "味道很好，服务也热情，下次还来"
NEGATIVE = "米饭是夹生的，太失望了"
MANAGER_DT, MANAGER_FS, MANAGER_WC = "dt-manager-01", "ou_manager_01", "wc_manager_01"


def bodies(fake: FakeWeCom | FakeDingTalk | FakeFeishu, token: str) -> list[dict]:
    return [m["body"] for m in fake.received if m["token"] == token]


async def test_each_channel_gets_the_kinds_it_asks_for_and_pages_mention_their_people(
    database_url,
    demo,
    clock,
    robots,
    monkeypatch,
    stopping,  # noqa: F811
):
    monkeypatch.setenv("RB_WECOM_HOOK", robots.wecom.add("wc"))
    monkeypatch.setenv("RB_DT_HOOK", robots.dingtalk.add("dt", DT_SECRET))
    monkeypatch.setenv("RB_DT_SECRET", DT_SECRET)
    monkeypatch.setenv("RB_FS_HOOK", robots.feishu.add("fs", FS_SECRET))
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
    stopping.append(daemon)
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

    wecom = robots.wecom.texts("wc")
    assert len(wecom) == 2, wecom  # no alert, no notice: the digest and the thank-yous
    assert "📊" in wecom[0]
    assert "好评待感谢" in wecom[1] and "服务也热情" in wecom[1]
    assert f"{CONSOLE}/reviews/" in wecom[1]  # where to post each, the console
    assert "夹生" not in "".join(wecom)

    dingtalk = bodies(robots.dingtalk, "dt")  # the robot's default: no digest, no thanks
    texts = [json.dumps(b, ensure_ascii=False) for b in dingtalk]
    assert len(dingtalk) == 4 and "夹生" in texts[0]
    assert [t for t in texts if "超过回复时限" in t] and "📊" not in "".join(texts)
    paged = next(b for b in dingtalk if "超过回复时限" in json.dumps(b, ensure_ascii=False))
    assert paged["at"] == {"atUserIds": [MANAGER_DT]}  # the fake checks @id in the text
    owners = [b for b in dingtalk if "重新授权" in json.dumps(b, ensure_ascii=False)]
    assert owners and "at" not in owners[0]  # no owner in [[people]]: nobody to ping

    feishu = robots.feishu.texts("fs")
    assert len(feishu) == 3 and "夹生" not in "".join(feishu)
    assert f"<at id={MANAGER_FS}></at>" in next(t for t in feishu if "超过回复时限" in t)
    assert any("食品安全危机" in t for t in feishu) and any("重新授权" in t for t in feishu)
