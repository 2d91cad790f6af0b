"""The database schema. Every row that matters to a customer or a staff member is kept:
reviews are never deleted, edits become revisions, and every action is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates
from sqlalchemy.types import TypeDecorator

from reviewbot.vocab import (
    AGREEMENTS,
    ALERT_KINDS,
    ALERT_STATUSES,
    CAME_BACK,
    CASE_STATUSES,
    CONTACT_OUTCOMES,
    DRAFT_STATUSES,
    LINK_REASONS,
    OUTBOX_KINDS,
    OUTBOX_STATUSES,
    REVIEW_STATUSES,
    VERDICTS,
    Agreement,
    AlertKind,
    AlertStatus,
    CameBack,
    CaseStatus,
    ContactOutcome,
    DraftStatus,
    LinkReason,
    OutboxKind,
    OutboxStatus,
    ReviewStatus,
    Verdict,
    closed,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    muted_until: Mapped[datetime | None]
    muted_by: Mapped[str | None] = mapped_column(String(128))


class Source(Base):
    """One platform account of a store, with its poll cursor and health."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("platform", "account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_poll_at: Mapped[datetime | None]
    # The daemon instance polling the account now (its claim runs to next_poll_at, renewed
    # while it polls); the same instance restarted after a crash claims it again at once.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    needs_reauth: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reauth_since: Mapped[datetime | None]
    capabilities: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class PlatformCredential(Base):
    """The live tokens of one merchant credential, so a refreshed token survives restarts.

    `seed_hash` fingerprints the configured secrets the row grew from: when an owner
    re-authorises and puts new secrets in the environment, the row starts over from them.
    """

    __tablename__ = "platform_credentials"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    seed_hash: Mapped[str] = mapped_column(String(64))
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    remain_refresh_count: Mapped[int | None] = mapped_column(Integer)
    needs_reauth: Mapped[bool] = mapped_column(Boolean, default=False)
    reauth_reason: Mapped[str | None] = mapped_column(Text)
    refreshed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("platform", "account", "external_id"),
        Index("ix_reviews_pending", "needs_processing", "id"),
        Index("ix_reviews_store_created", "store_id", "created_at"),
        Index("ix_reviews_store_alerted", "store_id", "alerted_seen_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    order_id: Mapped[str | None] = mapped_column(String(200))
    rating: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[Any]] = mapped_column(default=list)
    reply_text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # When the first revision staff were alerted about became visible to us: the speed
    # window runs from here, so a review edited to negative days later gets its full window.
    alerted_seen_at: Mapped[datetime | None]
    # Speed windows this review has had: a change after it was answered (a 追评) opens a
    # new one, with its own escalation ladder.
    window_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[ReviewStatus] = mapped_column(String(32), default="open")
    _status = validates("status")(lambda self, key, value: closed(REVIEW_STATUSES, key, value))
    handled_by: Mapped[str | None] = mapped_column(String(128))
    handled_at: Mapped[datetime | None]
    contacted_by: Mapped[str | None] = mapped_column(String(128))
    contacted_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    is_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    missed_scans: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    needs_processing: Mapped[bool] = mapped_column(Boolean, default=True)
    process_attempts: Mapped[int] = mapped_column(Integer, default=0)
    process_error: Mapped[str | None] = mapped_column(Text)
    # When staff were sent this revision as it is, the analyzer having given up on it (or
    # it was found to be history, only counted); None while it is still to be told.
    unanalyzed_noticed_at: Mapped[datetime | None]


class ReviewRevision(Base):
    """What a review said at each revision: customers edit and append (追评)."""

    __tablename__ = "review_revisions"
    __table_args__ = (UniqueConstraint("review_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"))
    revision: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[float | None] = mapped_column(Float)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seen_at: Mapped[datetime]


