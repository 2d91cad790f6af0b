"""The card buttons of the DingTalk and WeCom app bots that are one workflow action each
(✏️ edit and 🔄 refresh are the front ends' own)."""

from __future__ import annotations

from reviewbot.workflow.desk import CardAction

ACTIONS: dict[str, CardAction] = {
    "approve": "approve",
    "regenerate": "regenerate",
    "contacted": "contacted",
    "malicious": "malicious",
    "ignore": "ignore",
    "undo_ignore": "undo_ignore",
    "snooze": "snooze",
    "ask_manager": "ask_manager",
}
