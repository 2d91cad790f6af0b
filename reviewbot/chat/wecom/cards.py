"""The review card as a WeCom template card of type `button_interaction` (企业微信
「模板卡片类型」, document 101032): the review in the quote area, the analysis, draft and
where it stands in the sub-title text, the actions as buttons (six at most) and the rest in
the card's top-right menu (`action_menu`, three at most).

A card's `task_id` names its alert (by the alert's opaque token) and the copy (a nonce, as
WeCom refuses a task id it has seen before); each button's `key` names the action and the
token (✅'s also the draft the card showed: a draft a colleague replaced since is not
posted), so a click needs nothing stored to find its review. A click may be answered by a
new drawing of the card (the same task id), which is how the card changes in place.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from reviewbot.chat.alerts import status_lines
from reviewbot.chat.apps.buttons import shown_draft
from reviewbot.chat.robots.text import alert_card, plain
from reviewbot.text import clip_utf16
from reviewbot.workflow.cards import AlertView

# Bounds (UTF-16 units) within WeCom's: a title of 26 characters, its line 30.
TITLE_UNITS, DESC_UNITS, QUOTE_UNITS, BODY_UNITS = 26, 30, 400, 1200
BUTTONS_MAX, MENU_MAX = 6, 3
REFRESH = "refresh"  # redraws the card as it stands now (a card changes only on a click)
EDIT = "edit"
CONFIRM, CANCEL = "confirm", "cancel"  # an edit's preview: its author posts it, or not
_TASK = re.compile(r"^rb@([A-Za-z0-9_-]+)@([0-9a-f]+)$")
_KEY = re.compile(r"^(\w+)@([A-Za-z0-9_-]+)(?:@(\w+))?$")


def new_task_id(token: str) -> str:
    """A fresh task id for a new copy of the alert's card (letters, digits, _-@ only)."""
    return f"rb@{token}@{secrets.token_hex(4)}"


def token_of_task(task_id: str) -> str | None:
    match = _TASK.match(task_id or "")
    return match.group(1) if match else None


def button_key(action: str, token: str, draft_id: int | None = None) -> str:
    """`action@token`, and for ✅ `@draft` (the draft the card showed)."""
    return f"{action}@{token}" if draft_id is None else f"{action}@{token}@{draft_id}"


def parse_key(key: str) -> tuple[str, str, int | None] | None:
    """(action, alert token, the draft shown: None on a key of a card drawn before ✅
    carried it) of a button's key; None for a key not ours."""
    match = _KEY.match(key or "")
    return (match.group(1), match.group(2), shown_draft(match.group(3))) if match else None


def _buttons(view: AlertView) -> tuple[list[tuple[str, str, int]], list[tuple[str, str]]]:
    """The card's buttons (text, action, style 1 blue … 4 plain) and its menu items."""
    buttons: list[tuple[str, str, int]] = []
    menu: list[tuple[str, str]] = []
    if view.open:
        approve = "✅ 通过并发布" if view.can_reply else "✅ 已手动回复"
        buttons += [(approve, "approve", 1), ("✏️ 修改", EDIT, 2), ("🔁 换一版", "regenerate", 2)]
        if view.clearable:  # (a malicious reviewer is not called back: its place)
            buttons.append(("👌 不是恶意", "not_malicious", 2))
        else:
            buttons.append(("☎️ 已联系顾客", "contacted", 2))
        if view.review_status != "appeal" and view.cleared_at is None:
            buttons.append(("🚩 恶意（申诉）", "malicious", 3))
        buttons.append(("🙈 忽略", "ignore", 4))
        menu.append(("⏰ 稍后提醒", "snooze"))
        if view.required_role != "staff" and view.manager_asked_at is None:
            menu.append(("📣 请店长处理", "ask_manager"))
    else:
        if view.review_status == "ignored":
            buttons.append(("↩️ 撤销忽略", "undo_ignore", 2))
        if view.contacted_at is None:
            buttons.append(("☎️ 已联系顾客", "contacted", 2))
    menu.append(("🔄 刷新状态", REFRESH))
    if not buttons:  # a button_interaction card needs one: refreshing is harmless
        buttons.append(("🔄 刷新状态", REFRESH, 4))
    return buttons[:BUTTONS_MAX], menu[:MENU_MAX]


