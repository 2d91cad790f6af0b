"""WeCom through the AI bot's long connection: the daemon pushes each bad review to the
store's group as a template card, and the card's clicks and the messages to the bot come
back over the same WebSocket, spoken by reviewbot's own aiohttp client against a local fake
of WeCom's long-connection server (tests/fakes/wecom.py)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.wecom.link import Link, WeComError
from reviewbot.clock import FakeClock
from reviewbot.store.schema import AuditEntry
from tests.fakes.wecom import Card, FakeWeCom
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

BOT_ID, SECRET = "aibWeComBot0001", "wecom-long-connection-secret-0123456789"
GROUP = "wrkSFfCgAAGroupOfStore1"
OWNER, MANAGER, STAFF, STAFF2, STRANGER = "WangLaoBan", "LiDianZhang", "XiaoZhang", "XiaoLiu", "x9"


def settings(database_url: str, demo_url: str, ws_url: str) -> dict[str, Any]:
    channel = {
        "kind": "wecom_bot",
        "bot_id": BOT_ID,
        "secret_env": "RB_WECOM_SECRET",
        "conversation_id": GROUP,
        "ws_url": ws_url,
    }
    return app_settings(
        database_url, demo_url, channel, "wecom_user_id", (OWNER, MANAGER, STAFF, STAFF2)
    )


class Shop(AppShop):
    """The daemon with its WeCom bot, driven step by step on the fake clock."""

    fake: FakeWeCom

    def card(self) -> Card:
        return self.fake.group_cards(GROUP)[-1]

    async def click(self, user: str, label: str) -> str:
        """A click on the newest card: the card as redrawn, as text."""
        drawn = await self.fake.click(user, self.card(), label)
        await self.daemon.drain()
        assert drawn is not None, "the click was not answered"
        return self.card().text

    async def ask(self, user: str, text: str, wait: float = 15.0) -> str | None:
        said = await self.fake.say(user, GROUP, text, wait)
        await self.daemon.drain()
        return said


async def start(database_url: str, demo: Any, fake: FakeWeCom, clock: FakeClock) -> Daemon:
    daemon = await start_daemon(settings(database_url, demo.base_url, fake.url), clock)
    daemon.fronts[0].link.retry_max = 0.2  # reconnect within the test's time, not a minute
    return daemon


@pytest.fixture
async def wecom(monkeypatch) -> AsyncIterator[FakeWeCom]:
    monkeypatch.setenv("RB_WECOM_SECRET", SECRET)
    async with serving(FakeWeCom(BOT_ID, SECRET)) as fake:
        yield fake


@pytest.fixture
async def shop(database_url, demo, wecom, clock) -> AsyncIterator[Shop]:
    daemon = await start(database_url, demo, wecom, clock)
    async with open_shop(Shop(daemon, wecom, demo, clock)) as shop:
        yield shop


async def test_a_card_whose_answer_was_lost_goes_again_saying_it_may_be_a_repeat(shop: Shop):
    """WeCom took the card and the connection dropped before its answer came: the card
    goes again once the bot is back (it may not have arrived), saying it may be a repeat."""
    shop.fake.drop_after_send = 1
    await shop.review_arrives()
    (first,) = shop.fake.group_cards(GROUP)
    assert NEGATIVE in first.text and "可能重复" not in first.text
    await shop.fake.connected()
    await shop.settle()
    first_again, second = shop.fake.group_cards(GROUP)
    assert first_again is first and NEGATIVE in second.text
    assert "可能重复" in second.text


async def test_a_bad_review_becomes_a_card_and_approving_posts_it_once(shop: Shop):
    """End to end: a negative review on the demo platform, a template card in the WeCom
    group, a colleague's 🔁 (a ✅ on the card as it was before posts nothing: its key
    names the draft it showed), a double tap and two people at once, and exactly one
    reply posted back: the draft the card shows."""
    await shop.review_arrives()
    (card,) = shop.fake.group_cards(GROUP)
    assert NEGATIVE in card.text and "测试小馆" in card.text and "建议回复" in card.text
    assert "✅ 通过并发布" in card.labels() and "✏️ 修改" in card.labels()
    assert len(card.labels()) == 6 and "⏰ 稍后提醒" in str(card.card["action_menu"])
    seen = Card(card.chat, card.task_id, copy.deepcopy(card.card))  # a screen not redrawn yet
    assert "已换一版" in await shop.click(STAFF2, "换一版")
    stale = await shop.fake.click(STAFF, seen, "通过并发布")
    await shop.daemon.drain()
    assert stale is not None and "👉 ⚠️ 草稿已更新，请看最新卡片。" in stale["sub_title_text"]
    assert not shop.demo.platform.replies and "✅ 通过并发布" in card.labels()
    before = card.card["sub_title_text"]

    drawn = await asyncio.gather(
        shop.fake.click(STAFF, card, "通过并发布"),
        shop.fake.click(STAFF, card, "通过并发布"),
        shop.fake.click(STAFF2, card, "通过并发布"),
    )
    await shop.daemon.drain()
    assert all(d is not None for d in drawn)  # every click answered by a redrawn card
    assert len(shop.demo.platform.replies) == 1
    posted = f"建议回复：{shop.demo.platform.replies[0].content}"
    assert posted in before and posted not in seen.card["sub_title_text"]  # the draft shown
    assert card.updates == 5 and len(shop.fake.group_cards(GROUP)) == 1  # in place
    assert any(name in card.text for name in ("小张", "小刘"))  # who did it
    assert "通过并发布" not in " ".join(card.labels())
    assert "已发布到平台" in await shop.click(STAFF, "刷新状态")
    assert len(shop.demo.platform.replies) == 1


async def test_staff_clear_a_malicious_flag_from_the_card(shop: Shop):
    """「不是恶意」 takes the place of ☎️ on a flagged card; clicked, the card is redrawn
    without the mark, the lock and the appeal, and staff may post the ordinary reply."""
    await shop.review_arrives("加微信xx123领优惠券，代刷好评")
    card = shop.card()
    assert "疑似恶意" in card.text and "👌 不是恶意" in card.labels()

    text = await shop.click(STAFF, "不是恶意")

    assert "👉 已确认不是恶意，这条评价按普通评价处理，草稿已换成普通回复。" in text
    assert "疑似恶意" not in text and "需店长或店主通过" not in text and "确认不是恶意" in text
    assert "☎️ 已联系顾客" in card.labels()
    assert not {"👌 不是恶意", "🚩 恶意（申诉）"} & set(card.labels())
    assert "正在发布" in await shop.click(STAFF, "通过并发布")
    assert len(shop.demo.platform.replies) == 1


async def test_an_edit_goes_through_the_guardrails(shop: Shop):
    """✏️ then a message to the bot: refused with the suggested rewording, then a good one
    posted; /edit does it in one message."""
    await shop.review_arrives()
    asked = await shop.click(STAFF, "修改")
    assert "发送修改后的完整回复" in asked
    said = await shop.ask(STAFF, "非常抱歉，这一单菜钱全免。")
    assert said and "菜钱全免" in said and "可以改成" in said, said
    number = shop.card().text.split("编号 #")[1].split()[0]
    said = await shop.ask(STAFF, f"/edit {number} 抱歉，菜钱全免")
    assert said and "菜钱全免" in said and "不能发布" in said
    assert not shop.demo.platform.replies
    good = "非常抱歉水煮鱼偏咸又凉了，我们已提醒后厨和骑手注意，欢迎再来。测试小馆 店长"
    said = await shop.ask(STAFF, good)  # the edit is still open after a refusal
    assert said and good in said and "确认发布吗" in said, said
    preview = shop.card()  # the preview card, under the review's
    assert preview.labels() == ["✅ 确认发布", "✖ 取消"] and good in preview.text
    await shop.daemon.drain()
    assert not shop.demo.platform.replies  # nothing posted before the confirm
    assert "👉 已通过" in await shop.click(STAFF, "确认发布")
    await shop.daemon.drain()
    assert [r.content for r in shop.demo.platform.replies] == [good]
    assert "确认发布" not in " ".join(shop.card().labels())
    review = shop.fake.group_cards(GROUP)[0]
    drawn = await shop.fake.click(STAFF2, review, "刷新状态")
    assert drawn is not None and "小张" in review.text


async def test_an_edit_command_in_the_group_is_previewed_before_it_is_posted(shop: Shop):
    """/edit 编号 新的回复 is held and previewed like a reply to ✏️, replacing the
    author's own preview of the card: nothing is posted until they confirm."""
    await shop.review_arrives()
    number = shop.card().text.split("编号 #")[1].split()[0]
    first = "非常抱歉水煮鱼偏咸了，我们已提醒后厨注意口味，欢迎再来。测试小馆 店长"
    said = await shop.ask(STAFF, f"/edit {number} {first}")
    assert said and first in said and "确认发布吗" in said, said
    old = shop.card()
    assert old.labels() == ["✅ 确认发布", "✖ 取消"] and first in old.text
    second = "非常抱歉水煮鱼偏咸又凉了，我们已提醒后厨和骑手注意，欢迎再来。测试小馆 店长"
    said = await shop.ask(STAFF, f"/edit #{number} {second}")
    assert said and second in said
    await shop.fake.click(STAFF, old, "确认发布")  # the replaced preview posts nothing
    await shop.daemon.drain()
    assert not shop.demo.platform.replies
    assert "👉 已通过" in await shop.click(STAFF, "确认发布")
    await shop.daemon.drain()
    assert [r.content for r in shop.demo.platform.replies] == [second]


