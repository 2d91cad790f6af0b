"""The `reviewbot classify` and `reviewbot draft` contracts (DESIGN.md): JSON Lines in, one
JSON line out per input line, in order; a line that cannot be read gets an error object
and the run goes on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from reviewbot.analysis.base import Analysis, Analyzer, ReviewText
from reviewbot.platforms.normalize import clean_text
from reviewbot.replies.engine import StoreProfile, TemplateDrafter

# What `reviewbot draft` signs with when no store is configured: true of every shop.
GENERIC_STORE = StoreProfile(name="本店", signature="店长", contact="平台私信")


class InputError(ValueError):
    def __init__(self, message: str, review_id: Any = None) -> None:
        super().__init__(message)
        self.review_id = review_id


def parse_line(raw: bytes | str) -> tuple[Any, ReviewText]:
    """One input line as (its id as given, the review); raises InputError saying why not."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"line is not valid UTF-8 ({exc.reason} at byte {exc.start})"
            ) from None
    raw = raw.strip().lstrip("\ufeff")
    if not raw:
        raise InputError("empty line")
    try:
        item = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"malformed JSON: {exc}") from None
    if not isinstance(item, dict):
        raise InputError(f"expected a JSON object, got {type(item).__name__}")
    review_id = item.get("id")
    if review_id is None or isinstance(review_id, bool | dict | list):
        raise InputError(
            '"id" is required (a string or a number)',
            review_id if isinstance(review_id, str | int | float) else None,
        )
    text = item.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError('"text" must be a string', review_id)
    rating = item.get("rating")
    valid_rating = (
        isinstance(rating, int | float) and not isinstance(rating, bool) and 1 <= rating <= 5
    )
    if rating is not None and not valid_rating:
        raise InputError('"rating" must be a number from 1 to 5, or null', review_id)
    cleaned, _ = clean_text(text)
    rating = None if rating is None else float(rating)
    return review_id, ReviewText(id=str(review_id), text=cleaned, rating=rating)


def _run(
    lines: Iterable[bytes | str], respond: Callable[[ReviewText, Any], dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for raw in lines:
        try:
            original_id, review = parse_line(raw)
        except InputError as exc:
            yield {"id": exc.review_id, "error": str(exc)}
            continue
        try:
            yield respond(review, original_id)
        except Exception as exc:  # one bad review must not end the run
            yield {"id": original_id, "error": f"internal error: {type(exc).__name__}: {exc}"}


def classify_lines(lines: Iterable[bytes | str], analyzer: Analyzer) -> Iterator[dict[str, Any]]:
    return _run(lines, lambda review, rid: analyzer.analyze(review).to_contract(rid))


def draft_lines(
    lines: Iterable[bytes | str],
    analyzer: Analyzer,
    drafter: TemplateDrafter,
    store: StoreProfile = GENERIC_STORE,
) -> Iterator[dict[str, Any]]:
    recent: list[str] = []

    def respond(review: ReviewText, rid: Any) -> dict[str, Any]:
        analysis: Analysis = analyzer.analyze(review)
        draft = drafter.draft(review, analysis, store, recent=recent)
        recent.append(draft.text)
        del recent[:-20]
        return draft.to_contract(rid)

    return _run(lines, respond)
