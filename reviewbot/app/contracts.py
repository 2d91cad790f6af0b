"""The `reviewbot classify`, `reviewbot draft` and `reviewbot guard` contracts (DESIGN.md):
JSON Lines in, one JSON line out per input line, in order; a line that cannot be read gets
an error object and the run goes on. Ids are echoed exactly as given; text with lone
surrogates is read with them replaced (U+FFFD), as everywhere else."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from reviewbot.analysis.base import UNREAD, Analysis, Analyzer, ReviewText
from reviewbot.platforms.normalize import clean_text
from reviewbot.replies.facts import StoreProfile
from reviewbot.safejson import has_unstorable, storable_text

if TYPE_CHECKING:
    from reviewbot.replies.engine import TemplateDrafter

# What `reviewbot draft` signs with when no store is configured: true of every shop.
GENERIC_STORE = StoreProfile(name="本店", signature="店长", contact="平台私信")


class InputError(ValueError):
    def __init__(self, message: str, review_id: Any = None) -> None:
        super().__init__(message)
        self.review_id = review_id


def _id_problem(review_id: Any) -> str | None:
    """Why `review_id` cannot be echoed back as given, or None when it can."""
    if isinstance(review_id, str):
        return None
    if isinstance(review_id, int | float) and not isinstance(review_id, bool):
        return None if math.isfinite(review_id) else '"id" must be a string or a finite number'
    return '"id" is required (a string or a number)'


# A line longer than this is answered with an error, unread: no review is that long (its
# text is cut to 5,000 characters anyway), and the CLI keeps no more of a line than this.
MAX_LINE_BYTES = 16 << 20


# No review needs deeper nesting than this; a line nested deeper is hostile or broken.
MAX_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """Whether `text` nests arrays and objects deeper than MAX_DEPTH (outside strings).
    Counted here rather than left to the parser's RecursionError, whose depth depends on
    the interpreter's recursion limit and how deep the caller's stack already is."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _loads(text: str) -> Any:
    """json.loads, with nesting too deep as a ValueError like any bad JSON (a 2 KB line of
    1,000 brackets used to raise RecursionError and end the run)."""
    if _too_deep(text):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _id_despite_bad_bytes(raw: bytes) -> Any:
    """The id of a line whose invalid UTF-8 is elsewhere (in the text, usually), so the
    error can be matched to its review; None when the id itself is damaged."""
    try:
        item = _loads(raw.decode("utf-8", errors="surrogateescape").lstrip("\ufeff"))
    except ValueError:
        return None
    review_id = item.get("id") if isinstance(item, dict) else None
    if _id_problem(review_id) or (isinstance(review_id, str) and has_unstorable(review_id)):
        return None
    return review_id


def _load_object(raw: bytes | str) -> tuple[Any, dict[str, Any]]:
    """One input line as (its id as given, the JSON object); raises InputError saying why
    not (with the id when it can be read)."""
    if len(raw) > MAX_LINE_BYTES:
        raise InputError(f"line is longer than {MAX_LINE_BYTES} bytes: not a single review")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"line is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                _id_despite_bad_bytes(raw),
            ) from None
    raw = raw.strip().lstrip("\ufeff")
    if not raw:
        raise InputError("empty line")
    try:
        item = _loads(raw)
    except ValueError as exc:
        raise InputError(f"malformed JSON: {exc}") from None
    if not isinstance(item, dict):
        raise InputError(f"expected a JSON object, got {type(item).__name__}")
    review_id = item.get("id")
    if problem := _id_problem(review_id):
        raise InputError(problem)
    return review_id, item


def parse_line(raw: bytes | str) -> tuple[Any, ReviewText]:
    """One input line as (its id as given, the review); raises InputError saying why not."""
    review_id, item = _load_object(raw)
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
    # where it was posted, optional: a delivery platform's review that tells of no meal in
    # the restaurant is of a delivered order, its waits a late delivery (ignored unless a string)
    platform = item.get("platform")
    platform = platform if isinstance(platform, str) else None
    # The id as given is echoed back; the analyzer and drafter get one that encodes.
    review = ReviewText(
        id=storable_text(str(review_id)), text=cleaned, rating=rating, platform=platform
    )
    return review_id, review


Respond = Callable[[ReviewText, Analysis, Any], dict[str, Any]]
BATCH = 256


