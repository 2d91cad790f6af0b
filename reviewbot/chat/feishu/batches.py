"""Thank-you batches in a Feishu group: the drafts for a store's good reviews, sent with
the daily digest as a card whose buttons post them all (or ignore them all), and the card
redrawn with what became of each (the words every app shares: chat/apps/batches.py)."""

from __future__ import annotations

from typing import Any

from reviewbot.chat.apps.batches import ACTIONS, IGNORE, POST, decided_lines, decided_title
from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.text import plain
from reviewbot.workflow.thanks import View

__all__ = ["ACTIONS", "decided_card", "offer_card"]


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
    return _card(decided_title(view, store_name), "grey", [_md("\n".join(decided_lines(view)))])
