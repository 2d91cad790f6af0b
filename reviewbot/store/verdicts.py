"""Staff's verdicts on the malice reading (MaliceVerdict rows): recorded with what the
analyzer said, read back as "is this review's flag cleared", and exported as labelled rows
in the format of the malice check sets (analysis/evaluation.py `row_labels` reads them).

A verdict is never updated: a change of mind is a new row, and a review's latest row holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Analysis, MaliceVerdict, Review
from reviewbot.vocab import Verdict

# The `source` of an exported row: the check sets name who wrote each row.
SOURCE = "staff verdict (reviewbot verdicts export)"


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


async def cleared(session: AsyncSession, review_id: int) -> MaliceVerdict | None:
    """The verdict clearing the review's malice flag, if the latest one does."""
    found = await latest(session, review_id)
    return found if found is not None and found.verdict == "not_malicious" else None


def cleared_clause() -> ColumnElement[bool]:
    """SQL: the review in the query (Review) was cleared by staff, its latest verdict saying
    not malicious; for queries that pick reviews by the analyzer's flag."""
    newest = (
        select(func.max(MaliceVerdict.id))
        .where(MaliceVerdict.review_id == Review.id)
        .correlate(Review)
        .scalar_subquery()
    )
    return (
        select(MaliceVerdict.id)
        .where(MaliceVerdict.id == newest, MaliceVerdict.verdict == "not_malicious")
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
    """Each judged review's latest verdict (of `stores`, given at or after `since`), oldest
    first."""
    where = []
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