async def test_an_edit_is_previewed_and_only_its_author_confirms_or_cancels_it(shop: Shop):
    """After ✏️ the next message is held and previewed with ✅ and ✖, as in Telegram and
    Feishu: a colleague's press does nothing, a second message replaces the preview (the
    first one's ✅ then posts nothing), ✖ keeps the draft, and nothing is posted until
    the author confirms."""
    await shop.review_arrives()
    await shop.click(STAFF, "修改")
    first = "非常抱歉水煮鱼偏咸了，我们已提醒后厨注意口味，欢迎再来。测试小馆 店长"
    said = await shop.ask(STAFF, first)
    assert said and first in said and "确认发布吗" in said, said
    old = shop.card()
    assert "只有写修改的人" in await shop.click(STAFF2, "确认发布")
    assert old.labels() == ["✅ 确认发布", "✖ 取消"]  # still the author's to decide
    second = "非常抱歉水煮鱼偏咸又凉了，我们已提醒后厨和骑手注意，欢迎再来。测试小馆 店长"
    said = await shop.ask(STAFF, second)
    assert said and second in said
    new = shop.card()
    assert new.task_id != old.task_id and second in new.text
    drawn = await shop.fake.click(STAFF, old, "确认发布")
    await shop.daemon.drain()
    assert drawn is not None and "已失效" in old.text and old.labels() == ["🔄 刷新状态"]
    assert not shop.demo.platform.replies
    assert "已取消修改" in await shop.click(STAFF, "取消")
    await shop.daemon.drain()
    assert not shop.demo.platform.replies
    review = shop.fake.group_cards(GROUP)[0]
    assert first not in review.text and second not in review.text  # the draft as it was
    async with shop.daemon.sessions() as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.like("draft.edit%"))
            )
        ).all()
    assert "draft.edit_cancelled" in actions and "draft.edited" not in actions


