"""The answers to /pending, /stats, /mute, /unmute, /crisis and /edit, shared by the
DingTalk, WeCom and Feishu app bots: each a workflow call turned into text, so that a
front end only parses its own messages and delivers the text its own way (markdown
message, card or plain text)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from reviewbot.chat.alerts import duration, stars
from reviewbot.chat.robots.text import plain
from reviewbot.chat.telegram.commands import parse_duration
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.text import clip_utf16
from reviewbot.workflow.actions import Actor, AppealSheet, Outcome
from reviewbot.workflow.apps import AppDesk, Where
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.desk import Desk

Handler = Callable[[Where, Actor, list[str], str], Awaitable[str]]
REFUSAL = "抱歉，您还没有权限使用这个机器人。如需开通，请把下面的编号发给店主加入配置。"
UNMUTED = "🔔 已恢复提醒，暂停期间的提醒马上送达。"
NO_STORES_HERE = "这个聊天里没有你负责的门店。"
MUTE_USAGE = "用法：/mute 1h（最长 24 小时），/mute off 恢复。"
NO_CRISIS = "当前没有进行中的危机。"
OFF = ("off", "0", "取消")
MUTED = "食品安全等紧急提醒仍会立即发送；暂停期间的提醒会在恢复后按顺序送达。"
# The commands of the DingTalk and WeCom bots, for their help.
COMMAND_LIST = (
    "/pending — 待处理的评价（最急的在前）\n"
    "/stats — 今天的评价数和回复速度\n"
    "/crisis — 查看危机；店主发送 /crisis close 处理结果 结束危机\n"
    "/mute 1h — 暂停非紧急提醒（最长 24 小时），/mute off 恢复\n"
    "/edit 编号 新的回复 — 修改并发布一条评价的回复\n"
    "/review 编号 — 把这条评价的卡片重新发到群里\n"
    "/console（或“控制台”）— 网页控制台的一次性登录链接（私聊发送）；/console revoke 注销网页登录"
)
# The words asking for a console sign-in link: /console, Telegram's /web, or 控制台 alone.
CONSOLE_WORDS = frozenset({"console", "web", "控制台", "登录"})
NO_CONSOLE = "网页控制台没有开启（配置里的 [web] enabled），请联系店主。"
ASK_PRIVATELY = "登录链接只能私聊发送：请私聊我发送 /console（或“控制台”）。"


def console_word(text: str) -> bool:
    """A message that is only a word asking for the console (控制台, without a slash)."""
    return text.strip().lstrip("/").lower() in CONSOLE_WORDS


async def console_answer(apps: AppDesk, actor: Actor, args: list[str]) -> tuple[str, bool]:
    """The answer to /console, and whether it holds a link (to be read by that person
    alone): `/console revoke` ends the person's web sign-ins (an owner's: everyone's in
    their stores), as /web revoke does in Telegram."""
    if args and args[0].lower() == "revoke":
        return f"已注销 {await apps.desk.signin.revoke(actor)} 个网页登录。", False
    url = await apps.console_link(actor)
    if url is None:
        return NO_CONSOLE, False
    minutes = apps.link_minutes
    return f"网页控制台登录链接（只能用一次，{minutes} 分钟内有效，请勿转发）：\n{url}", True


def whispered(minutes: int) -> str:
    return f"🔑 登录链接已私信发给你（只能用一次，{minutes} 分钟内有效）。"


def edit_answer(review_id: int, outcome: Outcome) -> str:
    mark = "✅" if outcome.ok else "⚠️"
    return f"{mark} 评价 #{review_id}：{outcome.message}"


async def pending_text(desk: Desk, stores: list[str], *, markdown: bool = True) -> str:
    """The waiting reviews, most urgent first (markdown: bold head, bullets, escaped text)."""
    pending = await desk.pending(stores)
    if not pending.reviews:
        return "没有待处理的评价 🎉"
    now = desk.clock.now()
    head = f"待处理 {pending.total} 条"
    lines = [f"{f'**{head}**' if markdown else head}（回复时限最近的在前）："]
    for review in pending.reviews:
        if review.deadline is None:
            timing = f"{duration(now - review.first_seen_at)}前"
        elif review.deadline > now:
            timing = f"回复时限还剩 {duration(review.deadline - now)}"
        else:
            timing = f"已超出回复时限 {duration(now - review.deadline)}"
        snippet = clip_utf16(review.text or "（只有评分）", 24)
        line = f"#{review.review_id} {stars(review.rating)} · {timing} · "
        lines.append(f"- {line}{plain(snippet)}" if markdown else f"{line}{snippet}")
    return "\n".join(lines)


async def stats_text(desk: Desk, stores: list[str]) -> str:
    return "\n\n".join([await desk.today(s) for s in stores]) or "没有负责的门店。"


async def crisis_text(
    desk: Desk, actor: Actor, stores: list[str], args: list[str], summary: str, sep: str
) -> str:
    """The open crises (joined by `sep`), or `/crisis close 处理结果` by an owner."""
    if args and args[0].lower() == "close":
        owned = desk.access.owned(actor, stores)
        if not owned:
            return "只有店主可以结束危机。"
        if not summary:
            return "请写明处理结果，例如：/crisis close 已送检，结果正常，已联系顾客"
        return await desk.close_crisis(actor, owned, summary) or NO_CRISIS
    lines = await desk.crises(stores)
    return sep.join(lines) if lines else NO_CRISIS


async def mute_until_text(desk: Desk, actor: Actor, stores: list[str], length_arg: str) -> str:
    """The local time the mute ends ('' when the length is not understood)."""
    length = parse_duration(length_arg) if length_arg else None
    if length is None:
        return ""
    return desk.local_times(stores, await desk.mute(actor, stores, length))


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


# (where, who, review id): the card sent to the group again, and what to answer
Show = Callable[[Where, Actor, int], Awaitable[str]]


class TextCommands:
    """The markdown command set of DingTalk and WeCom: each handler returns its answer; a
    subclass gives its help and the pattern of a command in its messages, and `show` (the
    app's own way of sending a card again, for /review)."""

    HELP = ""
    COMMAND = re.compile(r"^/(\w+)\s*(.*)$", re.DOTALL)

    def __init__(self, apps: AppDesk, show: Show) -> None:
        self.apps = apps
        self.desk = apps.desk
        self.show = show
        self.routes: dict[str, Handler] = {
            "pending": self.pending,
            "stats": self.stats,
            "crisis": self.crisis,
            "mute": self.mute,
            "unmute": self.unmute,
            "edit": self.edit,
            "review": self.review,
            "help": self.help,
            **dict.fromkeys(CONSOLE_WORDS, self.console),
        }

    async def whisper(self, where: Where, text: str) -> bool:
        """Send `text` to the person alone (False: this service cannot, from a group)."""
        return False

    async def console(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        """/console: a one-time sign-in link, only ever in a private chat: asked in a
        group, it goes to the person privately where the service allows, or they are told
        to ask privately (no link is made)."""
        if where.conversation is not None and not (args and args[0].lower() == "revoke"):
            if type(self).whisper is TextCommands.whisper:
                return ASK_PRIVATELY
            text, link = await console_answer(self.apps, actor, args)
            if not link:
                return text
            private = Where(None, where.user_id)
            sent = await self.whisper(private, text)
            return whispered(self.apps.link_minutes) if sent else ASK_PRIVATELY
        return (await console_answer(self.apps, actor, args))[0]

    def parse(self, text: str) -> tuple[str, str]:
        """(command name, the rest), ('', '') for anything that is not a command."""
        if console_word(text):
            return "console", ""
        match = self.COMMAND.match(text)
        return (match.group(1).lower(), match.group(2).strip()) if match else ("", "")

    async def answer(self, where: Where, actor: Actor, name: str, rest: str) -> str:
        """The answer to a command (or the help, for anything else)."""
        handler = self.routes.get(name, self.help)
        return await handler(where, actor, rest.split(), rest)

    async def help(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        return self.HELP

    async def pending(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        return await pending_text(self.desk, self.apps.stores_here(actor, where))

    async def stats(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        return await stats_text(self.desk, self.apps.stores_here(actor, where))

    async def mute(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        if args and args[0].lower() in OFF:
            return await self.unmute(where, actor, args, rest)
        stores = self.apps.stores_here(actor, where)
        if not stores:
            return NO_STORES_HERE
        until = await mute_until_text(self.desk, actor, stores, args[0] if args else "")
        if not until:
            return MUTE_USAGE
        return f"🔕 已暂停非紧急提醒，直到 {until}。{MUTED}"

    async def unmute(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        await self.desk.unmute(actor, self.apps.stores_here(actor, where))
        return UNMUTED

    async def crisis(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        stores = self.apps.stores_here(actor, where)
        summary = rest[len(args[0]) :].strip() if args else ""
        return await crisis_text(self.desk, actor, stores, args, summary, "\n\n")

    async def edit(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        """`/edit 123 新的回复`: the whole new reply in one message, through the guardrails."""
        number, _, text = rest.partition(" ")
        if not number.lstrip("#").isdigit() or not text.strip():
            return "用法：/edit 评价编号 修改后的完整回复"
        review_id = int(number.lstrip("#"))
        card = await self.card(where, actor, review_id)
        if card is None:
            return f"找不到评价 #{review_id}。"
        return await self.submit_edit(where, actor, card, text.strip())

    async def submit_edit(self, where: Where, actor: Actor, card: CardRef, text: str) -> str:
        """A new reply given with /edit: posted once the guardrails pass it (an app that
        previews edits first overrides this)."""
        return edit_answer(card.review_id, await self.apps.edit(card, actor, text))

    async def review(self, where: Where, actor: Actor, args: list[str], rest: str) -> str:
        """/review 123: the card again, in a group of its store (its buttons work there)."""
        if len(args) != 1 or not args[0].lstrip("#").isdigit():
            return "用法：/review 编号，例如 /review 123"
        if where.conversation is None:
            return "请在门店的群里发送 /review 编号：卡片的按钮只在群里有效。"
        return await self.show(where, actor, int(args[0].lstrip("#")))

    async def card(self, where: Where, actor: Actor, review_id: int) -> CardRef | None:
        """The card of a review this person may act on here (None: not theirs, not here)."""
        alert_id = await self.desk.card_for(actor, review_id)
        view = await self.desk.view(alert_id) if alert_id is not None else None
        if view is None or view.store_id not in self.apps.stores_here(actor, where):
            return None
        return CardRef(view.alert_id, view.store_id, view.review_id, view.token or "")
