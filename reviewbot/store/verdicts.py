"""Staff's verdicts on the malice reading (MaliceVerdict rows): recorded with what the
analyzer said, read back as "is this review's flag cleared", and exported as labelled rows
in the format of the malice check sets (analysis/evaluation.py `row_labels` reads them).

A verdict is never updated: a change of mind is a new row, and a review's latest row holds,
for the revision of the review it was given on. When the customer edits the review or adds a
follow-up, staff's 「不是恶意」 carries over only if the new reading's evidence is what staff
saw (`carries`): the pipeline then records the carried verdict for the new revision, by the
system. New evidence (a demand added after the flag was cleared) flags the review again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Analysis, MaliceVerdict, Review
from reviewbot.vocab import Verdict

# The `source` of an exported row: the check sets name who wrote each row.
SOURCE = "staff verdict (reviewbot verdicts export)"
# The actor of a verdict carried over to a new revision: not a person's label, not exported.
SYSTEM_ACTOR = "reviewbot"


def record(
    session: AsyncSession,
    review: Review,
    text: str,
    verdict: Verdict,
    *,
    actor: str,
    actor_name: str,
    now: datetime,
    analysis: Analysis | None,
    reasons: Sequence[str] = (),
) -> MaliceVerdict:
    """A verdict on the review as it reads now (`text`: its words with follow-ups)."""
    row = MaliceVerdict(
        review_id=review.id,
        store_id=review.store_id,
        revision=review.revision,
        verdict=verdict,
        reasons=list(reasons),
        actor=actor,
        actor_name=actor_name,
        at=now,
        flagged=bool(analysis and analysis.malicious),
        flag_reasons=list(analysis.malicious_reasons) if analysis else [],
        platform=review.platform,
        text=text,
        rating=review.rating,
    )
    session.add(row)
    return row


async def latest(session: AsyncSession, review_id: int) -> MaliceVerdict | None:
    """The review's verdict that holds (None: staff have not judged it)."""
    return await session.scalar(
        select(MaliceVerdict)
        .where(MaliceVerdict.review_id == review_id)
        .order_by(MaliceVerdict.id.desc())
        .limit(1)
    )


async def cleared(session: AsyncSession, review: Review) -> MaliceVerdict | None:
    """The verdict clearing the review's malice flag, if the latest one does and was given
    on (or carried to) the review's current revision."""
    found = await latest(session, review.id)
    if found is None or found.verdict != "not_malicious" or found.revision != review.revision:
        return None
    return found


async def clearings(session: AsyncSession, review_ids: Iterable[int]) -> dict[int, Clearing]:
    """Per review whose latest verdict says not malicious, on whichever revision: what the
    pipeline weighs a new reading against (`carries`)."""
    ids = list(review_ids)
    if not ids:
        return {}
    newest = (
        select(MaliceVerdict.review_id, func.max(MaliceVerdict.id).label("id"))
        .where(MaliceVerdict.review_id.in_(ids))
        .group_by(MaliceVerdict.review_id)
        .subquery()
    )
    rows = await session.scalars(
        select(MaliceVerdict).join(newest, newest.c.id == MaliceVerdict.id)
    )
    return {
        row.review_id: Clearing(row.revision, row.text, tuple(row.flag_reasons), row.actor_name)
        for row in rows
        if row.verdict == "not_malicious"
    }


@dataclass(frozen=True, slots=True)
class Clearing:
    """Staff's 「不是恶意」 as the pipeline's worker thread needs it (no session there)."""

    revision: int
    text: str
    reasons: tuple[str, ...]
    by: str


def carries(
    clearing: Clearing, revision: int, reasons: Sequence[str], spans: Sequence[str]
) -> bool:
    """Whether staff's 「不是恶意」 holds for a reading of `revision`: given on it, or the
    reading flags nothing staff did not see: no reason the cleared flag lacked, and every
    span of its evidence in the words staff judged. (The pipeline passes the evidence of
    the whole text and of the words added since, read alone: a reading lists its strongest
    span, which may be the old one when a new demand was added.)"""
    if clearing.revision == revision:
        return True
    return set(reasons) <= set(clearing.reasons) and all(span in clearing.text for span in spans)