async def test_a_stranger_is_refused_and_commands_answer_staff(shop: Shop):
    await shop.review_arrives()
    refused = await shop.click(STRANGER, "通过并发布")
    assert "没有权限" in refused and STRANGER in refused
    assert not shop.demo.platform.replies and "✅ 通过并发布" in shop.card().labels()
    said = await shop.ask(STRANGER, "/pending")
    assert said and STRANGER in said
    assert await shop.ask(STRANGER, "/stats", wait=0.5) is None  # told once an hour here
    async with shop.daemon.sessions() as session:
        refusals = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "chat.refused"))
        ).all()
    assert [r.actor for r in refusals] == [f"wecom:{STRANGER}"] * 3

    assert GROUP in (await shop.ask(STAFF, "/help") or "")  # the chatid for the config
    pending = await shop.ask(STAFF, "/pending")
    assert pending and "待处理 1 条" in pending
    assert "测试小馆" in (await shop.ask(STAFF, "/stats") or "")
    assert "没有进行中的危机" in (await shop.ask(STAFF, "/crisis") or "")
    assert "已暂停非紧急提醒" in (await shop.ask(MANAGER, "/mute 1h") or "")
    await shop.review_arrives("服务员态度很差，等了四十分钟")
    assert len(shop.fake.group_cards(GROUP)) == 1  # held by the mute
    assert "已恢复提醒" in (await shop.ask(MANAGER, "/mute off") or "")
    await shop.settle()
    assert len(shop.fake.group_cards(GROUP)) == 2


