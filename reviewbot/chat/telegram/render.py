"""Alert cards as Telegram HTML with an inline keyboard.

Review text is untrusted: everything from a customer or a platform is HTML-escaped, so it
can never break or inject into the markup. Telegram refuses a message whose text (the
markup parsed out) is over 4096 UTF-16 code units, so the card is measured that way and
its long fields (review, follow-up, draft) are clipped, the customer's words before the
draft, until it fits; clipping happens before escaping, so a cut never splits a tag or an
entity.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from reviewbot.chat.alerts import format_alert, status_lines
from reviewbot.reporting.labels import PLATFORMS, REASONS
from reviewbot.text import clip_utf16, utf16_len
from reviewbot.workflow.actions import AppealSheet
from reviewbot.workflow.cards import AlertView

MESSAGE_LIMIT = 4096
CARD_LIMIT = MESSAGE_LIMIT - 96  # a margin for anything Telegram counts that we do not
# (review and follow-up units, draft units) to try in turn: the draft, which is what gets
# posted, is the last to be clipped.
BUDGETS = ((1200, 2000), (600, 2000), (300, 2000), (150, 2000), (150, 1000), (100, 400))
CALLBACK_PREFIX = "rb"
_TAG = re.compile(r"<[^>]*>")

# Button codes carried in callback data; the server looks up everything else itself.
APPROVE, EDIT, REGENERATE, CONTACTED, MALICIOUS, IGNORE, SNOOZE, CONFIRM, CANCEL = "aercmizyx"
# 🙈 asks first: confirm, keep (don't ignore), and undo within the undo window.
IGNORE_CONFIRM, IGNORE_KEEP, IGNORE_UNDO = "gku"
ASK_MANAGER = "p"  # 📣 on a review only a manager may handle: ping the managers
NOT_MALICIOUS = "n"  # 👌 不是恶意: clear the analyzer's flag (or take an appeal back)
CODES = frozenset("aercmizyxgkupn")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def telegram_len(markup: str) -> int:
    """The length Telegram checks: UTF-16 units of the text with our markup parsed out
    (every `<` in our HTML starts a tag, since all other text is escaped)."""
    return utf16_len(html.unescape(_TAG.sub("", markup)))


def callback_data(token: str, code: str, draft_id: int | None = None) -> str:
    """A button's data; ✅ also carries the draft it was shown with (`draft_id`)."""
    data = f"{CALLBACK_PREFIX}:{token}:{code}"
    return data if draft_id is None else f"{data}:{draft_id}"


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """(token, code) from a button's data, or None if it is not one of ours."""
    parts = (data or "").split(":")
    if len(parts) == 4 and parts[3].isdigit():
        parts = parts[:3]
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[2] not in CODES or not parts[1]:
        return None
    return parts[1], parts[2]


def shown_draft(data: str | None) -> int | None:
    """The draft a ✅ was shown with (None on a card sent before buttons carried it)."""
    parts = (data or "").split(":")
    return int(parts[3]) if len(parts) == 4 and parts[3].isdigit() else None


def alert_html(view: AlertView) -> str:
    """The card, within Telegram's limit whatever the review holds."""
    for review_units, draft_units in BUDGETS:
        text = _card(view, review_units, draft_units)
        if telegram_len(text) <= CARD_LIMIT:
            return text
    # Only pathological fixed fields get here: the card as plain text, cut to fit.
    return plain_fallback(text)


def plain_fallback(markup: str, limit: int = CARD_LIMIT) -> str:
    """A message too long as it is: its plain text, cut to fit (escaped, so it can still be
    sent as HTML)."""
    return escape(clip_utf16(html.unescape(_TAG.sub("", markup)), limit))


