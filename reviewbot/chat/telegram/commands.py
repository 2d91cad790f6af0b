"""The bot's commands, each a small handler turning its arguments into a workflow call and
the answer into a message: /start, /help, /pending, /review, /stats, /mute, /unmute,
/crisis, /web and /cancel (/thanks is in thanks.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from reviewbot.chat.alerts import duration, stars
from reviewbot.chat.telegram import render
from reviewbot.chat.telegram.access import Front, ids
from reviewbot.chat.telegram.edits import EditConversation
from reviewbot.text import clip_utf16
from reviewbot.workflow.actions import ROLE_NAMES, UNDO_IGNORE, Actor

COMMANDS = [
    ("pending", "待处理的评价（最急的在前）"),
    ("review", "查看并处理一条评价：/review 编号"),
    ("thanks", "好评的感谢回复：一次看一批，一键全部发布"),
    ("stats", "今天的评价数和回复速度"),
    ("mute", "暂停非紧急提醒：/mute 1h，/mute off 恢复"),
    ("cancel", "取消正在进行的修改"),
    ("crisis", "查看危机；店主发送 /crisis close 处理结果 结束危机"),
    ("web", "网页控制台的登录链接（私聊）；/web revoke 注销网页登录"),
    ("start", "我是谁、能做什么"),
    ("help", "使用说明"),
]
HELP = (
    "收到差评提醒后，直接点卡片下方的按钮：\n"
    "✅ 通过并发布：把建议回复发布到平台\n"
    "✏️ 修改：回复机器人的提示消息，发送你改好的回复，确认后发布\n"
    "🔁 换一版：换一个不同的草稿\n"
    "☎️ 已联系顾客：记录已经联系过顾客\n"
    "🚩 恶意（申诉）：标记为恶意评价并创建平台申诉任务（店长以上），申诉理由和证据清单发在聊天里\n"
    "👌 不是恶意：机器人误判为疑似恶意时点它，按普通差评处理（已发起申诉的需店长）\n"
    f"🙈 忽略：不回复这条评价（先确认；确认后 {UNDO_IGNORE.seconds} 秒内可撤销）\n"
    "📣 请店长处理：需要店长处理的评价，一键通知店长（每条评价一次）\n\n"
    "好评不单独提醒：发送 /thanks 查看一批待发布的感谢回复，"
    "点“✅ 全部发布”一次发布，不想发的先点“跳过”。\n\n"
    "命令：\n" + "\n".join(f"/{name} — {text}" for name, text in COMMANDS)
)
MAY = {
    "staff": [
        "查看和处理差评",
        "通过普通评价的回复",
        "批量发布好评的感谢回复（/thanks）",
        "修改或换一版草稿",
        "记录已联系顾客",
    ],
    "manager": ["通过恶意或紧急评价的回复", "标记恶意评价并发起申诉"],
}
# /review_123 (what /pending lists: Telegram makes it a link that sends itself when
# tapped), or /review_123@bot as a group sends it.
REVIEW_LINK = re.compile(r"^/review_(\d+)(?:@\w+)?(?:\s|$)")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|分钟|h|小时|hr)?$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta | None:
    """`1h`, `30m`, `90` (minutes), `2小时` → a duration of at most a day."""
    match = _DURATION.match(text.strip())
    if not match:
        return None
    amount, unit = float(match.group(1)), (match.group(2) or "m").lower()
    delta = timedelta(hours=amount) if unit in ("h", "小时", "hr") else timedelta(minutes=amount)
    return delta if timedelta(0) < delta <= timedelta(hours=24) else None


class Commands:
    def __init__(self, front: Front, edits: EditConversation) -> None:
        self.front = front
        self.desk = front.desk
        self.edits = edits

    def handlers(self) -> list[BaseHandler]:
        return [
            MessageHandler(filters.Regex(REVIEW_LINK), self.review_link),
            *self._commands(),
        ]

    def _commands(self) -> list[BaseHandler]:
        return [
            CommandHandler(name, handler)
            for name, handler in (
                ("start", self.start),
                ("help", self.help),
                ("pending", self.pending),
                ("review", self.review),
                ("stats", self.stats),
                ("mute", self.mute),
                ("unmute", self.unmute),
                ("cancel", self.cancel),
                ("crisis", self.crisis),
                ("web", self.web),
            )
        ]

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "start")
        if actor is None:
            return
        stores = self.front.settings.stores
        mine = [(s.name, actor.role_in(s.id)) for s in stores if actor.covers(s.id)]
        senior = [name for name, role in mine if role in ("manager", "owner")]
        covered = "、".join(f"{name}（{ROLE_NAMES[role]}）" for name, role in mine if role)
        lines = [
            f"你好，{actor.name}。",
            f"负责门店：{covered or '无'}",
            f"你可以：{'、'.join(MAY['staff'])}。",
        ]
        if senior:
            lines.append(f"在{'、'.join(senior)}还可以：{'、'.join(MAY['manager'])}。")
        lines += [ids(update), "发送 /help 查看使用说明。"]
        await update.effective_message.reply_text("\n".join(lines))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self.front.command_actor(update, "help") is not None:
            await update.effective_message.reply_text(HELP)

    async def pending(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "pending")
        if actor is None:
            return
        pending = await self.desk.pending(self.front.stores_here(update, actor))
        waiting = pending.thanks_waiting
        more = f"\n另有 {waiting} 条好评待感谢，发送 /thanks 查看。" if waiting else ""
        if not pending.reviews:
            await update.effective_message.reply_text("没有待处理的评价 🎉" + more)
            return
        now = self.desk.clock.now()
        shown = (
            f"，下面是最急的 {len(pending.reviews)} 条"
            if pending.total > len(pending.reviews)
            else ""
        )
        lines = [f"待处理 {pending.total} 条（回复时限最近的在前{shown}）："]
        for review in pending.reviews:
            deadline = review.deadline
            if deadline is None:
                timing = f"{duration(now - review.first_seen_at)}前"
            elif deadline > now:
                timing = f"回复时限还剩 {duration(deadline - now)}"
            else:
                timing = f"已超出回复时限 {duration(now - deadline)}"
            snippet = clip_utf16(review.text or "（只有评分）", 24)
            lines.append(
                f"/review_{review.review_id} {stars(review.rating)} · {timing} · {snippet}"
            )
        lines.append("点编号即可查看并处理。")
        await update.effective_message.reply_text("\n".join(lines) + more)

    async def review(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "review")
        if actor is None:
            return
        args = context.args or []
        if len(args) != 1 or not args[0].lstrip("#").isdigit():
            await update.effective_message.reply_text("用法：/review 编号，例如 /review 123")
            return
        await self._show(update, actor, int(args[0].lstrip("#")))

    async def review_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tapped /review_123 from /pending."""
        actor = await self.front.command_actor(update, "review")
        message = update.effective_message
        match = REVIEW_LINK.match(message.text or "") if message else None
        if actor is None or match is None:
            return
        await self._show(update, actor, int(match.group(1)))

    async def _show(self, update: Update, actor: Actor, review_id: int) -> None:
        # In a group, only the group's own stores' reviews: not another store's staff's.
        alert_id = await self.desk.card_for(actor, review_id, self.front.stores_here(update, actor))
        if alert_id is None:
            await update.effective_message.reply_text(f"找不到评价 #{review_id}。")
            return
        await self.send_card(update.effective_chat.id, alert_id, actor)

    async def send_card(self, chat_id: int, alert_id: int, actor: Actor) -> None:
        view = await self.desk.view(alert_id)
        message = await self.front.bot.send_message(
            chat_id,
            render.alert_html(view),
            parse_mode=ParseMode.HTML,
            reply_markup=render.alert_keyboard(view),
            disable_web_page_preview=True,
        )
        await self.desk.card_shown(alert_id, actor, message.chat_id, message.message_id)

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "stats")
        if actor is None:
            return
        lines = []
        for store_id in self.front.stores_here(update, actor):  # a group sees its own only
            lines.append(await self.desk.today(store_id))
        await update.effective_message.reply_text("\n\n".join(lines) or "没有负责的门店。")

    async def mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "mute")
        if actor is None:
            return
        args = context.args or []
        if args and args[0].lower() in ("off", "0", "取消"):
            await self.unmute(update, context)
            return
        length = parse_duration(args[0]) if args else None
        if length is None:
            await update.effective_message.reply_text(
                "用法：/mute 1h（最长 24 小时），/mute off 恢复。"
            )
            return
        stores = self.front.stores_here(update, actor)
        if not stores:
            await update.effective_message.reply_text("这个聊天里没有你负责的门店。")
            return
        until = self.desk.local_times(stores, await self.desk.mute(actor, stores, length))
        await update.effective_message.reply_text(
            f"🔕 已暂停非紧急提醒，直到 {until}。食品安全等紧急提醒仍会立即发送；"
            "暂停期间的提醒会在恢复后按顺序送达。"
        )

    async def unmute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "unmute")
        if actor is None:
            return
        await self.desk.unmute(actor, self.front.stores_here(update, actor))
        await update.effective_message.reply_text("🔔 已恢复提醒，暂停期间的提醒马上送达。")

    async def crisis(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "crisis")
        if actor is None:
            return
        stores = self.front.stores_here(update, actor)
        args = context.args or []
        message = update.effective_message
        if args and args[0].lower() == "close":
            stores = self.desk.access.owned(actor, stores)
            if not stores:
                await message.reply_text("只有店主可以结束危机。")
                return
            summary = " ".join(args[1:]).strip()
            if not summary:
                await message.reply_text(
                    "请写明处理结果，例如：/crisis close 已送检，结果正常，已联系顾客"
                )
                return
            closed = await self.desk.close_crisis(actor, stores, summary)
            await message.reply_text(closed or "当前没有进行中的危机。")
            return
        lines = await self.desk.crises(stores)
        await message.reply_text("\n".join(lines) if lines else "当前没有进行中的危机。")

    async def web(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A one-time sign-in link to the web console, in a private chat only (in a group
        anyone could use it); `/web revoke` ends web sign-ins (an owner's: everyone's in
        their stores)."""
        actor = await self.front.command_actor(update, "web")
        if actor is None:
            return
        message, signin = update.effective_message, self.desk.signin
        if (context.args or [""])[0].lower() == "revoke":
            ended = await signin.revoke(actor)
            await message.reply_text(f"已注销 {ended} 个网页登录。")
            return
        if self.desk.web_base is None:
            await message.reply_text("网页控制台没有开启（配置里的 [web] enabled）。")
            return
        if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
            await message.reply_text("登录链接只能私聊发送：请私聊机器人发送 /web。")
            return
        token = await signin.issue_link(actor, update.effective_user.id)
        minutes = round(signin.link_ttl.total_seconds() / 60)
        await message.reply_text(
            f"网页控制台登录链接（只能用一次，{minutes} 分钟内有效，请勿转发）：\n"
            f"{self.desk.web_base}/signin?t={token}",
            disable_web_page_preview=True,
        )

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self.front.command_actor(update, "cancel") is None:
            return
        outcome = await self.edits.cancel(update)
        await update.effective_message.reply_text(outcome.message)