@pytest.mark.both_databases
async def test_an_outage_and_a_restart_hold_the_cards_then_send_each_once_in_order(
    database_url, demo, wecom: FakeWeCom, clock
):
    daemon = await start(database_url, demo, wecom, clock)
    shop = Shop(daemon, wecom, demo, clock)
    await wecom.connected()
    wecom.down = True
    await wecom.drop()
    texts = [f"{NEGATIVE}（{n}号桌）" for n in range(1, 4)]
    for text in texts[:2]:
        await shop.review_arrives(text)
    assert not wecom.cards
    await daemon.stop()  # a restart in the middle of the outage
    await daemon.close()
    daemon = await start(database_url, demo, wecom, clock)
    shop.daemon = daemon
    try:
        await shop.review_arrives(texts[2])
        assert not wecom.cards
        wecom.down = False
        await wecom.connected()  # the connection came back by itself
        await shop.settle()
        cards = wecom.group_cards(GROUP)
        said = [next(t for t in texts if t.split("（")[1] in c.text) for c in cards]
        assert said == texts  # once each, in order
        assert "正在发布" in await shop.click(STAFF, "通过并发布")
        assert len(demo.platform.replies) == 1
    finally:
        await daemon.stop()
        await daemon.close()


async def test_the_link_pings_and_gives_way_to_a_newer_connection_of_the_bot(
    wecom: FakeWeCom, caplog
):
    """Heartbeats keep the connection; a newer connection of the same bot (another
    reviewbot running it) pushes this one out, and it does not fight back at once."""
    async with aiohttp.ClientSession() as http:
        first = Link(
            http, bot_id=BOT_ID, secret=SECRET, url=wecom.url, secret_env="E", heartbeat=0.05
        )
        second = Link(http, bot_id=BOT_ID, secret=SECRET, url=wecom.url, secret_env="E")
        first.start()
        try:
            await wecom.connected()
            for _ in range(100):
                if wecom.pings >= 2:
                    break
                await asyncio.sleep(0.02)
            assert wecom.pings >= 2 and first.connected.is_set()
            second.start()
            await asyncio.wait_for(second.connected.wait(), 5)
            for _ in range(100):
                if not first.connected.is_set():
                    break
                await asyncio.sleep(0.02)
            assert not first.connected.is_set()
            await asyncio.sleep(0.3)
            assert wecom.subscriptions == 2  # the first waits instead of pushing back
            assert "took over" in caplog.text
        finally:
            await first.stop()
            await second.stop()


