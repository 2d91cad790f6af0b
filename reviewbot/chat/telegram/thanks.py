"""/thanks in Telegram: a page of thank-you drafts as one message, posted with one press.

The message lists each draft with the customer's words it answers; its buttons carry the
batch's opaque token and a code, nothing else (`tk:<token>:<code>`): ✅ posts the page,
"跳过 n" leaves item n out, 🔁 moves on to the next page and 🙈 ignores the page. The
workflow itself (what is listed, what a press does) is `reviewbot.workflow.thanks`.
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from reviewbot.chat.alerts import stars
from reviewbot.chat.telegram.access import Front
from reviewbot.chat.telegram.render import CARD_LIMIT, escape, plain_fallback, telegram_len
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.workflow import thanks
from reviewbot.workflow.desk import ThanksAction
from reviewbot.workflow.directory import Directory

log = logging.getLogger(__name__)

PREFIX = "tk"
POST, NEXT, IGNORE, SKIP = "p", "n", "i", "s"
_DATA = re.compile(rf"^{PREFIX}:([A-Za-z0-9_-]+):([pni]|s\d{{1,2}})$")
SKIPS_PER_ROW = 5
# What became of an item, in the order a decided page sums them up.
RESULTS = {
    "posted": ("✅", "通过"),
    "ignored": ("🙈", "忽略"),
    "skipped": ("⏭", "跳过"),
    "handled": ("↩️", "已被他人处理"),
    "blocked": ("⛔", "未通过检查"),
    "stale": ("⚠️", "草稿已变"),
    "refused": ("🔒", "无权限"),
    "read_only": ("ℹ️", "需手动回复"),
}
TITLES = {thanks.POSTED: "已发布", thanks.IGNORED: "已忽略", thanks.REPLACED: "已换一批"}
# An approved item once the outbox has tried it: (icon, note) by its fate on the platform.
DELIVERY = {
    thanks.SENDING: ("⏳", "正在发布到平台"),
    thanks.DELIVERED: ("✅", "已发布到平台"),
    thanks.FAILED: ("❌", "平台没有接受这条回复，评价已重新打开"),
    thanks.WITHDRAWN: ("↩️", "顾客改了评价，回复已撤回，评价已重新打开"),
}


def callback_data(token: str, code: str) -> str:
    return f"{PREFIX}:{token}:{code}"


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """(token, code) from a /thanks button's data, or None if it is not one."""
    match = _DATA.match(data or "")
    return (match.group(1), match.group(2)) if match else None


def _head(item: thanks.Item, view: thanks.View) -> str:
    store = view.store_names.get(item.store_id)
    return escape(stars(item.rating) + (f" · {store}" if store else ""))


def _notes(view: thanks.View) -> list[str]:
    notes, lines = view.notes, []
    if notes.blocked:
        lines += ["", "⚠️ 下面的草稿不能直接发布，请发送 /review 编号 修改后发布："]
        lines += [f"#{review_id}：{escape(reason)}" for review_id, reason in notes.blocked]
        if notes.blocked_more:
            lines.append(f"……另有 {notes.blocked_more} 条。")
    for platform, count in sorted(notes.read_only.items()):
        name = PLATFORMS.get(platform, platform)
        lines.append(
            f"ℹ️ {escape(name)} 的 {count} 条好评不在这里：该平台不支持接口回复，"
            "请在商家后台手动回复。"
        )
    return lines


