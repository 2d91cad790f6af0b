"""`reviewbot import`: merchant back-end exports (CSV, .xlsx or .xls) into the same store.

Many owners cannot get API access (Meituan and Ele.me grant it to partners), but every
merchant back-end lets them download their reviews as a spreadsheet. Column names differ
between platforms and over the years, so columns are found by header, tolerant of the
variants (评价内容 / 评论内容 / content …), and of a title row above the header.
Rows go through the same idempotent upsert as polling: importing a file twice stores
nothing twice, and a row whose words changed becomes a new revision. A row without a
usable id (none, or one Excel mangled: 9.00720E+15, floats beyond 2^53) gets a stable one
derived from its time, author, order and text. A row that cannot be read, or that repeats
an id with other content, is quarantined, never silently dropped. A row without a
readable date keeps no date (never "now"), so it is never mistaken for news.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as default
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from reviewbot.jobs.ingest import IngestResult
    from reviewbot.store.db import SessionFactory

from reviewbot.app.sheets import ExportError, SheetRows
from reviewbot.platforms.base import FollowUp, Page, RejectedItem, ReviewRecord, distinct
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
        "整体评分",
        "订单评分",
        "星级评分",
        "用户评分",
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
        "评价日期",
        "评论日期",
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
    "author": (
        "用户昵称",
        "顾客昵称",
        "昵称",
        "评价人",
        "用户名",
        "顾客",
        "用户",
        "nickname",
        "author",
        "user",
    ),
    "follow_up": ("追评内容", "追评", "追加评价", "followup"),
    "follow_up_at": ("追评时间", "followupat"),
    "reply": ("商家回复内容", "商家回复", "回复内容", "回复", "reply"),
    "images": ("评价图片", "图片链接", "图片", "images", "photos", "pictures"),
    "taste": ("口味评分", "口味", "味道"),
    "packaging": ("包装评分", "包装"),
    "delivery": ("配送评分", "配送"),
}
# Headers no alias names, by what they contain: (field, each group needs one of its
# words, none of the last words). Tried in order, so 追评时间 is not a review time and
# 口味评分（星） is not the overall rating.
CONTAINS: tuple[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = (
    ("follow_up_at", (("追评", "追加"), ("时间", "日期")), ()),
    ("follow_up", (("追评", "追加"),), ()),
    ("reply", (("回复",),), ("时间", "日期", "状态")),
    ("taste", (("口味", "味道"),), ()),
    ("packaging", (("包装",),), ()),
    ("delivery", (("配送",), ("评分", "星", "分")), ()),
    ("created_at", (("评",), ("时间", "日期")), ()),
    ("rating", (("评分", "星", "打分"),), ()),
    ("order_id", (("订单",), ("号", "编号", "id")), ()),
    ("id", (("评价", "评论"), ("id", "编号")), ()),
    ("author", (("昵称", "用户名"),), ()),
    ("text", (("评价", "评论"), ("内容", "详情", "文字")), ()),
)
# Our fields as the person importing knows them, for the "which column is what" line.
LABELS = {
    "id": "评价编号",
    "text": "评价内容",
    "rating": "评分",
    "created_at": "评价时间",
    "order_id": "订单号",
    "author": "昵称",
    "follow_up": "追评",
    "follow_up_at": "追评时间",
    "reply": "商家回复",
    "images": "图片",
    "taste": "口味评分",
    "packaging": "包装评分",
    "delivery": "配送评分",
}
SUB_SCORES = ("taste", "packaging", "delivery")
HEADER_SEARCH_ROWS = 10
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?e[+-]?\d+$", re.IGNORECASE)
EXACT_FLOAT_LIMIT = 2**53  # beyond this a float no longer holds every integer
DERIVED = "x-"  # the prefix of an id derived from a row whose own id is unusable or missing


def _key(header: Any) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).lower()
    return re.sub(r"[\s_\-:：()（）\[\]【】/·.]+", "", text)


_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def _by_contents(key: str) -> str | None:
    for field, groups, forbidden in CONTAINS:
        if all(any(word in key for word in group) for group in groups) and not any(
            word in key for word in forbidden
        ):
            return field
    return None


def map_header(row: Sequence[Any]) -> dict[str, int]:
    """Column index of each field this header row names (the first column wins): exact
    aliases first, then what a header contains (评价日期（下单后）→ created_at)."""
    found: dict[str, int] = {}
    keys = [_key(header) for header in row]
    for index, key in enumerate(keys):
        field = _LOOKUP.get(key)
        if field is not None and field not in found:
            found[field] = index
    for index, key in enumerate(keys):
        if key and key not in _LOOKUP and index not in found.values():
            field = _by_contents(key)
            if field is not None and field not in found:
                found[field] = index
    return found


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


def _time(value: Any, zone: ZoneInfo) -> tuple[datetime | None, str]:
    """(UTC time or None, precision) of a cell: Excel dates or text in local time."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            precision = "day"  # a date cell: Excel has no date-only type
        else:
            precision = "minute" if value.second == 0 else "second"
        return parse_time(moment.isoformat()), precision
    if isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=zone)
        return parse_time(moment.isoformat()), "day"
    text = str(value).strip() if value is not None else ""
    return parse_time(text or None, zone), precision_of(text)


