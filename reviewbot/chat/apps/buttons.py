"""The card buttons of the DingTalk and WeCom app bots that are one workflow action each
(✏️ edit and 🔄 refresh are the front ends' own), and the draft a ✅ carries."""

from __future__ import annotations

from reviewbot.workflow.desk import CardAction

ACTIONS: dict[str, CardAction] = {
    "approve": "approve",
    "regenerate": "regenerate",
    "contacted": "contacted",
    "malicious": "malicious",
    "not_malicious": "not_malicious",
    "ignore": "ignore",
    "undo_ignore": "undo_ignore",
    "snooze": "snooze",
    "ask_manager": "ask_manager",
}
DRAFT_ID = "draft_id"  # where a ✅ carries the draft its card showed (a variable, a key's part)


def shown_draft(value: object) -> int | None:
    """The draft a ✅ was shown with, from what its press carried; None (post the current
    draft, as before) from a card drawn before buttons carried one, or from a template
    whose ✅ does not pass the variable on."""
    text = str(value if value is not None else "").strip()
    if text.isascii() and text.isdigit() and int(text) < 2**31:
        return int(text)
    return None
