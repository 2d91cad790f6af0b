"""What the DingTalk robot answers when @-mentioned in its group (or written to privately):
/pending, /stats, /crisis, /mute, /unmute, /edit and /help, each a small handler turning
its arguments into a workflow call and the answer into a markdown message. Someone the
configuration does not know is refused (with their DingTalk user id, for the owner to add),
in a group once an hour at most."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC

from reviewbot.chat.alerts import duration, stars
from reviewbot.chat.robots.text import plain
from reviewbot.chat.telegram.commands import parse_duration
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.text import clip_utf16
from reviewbot.workflow.actions import Actor, AppealSheet
from reviewbot.workflow.apps import AppDesk, Where
from reviewbot.workflow.cards import CardRef

Tell = Callable[[Where, str, str], Awaitable[None]]
Handler = Callable[[Where, Actor, list[str], str], Awaitable[None]]
REFUSAL = "抱歉，您还没有权限使用这个机器人。如需开通，请把下面的编号发给店主加入配置。"
HELP = (
    "收到差评卡片后，直接点卡片上的按钮：✅ 通过并发布、✏️ 修改（在卡片的输入框里改好后点"
    "“修改并发布”）、🔁 换一版、☎️ 已联系顾客、🚩 恶意（申诉）、🙈 忽略、⏰ 稍后提醒。\n\n"
    "@我 发送命令：\n"
    "/pending — 待处理的评价（最急的在前）\n"
    "/stats — 今天的评价数和回复速度\n"
    "/crisis — 查看危机；店主发送 /crisis close 处理结果 结束危机\n"
    "/mute 1h — 暂停非紧急提醒（最长 24 小时），/mute off 恢复\n"
    "/edit 编号 新的回复 — 修改并发布一条评价的回复"
)
_COMMAND = re.compile(r"^/?(\w+)\s*(.*)$", re.DOTALL)


class Commands:
    def __init__(self, apps: AppDesk, tell: Tell) -> None:
        self.apps = apps
        self.desk = apps.desk
        self.tell = tell
        self.routes: dict[str, Handler] = {
            "pending": self.pending,
            "stats": self.stats,
            "crisis": self.crisis,
            "mute": self.mute,
            "unmute": self.unmute,
            "edit": self.edit,
            "help": self.help,
        }

    async def handle(self, where: Where, text: str) -> None:
        match = _COMMAND.match(text)
        name, rest = (match.group(1).lower(), match.group(2).strip()) if match else ("", "")
        actor = self.apps.actor(where.user_id)
        if actor is None:
            if await self.apps.refused(where, f"/{name}" if name else "message"):
                await self.tell(where, "没有权限", f"{REFUSAL}\n\n钉钉用户 ID：{where.user_id}")
            return
        handler = self.routes.get(name)
        if handler is None:
            handler = self.help
        await handler(where, actor, rest.split(), rest)

    async def help(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        """The instructions, and the group's id the configuration needs."""
        here = f"\n\n本群会话 ID（conversation_id）：{where.conversation}"
        await self.tell(where, "使用说明", HELP + (here if where.conversation else ""))

    async def pending(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        pending = await self.desk.pending(self.apps.stores_here(actor, where))
        if not pending.reviews:
            await self.tell(where, "待处理", "没有待处理的评价 🎉")
            return
        now = self.desk.clock.now()
        lines = [f"**待处理 {pending.total} 条**（回复时限最近的在前）："]
        for review in pending.reviews:
            if review.deadline is None:
                timing = f"{duration(now - review.first_seen_at)}前"
            elif review.deadline > now:
                timing = f"回复时限还剩 {duration(review.deadline - now)}"
            else:
                timing = f"已超出回复时限 {duration(now - review.deadline)}"
            snippet = plain(clip_utf16(review.text or "（只有评分）", 24))
            lines.append(f"- #{review.review_id} {stars(review.rating)} · {timing} · {snippet}")
        await self.tell(where, "待处理", "\n".join(lines))

    async def stats(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        texts = [await self.desk.today(s) for s in self.apps.stores_here(actor, where)]
        await self.tell(where, "今日统计", "\n\n".join(texts) or "没有负责的门店。")

    async def mute(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        if args and args[0].lower() in ("off", "0", "取消"):
            await self.unmute(where, actor, args, rest)
            return
        length = parse_duration(args[0]) if args else None
        if length is None:
            await self.tell(where, "暂停提醒", "用法：/mute 1h（最长 24 小时），/mute off 恢复。")
            return
        stores = self.apps.stores_here(actor, where)
        until = await self.desk.mute(actor, stores, length)
        local = until.astimezone(self.desk.zone(stores[0]) if stores else UTC)
        await self.tell(
            where,
            "暂停提醒",
            f"🔕 已暂停非紧急提醒，直到 {local:%H:%M}。食品安全等紧急提醒仍会立即发送；"
            "暂停期间的提醒会在恢复后按顺序送达。",
        )

    async def unmute(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        await self.desk.unmute(actor, self.apps.stores_here(actor, where))
        await self.tell(where, "恢复提醒", "🔔 已恢复提醒，暂停期间的提醒马上送达。")

    async def crisis(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        stores = self.apps.stores_here(actor, where)
        if args and args[0].lower() == "close":
            owned = self.desk.access.owned(actor, stores)
            summary = rest[len(args[0]) :].strip()
            if not owned:
                answer = "只有店主可以结束危机。"
            elif not summary:
                answer = "请写明处理结果，例如：/crisis close 已送检，结果正常，已联系顾客"
            elif await self.desk.close_crisis(actor, owned, summary):
                answer = "已结束危机，处理记录已保存。"
            else:
                answer = "当前没有进行中的危机。"
            await self.tell(where, "危机", answer)
            return
        lines = await self.desk.crises(stores)
        await self.tell(where, "危机", "\n\n".join(lines) if lines else "当前没有进行中的危机。")

    async def edit(self, where: Where, actor: Actor, args: list[str], rest: str) -> None:
        """`/edit 123 新的回复`: the whole new reply in one message, through the guardrails."""
        number, _, text = rest.partition(" ")
        if not number.lstrip("#").isdigit() or not text.strip():
            await self.tell(where, "修改回复", "用法：/edit 评价编号 修改后的完整回复")
            return
        review_id = int(number.lstrip("#"))
        alert_id = await self.desk.card_for(actor, review_id)
        view = await self.desk.view(alert_id) if alert_id is not None else None
        if view is None or view.store_id not in self.apps.stores_here(actor, where):
            await self.tell(where, "修改回复", f"找不到评价 #{review_id}。")
            return
        card = CardRef(view.alert_id, view.store_id, view.review_id, view.token or "")
        outcome = await self.apps.edit(card, actor, text)
        mark = "✅" if outcome.ok else "⚠️"
        await self.tell(where, "修改回复", f"{mark} 评价 #{review_id}：{outcome.message}")

    @staticmethod
    def appeal_text(review_id: int, sheet: AppealSheet) -> str:
        platform = PLATFORMS.get(sheet.platform, sheet.platform) or "平台"
        lines = [f"**🚩 评价 #{review_id} 的申诉（{plain(platform)}）**"]
        if sheet.text:
            lines += [
                "申诉理由（复制后粘贴到平台的申诉表单）：",
                plain(clip_utf16(sheet.text, 2500)),
            ]
        lines.append(f"需要准备的证据（共 {len(sheet.evidence)} 项）：")
        lines += [f"{n}. {plain(item)}" for n, item in enumerate(sheet.evidence, 1)]
        return "\n\n".join(lines)
