"""DingTalk through an enterprise internal app's robot: the daemon sends each bad review as
an interactive card through the OpenAPI, and the card's buttons and the robot's
@-messages come back over the Stream-mode connection, all through the official
`dingtalk_stream` SDK pointed at a local fake DingTalk (tests/fakes/dingtalk.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.clock import FakeClock
from reviewbot.store.health import channel_health
from reviewbot.store.schema import AuditEntry
from tests.fakes.dingtalk import Card, FakeDingTalk
from tests.harness.apps import (
    CONSOLE_URL,
    WEB,
    AppShop,
    app_settings,
    link_in,
    open_shop,
    serving,
    signed_in_page,
    start_daemon,
)
from tests.harness.telegram import NEGATIVE

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

CLIENT_ID, SECRET = "dingappkey0001", "dingtalk-client-secret-0123456789"
GROUP = "cidGroupOfStore1=="
OWNER, MANAGER, STAFF, STAFF2, STRANGER = "owner01", "manager01", "staff01", "staff02", "x999"


def settings(database_url: str, demo_url: str, endpoint: str) -> dict[str, Any]:
    channel = {
        "kind": "dingtalk_app",
        "client_id": CLIENT_ID,
        "secret_env": "RB_DINGTALK_SECRET",
        "conversation_id": GROUP,
        "card_template_id": "tpl-review.schema",
        "thanks_template_id": "tpl-thanks.schema",
        "endpoint": endpoint,
    }
    return app_settings(
        database_url, demo_url, channel, "dingtalk_user_id", (OWNER, MANAGER, STAFF, STAFF2)
    )


class Shop(AppShop):
    """The daemon with its DingTalk robot, driven step by step on the fake clock."""

    fake: FakeDingTalk

    def card(self) -> Card:
        return self.fake.group_cards(GROUP)[-1]

    async def press(self, user: str, action: str, **params: str) -> str:
        """A tap on the newest card: the presser's own answer on it."""
        answer = await self.fake.press(user, self.card(), action, **params)
        await self.daemon.drain()
        return answer["userPrivateData"]["cardParamMap"]["notice"]

    async def ask(self, user: str, text: str) -> str:
        before = len(self.fake.messages)
        await self.fake.say(user, GROUP, text)
        await self.daemon.drain()
        return "\n".join(m["text"] for m in self.fake.messages[before:])


async def start(database_url: str, demo: Any, fake: FakeDingTalk, clock: FakeClock) -> Daemon:
    return await start_daemon(settings(database_url, demo.base_url, fake.base_url), clock)


@pytest.fixture
async def dingtalk(monkeypatch) -> AsyncIterator[FakeDingTalk]:
    monkeypatch.setenv("RB_DINGTALK_SECRET", SECRET)
    async with serving(FakeDingTalk(CLIENT_ID, SECRET)) as fake:
        yield fake


@pytest.fixture
async def shop(database_url, demo, dingtalk, clock) -> AsyncIterator[Shop]:
    daemon = await start(database_url, demo, dingtalk, clock)
    async with open_shop(Shop(daemon, dingtalk, demo, clock)) as shop:
        yield shop


