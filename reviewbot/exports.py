"""`reviewbot import`: merchant back-end exports (CSV or Excel) into the same store.

Many owners cannot get API access (Meituan and Ele.me grant it to partners), but every
merchant back-end lets them download their reviews as a spreadsheet. Column names differ
between platforms and over the years, so columns are found by header, tolerant of the
variants (评价内容 / 评论内容 / content …), and of a title row above the header.
Rows go through the same idempotent upsert as polling: importing a file twice stores
nothing twice, and a row whose words changed becomes a new revision. A row without an id
gets a stable one derived from its time, author, order and first text. A row that cannot
be read is quarantined, never silently dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.platforms.base import FollowUp, Page, RejectedItem, ReviewRecord
from reviewbot.platforms.normalize import (
    as_id,
    clean_text,
    parse_rating,
    parse_time,
    precision_of,
    split_list,
)

# Our field → the header spellings seen in exports, compared after `_key` normalization.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("评价id", "评论id", "评价编号", "评论编号", "reviewid", "commentid", "rateid", "id"),
    "text": (
        "评价内容",
        "评论内容",
        "用户评价",
        "评价详情",
        "评价",
        "内容",
        "content",
        "comment",
        "review",
        "text",
    ),
    "rating": (
        "评分",
        "总体评分",
        "综合评分",
        "商家评分",
        "总评分",
        "评价星级",
        "星级",
        "rating",
        "stars",
        "star",
        "score",
    ),
    "created_at": (
        "评价时间",
        "评论时间",
        "发表时间",
        "创建时间",
        "时间",
        "日期",
        "ratedat",
        "createdat",
        "date",
        "time",
    ),
    "order_id": ("订单号", "订单编号", "订单id", "orderid"),
    "author": ("用户昵称", "昵称", "用户名", "顾客", "用户", "nickname", "author", "user"),
    "follow_up": ("追评内容", "追评", "追加评价", "followup"),
    "follow_up_at": ("追评时间", "followupat"),
    "reply": ("商家回复内容", "商家回复", "回复内容", "回复", "reply"),
    "images": ("评价图片", "图片链接", "图片", "images", "photos", "pictures"),
    "taste": ("口味评分", "口味", "味道"),
    "packaging": ("包装评分", "包装"),
    "delivery": ("配送评分", "配送"),
}
SUB_SCORES = ("taste", "packaging", "delivery")
HEADER_SEARCH_ROWS = 10


def _key(header: Any) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).lower()
    return re.sub(r"[\s_\-:：()（）\[\]【】/·.]+", "", text)


_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def map_header(row: Sequence[Any]) -> dict[str, int]:
    """Column index of each field this header row names (the first column wins)."""
    found: dict[str, int] = {}
    for index, header in enumerate(row):
        field = _LOOKUP.get(_key(header))
        if field is not None and field not in found:
            found[field] = index
    return found


class ExportError(Exception):
    """The file cannot be imported as it is; the message says why, for the person at hand."""


def read_rows(path: Path) -> list[list[Any]]:
    """All rows of a CSV (UTF-8 or GB18030, as Excel on Chinese Windows saves) or .xlsx."""
    if not path.exists():
        raise ExportError(f"{path} does not exist")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # only needed for Excel files

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ExportError(f"{path} is not a readable Excel file: {exc}") from None
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if path.suffix.lower() == ".xls":
        raise ExportError("old .xls files are not supported: save the file as .xlsx or .csv")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("utf-8", errors="replace")
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def _rating(value: Any) -> float | None:
    if isinstance(value, str):
        if "★" in value:
            return parse_rating(value.count("★"))
        value = re.sub(r"[^\d.]", "", value)
    rating = parse_rating(value, scale=5.0)
    if rating is not None and isinstance(value, int | float | str):
        number = float(value)
        if number > 5:  # tens (Dianping 10–50) or tenths of a 10-point scale
            rating = parse_rating(number, scale=50.0 if number > 10 else 10.0)
    return rating


def _time(value: Any, zone: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return parse_time(moment.isoformat())
    if isinstance(value, date):
        return parse_time(datetime(value.year, value.month, value.day, tzinfo=zone).isoformat())
    return parse_time(str(value).strip() if value is not None else None, zone)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class ParsedExport:
    records: list[ReviewRecord]
    rejected: list[RejectedItem]
    empty: int


def parse_export(rows: list[list[Any]], timezone: str = "Asia/Shanghai") -> ParsedExport:
    """Records from the rows below the header; unreadable rows become RejectedItems."""
    zone = ZoneInfo(timezone)
    start, columns = _find_header(rows)
    row = rows[start]
    headers = [str(h) if h is not None else f"column{i + 1}" for i, h in enumerate(row)]
    records: list[ReviewRecord] = []
    rejected: list[RejectedItem] = []
    empty = 0
    for number, values in enumerate(rows[start + 1 :], start=start + 2):
        if all(v is None or str(v).strip() == "" for v in values):
            empty += 1
            continue
        raw = {h: _jsonable(values[i]) for i, h in enumerate(headers) if i < len(values)}
        raw["_row"] = number

        def cell(field: str, values: list[Any] = values) -> Any:
            index = columns.get(field)
            return values[index] if index is not None and index < len(values) else None

        try:
            records.append(_record(cell, raw, zone))
        except ValueError as exc:
            rejected.append(RejectedItem(raw, f"row {number}: {exc}"))
    return ParsedExport(records, rejected, empty)


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row (exports often put a title line above it) and its columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = map_header(row)
        if len(columns) >= 2 and ("text" in columns or "rating" in columns):
            return index, columns
    raise ExportError(
        "no header row found: expected columns such as 评价内容, 评分, 评价时间 "
        "(or content, rating, date) in the first rows"
    )


def _record(cell: Callable[[str], Any], raw: dict[str, Any], zone: ZoneInfo) -> ReviewRecord:
    text, truncated = clean_text(cell("text"))
    rating = _rating(cell("rating"))
    if not text and rating is None:
        raise ValueError("neither review text nor a rating")
    created = _time(cell("created_at"), zone)
    author = clean_text(cell("author"), limit=64)[0] or None
    order_id = as_id(cell("order_id"))
    external_id = as_id(cell("id"))
    if external_id is None:
        basis = "\x1f".join(
            [created.isoformat() if created else "", author or "", order_id or "", text]
        )
        external_id = "x-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
    follow_ups: tuple[FollowUp, ...] = ()
    if follow := clean_text(cell("follow_up"))[0]:
        follow_ups = (FollowUp(follow, _time(cell("follow_up_at"), zone)),)
    scores = {f: s for f in SUB_SCORES if (s := _rating(cell(f))) is not None}
    images = cell("images")
    return ReviewRecord(
        external_id=external_id,
        text=text,
        rating=rating,
        created_at=created,
        author=author,
        order_id=order_id,
        follow_ups=follow_ups,
        images=split_list(images if isinstance(images, str) else None),
        reply_text=clean_text(cell("reply"))[0] or None,
        text_truncated=truncated,
        raw=raw,
        sub_scores=scores,
        created_precision=precision_of(cell("created_at"))
        if isinstance(cell("created_at"), str)
        else "second",
        origin="import",
    )


def batches(parsed: ParsedExport, size: int = 200) -> Iterator[Page]:
    """Pages for ingest_page; unreadable rows ride along with the first batch."""
    records = parsed.records
    for start in range(0, max(len(records), 1), size):
        rejected = parsed.rejected if start == 0 else []
        yield Page(records[start : start + size], None, False, rejected)


async def target_source(
    session: AsyncSession,
    *,
    store_id: str,
    store_name: str,
    platform: str,
    account: str,
    polled: bool,
    now: datetime,
):
    """The store and source rows to import into, created if needed.

    An account that is not polled gets a disabled source: its reviews are kept and
    processed like any other, but the daemon never tries to poll it.
    """
    from reviewbot.store.schema import Source, Store

    if await session.get(Store, store_id) is None:
        session.add(Store(id=store_id, name=store_name, created_at=now))
        await session.flush()
    source = await session.scalar(
        select(Source).where(Source.platform == platform, Source.account == account)
    )
    if source is None:
        source = Source(
            store_id=store_id,
            platform=platform,
            account=account,
            enabled=polled,
            consecutive_errors=0,
        )
        session.add(source)
        await session.flush()
    elif source.store_id != store_id:
        raise ExportError(f"{platform} account {account!r} belongs to store {source.store_id!r}")
    return source