def _card(view: AlertView, review_units: int, draft_units: int) -> str:
    lines: list[str] = []
    urgent = view.severity in ("high", "critical") or view.malicious
    for label, value in format_alert(view):
        if label == "title":
            lines.append(f"<b>{'🚨' if urgent else '⚠️'} {escape(value)}</b>")
        elif label == "meta":
            lines.append(f"<i>{escape(value)}</i>")
        elif label in ("评价", "追评"):
            lines.append(f"<b>{label}：</b>{escape(clip_utf16(value.strip(), review_units))}")
        elif label == "链接":
            platform = PLATFORMS.get(view.platform, view.platform)
            href = html.escape(value, quote=True)
            lines.append(f'🔗 <a href="{href}">在{escape(platform)}查看这条评价</a>')
        elif label == "建议回复":
            shown = clip_utf16(value.strip(), draft_units)
            lines.append(f"<b>{label}：</b>\n<blockquote>{escape(shown)}</blockquote>")
            if shown != value.strip():
                lines.append("⚠️ 草稿较长，这里只显示开头；发布的是完整草稿。")
        elif label == "恶意":
            reasons = "、".join(REASONS.get(r, r) for r in view.malicious_reasons)
            lines.append(f"<b>🚩 疑似恶意：</b>{escape(reasons)}（建议走平台申诉）")
        else:
            lines.append(f"<b>{label}：</b>{escape(value)}")
    if view.open and view.required_role != "staff":
        lines.append("🔒 这条评价需店长或店主通过后才能发布。")
    status = status_lines(view)
    if status:
        lines.append("")
        lines.extend(escape(line) for line in status)
    lines.append(f"<code>#{view.review_id}</code>")
    return "\n".join(lines)


def alert_keyboard(view: AlertView) -> InlineKeyboardMarkup | None:
    if not view.token:
        return None

    def button(label: str, code: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callback_data(view.token or "", code))

    rows: list[list[InlineKeyboardButton]] = []
    if view.open:
        approve = "✅ 通过并发布" if view.can_reply else "✅ 已手动回复"
        shown = InlineKeyboardButton(
            approve, callback_data=callback_data(view.token, APPROVE, view.draft_id)
        )
        rows.append([shown, button("✏️ 修改", EDIT)])
        rows.append([button("🔁 换一版", REGENERATE), button("☎️ 已联系顾客", CONTACTED)])
        last = [button("🙈 忽略", IGNORE), button("⏰ 稍后提醒", SNOOZE)]
        if view.review_status != "appeal" and view.cleared_at is None:
            last.insert(0, button("🚩 恶意（申诉）", MALICIOUS))
        rows.append(last)
        if view.clearable:
            rows.append([button("👌 不是恶意", NOT_MALICIOUS)])
        if view.required_role != "staff" and view.manager_asked_at is None:
            rows.append([button("📣 请店长处理", ASK_MANAGER)])
    elif view.contacted_at is None:
        rows.append([button("☎️ 已联系顾客", CONTACTED)])
    if view.console_url:
        rows.append([InlineKeyboardButton("🖥 在网页处理", url=view.console_url)])
    return InlineKeyboardMarkup(rows) if rows else None


def appeal_html(sheet: AppealSheet) -> str:
    """The appeal as a message that stays: the text to paste into the platform's appeal
    form (in a block Telegram copies with one tap) and the whole evidence checklist."""
    platform = PLATFORMS.get(sheet.platform, sheet.platform) or "平台"
    lines = [f"<b>🚩 评价 #{sheet.review_id} 的申诉（{escape(platform)}）</b>"]
    if sheet.text:
        lines += [
            "申诉理由（复制后粘贴到平台的申诉表单）：",
            f"<pre>{escape(clip_utf16(sheet.text, 2500))}</pre>",
        ]
    lines.append(f"需要准备的证据（共 {len(sheet.evidence)} 项）：")
    lines += [f"{n}. {escape(clip_utf16(item, 200))}" for n, item in enumerate(sheet.evidence, 1)]
    text = "\n".join(lines)
    return text if telegram_len(text) <= CARD_LIMIT else plain_fallback(text)


def ignore_ask_keyboard(token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🙈 确认忽略", callback_data=callback_data(token, IGNORE_CONFIRM)
                ),
                InlineKeyboardButton("✖ 不忽略", callback_data=callback_data(token, IGNORE_KEEP)),
            ]
        ]
    )


def ignore_undo_keyboard(token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("↩️ 撤销忽略", callback_data=callback_data(token, IGNORE_UNDO))]]
    )


def confirm_keyboard(token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ 确认发布", callback_data=callback_data(token, CONFIRM)),
                InlineKeyboardButton("✏️ 再改", callback_data=callback_data(token, EDIT)),
                InlineKeyboardButton("✖ 取消", callback_data=callback_data(token, CANCEL)),
            ]
        ]
    )