async def test_a_bad_review_becomes_a_card_and_approving_posts_it_once(shop: Shop):
    """End to end: a negative review on the demo platform, a card in the DingTalk group, a
    colleague's 🔁 (a ✅ on the card as it was before posts nothing: its `draft_id` is
    gone), a double tap and two people at once, and exactly one reply posted back: the
    draft the card shows."""
    (opened,) = shop.fake.opened
    topics = {s["topic"] for s in opened["subscriptions"] if s["type"] == "CALLBACK"}
    assert topics == {"/v1.0/card/instances/callback", "/v1.0/im/bot/messages/get"}
    assert shop.fake.acks["ping-1"]["code"] == 200  # the SDK acked the system ping
    await shop.review_arrives()
    card = shop.card()
    assert NEGATIVE in card.params["markdown"] and "测试小馆" in card.params["markdown"]
    assert "建议回复" in card.params["markdown"] and card.params["open"] == "true"
    seen = dict(card.params)  # the card as one presser's screen still shows it
    assert seen["draft_id"].isdigit() and seen["draft"] in seen["markdown"]
    assert (await shop.press(STAFF2, "regenerate")).startswith("已换一版")
    stale = await shop.fake.press(STAFF, card, "approve", shown=seen)
    await shop.daemon.drain()
    assert stale["userPrivateData"]["cardParamMap"]["notice"] == "⚠️ 草稿已更新，请看最新卡片。"
    assert not shop.demo.platform.replies and card.params["open"] == "true"
    draft = card.params["draft"]
    assert draft != seen["draft"] and draft in card.params["markdown"]

    answers = await asyncio.gather(
        shop.fake.press(STAFF, card, "approve"),
        shop.fake.press(STAFF, card, "approve"),
        shop.fake.press(STAFF2, card, "approve"),
    )
    await shop.daemon.drain()
    notices = [a["userPrivateData"]["cardParamMap"]["notice"] for a in answers]
    assert sum("正在发布" in n for n in notices) == 1, notices
    assert len(shop.demo.platform.replies) == 1
    assert shop.demo.platform.replies[0].content == draft
    assert card.params["open"] == "false" and "已发布到平台" in card.params["status"]
    assert any(name in card.params["status"] for name in ("小张", "小刘"))  # who did it
    assert card.updates >= 1  # redrawn in place, not sent again
    assert len(shop.fake.group_cards(GROUP)) == 1
    later = await shop.press(STAFF, "approve")  # a tap long after: who handled it, and when
    assert later.startswith("⚠️") and "处理" in later and len(shop.demo.platform.replies) == 1
    others = [n for n in notices if "正在发布" not in n]
    assert all("处理" in n for n in others), others  # the two late taps were told


async def test_an_ignore_can_be_taken_back_within_its_window(shop: Shop):
    await shop.review_arrives()
    assert shop.card().params["undo"] == "false"
    assert not (await shop.press(STAFF, "ignore")).startswith("⚠️")
    assert shop.card().params["open"] == "false" and shop.card().params["undo"] == "true"
    assert not (await shop.press(STAFF, "undo_ignore")).startswith("⚠️")
    assert shop.card().params["open"] == "true" and shop.card().params["undo"] == "false"
    shop.clock.advance(seconds=1)  # (a redraw is queued once per moment and reason)
    await shop.press(STAFF, "ignore")
    shop.clock.advance(seconds=31)
    late = await shop.press(STAFF, "undo_ignore")
    assert late.startswith("⚠️") and shop.card().params["open"] == "false", late


async def test_staff_clear_a_malicious_flag_from_the_card(shop: Shop):
    """The card's `flagged` variable shows 「不是恶意」 (action `not_malicious`); pressed,
    the card is redrawn without the mark and staff may post the ordinary reply."""
    await shop.review_arrives("加微信xx123领优惠券，代刷好评")
    assert shop.card().params["flagged"] == "true" and "疑似恶意" in shop.card().params["markdown"]

    notice = await shop.press(STAFF, "not_malicious")

    assert notice == "已确认不是恶意，这条评价按普通评价处理，草稿已换成普通回复。"
    params = shop.card().params
    assert params["flagged"] == "false" and "疑似恶意" not in params["markdown"]
    assert "确认不是恶意" in params["status"] and "需店长或店主通过" not in params["markdown"]
    assert "正在发布" in await shop.press(STAFF, "approve")
    assert len(shop.demo.platform.replies) == 1


async def test_an_edit_goes_through_the_guardrails(shop: Shop):
    """An edit through the card's input box or an @-message: refused with the suggested
    rewording, then a good one posted."""
    await shop.review_arrives()
    number = shop.card().params["review"].lstrip("#")
    said = await shop.ask(STAFF, f"/edit {number} 抱歉，菜钱全免")
    assert "菜钱全免" in said and "不能发布" in said and "可以改成" in said
    refused = await shop.press(STAFF, "edit", reply="非常抱歉，这一单菜钱全免。")
    assert "菜钱全免" in refused and "可以改成" in refused  # what is wrong, and how to put it
    assert not shop.demo.platform.replies and shop.card().params["open"] == "true"
    good = "非常抱歉水煮鱼偏咸又凉了，我们已提醒后厨和骑手注意，欢迎再来。测试小馆 店长"
    answer = await shop.press(STAFF, "edit", reply=good)
    assert not answer.startswith("⚠️"), answer
    await shop.daemon.drain()
    assert [r.content for r in shop.demo.platform.replies] == [good]
    assert shop.card().params["open"] == "false" and "小张" in shop.card().params["status"]