def added(before: str, after: str) -> str:
    """The words of `after` that `before` lacks (edits and follow-ups), one per line."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    return "\n".join(
        after[j1:j2] for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace")
    )


def carry(
    session: AsyncSession,
    review: Review,
    clearing: Clearing,
    text: str,
    *,
    now: datetime,
    analysis: Analysis | None,
) -> MaliceVerdict:
    """Staff's 「不是恶意」 recorded again for the review's new revision, by the system."""
    return record(
        session,
        review,
        text,
        "not_malicious",
        actor=SYSTEM_ACTOR,
        actor_name=f"系统（沿用{clearing.by}的判断）",
        now=now,
        analysis=analysis,
    )


def cleared_clause() -> ColumnElement[bool]:
    """SQL: the review in the query (Review) was cleared by staff, its latest verdict saying
    not malicious of its current revision; for queries that pick reviews by the analyzer's
    flag."""
    newest = (
        select(func.max(MaliceVerdict.id))
        .where(MaliceVerdict.review_id == Review.id)
        .correlate(Review)
        .scalar_subquery()
    )
    return (
        select(MaliceVerdict.id)
        .where(
            MaliceVerdict.id == newest,
            MaliceVerdict.verdict == "not_malicious",
            MaliceVerdict.revision == Review.revision,
        )
        .exists()
    )


async def cleared_among(session: AsyncSession, review_ids: Iterable[int]) -> set[int]:
    """Which of these reviews staff cleared (their latest verdict says not malicious)."""
    ids = list(review_ids)
    if not ids:
        return set()
    found = await session.scalars(select(Review.id).where(Review.id.in_(ids), cleared_clause()))
    return set(found)


@dataclass(frozen=True, slots=True)
class Tally:
    """What staff said of the analyzer's reading: flags cleared (false accusations),
    flags confirmed, and reviews it missed that staff appealed."""

    cleared: int = 0
    confirmed: int = 0
    missed: int = 0
    other: int = 0  # cleared where the analyzer had not flagged (an appeal taken back)

    def line(self) -> str:
        return (
            f"{self.cleared + self.confirmed + self.missed + self.other} verdicts: "
            f"{self.cleared} flags cleared (false accusations), {self.confirmed} confirmed, "
            f"{self.missed} missed by the analyzer"
            + (f", {self.other} appeals taken back" if self.other else "")
        )


def tally(rows: Iterable[MaliceVerdict]) -> Tally:
    counts = {"cleared": 0, "confirmed": 0, "missed": 0, "other": 0}
    for row in rows:
        if row.verdict == "not_malicious":
            counts["cleared" if row.flagged else "other"] += 1
        else:
            counts["confirmed" if row.flagged else "missed"] += 1
    return Tally(**counts)


async def latest_verdicts(
    session: AsyncSession, stores: Sequence[str] | None = None, since: datetime | None = None
) -> list[MaliceVerdict]:
    """Each judged review's latest verdict by a person (of `stores`, given at or after
    `since`), oldest first: a verdict the system carried to a new revision is no label."""
    where = [MaliceVerdict.actor != SYSTEM_ACTOR]
    if stores:
        where.append(MaliceVerdict.store_id.in_(list(stores)))
    rows = (
        await session.scalars(select(MaliceVerdict).where(*where).order_by(MaliceVerdict.id))
    ).all()
    last = {row.review_id: row for row in rows}
    return sorted(
        (row for row in last.values() if since is None or row.at >= since), key=lambda r: r.id
    )


def label_row(row: MaliceVerdict) -> dict[str, Any]:
    """A verdict as a row of the malice check sets: `reason: "honest"` for a cleared flag
    (any flag on it is a false accusation), else the reasons staff confirmed (`label:
    "malicious"` when they named none), with who judged it and what the analyzer said."""
    labelled: dict[str, Any]
    if row.verdict == "not_malicious":
        labelled = {"reason": "honest", "malicious": False}
    elif row.reasons:
        labelled = {"reasons": list(row.reasons), "malicious": True}
    else:
        labelled = {"label": "malicious", "malicious": True}
    return {
        "id": f"verdict-{row.id}",
        "text": row.text,
        "rating": row.rating,
        "platform": row.platform,
        **labelled,
        "verdict": row.verdict,
        "store": row.store_id,
        "review_id": row.review_id,
        "revision": row.revision,
        "by": row.actor_name,
        "at": row.at.isoformat(),
        "analyzer": {"malicious": row.flagged, "reasons": list(row.flag_reasons)},
        "source": SOURCE,
    }


async def export(
    sessions: SessionFactory, stores: Sequence[str] | None = None, since: datetime | None = None
) -> tuple[list[dict[str, Any]], Tally]:
    """The labelled rows of `reviewbot verdicts export` (each judged review's latest
    verdict), and what they say of the analyzer."""
    async with sessions() as session:
        rows = await latest_verdicts(session, stores, since)
    return [label_row(row) for row in rows], tally(rows)
