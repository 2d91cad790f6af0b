"""Notices: system messages to a store's people (queued by the jobs with
`store.alerts.queue_notice`), as a notifier receives them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reviewbot.vocab import Audience, Level


@dataclass(frozen=True, slots=True)
class Notice:
    store_id: str
    store_name: str
    text: str
    level: Level = "info"
    audience: Audience = "owner"
    # A heading of its own (a digest's, a thank-you batch's) instead of "通知 · 店 · 致店主".
    title: str = ""
    # The people it is for, by their id on the channel's service and their name: a chat
    # app @-mentions them where it can (the group sees who must act), others name them.
    mentions: tuple[tuple[str, str], ...] = ()
    # The reviews it is about: each front end says how to open them in its own way.
    review_ids: tuple[int, ...] = ()
    # A follow-up reminder's next call: the card's token and the calls recorded so far, for
    # a front end that can offer the call's result buttons on the reminder itself.
    next_call: tuple[str, int] | None = None


REPEAT_NOTE = "⚠️ 可能重复：上次发送时服务中断，这条消息可能已经发过一次。如已收到，请以这条为准。"
"""Said on a message sent again after an attempt was cut off mid-send: the chat has no way
to tell us whether the first one arrived, so the people reading it are told instead."""


def as_repeat(notice: Notice) -> Notice:
    """The notice sent again after an interrupted attempt, saying it may be a repeat."""
    return replace(notice, text=f"{REPEAT_NOTE}\n{notice.text}")