async def test_a_stranger_is_refused_and_commands_answer_staff(shop: Shop):
    await shop.review_arrives()
    refused = await shop.press(STRANGER, "approve")
    assert "没有权限" in refused and STRANGER in refused
    assert not shop.demo.platform.replies and shop.card().params["open"] == "true"
    assert STRANGER in await shop.ask(STRANGER, "/pending")
    assert await shop.ask(STRANGER, "/stats") == ""  # told once an hour in a group
    async with shop.daemon.sessions() as session:
        refusals = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "chat.refused"))
        ).all()
    assert [r.actor for r in refusals] == [f"dingtalk:{STRANGER}"] * 3

    pending = await shop.ask(STAFF, "/pending")
    assert "待处理 1 条" in pending and shop.card().params["review"] in pending
    assert "测试小馆" in await shop.ask(STAFF, "/stats")
    assert "没有进行中的危机" in await shop.ask(STAFF, "/crisis")
    assert "已暂停非紧急提醒" in await shop.ask(MANAGER, "/mute 1h")
    await shop.review_arrives("服务员态度很差，等了四十分钟")
    assert len(shop.fake.group_cards(GROUP)) == 1  # held by the mute
    assert "已恢复提醒" in await shop.ask(MANAGER, "/mute off")
    await shop.settle()
    assert len(shop.fake.group_cards(GROUP)) == 2


async def test_review_sends_the_card_again_and_its_buttons_work(shop: Shop):
    """/review 编号 sends the card to the bottom of the group again, as it stands; a press
    on the copy acts and redraws the copy (the outbox redraws the original); a number not
    of this group's stores is not found."""
    await shop.review_arrives()
    number = shop.card().params["review"].lstrip("#")
    assert "找不到评价 #9999" in await shop.ask(STAFF, "/review 9999")
    assert f"#{number}" in await shop.ask(STAFF, f"/review {number}")
    first, again = shop.fake.group_cards(GROUP)
    assert again.out_track_id != first.out_track_id and again.params["open"] == "true"
    assert again.params["markdown"] == first.params["markdown"]
    assert "正在发布" in await shop.press(MANAGER, "approve")  # the newest: the copy
    await shop.settle()
    assert len(shop.demo.platform.replies) == 1
    assert again.params["open"] == "false" and first.params["open"] == "false"
    assert "/review 编号" in await shop.ask(STAFF, "/help")


@pytest.mark.slow  # two daemons, one after the other
@pytest.mark.both_databases
async def test_an_outage_and_a_restart_hold_the_cards_then_send_each_once_in_order(
    database_url, demo, dingtalk: FakeDingTalk, clock
):
    daemon = await start(database_url, demo, dingtalk, clock)
    shop = Shop(daemon, dingtalk, demo, clock)
    await dingtalk.connected()
    daemon.fronts[0].client.retry_max = 0.2  # reconnect within the test's time, not a minute
    dingtalk.down = True
    await dingtalk.drop()
    texts = [f"{NEGATIVE}（{n}号桌）" for n in range(1, 4)]
    for text in texts[:2]:
        await shop.review_arrives(text)
    assert not dingtalk.cards
    await daemon.stop()  # a restart in the middle of the outage
    await daemon.close()
    daemon = await start(database_url, demo, dingtalk, clock)
    daemon.fronts[0].client.retry_max = 0.2
    shop.daemon = daemon
    try:
        await shop.review_arrives(texts[2])
        assert not dingtalk.cards
        dingtalk.down = False
        await shop.settle()
        cards = dingtalk.group_cards(GROUP)
        said = [next(t for t in texts if t.split("（")[1] in c.params["markdown"]) for c in cards]
        assert said == texts  # once each, in order
        await dingtalk.connected()  # the stream came back by itself
        assert "正在发布" in await shop.press(STAFF, "approve")
        assert len(demo.platform.replies) == 1
    finally:
        await daemon.stop()
        await daemon.close()