async def test_a_wrong_secret_is_named_by_its_setting_never_shown(wecom: FakeWeCom, caplog):
    async with aiohttp.ClientSession() as http:
        link = Link(
            http, bot_id=BOT_ID, secret="wrong-secret-value", url=wecom.url, secret_env="RB_X"
        )
        link.start()
        try:
            for _ in range(100):
                if "RB_X" in caplog.text:
                    break
                await asyncio.sleep(0.02)
            assert "errcode 40001" in caplog.text and "RB_X" in caplog.text
            assert "wrong-secret-value" not in caplog.text
            assert not link.connected.is_set() and wecom.subscriptions == 0
            with pytest.raises(WeComError) as refused:
                await link.send(GROUP, {"msgtype": "markdown", "markdown": {"content": "x"}})
            assert refused.value.code == "network"
        finally:
            await link.stop()


POSITIVE = "味道很好，服务也热情，下次还来"


async def offered_batch(shop: AppShop) -> None:
    """A good review with its thank-you draft, then the daily digest that offers it."""
    shop.demo.platform.add_review("shop-1", POSITIVE, 5)
    shop.clock.advance(minutes=5)
    await shop.daemon.poll_all_once()
    await shop.settle()
    shop.clock.advance(hours=9.5)  # 21:30 in the store, the daily digest's time
    assert await shop.daemon.digests.run("day") == 1
    await shop.daemon.drain()
    await shop.settle()


async def test_a_thank_you_batch_is_a_card_whose_button_posts_it_once(shop: Shop):
    """The daily digest brings the group its thank-you drafts as a template card: a
    stranger's ✅ is refused on the card; a double ✅ and a colleague's at once post each
    reply once; the card then says who posted what, and 🔄 shows it reached the platform."""
    await offered_batch(shop)
    (card,) = [c for c in shop.fake.group_cards(GROUP) if "✅ 全部发布" in c.labels()]
    assert "好评待感谢" in card.text and "服务也热情" in card.text
    assert card.labels() == ["✅ 全部发布", "🙈 全部忽略"]

    refused = await shop.fake.click(STRANGER, card, "全部发布")
    await shop.daemon.drain()
    assert refused is not None and "没有权限" in refused["sub_title_text"]
    assert STRANGER in refused["sub_title_text"] and "✅ 全部发布" in card.labels()
    assert not shop.demo.platform.replies

    drawn = await asyncio.gather(
        shop.fake.click(STAFF, card, "全部发布"),
        shop.fake.click(STAFF, card, "全部发布"),
        shop.fake.click(STAFF2, card, "全部发布"),
    )
    await shop.daemon.drain()
    await shop.settle()
    assert all(d is not None for d in drawn)  # every click answered by a redrawn card
    assert len(shop.demo.platform.replies) == 1
    assert "已通过 1 条" in " ".join(d["sub_title_text"] for d in drawn if d)
    assert any(name in card.text for name in ("小张", "小刘")) and "发布了" in card.text
    assert card.labels() == ["🔄 刷新状态"]  # decided: nothing left to post
    await shop.fake.click(STAFF, card, "刷新状态")
    assert "（已发布到平台）" in card.text, card.text


async def test_someone_on_wecom_alone_gets_a_console_link_in_a_private_chat(
    database_url, demo, wecom: FakeWeCom, clock
):
    """No Telegram: /console (or 控制台) to the bot privately answers a one-time sign-in
    link to the web console; asked in the group, no link is made (the bot's answer there
    is for everyone) and they are told to ask privately. A stranger gets no link."""
    data = settings(database_url, demo.base_url, wecom.url)
    data["web"] = WEB
    daemon = await start_daemon(data, clock)
    daemon.fronts[0].link.retry_max = 0.2
    async with open_shop(Shop(daemon, wecom, demo, clock)) as shop:
        said = await shop.ask(STAFF, "/console")
        assert said and "私聊" in said and link_in(said) is None
        assert link_in(await shop.fake.say(STRANGER, None, "控制台")) is None
        said = await shop.fake.say(STAFF, None, "控制台")
        link = link_in(said)
        assert link and link.startswith(CONSOLE_URL) and "只能用一次" in (said or "")
        assert "小张" in await signed_in_page(daemon, link)


