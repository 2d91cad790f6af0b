"""What the DingTalk robot answers when @-mentioned in its group (or written to privately):
/pending, /stats, /crisis, /mute, /unmute, /edit, /review and /help, each a handler turning
its arguments into a workflow call and the answer into a markdown message. Someone the
configuration does not know is refused (with their DingTalk user id, for the owner to add),
in a group once an hour at most."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from reviewbot.chat.apps.commands import (
    COMMAND_LIST,
    CONSOLE_WORDS,
    OFF,
    REFUSAL,
    Show,
    TextCommands,
    appeal_text,
)
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.apps import AppDesk, Where

Tell = Callable[[Where, str, str], Awaitable[bool]]
HELP = (
    "收到差评卡片后，直接点卡片上的按钮：✅ 通过并发布、✏️ 修改（在卡片的输入框里改好后点"
    "“修改并发布”）、🔁 换一版、☎️ 已联系顾客、🚩 恶意（申诉）、🙈 忽略、⏰ 稍后提醒；"
    "误判为疑似恶意的评价点 👌 不是恶意。\n\n"
    "@我 发送命令：\n"
) + COMMAND_LIST
# The title of each answer's markdown message.
TITLES = {
    "pending": "待处理",
    "stats": "今日统计",
    "crisis": "危机",
    "mute": "暂停提醒",
    "unmute": "恢复提醒",
    "edit": "修改回复",
    "review": "评价卡片",
    **dict.fromkeys(CONSOLE_WORDS, "网页控制台"),
}


class Commands(TextCommands):
    HELP = HELP
    COMMAND = re.compile(r"^/?(\w+)\s*(.*)$", re.DOTALL)
    appeal_text = staticmethod(appeal_text)

    def __init__(self, apps: AppDesk, tell: Tell, show: Show) -> None:
        super().__init__(apps, show)
        self.tell = tell

    async def handle(self, where: Where, text: str) -> None:
        name, rest = self.parse(text)
        actor = self.apps.actor(where.user_id)
        if actor is None:
            if await self.apps.refused(where, f"/{name}" if name else "message"):
                await self.tell(where, "没有权限", f"{REFUSAL}\n\n钉钉用户 ID：{where.user_id}")
            return
        args = rest.split()
        if name == "mute" and args and args[0].lower() in OFF:
            name = "unmute"  # `/mute off` answers as /unmute does
        answer = await self.answer(where, actor, name, rest)
        await self.tell(where, TITLES.get(name, "使用说明"), answer)

    async def whisper(self, where: Where, text: str) -> bool:
        """The robot's private message to the person (DingTalk's 单聊 batchSend)."""
        return await self.tell(where, "网页控制台", text)

    async def help(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        """The instructions, and the group's id the configuration needs."""
        here = f"\n\n本群会话 ID（conversation_id）：{where.conversation}"
        return HELP + (here if where.conversation else "")
