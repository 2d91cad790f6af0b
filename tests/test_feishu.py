"""The Feishu / Lark app bot, end to end: the daemon posts review cards through the real
SDK (`lark-oapi`, its domain pointed at tests/fakes/feishu.py), taps and commands come
back over the SDK's long connection in its protobuf frames, and the demo platform
receives the approved reply. Covered: the card and its buttons, approve once however
often and by whom it is tapped, an edit through the guardrails, a stranger refused,
commands, Feishu out of reach with alerts waiting, and a restart in the middle."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings
from reviewbot.store.schema import AuditEntry, OutboxMessage
from tests.conftest import TEST_FACTS
from tests.fakes.feishu import FakeFeishu
from tests.harness.apps import CONSOLE_URL, WEB, link_in, signed_in_page

# One worker runs them all: the SDK they drive (and the fake's protobuf frames) costs 2.5 s
# of CPU to import, paid once instead of on every worker (pyproject: --dist loadgroup).
# So nothing here imports it when the module is collected (every worker collects every
# module): the long connection is named by its path, imported when a test first runs it.
STREAM = "reviewbot.chat.feishu.stream"
pytestmark = [pytest.mark.xdist_group("feishu"), pytest.mark.one_database]

APP_ID, SECRET = "cli_a1b2c3d4e5", "feishu-app-secret-0123"
CHAT, OTHER_CHAT = "oc_staff_group", "oc_other_group"
OWNER, MANAGER, STAFF, STRANGER = "ou_owner", "ou_manager", "ou_staff", "ou_stranger"
NEGATIVE = "水煮鱼太咸了，送到的时候已经凉了"


def settings(
    database_url: str,
    demo_url: str,
    fake: FakeFeishu,
    app_id: str = APP_ID,
    web: dict[str, Any] | None = None,
) -> Any:
    return parse_settings(
        {
            **({"web": web} if web else {}),
            "database": {"url": database_url, "auto_upgrade": True},
            "http": {"timeout_seconds": 2.0, "max_attempts": 2, "backoff_initial_seconds": 0.01},
            "demo": {"serve": False},
            "people": [
                {"name": "王老板", "feishu_open_id": OWNER, "role": "owner", "stores": ["*"]},
                {
                    "name": "李店长",
                    "feishu_open_id": MANAGER,
                    "role": "manager",
                    "stores": ["store-1"],
                },
                {"name": "小张", "feishu_open_id": STAFF, "role": "staff", "stores": ["store-1"]},
            ],
            "stores": [
                {
                    "id": "store-1",
                    "name": "测试小馆",
                    "facts": TEST_FACTS,
                    "channels": [
                        {
                            "kind": "feishu_app",
                            "app_id": app_id,
                            "app_secret_env": "RB_FEISHU_SECRET",
                            "chat_id": CHAT,
                            "domain": fake.url,
                        }
                    ],
                    "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
                }
            ],
        }
    )


class Bench:
    """A daemon with the Feishu app bot, the fake Feishu, the demo platform and a clock."""

    def __init__(self, fake: FakeFeishu, demo: Any, clock: FakeClock, database_url: str) -> None:
        self.fake, self.demo, self.clock, self.database_url = fake, demo, clock, database_url
        self.daemon: Daemon | None = None
        self.web: dict[str, Any] | None = None  # [web], for a test of the console

    async def start(self) -> Daemon:
        self.daemon = Daemon(
            settings(self.database_url, self.demo.base_url, self.fake, web=self.web),
            clock=self.clock,
            notifier=ConsoleNotifier(io.StringIO()),
        )
        connects = self.fake.connects
        await self.daemon.start(schedule=False)
        await self.fake.wait_for(lambda: self.fake.connects > connects and self.fake.connections)
        return self.daemon

    async def stop(self) -> None:
        if self.daemon is not None:
            await self.daemon.stop()
            await self.daemon.close()
            self.daemon = None

    async def settle(self, rounds: int = 10) -> None:
        """Deliver what is due, moving the clock to each retry, until nothing waits (or
        what waits is held far ahead: by a mute)."""
        assert self.daemon is not None
        for _ in range(rounds):
            await self.daemon.drain()
            async with self.daemon.sessions() as session:
                due = await session.scalar(
                    select(func.min(OutboxMessage.next_attempt_at)).where(
                        OutboxMessage.status == "pending"
                    )
                )
            now = self.clock.now()
            if due is None or due.replace(tzinfo=now.tzinfo) > now + timedelta(minutes=10):
                return
            self.clock.advance(
                seconds=max(1.0, (due.replace(tzinfo=now.tzinfo) - now).total_seconds() + 1)
            )

    async def arrive(self, *texts: str, rounds: int = 10) -> None:
        assert self.daemon is not None
        for text in texts:
            self.demo.platform.add_review("shop-1", text, 1)
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        await self.settle(rounds)

    async def card(self, text: str = NEGATIVE) -> dict:
        before = len(self.fake.cards(CHAT))
        await self.arrive(text)
        cards = self.fake.cards(CHAT)
        assert len(cards) == before + 1, "no new card"
        return cards[-1]

    async def tap(self, user: str, card: dict, action: str, form: dict | None = None) -> dict:
        answer = await self.fake.tap(user, card["message_id"], self.fake.button(card, action), form)
        assert self.daemon is not None
        await self.daemon.drain()
        return answer.get("toast", {})

    async def ask(self, user: str, text: str) -> str:
        before = len(self.fake.texts(CHAT))
        await self.fake.say(user, CHAT, text)
        return await self.fake.wait_for(
            lambda: self.fake.texts(CHAT)[before] if len(self.fake.texts(CHAT)) > before else None
        )


@pytest.fixture
async def bench(database_url, demo, clock, monkeypatch) -> AsyncIterator[Bench]:
    monkeypatch.setenv("RB_FEISHU_SECRET", SECRET)
    # The fake answers taps whenever the bot does; Feishu's 3 s would make what a tap
    # answers depend on how busy the machine is (a regenerate on a loaded CI machine took
    # longer and was answered "正在处理"). test_a_slow_tap_is_answered_busy tests that.
    monkeypatch.setattr(STREAM + ".LongConnection.answer_within", 60.0)
    fake = FakeFeishu(APP_ID, SECRET, {CHAT})
    await fake.start()
    running = Bench(fake, demo, clock, database_url)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        await fake.stop()


async def test_a_slow_tap_is_answered_busy_and_its_card_still_follows(bench, monkeypatch):
    """Feishu waits 3 s for a tap's answer: a tap the workflow has not finished by then is
    answered "正在处理" at once, and the work goes on: the card shows its result."""
    card = await bench.card()
    first = card_draft(bench.fake, card)
    monkeypatch.setattr(STREAM + ".LongConnection.answer_within", 0.0)
    toast = await bench.tap(MANAGER, card, "regenerate")
    assert toast == {"type": "info", "content": "正在处理，卡片稍后更新。"}
    await bench.settle()
    assert await bench.fake.wait_for(lambda: card_draft(bench.fake, card) != first)


async def test_a_negative_review_becomes_a_card_and_one_approval_posts_its_reply(bench):
    """End to end: the demo platform's review → a card in the group → a colleague's 🔁
    (a ✅ tapped on the card as it was before posts nothing: its value names the draft
    it showed) → approve, tapped twice by one person and at once by two → one reply on
    the platform, the draft the card shows, and the card redrawn in place saying who
    approved it and that the reply is out."""
    card = await bench.card()
    shown = bench.fake.text_of(card)
    assert NEGATIVE in shown and "测试小馆" in shown and "建议回复" in shown
    first, seen = card_draft(bench.fake, card), bench.fake.button(card, "approve")
    assert (await bench.tap(MANAGER, card, "regenerate"))["content"].startswith("已换一版")
    stale = await bench.fake.tap(STAFF, card["message_id"], seen)
    assert stale["toast"] == {"type": "error", "content": "草稿已更新，请看最新卡片。"}
    await bench.settle()
    assert bench.demo.platform.replies == []
    draft = card_draft(bench.fake, card)
    assert draft != first
    labels = {b["text"]["content"] for b in bench.fake.buttons(card)}
    for label in (
        "✅ 通过并发布",
        "✏️ 修改",
        "🔁 换一版",
        "☎️ 已联系顾客",
        "🚩 恶意（申诉）",
        "🙈 忽略",
        "⏰ 稍后提醒",
    ):
        assert label in labels
    answers = await asyncio.gather(
        bench.tap(STAFF, card, "approve"),
        bench.tap(STAFF, card, "approve"),
        bench.tap(MANAGER, card, "approve"),
    )
    assert sum(a["type"] == "success" for a in answers) == 1, answers
    await bench.settle()
    replies = bench.demo.platform.replies
    assert len(replies) == 1
    assert replies[0].content.split("\n")[0] == draft  # the draft the card shows
    shown = bench.fake.text_of(card)
    assert "已发布到平台" in shown and ("小张" in shown or "李店长" in shown)
    assert not any(b["value"]["a"] == "approve" for b in bench.fake.buttons(card))
    assert len(bench.fake.cards(CHAT)) == 1  # updated in place, never posted again


def card_draft(fake: FakeFeishu, card: dict) -> str:
    text = fake.text_of(card)
    return text.split("**建议回复**：", 1)[1].split("\n", 1)[0]


async def test_an_edit_goes_through_the_guardrails_before_it_is_posted(bench):
    """✏️ opens a form under the card; a promise ("菜钱全免") is refused in the form with
    the words at fault and a suggested rewording, the text kept to fix; a good edit is
    posted to the platform as written, and the card says so."""
    card = await bench.card()
    answer = await bench.tap(STAFF, card, "edit")
    assert answer["type"] == "success"
    (form,) = [m for m in bench.fake.sent if "正在修改评价" in str(m["content"])]
    assert bench.fake.button(form, "submit")  # the form's submit and its input
    assert card_draft(bench.fake, card)[:10] in str(form["content"])  # the draft, to change

    answer = await bench.tap(STAFF, form, "submit", {"reply": "抱歉水煮鱼做咸了，菜钱全免。"})
    # (The first guardrail check of a process loads the segmenter: the tap may be
    # answered "正在处理" within Feishu's 3 seconds, and the form shows the refusal after.)
    assert (answer["type"], answer["content"][:4]) in (("error", "不能发布"), ("info", "正在处理"))
    refusal = await bench.fake.wait_for(
        lambda: "「菜钱全免」" in bench.fake.text_of(form) and bench.fake.text_of(form)
    )
    assert "「菜钱全免」" in refusal and "可以改成：" in refusal
    assert "抱歉水煮鱼做咸了，菜钱全免。" in str(bench.fake.messages[form["message_id"]])
    await bench.settle()
    assert bench.demo.platform.replies == []

    good = "抱歉让您吃到偏咸又凉了的水煮鱼，我们已提醒后厨控制咸度，外送会加保温袋。"
    answer = await bench.tap(STAFF, form, "submit", {"reply": good})
    assert answer["type"] == "success", answer
    await bench.settle()
    assert [r.content for r in bench.demo.platform.replies] == [good]
    assert "已发布到平台" in bench.fake.text_of(card) and good in bench.fake.text_of(card)
    assert not bench.fake.buttons(form)  # the form is retired: it cannot post twice


async def test_a_stranger_is_refused_and_told_who_they_are(bench):
    card = await bench.card()
    answer = await bench.tap(STRANGER, card, "approve")
    assert answer["type"] == "error" and "没有权限" in answer["content"]
    assert STRANGER in answer["content"]  # the id the owner needs for the config
    refusal = await bench.ask(STRANGER, "/pending")
    assert "没有权限" in refusal and STRANGER in refusal
    await bench.fake.say(STRANGER, CHAT, "/pending")  # told once an hour in a group
    await bench.settle()
    assert bench.demo.platform.replies == []
    assert bench.fake.button(card, "approve")  # the card is as it was
    assert "✅" not in bench.fake.text_of(card)
    async with bench.daemon.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEntry.details).where(
                    AuditEntry.action == "chat.refused", AuditEntry.actor == f"feishu:{STRANGER}"
                )
            )
        ).all()
    assert len(refused) == 3 and [d.get("told") for d in refused[1:]] == [True, False]
    assert len(bench.fake.texts(CHAT)) == 1


async def test_commands_in_the_group(bench):
    card = await bench.card()
    review = card_number(bench.fake, card)
    assert f"#{review}" in await bench.ask(STAFF, "/pending")
    assert "测试小馆" in await bench.ask(STAFF, "/stats")
    assert "当前没有进行中的危机" in await bench.ask(OWNER, "/crisis")
    assert "暂停了非紧急提醒" in await bench.ask(MANAGER, "/mute 1h")
    await bench.arrive(f"{NEGATIVE}（8号桌）")
    assert len(bench.fake.cards(CHAT)) == 1  # held by the mute
    assert "已恢复提醒" in await bench.ask(MANAGER, "/mute off")
    await bench.settle()
    assert len(bench.fake.cards(CHAT)) == 2 and "8号桌" in bench.fake.text_of(
        bench.fake.cards(CHAT)[-1]
    )


def card_number(fake: FakeFeishu, card: dict) -> int:
    return int(fake.text_of(card).rsplit("评价 #", 1)[1].split()[0].rstrip("*"))


async def test_feishu_out_of_reach_holds_the_alerts_and_delivers_each_once_in_order(bench):
    await bench.card()
    bench.fake.down = True
    await bench.fake.drop()  # the long connection goes too
    texts = [f"{NEGATIVE}（{n}号桌）" for n in (1, 2, 3)]
    await bench.arrive(*texts, rounds=3)  # a few failed tries while Feishu is away
    assert len(bench.fake.cards(CHAT)) == 1
    bench.fake.down = False
    await bench.settle()
    cards = bench.fake.cards(CHAT)
    shown = [next(t for t in texts if t in bench.fake.text_of(c)) for c in cards[1:]]
    assert shown == texts  # once each, in order
    # The SDK reconnected by itself: a tap on the newest card works.
    answer = await bench.tap(STAFF, cards[-1], "contacted")
    assert answer["type"] == "success"
    assert "小张 于" in bench.fake.text_of(cards[-1]) and "已联系顾客" in bench.fake.text_of(
        cards[-1]
    )


@pytest.mark.both_databases
async def test_a_restart_in_the_middle_loses_and_repeats_nothing(bench):
    """Cards waiting while Feishu is out of reach when the daemon restarts: the new
    process (a new long connection) delivers them once each, and a card the old one
    posted still works."""
    first = await bench.card()
    bench.fake.down = True
    await bench.arrive(f"{NEGATIVE}（1号桌）", f"{NEGATIVE}（2号桌）", rounds=3)
    await bench.stop()
    bench.fake.down = False
    await bench.start()
    await bench.settle()
    cards = bench.fake.cards(CHAT)
    assert len(cards) == 3
    assert "1号桌" in bench.fake.text_of(cards[1]) and "2号桌" in bench.fake.text_of(cards[2])
    answer = await bench.tap(MANAGER, first, "approve")
    assert answer["type"] == "success"
    await bench.settle()
    assert len(bench.demo.platform.replies) == 1
    assert "已发布到平台" in bench.fake.text_of(first)
    assert len(bench.fake.cards(CHAT)) == 3


async def test_ignore_can_be_undone_and_malicious_posts_the_appeal(bench):
    card = await bench.card()
    assert (await bench.tap(STAFF, card, "ignore"))["type"] == "success"
    await bench.settle()  # the redraw queue too: the undo button must survive it
    assert "🙈 小张" in bench.fake.text_of(card)
    assert (await bench.tap(STAFF, card, "undo_ignore"))["type"] == "success"
    assert bench.fake.button(card, "approve")  # open again
    answer = await bench.tap(STAFF, card, "malicious")
    assert answer["type"] == "error" and "店长" in answer["content"]  # staff may not
    assert (await bench.tap(MANAGER, card, "malicious"))["type"] == "success"
    appeal = await bench.fake.wait_for(
        lambda: [m for m in bench.fake.sent if "的申诉" in str(m["content"])]
    )
    assert "申诉理由" in bench.fake.text_of(appeal[0])


async def test_staff_clear_a_malicious_flag_from_the_card(bench):
    """「不是恶意」 on a flagged card: the card is redrawn without the mark, the lock and
    the appeal, and staff may post the ordinary reply that replaced the note to readers."""
    card = await bench.card("加微信xx123领优惠券，代刷好评")
    assert "疑似恶意" in bench.fake.text_of(card)

    answer = await bench.tap(STAFF, card, "not_malicious")

    assert answer == {
        "type": "success",
        "content": "已确认不是恶意，这条评价按普通评价处理，草稿已换成普通回复。",
    }
    await bench.settle()
    text = bench.fake.text_of(card)
    assert "疑似恶意" not in text and "需店长或店主通过" not in text and "确认不是恶意" in text
    actions = {b["value"]["a"] for b in bench.fake.buttons(card)}
    assert not {"not_malicious", "malicious"} & actions
    assert (await bench.tap(STAFF, card, "approve"))["type"] == "success"
    await bench.settle()
    assert len(bench.demo.platform.replies) == 1


async def test_a_wrong_app_secret_is_named_and_the_cards_wait(
    database_url, demo, clock, monkeypatch, caplog
):
    """The daemon still starts (the other channels and the pollers run); the cards wait
    in the outbox with an error naming the setting to fix, never its value."""
    monkeypatch.setenv("RB_FEISHU_SECRET", "a-wrong-secret-4242")
    # (An app of its own: the SDK caches a tenant token per app id for the process.)
    fake = FakeFeishu("cli_wrong_secret", SECRET, {CHAT})
    await fake.start()
    daemon = Daemon(
        settings(database_url, demo.base_url, fake, app_id="cli_wrong_secret"),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO()),
    )
    try:
        await daemon.start(schedule=False)
        assert "refused the long connection" in caplog.text
        demo.platform.add_review("shop-1", NEGATIVE, 1)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
        async with daemon.sessions() as session:
            (error,) = (
                await session.scalars(
                    select(OutboxMessage.last_error).where(OutboxMessage.kind == "robot")
                )
            ).all()
        assert "RB_FEISHU_SECRET" in error and "a-wrong-secret-4242" not in error
        assert fake.sent == []
    finally:
        await daemon.stop()
        await daemon.close()
        await fake.stop()


async def test_someone_on_feishu_alone_gets_a_console_link_privately(bench):
    """No Telegram: /console (or 控制台) @-sent in the group brings a one-time sign-in link
    to the web console in the bot's private chat with that person (the group is told it
    was sent, never shown it); it signs them in once."""
    await bench.stop()
    bench.web = WEB
    await bench.start()
    said = await bench.ask(STAFF, "控制台")
    assert "已私信" in said and link_in(said) is None, said
    (private,) = bench.fake.texts(STAFF)  # the bot's private chat with 小张, by open_id
    link = link_in(private)
    assert link and link.startswith(CONSOLE_URL) and "只能用一次" in private
    assert not any(link_in(t) for t in bench.fake.texts(CHAT))
    assert "小张" in await signed_in_page(bench.daemon, link)
    refusal = await bench.ask(STRANGER, "/console")
    assert link_in(refusal) is None and "没有权限" in refusal


async def test_review_posts_the_card_again_and_both_copies_follow_a_tap(bench):
    """/review 编号 (as a page asks: "请在群里评价 #N 的卡片上处理") brings the card back to
    the bottom of the group; a tap on the new copy redraws the old one too."""
    card = await bench.card()
    review = card_number(bench.fake, card)
    assert "找不到评价 #9999" in await bench.ask(STAFF, "/review 9999")
    await bench.fake.say(STAFF, CHAT, f"/review {review}")
    again = await bench.fake.wait_for(
        lambda: bench.fake.cards(CHAT)[1] if len(bench.fake.cards(CHAT)) > 1 else None
    )
    assert NEGATIVE in bench.fake.text_of(again) and card_number(bench.fake, again) == review
    assert (await bench.tap(MANAGER, again, "approve"))["type"] == "success"
    await bench.settle()
    assert len(bench.demo.platform.replies) == 1
    for copy in (card, again):
        assert "已发布到平台" in bench.fake.text_of(copy)
        assert not any(b["value"]["a"] == "approve" for b in bench.fake.buttons(copy))
