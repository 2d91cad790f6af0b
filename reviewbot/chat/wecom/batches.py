"""A thank-you batch in a WeCom group: a `button_interaction` template card with
✅ 全部发布 and 🙈 全部忽略 (keys `thanks_post@<batch token>`, …), answered on a click by
the card redrawn with who decided and each draft's outcome. WeCom redraws a card only in
answer to a click, so a decided card keeps 🔄 刷新状态 to show the replies reaching the
platform."""

from __future__ import annotations

import secrets
from typing import Any

from reviewbot.chat.apps.batches import IGNORE, LABELS, POST, REFRESH, decided_lines, decided_title
from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.text import plain
from reviewbot.chat.wecom.cards import BODY_UNITS, TITLE_UNITS, button_key
from reviewbot.text import clip_utf16
from reviewbot.workflow.thanks import OPEN, View

TASK_PREFIX = "rbt"


def new_task_id(token: str) -> str:
    """A batch card's task id (a nonce too: WeCom refuses a task id it has seen)."""
    return f"{TASK_PREFIX}@{token}@{secrets.token_hex(4)}"


def _card(title: str, body: str, task_id: str, token: str, actions: list[str]) -> dict[str, Any]:
    return {
        "card_type": "button_interaction",
        "source": {"desc": "评价助手", "desc_color": 0},
        "main_title": {"title": clip_utf16(plain(title), TITLE_UNITS)},
        "sub_title_text": clip_utf16(body, BODY_UNITS),
        "button_list": [
            {"text": LABELS[a], "style": 1 if a == POST else 2, "key": button_key(a, token)}
            for a in actions
        ],
        "task_id": task_id,
    }


def offer_card(notice: Notice, token: str, task_id: str) -> dict[str, Any]:
    """The batch as the group first sees it: each draft, then the two buttons."""
    body = "\n".join(plain(line) for line in notice.text.splitlines())
    return _card(notice.title or "🙏 好评待感谢", body, task_id, token, [POST, IGNORE])


def decided_card(view: View, store_name: str, task_id: str, token: str, notice: str) -> dict:
    """The batch once decided, with a line for whoever clicked last."""
    lines = [f"👉 {plain(notice)}", "", *decided_lines(view)] if notice else decided_lines(view)
    return _card(decided_title(view, store_name), "\n".join(lines), task_id, token, [REFRESH])


def batch_card(view: View, store_name: str, task_id: str, token: str, notice: str) -> dict:
    """The batch as it stands, answering a click: still open (a refused click), its
    drafts and buttons; decided, who decided and each draft's outcome."""
    if view.status != OPEN:
        return decided_card(view, store_name, task_id, token, notice)
    lines = [f"👉 {plain(notice)}", ""] if notice else []
    for item in view.items:
        lines.append(f"{item.n}. 评价 #{item.review_id}「{plain(item.excerpt)}」")
        lines.append(f"　　回复：{plain(item.draft)}")
    title = f"🙏 好评待感谢 · {store_name}"
    return _card(title, "\n".join(lines), task_id, token, [POST, IGNORE])