def _id(value: Any) -> tuple[str | None, bool]:
    """(the id, whether a value was there but is unusable). Excel writes long ids as
    9.00720E+15 and .xlsx stores them as floats: many reviews would share one id."""
    if isinstance(value, float) and not value.is_integer():
        return None, True
    if isinstance(value, float) and abs(value) >= EXACT_FLOAT_LIMIT:
        return None, True
    if isinstance(value, str) and _SCIENTIFIC.match(value.strip()):
        return None, True
    return as_id(value), False


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class ParsedExport:
    """What a file holds: one record per review, and an account of every other row."""

    records: list[ReviewRecord]
    rejected: list[RejectedItem]  # rows that cannot be read at all
    empty: int
    conflicts: list[RejectedItem]  # a repeated id with other words: quarantined
    duplicates: int  # exact repeats of a row already read
    columns: dict[str, str]  # our field → the file's header
    unused: list[str]  # headers we did not map
    derived_ids: list[int]  # rows whose id was unusable, so one was derived
    bad_dates: list[tuple[int, str]]  # (row, the date we could not read)
    encoding: str | None = None  # a text file's encoding (most of its rows')
    repaired: dict[int, str] = default(default_factory=dict)  # row → its other encoding
    refused: list[int] = default(default_factory=list)  # rows in no encoding we read
    formula_results: list[int] = default(default_factory=list)  # .xlsx: cached results used
    formula_blanks: list[int] = default(default_factory=list)  # .xlsx: formulas without one
    formula_ratings: list[int] = default(default_factory=list)  # `=5` as a rating: refused
    formula_texts: list[int] = default(default_factory=list)  # text like `=…`: kept as text
    garbled: list[int] = default(default_factory=list)  # text already holding U+FFFD
    # derived id → the id the same row was given before the raw id cell and the stars
    # were read (for the first row of each): a file imported then is not imported twice.
    legacy_ids: dict[str, str] = default(default_factory=dict)

    @property
    def undated(self) -> int:
        return sum(1 for record in self.records if record.created_at is None)

    def notes(self) -> list[str]:
        """What the person importing should know, in Chinese (stdout of `import`)."""
        mapped = "，".join(f"{header}→{LABELS[f]}" for f, header in self.columns.items())
        lines = [f"识别的列：{mapped}"]
        if self.unused:
            lines.append(f"未使用的列：{'，'.join(self.unused)}")
        if self.derived_ids:
            rows = "、".join(str(n) for n in self.derived_ids[:5])
            more = " 等" if len(self.derived_ids) > 5 else ""
            lines.append(
                f"注意：{len(self.derived_ids)} 行的评价编号不可用（第 {rows} 行{more}；"
                "Excel 会把长编号存成 9.00720E+15 这样的科学计数法，多条评价会变成同一个编号），"
                "已改用由时间、昵称、订单号、内容、原编号和评分推导的编号。请把编号列设为“文本”后重新导出。"
            )
        lines += self._reading_notes()
        if "created_at" not in self.columns:
            lines.append("注意：没有找到评价时间列，导入的评价都没有日期，不会为它们发送提醒。")
        elif self.bad_dates:
            examples = "、".join(f"第 {n} 行“{text}”" for n, text in self.bad_dates[:3])
            lines.append(
                f"注意：{len(self.bad_dates)} 行的日期无法识别（{examples}），"
                "这些评价保存为“日期未知”，不会为它们发送提醒。"
            )
        return lines

    def _reading_notes(self) -> list[str]:
        lines = [f"文件编码：{self.encoding}"] if self.encoding else []
        if self.repaired:
            by = "、".join(sorted(set(self.repaired.values())))
            lines.append(
                f"编码已修复：{len(self.repaired)} 行是 {by} 编码"
                f"（{row_list(self.repaired)}），已按各自的编码读取。"
            )
        if self.refused:
            lines.append(
                f"无法解码：{len(self.refused)} 行既不是 UTF-8 也不是 GB18030"
                f"（{row_list(self.refused)}），未导入，已原样转入隔离区。"
            )
        if self.formula_results:
            lines.append(
                f"注意：{len(self.formula_results)} 行含有公式"
                f"（{row_list(self.formula_results)}），已使用 Excel 保存时的计算结果。"
            )
        if self.formula_blanks:
            lines.append(
                f"注意：{len(self.formula_blanks)} 行的公式没有计算结果"
                f"（{row_list(self.formula_blanks)}；文件没有经 Excel 保存过），"
                "这些单元格按空白处理。请用 Excel 或 WPS 打开、保存后重新导入。"
            )
        if self.formula_ratings:
            lines.append(
                f"注意：{len(self.formula_ratings)} 行的评分以 =、+、-、@ 开头"
                f"（{row_list(self.formula_ratings)}），是公式或文字，不当作评分。"
            )
        if self.formula_texts:
            lines.append(
                f"注意：{len(self.formula_texts)} 行的文字以 =、+、-、@ 开头"
                f"（{row_list(self.formula_texts)}），按原文保存为文字，不会被当作公式。"
            )
        if self.garbled:
            lines.append(
                f"注意：{len(self.garbled)} 行的文字里本来就有乱码字符“\ufffd”"
                f"（{row_list(self.garbled)}），是文件在导出前已损坏，已原样保存。"
            )
        return lines

    def reading_summary(self) -> str | None:
        """The closing count of rows repaired and refused for their encoding, by number."""
        if not (self.repaired or self.refused):
            return None
        repaired = f"（{row_list(self.repaired)}）" if self.repaired else ""
        refused = f"（{row_list(self.refused)}）" if self.refused else ""
        return (
            f"编码：修复 {len(self.repaired)} 行{repaired}，"
            f"无法解码而拒绝 {len(self.refused)} 行{refused}"
        )