def batches_of(lines: Iterable[bytes | str], size: int = BATCH) -> Iterator[list[bytes | str]]:
    """Fixed-size batches of an iterable of lines (the CLI reads stdin in batches of what has
    arrived instead, so an interactive session gets each answer at once)."""
    batch: list[bytes | str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _analyze(analyzer: Analyzer, reviews: list[ReviewText]) -> list[Analysis | Exception]:
    """The whole batch at once when the analyzer can (the model scores it in one numpy
    call); if that fails, review by review, so one bad review gets its own error."""
    many = getattr(analyzer, "analyze_batch", None)
    if many is not None:
        try:
            return list(many(reviews))
        except Exception:
            pass  # found again below, review by review
    results: list[Analysis | Exception] = []
    for review in reviews:
        try:
            results.append(analyzer.analyze(review))
        except Exception as exc:
            results.append(exc)
    return results


def _internal(review_id: Any, exc: Exception) -> dict[str, Any]:
    return {"id": review_id, "error": f"internal error: {type(exc).__name__}: {exc}"}


def _run(
    batches: Iterable[list[bytes | str]], analyzer: Analyzer, respond: Respond
) -> Iterator[dict[str, Any]]:
    for lines in batches:
        parsed: list[tuple[Any, ReviewText] | dict[str, Any]] = []
        for raw in lines:
            try:
                parsed.append(parse_line(raw))
            except InputError as exc:
                parsed.append({"id": exc.review_id, "error": str(exc)})
            except Exception as exc:  # a reader bug: this line's error, never the batch's
                parsed.append(_internal(None, exc))
        reviews = [item[1] for item in parsed if isinstance(item, tuple)]
        analyses = iter(_analyze(analyzer, reviews))
        for item in parsed:
            if isinstance(item, dict):
                yield item
                continue
            original_id, review = item
            analysis = next(analyses)
            if isinstance(analysis, Exception):
                yield _internal(original_id, analysis)
                continue
            try:
                yield respond(review, analysis, original_id)
            except Exception as exc:  # one bad review must not end the run
                yield _internal(original_id, exc)


def classify_lines(
    lines: Iterable[bytes | str], analyzer: Analyzer, *, batches: bool = False
) -> Iterator[dict[str, Any]]:
    """One result per line; `lines` may also be an iterable of batches (`batches=True`)."""
    chunks = lines if batches else batches_of(lines)
    return _run(chunks, analyzer, lambda review, analysis, rid: analysis.to_contract(rid))  # type: ignore[arg-type]


def draft_lines(
    lines: Iterable[bytes | str],
    analyzer: Analyzer,
    drafter: TemplateDrafter,
    store: StoreProfile = GENERIC_STORE,
    *,
    batches: bool = False,
) -> Iterator[dict[str, Any]]:
    # not imported for classify: its start-up
    from reviewbot.replies.guardrails import ReplyLimits
    from reviewbot.sourceconfig import reply_max_chars
    from reviewbot.workflow.roles import required_role

    recent: list[str] = []

    def respond(review: ReviewText, analysis: Analysis, rid: Any) -> dict[str, Any]:
        # the length the daemon would allow a reply on the review's platform
        chars = reply_max_chars(review.platform)
        limits = ReplyLimits(max_chars=chars) if chars else None
        draft = drafter.draft(review, analysis, store, recent=recent, limits=limits)
        recent.append(draft.text)
        del recent[:-20]
        line = draft.to_contract(rid)
        if draft.violations:  # blocked: why, and who may post it once it is fixed
            line["violations"] = [v.to_json() for v in draft.violations]
            line["requires_role"] = required_role(analysis, draft)
        return line

    chunks = lines if batches else batches_of(lines)
    return _run(chunks, analyzer, respond)  # type: ignore[arg-type]


def _optional_text(item: dict[str, Any], key: str, item_id: Any) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f'"{key}" must be a string', item_id)
    return value


def guard_line(
    raw: bytes | str,
    stores: Callable[[str], StoreProfile | None],
    default: StoreProfile = GENERIC_STORE,
    *,
    by_staff: bool = True,
) -> dict[str, Any]:
    """One `reviewbot guard` answer: {"id", "ok", "violations": [{"rule", "span",
    "message", "suggestion"}]}, or {"id", "error"} for a line that cannot be read.
    The text is read as a staff edit (`by_staff`, guardrails.check_reply); False reads it
    as a generated draft, for the benchmark."""
    from reviewbot.replies.guardrails import check_reply

    item_id: Any = None
    try:
        item_id, item = _load_object(raw)
        text = _optional_text(item, "text", item_id)
        if text is None:
            raise InputError('"text" (the reply to check) is required', item_id)
        review = _optional_text(item, "review", item_id) or ""
        store_id = _optional_text(item, "store", item_id)
        store = default
        if store_id is not None:
            found = stores(store_id)
            if found is None:
                raise InputError(f"no store {store_id!r} in the config", item_id)
            store = found
    except InputError as exc:
        return {"id": exc.review_id, "error": str(exc)}
    try:
        violations = check_reply(
            storable_text(text),
            review=ReviewText(id=storable_text(str(item_id)), text=clean_text(review)[0]),
            analysis=UNREAD,
            store=store,
            learned=True,
            by_staff=by_staff,
        )
    except Exception as exc:  # one bad line must not end the run
        return _internal(item_id, exc)
    return {
        "id": item_id,
        "ok": not violations,
        "violations": [v.to_guard() for v in violations],
    }


def guard_lines(
    lines: Iterable[bytes | str],
    stores: Callable[[str], StoreProfile | None] = lambda store_id: None,
    default: StoreProfile = GENERIC_STORE,
) -> Iterator[dict[str, Any]]:
    """One answer per line, in order (see `guard_line`)."""
    for raw in lines:
        yield guard_line(raw, stores, default)
