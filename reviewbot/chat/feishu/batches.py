"""Thank-you batches in a Feishu group: the drafts for a store's good reviews, sent with
the daily digest as a card whose buttons post them all (or ignore them all), and the card
redrawn with what became of each. The batch is the workflow's (workflow/thanks.py): a
press posts exactly what the card showed, once, whoever presses and however often."""

from __future__ import annotations

from typing import Any

from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.text import plain
from reviewbot.workflow.desk import ThanksAction
from reviewbot.workflow.thanks import DECIDED, View

POST, IGNORE = "thanks_post", "thanks_ignore"
ACTIONS: dict[str, ThanksAction] = {POST: "post", IGNORE: "ignore"}
RESULTS = {
    "posted": "✅ 已通过",
    "skipped": "⏭ 已跳过",
    "handled": "👥 同事已处理",
    "blocked": "⚠️ 未发布",
    "stale": "⚠️ 草稿有变，未发布",
    "refused": "⛔ 未发布",
    "read_only": "ℹ️ 请在商家后台回复",
    "ignored": "🙈 已忽略",
}
FATES = {
    "sending": "（发布中）",
    "delivered": "（已发布到平台）",
    "failed": "（平台拒绝）",
    "withdrawn": "（已撤回：顾客改了评价）",
}


def _card(title: str, template: str, elements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {"title": {"tag": "plain_text", "content": title}, "template": template},
        "elements": elements,
    }


def _md(content: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "lark_md", "content": content}}


def _button(label: str, token: str, action: str, kind: str) -> dict[str, Any]:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": label},
        "type": kind,
        "value": {"rb": token, "a": action},
    }


def offer_card(notice: Notice, token: str) -> dict[str, Any]:
    """The batch as the group first sees it: each draft, and ✅ post all · 🙈 ignore all."""
    text = "\n".join(plain(line) for line in notice.text.splitlines())
    actions = [
        _button("✅ 全部发布", token, POST, "primary"),
        _button("🙈 全部忽略", token, IGNORE, "default"),
    ]
    return _card(plain(notice.title), "green", [_md(text), {"tag": "action", "actions": actions}])


def decided_card(view: View, store_name: str) -> dict[str, Any]:
    """The batch once someone decided it: who, when, and each draft's outcome."""
    lines = []
    for item in view.items:
        fate = FATES.get(view.delivery.get(item.draft_id, ""), "")
        note = f"：{plain(item.note)}" if item.note else ""
        result = RESULTS.get(item.result, item.result)
        lines.append(
            f"{item.n}. 评价 #{item.review_id}「{plain(item.excerpt)}」{result}{fate}{note}"
        )
    what = DECIDED.get(view.status, "处理了")
    head = f"🙏 好评感谢 · {plain(store_name)} · {plain(view.decided_by or '')} {what}"
    return _card(head, "grey", [_md("\n".join(lines) or "（没有内容）")])
