"""Turning untrusted platform values into clean text, times, ratings and ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviewbot.platforms.base import FollowUp, ReviewRecord
from reviewbot.platforms.http import RetryPolicy, parse_retry_after
from reviewbot.platforms.normalize import (
    MAX_TEXT_CHARS,
    as_id,
    clean_text,
    dig,
    parse_rating,
    parse_time,
    precision_of,
    tidy_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  好吃！\r\n\r\n\r\n\r\n下次还来  ", "好吃！\n\n下次还来"),
        ("<p>难吃</p><br><b>很</b>咸<script>steal()</script>", "难吃\n很咸"),
        ("牛肉 &amp; 土豆 &lt;3", "牛肉 & 土豆 <3"),
        ("零\u200b宽\x00字\u202e符", "零宽字符"),
        # Only real tags are markup: a customer's own angle brackets keep their words.
        ("汤里<A套餐>的肉没有", "汤里<A套餐>的肉没有"),
        ("我点的<b>套餐</b>少了 & 汤里<A套餐>的肉没有", "我点的套餐少了 & 汤里<A套餐>的肉没有"),
        ('<a href="http://x" target=_blank>链接</a>好<BR/>吃<!-- x -->', "链接好\n吃"),
        ("<b 套餐>好，价格<50", "<b 套餐>好，价格<50"),
        (None, ""),
        (12345, "12345"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == (expected, False)


def test_clean_text_bounds_huge_reviews():
    text, truncated = clean_text("好" * (MAX_TEXT_CHARS * 3))
    assert truncated and len(text) == MAX_TEXT_CHARS + 1 and text.endswith("…")


@pytest.mark.parametrize(
    ("raw", "scale", "expected"),
    [
        (5, 5, 5.0),
        ("4", 5, 4.0),
        (45, 50, 4.5),
        (10, 10, 5.0),
        (0, 5, None),
        ("", 5, None),
        (None, 5, None),
        ("great", 5, None),
        (True, 5, None),
        (7, 5, 5.0),
    ],
)
def test_parse_rating(raw, scale, expected):
    assert parse_rating(raw, scale=scale) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20 12:00:00", datetime(2026, 11, 20, 4, 0, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),
        ("20261120", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),
        ("2026-11-20T12:00:00Z", datetime(2026, 11, 20, 12, 0, tzinfo=UTC)),
        ("2026-11-20T12:00:00+08:00", datetime(2026, 11, 20, 4, 0, tzinfo=UTC)),
        (1763640000, datetime(2025, 11, 20, 12, 0, tzinfo=UTC)),
        (1763640000000, datetime(2025, 11, 20, 12, 0, tzinfo=UTC)),
        ("1763640000", datetime(2025, 11, 20, 12, 0, tzinfo=UTC)),
        ("2026/11/20 12:30", datetime(2026, 11, 20, 4, 30, tzinfo=UTC)),  # Excel, zh-CN
        ("2026/1/5 9:05", datetime(2026, 1, 5, 1, 5, tzinfo=UTC)),
        ("2026/11/20", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),
        ("2026年11月20日", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),
        ("2026年11月20日 12:30", datetime(2026, 11, 20, 4, 30, tzinfo=UTC)),
        ("2026.11.20", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),
        ("2026/13/45", None),
        ("昨天", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_time(raw, expected):
    assert parse_time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20", "day"),
        ("2026年11月20日", "day"),
        ("20261120", "day"),
        ("2026/1/5 9:05", "minute"),
        ("2026-11-20 12:30", "minute"),
        ("2026/11/20 12:30:05", "second"),
    ],
)
def test_precision_of(raw, expected):
    assert precision_of(raw) == expected


def test_dig_follows_dotted_paths():
    data = {"a": {"b": [{"c": 1}, {"c": 2}]}}
    assert dig(data, "a.b.1.c") == 2
    assert dig(data, "a.b.-1.c") == 2
    assert dig(data, "a.b.5.c") is None
    assert dig(data, "a.x.y") is None
    assert dig(data, "") is data


def test_ids_stay_exact():
    assert as_id(9007199254740993) == "9007199254740993"
    assert as_id(12.0) == "12" and as_id(1.5) is None
    assert as_id("  ") is None and as_id(None) is None


def test_content_hash_tracks_what_the_customer_said():
    base = ReviewRecord("1", "好吃", 5.0, None, author="甲", reply_text=None)
    assert (
        base.content_hash
        == ReviewRecord("1", "好吃", 5.0, None, author="乙", reply_text="谢谢").content_hash
    )
    assert base.content_hash != ReviewRecord("1", "好吃", 4.0, None).content_hash
    assert (
        base.content_hash
        != ReviewRecord("1", "好吃", 5.0, None, follow_ups=(FollowUp("又来了"),)).content_hash
    )


def test_retry_after_parsing():
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sun, 22 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("garbage") is None and parse_retry_after(None) is None


def test_backoff_is_jittered_exponential_and_capped():
    policy = RetryPolicy(initial=0.5, maximum=4.0)
    assert [policy.backoff(n, rng=lambda: 1.0) for n in (1, 2, 3, 4, 5)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        4.0,
    ]
    assert policy.backoff(3, rng=lambda: 0.0) == 0.0


def test_tidy_text_leaves_plain_text_alone_but_its_spacing():
    typed = "抱歉！下次点<A套餐>&amp;我们会注意咸淡 &  温度\u200b\r\n\r\n\r\n谢谢"
    assert tidy_text(typed) == "抱歉！下次点<A套餐>&amp;我们会注意咸淡 & 温度\n\n谢谢"