class Analysis(Base):
    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("review_id", "revision", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(64))
    sentiment: Mapped[float] = mapped_column(Float)
    polarity: Mapped[str] = mapped_column(String(16))
    negative: Mapped[bool] = mapped_column(Boolean)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    malicious: Mapped[bool] = mapped_column(Boolean)
    malicious_reasons: Mapped[list[Any]] = mapped_column(default=list)
    severity: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # script, language, complaints, praise, malicious_evidence (Analysis.details())
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    principles: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[DraftStatus] = mapped_column(String(16), default="proposed")
    _status = validates("status")(lambda self, key, value: closed(DRAFT_STATUSES, key, value))
    # "manager" when only a manager or owner may approve it (food-safety claims).
    requires_role: Mapped[str | None] = mapped_column(String(16))
    # For a malicious review: the platform appeal text and its evidence checklist.
    appeal: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Guardrail violations the engine could not avoid; posting stays blocked while any.
    violations: Mapped[list[Any]] = mapped_column(default=list)
    # The customer's words the engine quoted (「…」), kept through staff edits: the only
    # quotes the guardrails let through.
    quotes: Mapped[list[Any]] = mapped_column(default=list)
    # Set when no variant differed enough from the store's recent replies: the overlap
    # (0–1) of the least similar one, shown to staff as a hint to reword.
    similarity: Mapped[float | None] = mapped_column(Float)
    # For a staff edit: the draft it was written against. Its confirm is refused once that
    # draft has been replaced (a colleague's confirmed edit), never silently overwritten.
    based_on: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128), default="system")
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None]
    posted_at: Mapped[datetime | None]


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("review_id", "revision", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    kind: Mapped[AlertKind] = mapped_column(String(32))
    status: Mapped[AlertStatus] = mapped_column(String(16), default="queued")
    _kind = validates("kind")(lambda self, key, value: closed(ALERT_KINDS, key, value))
    _status = validates("status")(lambda self, key, value: closed(ALERT_STATUSES, key, value))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_ref: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What chat buttons carry: random, unguessable, and meaningless without this row.
    token: Mapped[str | None] = mapped_column(String(32), unique=True)


class OutboxMessage(Base):
    """A message still to deliver (an alert to chat, a reply to a platform).

    Written in the same transaction as the change that causes it, delivered at least once,
    in id order per destination, by the replica holding that destination's lease.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(String(32))
    _kind = validates("kind")(lambda self, key, value: closed(OUTBOX_KINDS, key, value))
    destination: Mapped[str] = mapped_column(String(200))
    ref_id: Mapped[int] = mapped_column(Integer)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(String(16), default="pending")
    _status = validates("status")(lambda self, key, value: closed(OUTBOX_STATUSES, key, value))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # Set, and committed, before an attempt's request goes out; cleared with its outcome.
    # Found set by the next holder: the attempt was cut off (a kill) and may have arrived.
    in_flight_since: Mapped[datetime | None]


class Lease(Base):
    """A named, expiring claim on a unit of work, so it runs once across daemon replicas."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    until: Mapped[datetime]


class ChatSession(Base):
    """A staff member's edit in progress (waiting for their text, then their confirm).

    Kept in the database rather than in the chat library's memory, so an edit survives a
    restart and any replica can finish it.
    """

    __tablename__ = "chat_sessions"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    state: Mapped[str] = mapped_column(String(32))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    # The bot's message the edit waits on: the prompt for its text, then that text's
    # preview, the only one whose ✅ confirms it (None while a new preview is on its way).
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ReplyBatch(Base):
    """A page of thank-you drafts offered together (/thanks), with what became of each.

    The callback data of its buttons carries only `token`; what a press posts is what
    `items` lists (the drafts shown, by id), whoever presses and however often. `notes`
    keeps the rest of what the message said (counts, drafts that cannot be posted as they
    stand), so the message can be redrawn as it was.
    """

    __tablename__ = "reply_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A batch offered in a chat app's group: {"channel": key, "message_id": the app's id}.
    app_ref: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    stores: Mapped[list[Any]] = mapped_column(default=list)
    items: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Reviews earlier pages showed: "🔁 换一批" goes on past them.
    passed: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None]


