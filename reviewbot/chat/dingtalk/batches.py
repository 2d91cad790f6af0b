"""A thank-you batch in a DingTalk group, when the owner built a second card template for
it (`thanks_template_id`): an interactive card with ✅ 全部发布 and 🙈 全部忽略 (回传请求
buttons whose parameter `action` is `thanks_post` or `thanks_ignore`), its id
(`outTrackId`) made from the batch's token and the group, and redrawn in place with who
decided and what became of each draft. The variables: `title`, `markdown`, `status` and
`open` ("true" while the buttons apply)."""

from __future__ import annotations

import hashlib

from reviewbot.chat.apps.batches import decided_lines, decided_title
from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.text import plain
from reviewbot.workflow.thanks import View

PREFIX = "rbt"


def track_id(token: str, conversation: str) -> str:
    """A batch's card in a group: `rbt.<batch token>.<group digest>`."""
    digest = hashlib.sha256(conversation.encode()).hexdigest()[:10]
    return f"{PREFIX}.{token}.{digest}"


def token_of(out_track_id: str) -> str | None:
    parts = out_track_id.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX and parts[1] else None


def offer_params(notice: Notice) -> dict[str, str]:
    title = plain(notice.title or "🙏 好评待感谢")
    lines = [f"### {title}", *(plain(line) for line in notice.text.splitlines())]
    return {"title": title, "markdown": "\n\n".join(lines), "status": "待处理", "open": "true"}


def decided_params(view: View, store_name: str) -> dict[str, str]:
    title = decided_title(view, store_name)
    lines = [f"### {title}", *decided_lines(view)]
    return {"title": title, "markdown": "\n\n".join(lines), "status": title, "open": "false"}