def row_list(numbers: Any, limit: int = 10) -> str:
    """ "第 3、5、9 行" (the first `limit`, then "等 N 行")."""
    numbers = sorted(numbers)
    shown = "、".join(str(n) for n in numbers[:limit])
    return f"第 {shown} 行" + (f" 等 {len(numbers)} 行" if len(numbers) > limit else "")


RATING_FIELDS = ("rating", *SUB_SCORES)
_FORMULA_START = ("=", "+", "-", "@")
TEXT_FIELDS = ("text", "follow_up", "reply", "author")


def _formula_like(value: Any) -> bool:
    """Text a spreadsheet would run as a formula (=, +, -, @ first), not a lone "-" or "--"
    that exports put in an empty cell."""
    if not isinstance(value, str) or not value or value.lstrip()[:1] not in _FORMULA_START:
        return False
    text = value.strip()
    return text[:1] in ("=", "+", "-", "@") and text.strip("-") != ""


def parse_export(
    rows: list[list[Any]] | SheetRows, timezone: str = "Asia/Shanghai"
) -> ParsedExport:
    """Records from the rows below the header; unreadable rows become RejectedItems, and a
    row repeating an earlier row's id is counted (same words) or quarantined (other words).
    A rating cell like `=5` is never a rating; text like `=…` stays text; both are noted."""
    sheet = rows if isinstance(rows, SheetRows) else SheetRows(rows)
    rows = sheet.rows
    zone = ZoneInfo(timezone)
    start, columns = _find_header(rows)
    row = rows[start]
    headers = [str(h) if h is not None else f"column{i + 1}" for i, h in enumerate(row)]
    records: list[ReviewRecord] = []
    rejected: list[RejectedItem] = []
    derived: list[int] = []
    alike: dict[str, int] = {}  # rows so far per derived id
    legacy: dict[str, str] = {}  # derived id → the id an older import gave the row
    claimed: set[str] = set()  # older ids given to a row above
    bad_dates: list[tuple[int, str]] = []
    formula_ratings: list[int] = []
    formula_texts: list[int] = []
    garbled: list[int] = []
    empty = 0
    rating_columns = [columns[f] for f in RATING_FIELDS if f in columns]
    text_columns = [columns[f] for f in TEXT_FIELDS if f in columns]
    for number, values in enumerate(rows[start + 1 :], start=start + 2):
        if number in sheet.refused:
            item = {"_row": number, "_bytes": sheet.refused[number]}
            rejected.append(RejectedItem(item, f"row {number}: neither UTF-8 nor GB18030"))
            continue
        if all(v is None or str(v).strip() == "" for v in values):
            empty += 1
            continue
        values = list(values)
        for index in rating_columns:
            if index < len(values) and _formula_like(values[index]):
                values[index] = None  # kept in the raw row below, never read as stars
                if not formula_ratings or formula_ratings[-1] != number:
                    formula_ratings.append(number)
        if any(i < len(values) and _formula_like(values[i]) for i in text_columns):
            formula_texts.append(number)
        original = rows[number - 1]
        raw = {
            h: value if type(value) is str else _jsonable(value)
            for h, value in zip(headers, original, strict=False)
        }
        raw["_row"] = number

        def cell(field: str, values: list[Any] = values) -> Any:
            index = columns.get(field)
            return values[index] if index is not None and index < len(values) else None

        try:
            record, unusable_id, legacy_id = _record(cell, raw, zone)
        except ValueError as exc:
            rejected.append(RejectedItem(raw, f"row {number}: {exc}"))
            continue
        if legacy_id is not None and legacy_id not in claimed:
            claimed.add(legacy_id)
            legacy[record.external_id] = legacy_id
        if record.external_id.startswith(DERIVED):
            # Rows alike in everything we read (匿名用户, a day-only date, stars only) are
            # still separate reviews: numbered in file order, the same on re-import.
            alike[record.external_id] = seen = alike.get(record.external_id, 0) + 1
            if seen > 1:
                record = replace(record, external_id=f"{record.external_id}-{seen}")
        records.append(record)
        if "\ufffd" in record.text or "\ufffd" in (record.author or ""):
            garbled.append(number)
        if unusable_id:
            derived.append(number)
        when = cell("created_at")
        if record.created_at is None and when is not None and str(when).strip():
            bad_dates.append((number, str(when).strip()[:40]))
    kept, duplicates, conflicts = distinct(records)
    used = set(columns.values())
    return ParsedExport(
        kept,
        rejected,
        empty,
        conflicts=conflicts,
        duplicates=duplicates,
        columns={f: headers[i] for f, i in sorted(columns.items(), key=lambda c: c[1])},
        unused=[h for i, h in enumerate(headers) if i not in used and str(row[i] or "").strip()],
        derived_ids=derived,
        bad_dates=bad_dates,
        encoding=sheet.encoding,
        repaired={n: e for n, e in sheet.repaired.items() if n > start + 1},
        refused=sorted(n for n in sheet.refused if n > start + 1),
        formula_results=[n for n in sheet.cached if n > start + 1],
        formula_blanks=[n for n in sheet.uncached if n > start + 1],
        formula_ratings=formula_ratings,
        formula_texts=formula_texts,
        garbled=garbled,
        legacy_ids=legacy,
    )


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


