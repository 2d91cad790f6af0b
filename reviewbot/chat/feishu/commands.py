"""Commands typed in a group where the app bot is (@机器人 /pending) or to it in private:
/pending, /stats, /crisis, /mute and /help, each a workflow call and a text answer.

Feishu delivers a group message to the bot only when it is @-mentioned (unless the app
has the permission to read every group message); the mention arrives as `@_user_1` in the
text and is dropped here. A stranger is told who they are (their open_id, which the
config needs), at most once an hour in a group."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from reviewbot.chat.apps.commands import (
    ASK_PRIVATELY,
    CONSOLE_WORDS,
    MUTE_USAGE,
    MUTED,
    OFF,
    UNMUTED,
    console_answer,
    console_word,
    crisis_text,
    mute_until_text,
    pending_text,
    stats_text,
    whispered,
)
from reviewbot.chat.feishu.cards import REFUSAL
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.apps import AppDesk, Where

Say = Callable[[str, str], Awaitable[None]]  # (chat id, text)
Whisper = Callable[[str, str], Awaitable[bool]]  # (open_id, text): sent privately?
# (chat id, who, review id, the group's stores): the card posted again ('' or why not)
Show = Callable[[str, Actor, int, list[str]], Awaitable[str]]

_MENTION = re.compile(r"@_user_\d+|@_all")
HELP = (
    "收到差评卡片后，直接点卡片上的按钮：✅ 通过并发布、✏️ 修改（在表单里改好后提交）、"
    "🔁 换一版、☎️ 已联系顾客、🚩 恶意（申诉）、🙈 忽略、⏰ 稍后提醒；"
    "误判为疑似恶意的评价点 👌 不是恶意。\n"
    "命令（在群里 @机器人 后输入）：\n"
    "/pending — 待处理的评价（最急的在前）\n"
    "/stats — 今天的评价数和回复速度\n"
    "/mute 1h — 暂停非紧急提醒（最长 24 小时），/mute off 恢复\n"
    "/crisis — 查看危机；店主发送 /crisis close 处理结果 结束危机\n"
    "/review 编号 — 把这条评价的卡片重新发到群里\n"
    "/console（或“控制台”）— 网页控制台的一次性登录链接（私聊发送）"
)


def command_of(content: str | None) -> tuple[str, list[str]] | None:
    """`/name args…` from a text message's content (JSON), mentions removed."""
    try:
        text = str(json.loads(content or "{}").get("text", ""))
    except (ValueError, AttributeError):
        return None
    words = _MENTION.sub(" ", text).split()
    if not words or not (words[0].startswith("/") or console_word(words[0])):
        return None
    return words[0].removeprefix("/").lower(), words[1:]


class Commands:
    def __init__(self, apps: AppDesk, say: Say, whisper: Whisper, show: Show) -> None:
        self.apps = apps
        self.desk = apps.desk
        self.say = say
        self.whisper = whisper
        self.show = show

    async def handle(self, data: Any) -> None:
        event = data.event
        message = event.message if event else None
        sender = event.sender.sender_id if event and event.sender else None
        if message is None or message.message_type != "text":
            return
        parsed = command_of(message.content)
        if parsed is None:
            return  # conversation, not a command
        name, args = parsed
        chat, user = message.chat_id, sender.open_id if sender else None
        private = message.chat_type == "p2p"
        actor = self.apps.actor(user)
        where = Where(None if private else chat, user)
        if actor is None:
            if await self.apps.refused(where, f"/{name}"):
                await self.say(chat, f"{REFUSAL}\n用户 ID：{user or '?'}")
            return
        if name in CONSOLE_WORDS:
            await self.say(chat, await self.console(actor, where, args))
            return
        stores = self.apps.stores_here(actor, where)
        if name == "review":
            answer = await self.review(chat, actor, where, stores, args)
            if answer:
                await self.say(chat, answer)
            return
        handler = {
            "pending": self.pending,
            "stats": self.stats,
            "mute": self.mute,
            "crisis": self.crisis,
        }.get(name)
        if handler is None:  # /help, or anything else: what it can do, and the ids
            answer = f"{HELP}\n你的用户 ID：{user}；本群 chat_id：{chat}"
        else:
            answer = await handler(actor, stores, args)
        await self.say(chat, answer)

    async def console(self, actor: Actor, where: Where, args: list[str]) -> str:
        """/console: a one-time sign-in link, sent to the person privately (in a group,
        the group is told it was sent)."""
        text, link = await console_answer(self.apps, actor, args)
        if not link or where.conversation is None:
            return text
        sent = await self.whisper(where.user_id or "", text)
        return whispered(self.apps.link_minutes) if sent else ASK_PRIVATELY

    async def review(
        self, chat: str, actor: Actor, where: Where, stores: list[str], args: list[str]
    ) -> str:
        """/review 123: the card again, in a group of its store (its buttons work there)."""
        if len(args) != 1 or not args[0].lstrip("#").isdigit():
            return "用法：/review 编号，例如 /review 123"
        if where.conversation is None:
            return "请在门店的群里发送 /review 编号：卡片的按钮只在群里有效。"
        return await self.show(chat, actor, int(args[0].lstrip("#")), stores)

    async def pending(self, actor: Actor, stores: list[str], args: list[str]) -> str:
        return await pending_text(self.desk, stores, markdown=False)

    async def stats(self, actor: Actor, stores: list[str], args: list[str]) -> str:
        return await stats_text(self.desk, stores)

    async def mute(self, actor: Actor, stores: list[str], args: list[str]) -> str:
        if not stores:
            return "这个群没有你负责的门店。"
        if args and args[0].lower() in OFF:
            await self.desk.unmute(actor, stores)
            return UNMUTED
        until = await mute_until_text(self.desk, actor, stores, args[0] if args else "")
        if not until:
            return MUTE_USAGE
        return f"🔕 {actor.name} 暂停了非紧急提醒，直到 {until}。{MUTED}"

    async def crisis(self, actor: Actor, stores: list[str], args: list[str]) -> str:
        summary = " ".join(args[1:]).strip()
        return await crisis_text(self.desk, actor, stores, args, summary, "\n")
