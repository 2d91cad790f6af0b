"""Property tests: whatever arrives, the readers answer with a result or our own clear error.

Hostile input comes from everywhere: stdin of `classify`/`draft`, a platform's JSON, an
owner's config, a merchant's export. Hypothesis throws arbitrary (and some nasty, hand-
seeded) values at each reader; the property is that nothing escapes but the reader's own
error type, and that the JSON Lines contracts answer every line with exactly one line.
The profile (tests/conftest.py) is derandomized and bounded, so CI is fast and repeatable.
"""

from __future__ import annotations

import contextlib
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.app.contracts import classify_lines, draft_lines
from reviewbot.app.exports import ExportError, parse_export
from reviewbot.app.sheets import read_rows
from reviewbot.config import ConfigError, load_settings, parse_settings
from reviewbot.platforms.base import ReviewRecord
from reviewbot.platforms.dianping.parse import parse_review
from reviewbot.platforms.eleme.parse import parse_rate
from reviewbot.platforms.jsonfeed import JsonFeedAdapter
from reviewbot.platforms.meituan.parse import parse_comment
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.templates import load_library
from reviewbot.safejson import json_bytes
from reviewbot.sourceconfig import JsonFeedSource

DEEP = b'{"id": "deep", "text": ' + b"[" * 1000 + b"]" * 1000 + b"}"
DEEP_ARRAY = b"[" * 100_000
NASTY_LINES = [
    DEEP,
    DEEP_ARRAY,
    b'{"id": "big", "text": "' + "差".encode() * 400_000 + b'"}',
    b'{"id": "too big", "text": "' + b"x" * (16 << 20) + b'"}',
    b'{"id": "nul", "text": "a\\u0000b", "rating": 1}',
    b'{"id": "raw-nul", "text": "a\x00b"}',
    b'{"id": "bad-utf8", "text": "\xff\xfe"}',
    b'{"id": "\xc3", "text": "x"}',
    b'{"id": ["list"], "text": "x"}',
    b'{"id": "t", "text": 5, "rating": "5"}',
    b'{"id": "r", "text": "x", "rating": true}',
    b'{"id": 1e999, "text": "x"}',
    b'{"id": "s", "text": "\\ud800"}',
    b"[]",
    b"null",
    b'"just a string"',
    b"\xef\xbb\xbf{}",
    b"",
]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=8,
)
nests = st.integers(0, 3000).map(lambda n: b"[" * n + b"]" * n)
review_objects = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "text": json_values,
        "rating": json_values,
    },
).map(lambda item: json.dumps(item, ensure_ascii=False).encode("utf-8", "surrogatepass"))
lines = st.lists(
    st.binary(max_size=120) | review_objects | nests | st.sampled_from(NASTY_LINES),
    min_size=1,
    max_size=12,
).map(lambda found: [line.replace(b"\n", b" ") for line in found])


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


@cache
def drafter() -> TemplateDrafter:
    return TemplateDrafter(load_library(None))


def _one_line_each(inputs: list[bytes], outputs: list[dict[str, Any]]) -> None:
    assert len(outputs) == len(inputs)
    for out in outputs:
        assert isinstance(out, dict) and "id" in out
        json.loads(json_bytes(out))  # every answer is one strict JSON line
        if "error" in out:
            assert not out["error"].startswith("internal error"), out["error"]


@given(lines)
@example(NASTY_LINES)
def test_classify_answers_every_line_whatever_it_holds(inputs: list[bytes]) -> None:
    _one_line_each(inputs, list(classify_lines([inputs], analyzer(), batches=True)))


@given(lines)
@example(NASTY_LINES)
def test_draft_answers_every_line_whatever_it_holds(inputs: list[bytes]) -> None:
    _one_line_each(inputs, list(draft_lines([inputs], analyzer(), drafter(), batches=True)))


def test_a_line_nested_1000_deep_gets_its_own_error_and_the_batch_goes_on() -> None:
    good = b'{"id": "ok", "text": "\xe5\xa4\xaa\xe5\x92\xb8\xe4\xba\x86", "rating": 1}'
    out = list(classify_lines([[good, DEEP, good]], analyzer(), batches=True))
    assert [o["id"] for o in out] == ["ok", None, "ok"]
    assert "error" in out[1] and "polarity" in out[0] and "polarity" in out[2]


def test_a_deep_line_is_refused_whatever_the_recursion_limit() -> None:
    """The depth is counted, not left to RecursionError: a test runner or a library that
    raises the interpreter's recursion limit (Hypothesis does while it runs) must not let
    a hostile line through."""
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        out = list(classify_lines([[DEEP]], analyzer(), batches=True))
    finally:
        sys.setrecursionlimit(limit)
    assert out[0]["id"] is None and "nested" in out[0]["error"]


# -- platform parsers: a record, or a ValueError that quarantines the item ----------------

platform_items = json_values | st.dictionaries(
    st.sampled_from(
        [
            "comment_id",
            "comment_content",
            "food_comment_score",
            "comment_time",
            "add_comment",
            "add_comment_time",
            "comment_pictures",
            "comment_order_detail",
            "praise_food_list",
            "critic_food_list",
            "valid",
            "e_reply_content",
            "id",
            "rateId",
            "content",
            "rating",
            "serviceRating",
            "createdAt",
            "orderRateInfos",
            "rateTag",
            "reply",
            "reviewId",
            "reviewBody",
            "star",
            "addTime",
            "userNickName",
            "pictureList",
        ]
    ),
    json_values,
    max_size=8,
)


