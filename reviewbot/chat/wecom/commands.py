"""What the WeCom AI bot answers when @-mentioned in its group (or written to privately):
/pending, /stats, /crisis, /mute, /unmute, /edit and /help, each a small handler turning
its arguments into a workflow call and the answer into markdown. Someone the configuration
does not know is refused (with their WeCom userid, for the owner to add), in a group once
an hour at most."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from reviewbot.chat.apps.commands import (
    COMMAND_LIST,
    REFUSAL,
    Show,
    TextCommands,
    appeal_text,
)
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.apps import AppDesk, Where
from reviewbot.workflow.cards import CardRef

# (where, who, the card, the new reply): the edit held and previewed, and what to answer
Hold = Callable[[Where, Actor, CardRef, str], Awaitable[str]]

HELP = (
    "收到差评卡片后，直接点卡片上的按钮：✅ 通过并发布、✏️ 修改、🔁 换一版、☎️ 已联系顾客、"
    "🚩 恶意（申诉）、🙈 忽略（误判为疑似恶意的评价点 👌 不是恶意）；"
    "卡片右上角菜单里有 ⏰ 稍后提醒 和 🔄 刷新状态。\n"
    "点 ✏️ 修改 后，@我 直接发送修改后的完整回复，在预览卡片上确认后发布。\n\n"
    "@我 发送命令：\n"
) + COMMAND_LIST


def refusal_text(user_id: str) -> str:
    return f"{REFUSAL}\n\n企业微信账号：{user_id or '?'}"


class Commands(TextCommands):
    HELP = HELP
    appeal_text = staticmethod(appeal_text)

    def __init__(self, apps: AppDesk, show: Show, hold: Hold) -> None:
        super().__init__(apps, show)
        self.hold = hold

    async def submit_edit(self, where: Where, actor: Actor, card: CardRef, text: str) -> str:
        """/edit 123 新的回复 in a group: previewed with ✅ / ✖ like a reply to ✏️ (a card
        in the group); in a private chat, where no card can be, posted once it passes."""
        if where.conversation is None:
            return await super().submit_edit(where, actor, card, text)
        return await self.hold(where, actor, card, text)

    async def handle(self, where: Where, actor: Actor, text: str) -> str:
        """The answer to a command (or the help, for anything else)."""
        name, rest = self.parse(text)
        return await self.answer(where, actor, name, rest)

    async def help(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        """The help, and the group's chatid (what `conversation_id` needs, see the config)."""
        return HELP + (f"\n\n本群 chatid：{where.conversation}" if where.conversation else "")