def _open_html(view: thanks.View) -> str:
    notes = view.notes
    if not view.items:
        return "\n".join(["暂时没有待发布的感谢回复 🎉", *_notes(view)])
    lines = [f"<b>💐 好评感谢</b>（待发布 {notes.total} 条，最早的在前）"]
    if notes.wrapped:
        lines.append("已经看完一轮，下面从最早的开始。")
    for item in view.items:
        lines.append("")
        if item.skipped_by:
            lines.append(
                f"<s>{item.n}. {_head(item, view)} · {escape(item.excerpt)}</s>"
                f" ⏭ {escape(item.skipped_by)} 跳过"
            )
            continue
        lines.append(f"<b>{item.n}.</b> {_head(item, view)}")
        lines.append(f"顾客：{escape(item.excerpt)}")
        lines.append(f"<blockquote>{escape(item.draft)}</blockquote>")
        if item.clipped:
            lines.append("⚠️ 草稿较长，这里只显示开头；发布的是完整草稿。")
    lines += _notes(view)
    if notes.remaining > 0:
        lines.append(
            f"还有 {notes.remaining} 条没有列出：发布这一批后再发送 /thanks，或点“🔁 换一批”。"
        )
    listed = sum(1 for item in view.items if not item.skipped_by)
    if listed:
        lines.append(f"点“✅ 全部发布”发布上面 {listed} 条回复；不想发的先点对应编号的“跳过”。")
    return "\n".join(lines)


def _progress(view: thanks.View) -> tuple[str, str | None]:
    """The page's title once posted, and its line on how the approved replies fared (None
    when that is not known): "已发布 n/m" as they reach the platform, and failures."""
    fates = [view.delivery[i.draft_id] for i in view.items if i.draft_id in view.delivery]
    if not fates:
        return TITLES[thanks.POSTED], None
    done, failed = fates.count(thanks.DELIVERED), fates.count(thanks.FAILED)
    total, sending = len(fates), fates.count(thanks.SENDING)
    failures = (
        f"，{failed} 条发布失败（评价已重新打开，发送 /thanks 查看后重新发布）" if failed else ""
    )
    if withdrawn := fates.count(thanks.WITHDRAWN):
        failures += f"，{withdrawn} 条已撤回（顾客改了评价，评价已重新打开）"
    if sending:
        return "发布中", f"⏳ 发布进度：已发布 {done}/{total}{failures}，其余正在发布。"
    title = "已发布" if not failed else ("部分发布失败" if done else "发布失败")
    return title, f"发布结果：已发布 {done}/{total}{failures}。"


def _decided_html(view: thanks.View) -> str:
    counts: dict[str, int] = {}
    for item in view.items:
        counts[item.result] = counts.get(item.result, 0) + 1
    summary = "，".join(
        f"{name} {counts[result]} 条" for result, (_, name) in RESULTS.items() if result in counts
    )
    title, progress = TITLES.get(view.status, "已处理"), None
    if view.status == thanks.POSTED and counts.get("posted"):
        title, progress = _progress(view)
    lines = [
        f"<b>💐 好评感谢 · {title}</b>",
        f"{escape(view.decided_by or '')} 于 {view.decided_at} "
        f"{thanks.DECIDED.get(view.status, '处理了')}这一批：{summary}。",
        "",
    ]
    for item in view.items:
        icon = RESULTS.get(item.result, ("•", ""))[0]
        if item.result == "skipped":
            note = f"{item.skipped_by} 跳过"
        elif item.result == "ignored":
            note = "已忽略"
        elif item.result == "posted" and item.draft_id in view.delivery:
            icon, note = DELIVERY[view.delivery[item.draft_id]]
        else:
            note = item.note
        lines.append(
            f"{icon} {item.n}. {_head(item, view)} · {escape(item.excerpt)} — {escape(note)}"
        )
    lines += _notes(view)
    if progress is not None:
        lines += ["", progress]
    elif view.status == thanks.POSTED and counts.get("posted"):
        lines.append("已通过的回复由机器人依次发布到平台。")
    if view.notes.remaining > 0:
        lines.append(f"还有 {view.notes.remaining} 条：发送 /thanks 继续。")
    return "\n".join(lines)


def batch_html(view: thanks.View) -> str:
    """The message for a page, within Telegram's limit whatever it holds."""
    text = _open_html(view) if view.status == thanks.OPEN else _decided_html(view)
    return text if telegram_len(text) <= CARD_LIMIT else plain_fallback(text)