@pytest.mark.slow  # two daemons, one after the other
async def test_a_wrong_secret_is_named_never_shown_and_fixing_it_delivers(
    database_url, demo, dingtalk: FakeDingTalk, clock, monkeypatch, caplog
):
    wrong = "wrong-secret-0123456789abcdef"
    monkeypatch.setenv("RB_DINGTALK_SECRET", wrong)
    daemon = await start(database_url, demo, dingtalk, clock)
    shop = Shop(daemon, dingtalk, demo, clock)
    try:
        await shop.review_arrives()
        assert not dingtalk.cards and dingtalk.opened  # the stream was refused too
        (health,) = await channel_health(daemon.sessions)
        assert health["state"] == "bad_credentials" and health["pending"] == 1
        assert "RB_DINGTALK_SECRET" in health["last_error"] and CLIENT_ID in health["last_error"]
        assert wrong not in health["last_error"] and wrong not in caplog.text
    finally:
        await daemon.stop()
        await daemon.close()
    monkeypatch.setenv("RB_DINGTALK_SECRET", SECRET)  # the owner fixes it and restarts
    daemon = await start(database_url, demo, dingtalk, clock)
    shop.daemon = daemon
    try:
        await shop.settle(seconds=301)
        (card,) = dingtalk.group_cards(GROUP)
        assert NEGATIVE in card.params["markdown"]
        await dingtalk.connected()
        assert "正在发布" in await shop.press(MANAGER, "approve")
    finally:
        await daemon.stop()
        await daemon.close()


async def test_a_thank_you_batch_is_a_card_whose_button_posts_it_once(shop: Shop):
    """With a thank-you template configured, the daily digest brings the group its
    thank-you drafts as a card: a stranger's ✅ is refused privately; a double ✅ and a
    colleague's at once post each reply once; the card is redrawn for everyone with who
    posted what, and again once the reply reached the platform."""
    from tests.test_wecom import offered_batch

    await offered_batch(shop)
    (card,) = [c for c in shop.fake.cards.values() if c.template == "tpl-thanks.schema"]
    assert card.conversation == GROUP and card.params["open"] == "true"
    assert "好评待感谢" in card.params["markdown"] and "服务也热情" in card.params["markdown"]

    refused = await shop.fake.press(STRANGER, card, "thanks_post")
    await shop.daemon.drain()
    notice = refused["userPrivateData"]["cardParamMap"]["notice"]
    assert "没有权限" in notice and STRANGER in notice
    assert card.params["open"] == "true" and not shop.demo.platform.replies

    answers = await asyncio.gather(
        shop.fake.press(STAFF, card, "thanks_post"),
        shop.fake.press(STAFF, card, "thanks_post"),
        shop.fake.press(STAFF2, card, "thanks_post"),
    )
    await shop.daemon.drain()
    await shop.settle()
    notices = [a["userPrivateData"]["cardParamMap"]["notice"] for a in answers]
    assert sum("已通过 1 条" in n for n in notices) == 1, notices
    assert len(shop.demo.platform.replies) == 1
    assert card.params["open"] == "false" and "发布了" in card.params["status"]
    assert any(name in card.params["status"] for name in ("小张", "小刘"))
    assert "（已发布到平台）" in card.params["markdown"], card.params["markdown"]


async def test_someone_on_dingtalk_alone_gets_a_console_link_privately(
    database_url, demo, dingtalk: FakeDingTalk, clock
):
    """No Telegram: 控制台 (or /console) @-sent to the robot in the group brings a one-time
    sign-in link to the web console in the robot's private chat with that person (the
    group is told it was sent, never shown it); it signs them in once. A stranger gets
    no link."""
    data = settings(database_url, demo.base_url, dingtalk.base_url)
    data["web"] = WEB
    daemon = await start_daemon(data, clock)
    async with open_shop(Shop(daemon, dingtalk, demo, clock)) as shop:
        await shop.ask(STAFF, "控制台")
        (group,) = [m["text"] for m in dingtalk.messages if m.get("conversation") == GROUP]
        assert "已私信" in group and link_in(group) is None, group
        (private,) = [m for m in dingtalk.messages if m.get("users") == [STAFF]]
        link = link_in(private["text"])
        assert link and link.startswith(CONSOLE_URL), private
        assert link_in(await shop.ask(STRANGER, "/console")) is None
        assert "小张" in await signed_in_page(daemon, link)
        assert "已注销 1 个网页登录" in await shop.ask(STAFF, "/console revoke")
