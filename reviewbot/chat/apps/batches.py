"""A thank-you batch in a chat app's group, as every app draws it: the daily digest's
drafts for a store's good reviews, offered with ✅ 全部发布 and 🙈 全部忽略, and once
decided, who decided and what became of each draft. The batch itself is the workflow's
(workflow/thanks.py, `AppDesk.batch_press`): a press posts exactly what the card showed,
once, whoever presses and however often."""

from __future__ import annotations

from reviewbot.chat.robots.text import plain
from reviewbot.workflow.desk import ThanksAction
from reviewbot.workflow.thanks import DECIDED, View

POST, IGNORE, REFRESH = "thanks_post", "thanks_ignore", "thanks_refresh"
ACTIONS: dict[str, ThanksAction] = {POST: "post", IGNORE: "ignore"}
LABELS = {POST: "✅ 全部发布", IGNORE: "🙈 全部忽略", REFRESH: "🔄 刷新状态"}
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


def decided_title(view: View, store_name: str) -> str:
    what = DECIDED.get(view.status, "处理了")
    return f"🙏 好评感谢 · {plain(store_name)} · {plain(view.decided_by or '')} {what}"


def decided_lines(view: View) -> list[str]:
    """Each draft of a decided batch: its review, the outcome, and its fate on the platform."""
    lines = []
    for item in view.items:
        fate = FATES.get(view.delivery.get(item.draft_id, ""), "")
        note = f"：{plain(item.note)}" if item.note else ""
        result = RESULTS.get(item.result, item.result)
        lines.append(
            f"{item.n}. 评价 #{item.review_id}「{plain(item.excerpt)}」{result}{fate}{note}"
        )
    return lines or ["（没有内容）"]
