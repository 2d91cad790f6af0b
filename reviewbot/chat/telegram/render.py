"""Alert cards as Telegram HTML with an inline keyboard.

Review text is untrusted: everything from a customer or a platform is HTML-escaped, so it
can never break or inject into the markup, and it is clipped so a card stays well inside
Telegram's 4096-character limit (counted in UTF-16 units, hence the margin).
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from reviewbot.chat.alerts import REASONS, AlertView, format_alert, status_lines

MESSAGE_LIMIT = 4096
REVIEW_CHARS = 1200
DRAFT_CHARS = 1200
CALLBACK_PREFIX = "rb"

# Button codes carried in callback data; the server looks up everything else itself.
APPROVE, EDIT, REGENERATE, CONTACTED, MALICIOUS, IGNORE, SNOOZE, CONFIRM, CANCEL = "aercmizyx"
CODES = frozenset("aercmizyx")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def callback_data(token: str, code: str) -> str:
    return f"{CALLBACK_PREFIX}:{token}:{code}"


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """(token, code) from a button's data, or None if it is not one of ours."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[2] not in CODES or not parts[1]:
        return None
    return parts[1], parts[2]


def alert_html(
    view: AlertView, *, review_chars: int = REVIEW_CHARS, draft_chars: int = DRAFT_CHARS
) -> str:
    lines: list[str] = []
    urgent = view.severity in ("high", "critical") or view.malicious
    for label, value in format_alert(view):
        if label == "title":
            lines.append(f"<b>{'🚨' if urgent else '⚠️'} {escape(value)}</b>")
        elif label == "meta":
            lines.append(f"<i>{escape(value)}</i>")
        elif label in ("评价", "追评"):
            lines.append(f"<b>{label}：</b>{escape(clip(value, review_chars))}")
        elif label == "建议回复":
            lines.append(
                f"<b>{label}：</b>\n<blockquote>{escape(clip(value, draft_chars))}</blockquote>"
            )
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
    text = "\n".join(lines)
    if len(text) > MESSAGE_LIMIT - 200 and review_chars > 200:
        return alert_html(view, review_chars=review_chars // 2, draft_chars=draft_chars // 2)
    return text


def alert_keyboard(view: AlertView) -> InlineKeyboardMarkup | None:
    if not view.token:
        return None

    def button(label: str, code: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callback_data(view.token or "", code))

    rows: list[list[InlineKeyboardButton]] = []
    if view.open:
        approve = "✅ 通过并发布" if view.can_reply else "✅ 已手动回复"
        rows.append([button(approve, APPROVE), button("✏️ 修改", EDIT)])
        rows.append([button("🔁 换一版", REGENERATE), button("☎️ 已联系顾客", CONTACTED)])
        last = [button("🙈 忽略", IGNORE), button("⏰ 稍后提醒", SNOOZE)]
        if view.review_status != "appeal":
            last.insert(0, button("🚩 恶意（申诉）", MALICIOUS))
        rows.append(last)
    elif view.contacted_at is None:
        rows.append([button("☎️ 已联系顾客", CONTACTED)])
    return InlineKeyboardMarkup(rows) if rows else None


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