def review_card(
    view: AlertView, public_url: str | None, task_id: str, notice: str | None = None
) -> dict[str, Any]:
    """The `template_card` object of an alert. `notice`: one line on top for whoever
    clicked last (what happened, or why not)."""
    card = alert_card(view, public_url)
    meta = next((value for label, value in card.lines if label == "meta"), "")
    quoted = [value for label, value in card.lines if label in ("评价", "追评")]
    body = [
        f"{label}：{value}"
        for label, value in card.lines
        if label not in ("meta", "评价", "追评", "状态", "编号", "链接")
    ]
    if view.open and view.draft_text:
        body.append(f"建议回复：{plain(clip_utf16(view.draft_text, 600))}")
    if view.open and view.required_role != "staff":
        body.append("🔒 这条评价需店长或店主通过后才能发布。")
    status = [plain(line) for line in status_lines(view)]
    if notice:
        status.insert(0, f"👉 {plain(notice)}")
    if status:
        body += ["", *status]
    buttons, menu = _buttons(view)
    token = view.token or ""
    shown = {"approve": view.draft_id}  # ✅ posts this draft or none
    horizontal: list[dict[str, Any]] = [{"keyname": "编号", "value": f"#{view.review_id}"}]
    horizontal += [
        {"type": 1, "keyname": "链接", "value": link.label, "url": link.url} for link in card.links
    ]
    out: dict[str, Any] = {
        "card_type": "button_interaction",
        "source": {"desc": "评价助手", "desc_color": 3 if card.urgent else 0},
        "main_title": {
            "title": clip_utf16(("🚨 " if card.urgent else "") + card.title, TITLE_UNITS),
            "desc": clip_utf16(meta, DESC_UNITS),
        },
        "quote_area": {
            "type": 0,
            "title": "顾客评价",
            "quote_text": clip_utf16("\n".join(quoted), QUOTE_UNITS),
        },
        "sub_title_text": clip_utf16("\n".join(body), BODY_UNITS),
        "horizontal_content_list": horizontal[:6],
        "action_menu": {
            "desc": "更多操作",
            "action_list": [{"text": text, "key": button_key(a, token)} for text, a in menu],
        },
        "button_list": [
            {"text": text, "style": style, "key": button_key(action, token, shown.get(action))}
            for text, action, style in buttons
        ],
        "task_id": task_id,
    }
    if card.links:
        out["card_action"] = {"type": 1, "url": card.links[0].url}
    return out


def edit_card(
    view: AlertView,
    text: str,
    task_id: str,
    draft_id: int,
    notice: str | None = None,
    *,
    open_: bool = True,
) -> dict[str, Any]:
    """An edit's preview, sent under the review's card after the guardrails passed it:
    the new reply as it will be posted, and (`open_`) its author's ✅ confirm and ✖ cancel,
    whose keys name the held edit. Redrawn with what became of it once decided."""
    token = view.token or ""
    body = [f"修改后的回复：{plain(clip_utf16(text, 900))}"]
    if notice:
        body += ["", f"👉 {plain(notice)}"]
    elif open_:
        body += ["", "确认发布吗？点“确认发布”发布这条回复，点“取消”保持原草稿。"]
    buttons = (
        [("✅ 确认发布", CONFIRM, 1), ("✖ 取消", CANCEL, 4)]
        if open_
        else [("🔄 刷新状态", REFRESH, 4)]
    )
    return {
        "card_type": "button_interaction",
        "source": {"desc": "评价助手", "desc_color": 0},
        "main_title": {
            "title": clip_utf16(f"✏️ 修改预览 · 评价 #{view.review_id}", TITLE_UNITS),
            "desc": clip_utf16(view.store_name or "", DESC_UNITS),
        },
        "quote_area": {
            "type": 0,
            "title": "顾客评价",
            "quote_text": clip_utf16(plain(view.text or "（只有评分）"), QUOTE_UNITS),
        },
        "sub_title_text": clip_utf16("\n".join(body), BODY_UNITS),
        "horizontal_content_list": [{"keyname": "编号", "value": f"#{view.review_id}"}],
        "button_list": [
            {"text": label, "style": style, "key": button_key(action, token, draft_id)}
            for label, action, style in buttons
        ],
        "task_id": task_id,
    }