class Task(Base):
    """Follow-up work a person owns: a platform appeal against a malicious review, …"""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MaliceVerdict(Base):
    """Staff's word on whether a review is malicious, kept as a label: a cleared flag (a
    false accusation), a confirmed one, or one the analyzer missed. Never updated: a change
    of mind is a new row and the latest row of a review holds. What the analyzer said then
    (`flagged`, `flag_reasons`) and the words it read (`text`, `rating`) are kept with it,
    so the row still says what was judged after the customer edits the review."""

    __tablename__ = "malice_verdicts"
    __table_args__ = (
        Index("ix_malice_verdicts_review", "review_id", "id"),
        Index("ix_malice_verdicts_store_at", "store_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"))
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    revision: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[Verdict] = mapped_column(String(16))
    _verdict = validates("verdict")(lambda self, key, value: closed(VERDICTS, key, value))
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # the reasons staff confirmed
    actor: Mapped[str] = mapped_column(String(128))
    actor_name: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
    flagged: Mapped[bool] = mapped_column(Boolean)  # the analyzer's flag when judged
    flag_reasons: Mapped[list[Any]] = mapped_column(default=list)
    platform: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[float | None] = mapped_column(Float)


class Escalation(Base):
    """One rung of the speed-window ladder reached for a review; the unique constraint is
    what makes a rung fire once, whatever restarts and replicas happen meanwhile."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("review_id", "round", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    step: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    at: Mapped[datetime]
    sent: Mapped[bool] = mapped_column(Boolean, default=True)


class Crisis(Base):
    """A store in crisis: opened by a trigger, closed by an owner, kept as an incident record."""

    __tablename__ = "crises"
    # One open crisis per store, whatever replicas and clocks do: later triggers join it.
    __table_args__ = (
        Index(
            "uq_crises_open_store",
            "store_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    triggers: Mapped[list[Any]] = mapped_column(default=list)
    review_ids: Mapped[list[Any]] = mapped_column(default=list)
    holding_statement: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(128))
    summary: Mapped[str | None] = mapped_column(Text)


class Page(Base):
    """Something a person (a store's owner, its managers, its staff chat) is to be paged
    about: sent at once, or held and gathered into the next update of its thread. Kept in
    the database so the paging discipline (one update per interval, a cap per hour, never
    the same thing twice within the interval) survives restarts and replicas."""

    __tablename__ = "pages"
    __table_args__ = (Index("ix_pages_recipient", "store_id", "audience", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    audience: Mapped[str] = mapped_column(String(16))
    # What later items gather with ("crisis:12", "escalation") and what it is about
    # ("review:34", "crisis:12:food-safety"): a recipient is never paged about a topic twice
    # within the interval.
    thread: Mapped[str] = mapped_column(String(64))
    topics: Mapped[list[Any]] = mapped_column(default=list)
    key: Mapped[str] = mapped_column(String(200))  # the notice's dedupe key when sent alone
    text: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(16), default="info")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    opens: Mapped[bool] = mapped_column(Boolean, default=False)  # first page of a crisis
    breaks_through: Mapped[bool] = mapped_column(Boolean, default=False)  # food safety
    status: Mapped[str] = mapped_column(String(16), default="held")  # held, sent, settled
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    page: Mapped[str | None] = mapped_column(String(200))  # the notice it went out in


class CustomerCase(Base):
    """One complaint's customer case: opened when a negative review needs a reply, it
    keeps what became of the customer: the call's outcome, what was agreed in private,
    the follow-up staff are reminded of, and whether the customer came back.

    `reached_at` keeps the first time the customer was reached (a later "no answer" on a
    second call does not undo it), `resolved_at` when the case was settled (cleared if the
    settlement is taken back); the history is the audit log.
    """

    __tablename__ = "customer_cases"
    __table_args__ = (
        Index("ix_customer_cases_store_opened", "store_id", "opened_at"),
        Index("ix_customer_cases_follow_up", "follow_up_reminded", "follow_up_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    author: Mapped[str | None] = mapped_column(String(200))
    # The complaint's rating when the case opened: a revision above it is a raised rating.
    complaint_rating: Mapped[float | None] = mapped_column(Float)
    status: Mapped[CaseStatus] = mapped_column(String(16), default="open")
    _status = validates("status")(lambda self, key, value: closed(CASE_STATUSES, key, value))
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(128), default="system")
    outcome: Mapped[ContactOutcome | None] = mapped_column(String(16))
    _outcome = validates("outcome")(
        lambda self, key, value: value if value is None else closed(CONTACT_OUTCOMES, key, value)
    )
    outcome_at: Mapped[datetime | None]
    outcome_by: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reached_at: Mapped[datetime | None]
    agreement: Mapped[Agreement | None] = mapped_column(String(16))
    _agreement = validates("agreement")(
        lambda self, key, value: value if value is None else closed(AGREEMENTS, key, value)
    )
    agreement_note: Mapped[str | None] = mapped_column(Text)
    agreement_at: Mapped[datetime | None]
    agreement_by: Mapped[str | None] = mapped_column(String(128))
    follow_up_at: Mapped[datetime | None]
    follow_up_by: Mapped[str | None] = mapped_column(String(128))
    # Whether staff were reminded of the current follow-up date (a new date clears it).
    follow_up_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    came_back: Mapped[CameBack | None] = mapped_column(String(16))
    _came_back = validates("came_back")(
        lambda self, key, value: value if value is None else closed(CAME_BACK, key, value)
    )
    came_back_at: Mapped[datetime | None]
    came_back_review_id: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[datetime | None]


class CaseReview(Base):
    """A review of a case's customer, and why we think it is theirs (`reason`)."""

    __tablename__ = "case_reviews"
    __table_args__ = (UniqueConstraint("case_id", "review_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("customer_cases.id"))
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    reason: Mapped[LinkReason] = mapped_column(String(16))
    _reason = validates("reason")(lambda self, key, value: closed(LINK_REASONS, key, value))
    linked_at: Mapped[datetime]
    linked_by: Mapped[str] = mapped_column(String(128), default="system")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_review", "review_id", "id"),
        # Someone's recent entries: a refusal told once an hour, an app's open edit.
        Index("ix_audit_actor", "actor", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    store_id: Mapped[str | None] = mapped_column(String(64))
    review_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class WebSession(Base):
    """A web console sign-in: a one-time link ("link", exchanged once within minutes) or
    the browser session it became ("session"). Only a hash of the token is kept; the
    person is who configuration says owns `user_id`, looked up on every request."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger)  # Telegram's (0 for an app's person)
    # The person's actor id on any chat service ("wecom:…", "telegram:123"); None on rows
    # from before it was kept (Telegram's, by user_id).
    person: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class QuarantinedItem(Base):
    """A platform item we could not read; kept so nothing a customer wrote is lost.

    `digest` fingerprints the item as served, so one that every poll serves again (the
    cursor cannot always skip it) is kept once.
    """

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_source_digest", "source_id", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    digest: Mapped[str | None] = mapped_column(String(64))


class Digest(Base):
    """One store's digest for one period, claimed before it is sent.

    The unique (store, period, period_start) row is written in the same transaction as its
    outbox message, so however many replicas fire the schedule, and however often the
    daemon restarts, each digest is queued once; the outbox then delivers it. The figures
    are frozen when the period closes, so a late delivery still shows that period.
    """

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("store_id", "period", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id"))
    period: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="queued")
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128))
    sent_at: Mapped[datetime | None]