def _record_or_value_error(parse: Any, item: Any) -> None:
    try:
        record = parse(item)
    except ValueError:
        return
    assert isinstance(record, ReviewRecord)
    assert record.external_id
    assert record.rating is None or 0 <= record.rating <= 5
    assert record.text is None or "\x00" not in record.text


@given(platform_items)
def test_meituan_parser(item: Any) -> None:
    _record_or_value_error(parse_comment, item)


@given(platform_items)
def test_eleme_parser(item: Any) -> None:
    _record_or_value_error(parse_rate, item)


@given(platform_items)
def test_dianping_parser(item: Any) -> None:
    _record_or_value_error(parse_review, item)


FEED = JsonFeedAdapter(
    None,  # type: ignore[arg-type]  # parsing needs no HTTP
    JsonFeedSource.model_validate(
        {
            "platform": "jsonfeed",
            "account": "f",
            "url": "https://feed.example.com/",
            "fields": {
                "id": "id",
                "text": "text",
                "rating": "r",
                "created_at": "at",
                "author": "who.name",
                "follow_up": "more",
                "images": "photos.0",
                "reply": "reply",
                "url": "url",
            },
        }
    ),
    None,
)


@given(
    json_values
    | st.dictionaries(
        st.sampled_from(["id", "text", "r", "at", "who", "more", "photos", "reply", "url"]),
        json_values,
        max_size=9,
    )
)
def test_jsonfeed_parser(item: Any) -> None:
    _record_or_value_error(FEED.parse_item, item)


# -- the config loader: Settings, or a ConfigError naming the key -------------------------

toml_scalars = (
    st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=8,
)
config_keys = st.sampled_from(
    [
        "stores",
        "database",
        "daemon",
        "notifier",
        "telegram",
        "people",
        "secrets_file",
        "replies",
        "digest",
        "speed_window",
        "http",
        "demo",
    ]
)
config_dicts = st.dictionaries(config_keys | st.text(max_size=8), toml_values, max_size=5)
store = st.fixed_dictionaries(
    {"id": st.text(max_size=10) | st.just("s1"), "name": st.text(max_size=5)},
    optional={"sources": st.lists(toml_values | st.just({"platform": "demo"}), max_size=2)},
)


@given(config_dicts | st.builds(lambda d, s: {**d, "stores": s}, config_dicts, st.lists(store)))
def test_config_loader_accepts_or_names_the_problem(data: dict[str, Any]) -> None:
    try:
        settings = parse_settings(data, base=Path("/nonexistent"))
    except ConfigError as exc:
        assert str(exc)
        return
    assert settings.stores


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_config_file_of_any_bytes(tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("cfg") / "c.toml"
    path.write_bytes(raw)
    with contextlib.suppress(ConfigError):
        load_settings(path)


# -- the import reader: rows, or an ExportError for the person importing ------------------

cells = st.none() | st.text(max_size=12) | st.integers() | st.floats(allow_nan=True)
headers = st.lists(
    st.sampled_from(["评价内容", "评分", "评价时间", "评论ID", "用户昵称", "订单号", "追评", "x"]),
    min_size=1,
    max_size=6,
)


@given(headers.map(list) | st.just([]), st.lists(st.lists(cells, max_size=7), max_size=8))
def test_export_parser_reads_or_refuses_any_rows(header: list[Any], rows: list[list[Any]]) -> None:
    try:
        parsed = parse_export([header, *rows])
    except ExportError:
        return
    for record in parsed.records:
        assert "\ufffd" not in (record.text or "") or "\ufffd" in str(rows)
        assert record.rating is None or 0 <= record.rating <= 5
        assert record.rating is None or not math.isnan(record.rating)


@given(
    st.binary(max_size=400)
    | st.lists(st.text(max_size=20), max_size=6).map(lambda r: "\n".join(r).encode("gb18030"))
)
def test_import_reader_of_any_bytes(tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("imp") / "e.csv"
    path.write_bytes("评价内容,评分\n".encode() + raw)
    try:
        parsed = parse_export(read_rows(path))
        for record in parsed.records:  # a byte no encoding reads is refused, never U+FFFD
            assert "\ufffd" not in record.text
    except ExportError:
        pass


def test_stdin_keeps_no_more_of_a_line_than_the_contract_reads(tmp_path, monkeypatch) -> None:
    from reviewbot.app import cli
    from reviewbot.app.contracts import MAX_LINE_BYTES

    path = tmp_path / "in.jsonl"
    path.write_bytes(b"[" * (MAX_LINE_BYTES + 200_000) + b"\r\n" + b'{"id": 1}\n' + b"tail")
    with open(path, "rb") as stdin:
        monkeypatch.setattr("sys.stdin", stdin)
        lines = [line for batch in cli._stdin_batches() for line in batch]
    assert [len(line) for line in lines] == [MAX_LINE_BYTES + 1, 9, 4]
    out = list(classify_lines([lines], analyzer(), batches=True))
    assert "longer than" in out[0]["error"] and out[1]["id"] == 1 and "error" in out[2]