def _record(
    cell: Callable[[str], Any], raw: dict[str, Any], zone: ZoneInfo
) -> tuple[ReviewRecord, bool, str | None]:
    """The row's record, whether its id was unusable (so one was derived), and the id
    derived the way imports did before they read the raw id cell and the stars."""
    text, truncated = clean_text(cell("text"))
    rating = _rating(cell("rating"))
    if not text and rating is None:
        raise ValueError("neither review text nor a rating")
    created, precision = _time(cell("created_at"), zone)
    author = clean_text(cell("author"), limit=64)[0] or None
    order_id = as_id(cell("order_id"))
    given = cell("id")
    external_id, unusable_id = _id(given)
    legacy_id = None
    if external_id is None:  # the raw id cell and the stars tell apart what else is alike
        basis = [created.isoformat() if created else "", author or "", order_id or "", text]
        legacy_id = _derived(basis)
        external_id = _derived(
            [
                *basis,
                "" if given is None else str(given).strip(),
                "" if rating is None else str(rating),
            ]
        )
    follow_ups: tuple[FollowUp, ...] = ()
    if follow := clean_text(cell("follow_up"))[0]:
        follow_ups = (FollowUp(follow, _time(cell("follow_up_at"), zone)[0]),)
    scores = {f: s for f in SUB_SCORES if (s := _rating(cell(f))) is not None}
    images = cell("images")
    record = ReviewRecord(
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
        created_precision=precision,
        origin="import",
    )
    return record, unusable_id, legacy_id