async def test_review_pushes_the_card_again_and_it_works(shop: Shop):
    """/review 编号 brings the card back to the bottom of the group (as a page asks), its
    buttons working; a number not of this group's stores is not found."""
    await shop.review_arrives()
    number = shop.card().text.split("编号 #")[1].split()[0]
    assert "找不到评价 #9999" in (await shop.ask(STAFF, "/review 9999") or "")
    said = await shop.ask(STAFF, f"/review {number}")
    assert said and f"#{number}" in said
    first, again = shop.fake.group_cards(GROUP)
    assert NEGATIVE in again.text and first.task_id != again.task_id
    assert "正在发布" in await shop.click(MANAGER, "通过并发布")  # on the newest: the copy
    assert len(shop.demo.platform.replies) == 1
    drawn = await shop.fake.click(STAFF, first, "刷新状态")
    assert drawn is not None and "通过并发布" not in " ".join(first.labels())


async def test_a_thank_you_batch_ignored_posts_nothing_and_says_who(shop: Shop):
    await offered_batch(shop)
    (card,) = [c for c in shop.fake.group_cards(GROUP) if "✅ 全部发布" in c.labels()]
    drawn = await shop.fake.click(STAFF, card, "全部忽略")
    await shop.daemon.drain()
    await shop.settle()
    assert drawn is not None and "已忽略 1 条" in drawn["sub_title_text"]
    assert "小张 忽略了" in card.text and "🙈 已忽略" in card.text
    assert card.labels() == ["🔄 刷新状态"] and not shop.demo.platform.replies
    late = await shop.fake.click(STAFF2, card, "刷新状态")
    assert late is not None and "小张 忽略了" in card.text


@pytest.mark.both_databases
async def test_an_edit_opened_before_a_restart_is_taken_after_it(
    database_url, demo, wecom: FakeWeCom, clock
):
    """✏️, then the bot restarts (a new process, a new connection) before the person sends
    their reply: the reply is still taken as the edit and previewed; a second message
    after another restart replaces that preview; the author's ✅ posts it. A late reply
    is not taken."""

    async def restart() -> None:
        await shop.daemon.stop()
        await shop.daemon.close()
        shop.daemon = await start(database_url, demo, wecom, clock)
        await wecom.connected()

    shop = Shop(await start(database_url, demo, wecom, clock), wecom, demo, clock)
    await wecom.connected()
    try:
        await shop.review_arrives()
        assert "发送修改后的完整回复" in await shop.click(STAFF, "修改")
        await restart()
        first = "非常抱歉水煮鱼偏咸了，我们已提醒后厨注意口味，欢迎再来。测试小馆 店长"
        said = await shop.ask(STAFF, first)
        assert said and "确认发布吗" in said, said
        await restart()
        good = "非常抱歉水煮鱼偏咸又凉了，我们已提醒后厨和骑手注意，欢迎再来。测试小馆 店长"
        said = await shop.ask(STAFF, good)  # replaces the first preview
        assert said and good in said and "确认发布吗" in said, said
        assert "👉 已通过" in await shop.click(STAFF, "确认发布")
        await shop.daemon.drain()
        assert [r.content for r in demo.platform.replies] == [good]
        assert "没有权限" not in (await shop.ask(STAFF2, "你好") or "")  # no edit of theirs
        await shop.review_arrives(f"{NEGATIVE}（2号桌）")
        await shop.click(STAFF2, "修改")
        clock.advance(hours=1)
        late = await shop.ask(STAFF2, good)
        assert late and "超时" in late and len(demo.platform.replies) == 1
    finally:
        await shop.daemon.stop()
        await shop.daemon.close()
