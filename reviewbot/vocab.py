"""The closed vocabularies the database rows and the workflow speak, defined once.

Each is a `Literal` type for the type checker and a frozenset of its values for the code
that writes them (`audit.record` and `outbox.enqueue` refuse a word not listed here), so a
misspelt status or action fails the first test that reaches it instead of going unnoticed.
"""

from __future__ import annotations

from typing import Literal, get_args

# Where a review stands. Open ones wait for staff; the rest are decided.
ReviewStatus = Literal[
    "open",
    "appeal",  # marked malicious: an appeal to the platform is under way (still open)
    "approved",  # a reply is on its way to the platform
    "replied",
    "replied_manually",  # staff posted it by hand in the merchant app and said so
    "replied_elsewhere",  # a reply we did not post showed up on the platform
    "ignored",
]
OPEN_STATES: tuple[ReviewStatus, ...] = ("open", "appeal")

# A draft reply. A staff edit is held aside ("editing") until its author confirms it, and
# "dropped" if they cancel or let it expire; neither is ever the draft the card shows.
DraftStatus = Literal[
    "proposed", "superseded", "editing", "dropped", "approved", "posted", "failed", "rejected"
]

AlertKind = Literal["new", "updated", "malicious", "critical", "requested"]
AlertStatus = Literal["queued", "sent", "failed"]

# "robot": a copy of an alert or a notice for one of the store's group robots.
OutboxKind = Literal[
    "alert", "alert_update", "batch_update", "notice", "digest", "reply", "appeal", "robot"
]
OutboxStatus = Literal["pending", "sent", "dead"]

# Why a workflow call did nothing, for callers acting on many reviews at once.
OutcomeCode = Literal["", "handled", "blocked", "stale", "editing", "refused", "repeat"]

# Who a notice or picture is for, and how loud it is.
Level = Literal["info", "warning", "critical"]
Audience = Literal["owner", "manager", "staff"]
# What a notice is about, so each channel gets the kinds it asks for: a speed-window page,
# a 📣 ask for a manager or a customer follow-up reminder ("escalation"); a crisis page or
# its closing ("crisis"); a platform account that needs the owner ("account").
NoticeTopic = Literal["escalation", "crisis", "account"]
# The kinds of message a store's channel may ask for (`send` in [[stores.channels]]).
SendKind = Literal["alerts", "escalations", "crisis", "accounts", "digests", "thanks"]

# A customer case (store/cases.py): one per complaint that needs a reply, from the call
# to whether the customer came back.
ContactOutcome = Literal["reached", "no_answer", "wrong_number"]
Agreement = Literal["apology_only", "remedy_offered", "refused"]
CaseStatus = Literal["open", "resolved", "closed"]
# What ties a review to a customer's case: the review that opened it, the same author on
# the same platform, the same order id, or a member of staff saying so.
LinkReason = Literal["complaint", "author", "order", "staff"]
# How a customer showed they came back: a later, not negative review, or a raised rating.
CameBack = Literal["later_review", "rating_raised"]

# Staff's word on whether a review is malicious (store/verdicts.py): starting an appeal
# says "malicious", 「不是恶意」 clears the analyzer's flag. The latest one holds.
Verdict = Literal["malicious", "not_malicious"]

AuditAction = Literal[
    "alert.failed",
    "alert.queued",
    "alert.sent",
    "alert.shown",
    "alert.skipped",
    "appeal.started",
    "case.agreement",
    "case.came_back",
    "case.follow_up_reminded",
    "case.follow_up_set",
    "case.linked",
    "case.opened",
    "case.outcome",
    "chat.card_posted",
    "chat.edit_closed",
    "chat.edit_opened",
    "chat.refused",
    "crisis.closed",
    "crisis.extended",
    "crisis.opened",
    "customer.contacted",
    "digest.failed",
    "digest.queued",
    "digest.sent",
    "draft.approved",
    "draft.blocked",
    "draft.created",
    "draft.edit_cancelled",
    "draft.edit_expired",
    "draft.edit_outdated",
    "draft.edit_previewed",
    "draft.edit_replaced",
    "draft.edit_started",
    "draft.edited",
    "draft.regenerated",
    "draft.regenerate_discarded",
    "escalation.passed",
    "escalation.sent",
    "notice.failed",
    "notice.queued",
    "notice.sent",
    "outbox.dead",
    "outbox.interrupted",
    "reply.failed",
    "reply.posted",
    "reply.withdrawn",
    "robot.failed",
    "robot.sent",
    "review.already_handled",
    "review.analyzed",
    "review.analysis_failed",
    "review.answer_again",
    "review.being_edited",
    "review.hidden",
    "review.ignored",
    "review.ignore_undone",
    "review.malice_cleared",
    "review.manager_asked",
    "review.quarantined",
    "review.received",
    "review.replied_elsewhere",
    "review.revised",
    "review.snoozed",
    "source.failing",
    "source.needs_reauth",
    "source.recovered",
    "store.muted",
    "store.unmuted",
    "thanks.already_decided",
    "thanks.ignored",
    "thanks.posted",
    "thanks.skipped",
    "web.link_issued",
    "web.revoked",
    "web.signed_in",
    "web.signed_out",
]

AUDIT_ACTIONS: frozenset[str] = frozenset(get_args(AuditAction))
OUTBOX_KINDS: frozenset[str] = frozenset(get_args(OutboxKind))
SEND_KINDS: tuple[SendKind, ...] = get_args(SendKind)
REVIEW_STATUSES: frozenset[str] = frozenset(get_args(ReviewStatus))
DRAFT_STATUSES: frozenset[str] = frozenset(get_args(DraftStatus))
ALERT_KINDS: frozenset[str] = frozenset(get_args(AlertKind))
ALERT_STATUSES: frozenset[str] = frozenset(get_args(AlertStatus))
OUTBOX_STATUSES: frozenset[str] = frozenset(get_args(OutboxStatus))
CONTACT_OUTCOMES: frozenset[str] = frozenset(get_args(ContactOutcome))
AGREEMENTS: frozenset[str] = frozenset(get_args(Agreement))
CASE_STATUSES: frozenset[str] = frozenset(get_args(CaseStatus))
LINK_REASONS: frozenset[str] = frozenset(get_args(LinkReason))
CAME_BACK: frozenset[str] = frozenset(get_args(CameBack))
VERDICTS: frozenset[str] = frozenset(get_args(Verdict))


def closed(values: frozenset[str], what: str, value: str) -> str:
    """`value`, if it is one of `values`; else a ValueError naming the vocabulary."""
    if value not in values:
        raise ValueError(f"not a {what} (reviewbot/vocab.py): {value!r}")
    return value