def _derived(basis: list[str]) -> str:
    return DERIVED + hashlib.sha1("\x1f".join(basis).encode("utf-8")).hexdigest()[:20]


# Rows per transaction: new reviews go in with one statement per table per batch, so a
# batch costs a few round trips whatever its size; the progress bar moves once per batch.
BATCH_ROWS = 2000
LOOKUP_CHUNK = 5000  # ids per lookup of the ones stored before


def batches(parsed: ParsedExport, size: int = BATCH_ROWS) -> Iterator[Page]:
    """Pages to store; rows to quarantine ride along with the first batch."""
    records = parsed.records
    for start in range(0, max(len(records), 1), size):
        rejected = [*parsed.rejected, *parsed.conflicts] if start == 0 else []
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


async def import_export(
    sessions: SessionFactory,
    parsed: ParsedExport,
    *,
    store_id: str,
    store_name: str,
    platform: str,
    account: str,
    polled: bool,
    now: datetime,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> IngestResult:
    """Store a parsed export into one account, a batch per transaction, as polling
    stores pages: idempotent, and a row the database refuses is quarantined, not fatal.
    `progress(done, total)` is told after each batch (rows, quarantined ones included)."""
    from reviewbot.jobs.ingest import IngestResult, store_page

    async with sessions() as session, session.begin():
        source = await target_source(
            session,
            store_id=store_id,
            store_name=store_name,
            platform=platform,
            account=account,
            polled=polled,
            now=now,
        )
        source_id = source.id
        parsed = await _as_imported_before(session, parsed, platform, account)
    total, done = IngestResult(), 0
    rows = len(parsed.records) + len(parsed.rejected)
    progress(0, rows)
    for page in batches(parsed):
        total.add((await store_page(sessions, source_id, page, now))[0])
        done += len(page.reviews) + len(page.rejected)
        progress(done, rows)
    return total


async def _as_imported_before(
    session: AsyncSession, parsed: ParsedExport, platform: str, account: str
) -> ParsedExport:
    """Rows an import stored before derived ids read the raw id cell and the stars keep
    the id they were stored under, so importing the same file again adds nothing."""
    from reviewbot.store.schema import Review

    if not parsed.legacy_ids:
        return parsed
    found: set[str] = set()
    wanted = [*parsed.legacy_ids, *parsed.legacy_ids.values()]
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.update(
            await session.scalars(
                select(Review.external_id).where(
                    Review.platform == platform,
                    Review.account == account,
                    Review.external_id.in_(wanted[start : start + LOOKUP_CHUNK]),
                )
            )
        )
    older = {new: old for new, old in parsed.legacy_ids.items() if old in found}
    older = {new: old for new, old in older.items() if new not in found}
    if not older:
        return parsed
    records = [
        replace(r, external_id=older[r.external_id]) if r.external_id in older else r
        for r in parsed.records
    ]
    return replace(parsed, records=records)