def fitted(page: thanks.Page, directory: Directory) -> thanks.Page:
    """The page cut to the items one message holds: the drafts people approve are shown
    whole (up to `thanks.DRAFT_UNITS`), so fewer of them go on a page instead."""
    for shown in range(len(page.items), 0, -1):
        cut = thanks.fit(page, shown)
        if telegram_len(_open_html(thanks.page_view(cut, directory))) <= CARD_LIMIT:
            return cut
    return thanks.fit(page, min(1, len(page.items)))  # one item always fits (clipped)


def keyboard(token: str | None, view: thanks.View) -> InlineKeyboardMarkup | None:
    if token is None or view.status != thanks.OPEN or not view.items:
        return None

    def button(label: str, code: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callback_data(token, code))

    listed = [item for item in view.items if not item.skipped_by]
    rows: list[list[InlineKeyboardButton]] = []
    if listed:
        rows.append([button(f"✅ 全部发布（{len(listed)} 条）", POST)])
        skips = [button(f"跳过 {item.n}", f"{SKIP}{item.n}") for item in listed]
        rows += [skips[i : i + SKIPS_PER_ROW] for i in range(0, len(skips), SKIPS_PER_ROW)]
    last = [button("🔁 换一批", NEXT)]
    if listed:
        last.append(button("🙈 全部忽略", IGNORE))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


SKIP_CODE = re.compile(rf"^{SKIP}(\d{{1,2}})$")
ACTIONS: dict[str, ThanksAction] = {POST: "post", NEXT: "next", IGNORE: "ignore"}


class ThanksFlow:
    """The /thanks command and its buttons (`tk:` data, routed here where registered)."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.desk = front.desk

    def handlers(self) -> list[BaseHandler]:
        return [
            CommandHandler("thanks", self.command),
            CallbackQueryHandler(self.button, pattern=rf"^{PREFIX}:"),
        ]

    def _fit(self, page: thanks.Page) -> thanks.Page:
        return fitted(page, self.desk.directory)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self.front.command_actor(update, "thanks")
        if actor is None:
            return
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        stores = self.front.stores_here(update, actor)
        if not stores:
            await message.reply_text("这个聊天里没有你负责的门店。")
            return
        view, token, batch_id = await self.desk.thanks_page(
            actor, stores, chat.id, self.front.tg.thanks_page_size, self._fit
        )
        sent = await message.reply_text(
            batch_html(view),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(token, view),
            disable_web_page_preview=True,
        )
        if batch_id is not None:
            await self.desk.thanks_sent(batch_id, sent.message_id)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        actor = self.front.actor(update)
        parsed = parse_callback(query.data)
        attempted = f"thanks {parsed[1]}" if parsed else f"button {query.data!r}"
        if actor is None:
            await self.front.refuse(update, attempted)
            return
        chat_id = query.message.chat.id if query.message is not None else None
        mine = await self.desk.thanks_stores(parsed[0], actor, chat_id) if parsed else None
        if parsed is None or mine is None:
            await query.answer("这个列表已失效，请重新发送 /thanks。", show_alert=True)
            return
        if not mine:
            await self.front.refuse(update, attempted)
            return
        token, code = parsed
        skip = SKIP_CODE.match(code)
        answer = await self.desk.thanks_press(
            token,
            "skip" if skip else ACTIONS[code],
            actor,
            mine,
            chat_id,
            skip=int(skip.group(1)) if skip else 0,
            size=self.front.tg.thanks_page_size,
            fit=self._fit,
        )
        if answer.view is not None:
            try:
                await query.edit_message_text(
                    batch_html(answer.view),
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(answer.token, answer.view),
                    disable_web_page_preview=True,
                )
            except TelegramError as exc:  # recorded all the same; the answer says what happened
                log.warning("could not redraw a /thanks message: %s", exc)
        if code == POST:
            # Only now: the outbox's redraws, as the replies go out, must come after this one.
            self.desk.kick_outbox()
        await query.answer(answer.text[:190], show_alert=answer.alert)
