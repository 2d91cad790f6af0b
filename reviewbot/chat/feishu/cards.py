"""What the Feishu app bot shows: a review's card as an interactive card (JSON 1.0, shared,
`update_multi`, so a PATCH redraws it for everyone) with the same buttons as Telegram, the
form an edit is typed into, and the short texts its commands answer with.

Each button's `value` is `{"rb": <the card's opaque token>, "a": <action>}`: a tap names
the card, never the review or the store, and the workflow looks the rest up. ✅'s also
holds `"draft_id"`, the draft the card showed: a colleague's 🔁 or edit since replaces it,
and the tap posts nothing rather than a draft its presser never saw."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from reviewbot.chat.apps.buttons import DRAFT_ID
from reviewbot.chat.robots.text import VALUE_UNITS, Card, plain
from reviewbot.chat.robots.text import alert_card as robot_card
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.text import clip_utf16
from reviewbot.workflow.actions import UNDO_IGNORE, AppealSheet
from reviewbot.workflow.cards import AlertView

APPROVE, EDIT, REGENERATE, CONTACTED = "approve", "edit", "regenerate", "contacted"
MALICIOUS, IGNORE, UNDO, SNOOZE, ASK = "malicious", "ignore", "undo_ignore", "snooze", "ask"
NOT_MALICIOUS = "not_malicious"
SUBMIT, CANCEL = "submit", "cancel"  # the edit form's
REPLY_FIELD = "reply"  # the form input holding the edited reply
REFUSAL = "抱歉，您还没有权限使用这个机器人。如需开通，请把下面的编号发给店主加入配置。"
CARD_BYTES = 28_000  # Feishu takes a card of up to 30 KB


def _md(content: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "lark_md", "content": content}}


def _button(label: str, token: str, action: str, kind: str = "default", **extra: Any) -> dict:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": label},
        "type": kind,
        "value": {"rb": token, "a": action},
        **extra,
    }


def _confirm(title: str, text: str) -> dict[str, Any]:
    """Feishu's own confirmation dialog before a button's tap is sent."""
    return {
        "confirm": {
            "title": {"tag": "plain_text", "content": title},
            "text": {"tag": "plain_text", "content": text},
        }
    }


def _frame(title: str, template: str, elements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {"title": {"tag": "plain_text", "content": title}, "template": template},
        "elements": elements,
    }


def _body(card: Card) -> str:
    return "\n".join(
        f"<font color='grey'>{value}</font>" if label == "meta" else f"**{label}**：{value}"
        for label, value in card.lines
    )


def buttons(view: AlertView, now: datetime) -> list[dict[str, Any]]:
    """The card's buttons, as Telegram's keyboard has them (rows of two or three); a
    review ignored moments ago keeps ↩️ for the undo window."""
    token = view.token or ""
    rows: list[list[dict[str, Any]]] = []
    if view.open:
        label = "✅ 通过并发布" if view.can_reply else "✅ 已手动回复"
        approve = _button(label, token, APPROVE, "primary")
        if view.draft_id is not None:  # ✅ posts the draft shown or none
            approve["value"][DRAFT_ID] = view.draft_id
        rows.append([approve, _button("✏️ 修改", token, EDIT)])
        rows.append(
            [_button("🔁 换一版", token, REGENERATE), _button("☎️ 已联系顾客", token, CONTACTED)]
        )
        last = [
            _button("🙈 忽略", token, IGNORE, **_confirm("忽略这条评价？", "忽略后不会回复顾客。")),
            _button("⏰ 稍后提醒", token, SNOOZE),
        ]
        if view.review_status != "appeal" and view.cleared_at is None:
            warn = _confirm("标记为恶意评价？", "将创建平台申诉任务（需店长或以上权限）。")
            last.insert(0, _button("🚩 恶意（申诉）", token, MALICIOUS, "danger", **warn))
        rows.append(last)
        if view.clearable:
            rows.append([_button("👌 不是恶意", token, NOT_MALICIOUS)])
        if view.required_role != "staff" and view.manager_asked_at is None:
            rows.append([_button("📣 请店长处理", token, ASK)])
    else:
        ignored_at = view.handled_at if view.review_status == "ignored" else None
        if ignored_at is not None and now - ignored_at < UNDO_IGNORE:
            seconds = int(UNDO_IGNORE.total_seconds())
            rows.append([_button(f"↩️ 撤销忽略（{seconds} 秒内）", token, UNDO)])
        if view.contacted_at is None:
            rows.append([_button("☎️ 已联系顾客", token, CONTACTED)])
    return [{"tag": "action", "actions": row} for row in rows]


def alert_card(view: AlertView, now: datetime, public_url: str | None = None) -> dict:
    """The review's card: what every robot shows (review, analysis, draft, where it
    stands and who did what) and the buttons; shortened until it fits."""
    card = robot_card(view, public_url)
    units = VALUE_UNITS
    while True:
        lines = [(label, clip_utf16(value, units)) for label, value in card.lines]
        body = _body(Card(card.title, lines, card.links, card.urgent))
        if view.open and view.required_role != "staff":
            body += "\n🔒 这条评价需店长或店主通过后才能发布。"
        elements = [_md(body)]
        if card.links:
            elements.append(
                {
                    "tag": "action",
                    "actions": [
                        {
                            "tag": "button",
                            "text": {"tag": "plain_text", "content": link.label},
                            "url": link.url,
                        }
                        for link in card.links
                    ],
                }
            )
        elements += buttons(view, now)
        template = "red" if card.urgent else ("orange" if view.open else "green")
        drawn = _frame(card.title, template, elements)
        if len(json.dumps(drawn, ensure_ascii=False).encode()) <= CARD_BYTES or units <= 50:
            return drawn
        units //= 2


def edit_form(view: AlertView, editor: str, text: str | None, problem: str | None = None) -> dict:
    """The form an edit is typed into, posted under the card: the review, the draft (or
    the editor's own text after a refusal) in a multi-line input, and the refusal with
    its suggestion when the guardrails stopped the last try."""
    token = view.token or ""
    review = plain(clip_utf16(view.text or "（只有评分，没有文字）", 600))
    elements: list[dict[str, Any]] = [_md(f"**评价**：{review}")]
    if problem:
        elements.append(_md(f"<font color='red'>{plain(clip_utf16(problem, 1500))}</font>"))
    elements.append(
        {
            "tag": "form",
            "name": "edit",
            "elements": [
                {
                    "tag": "input",
                    "name": REPLY_FIELD,
                    "input_type": "multiline_text",
                    "rows": 6,
                    "max_length": 1000,
                    "default_value": clip_utf16(text or view.draft_text or "", 1000),
                    "label": {"tag": "plain_text", "content": "修改后的回复："},
                },
                _button(
                    "✅ 提交并发布",
                    token,
                    SUBMIT,
                    "primary",
                    action_type="form_submit",
                    name="submit",
                ),
            ],
        }
    )
    elements.append({"tag": "action", "actions": [_button("✖ 取消", token, CANCEL)]})
    title = f"✏️ {editor} 正在修改评价 #{view.review_id} 的回复"
    return _frame(title, "blue", elements)


def edit_done(view: AlertView, note: str, text: str | None) -> dict:
    """A form that can no longer submit: what became of it, and the text (to copy from)."""
    elements = [_md(note)]
    if text:
        elements.append(_md(f"**回复**：{plain(clip_utf16(text, 1500))}"))
    return _frame(f"✏️ 评价 #{view.review_id} 的修改", "grey", elements)


def appeal_card(sheet: AppealSheet) -> dict:
    """The appeal as a card that stays in the group: the text to paste into the
    platform's appeal form and the evidence checklist."""
    platform = PLATFORMS.get(sheet.platform, sheet.platform) or "平台"
    lines = [f"**申诉理由**（复制后粘贴到{plain(platform)}的申诉表单）："]
    lines.append(plain(clip_utf16(sheet.text, 2500)) if sheet.text else "（无）")
    lines.append(f"**需要准备的证据**（共 {len(sheet.evidence)} 项）：")
    lines += [f"{n}. {plain(clip_utf16(e, 200))}" for n, e in enumerate(sheet.evidence, 1)]
    return _frame(f"🚩 评价 #{sheet.review_id} 的申诉", "red", [_md("\n".join(lines))])
