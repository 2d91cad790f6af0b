"""Only complaints are answered and quoted (issue: drafts that answer narration): a clause
that tells what the customer did or planned, who came and when, how the visit felt, what
they resolved or what came of a complaint is not quoted back as if it were one; the real
points beside it still are. Analyzer spans of narration are answered by their kind."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import Complaint
from reviewbot.replies.engine import _complaint_words, quote_span
from reviewbot.replies.leftovers import english_point, leftovers, reads_as_complaint
from reviewbot.replies.reading import clean_quote
from tests.replies_support import clean_draft


def made(analyzer, drafter, text: str):
    return clean_draft(analyzer, drafter, text, 1, None, "oc1")


@pytest.mark.parametrize(
    ("text", "not_quoted", "quoted"),
    [
        # when they came, what they ordered, why they came
        ("八月份来的，鱼片有腥味", "八月份来的", "腥"),
        ("午饭点的，米饭是夹生的", "午饭点的", "夹生"),
        ("专程从城东过来吃，牛肉炒得很柴", "专程", "柴"),
        # how they found out
        ("核对了才发现，账单上多算了一道菜，服务员态度也很冷淡", "才发现", "冷淡"),
        # how the visit felt, and what they resolved
        ("汤是凉的，面条也坨了，用餐体验很差", "用餐体验很差", "坨"),
        ("鸡翅中间还是生的，吃了一次就不想来了", "不想来", "生的"),
        # what came of a complaint, with no problem of its own
        ("汤咸得要命，喝了一整瓶水，嗓子都疼", "嗓子", "咸"),
    ],
)
def test_narration_feelings_and_resolve_are_not_quoted(analyzer, drafter, text, not_quoted, quoted):
    _, draft = made(analyzer, drafter, text)
    quotes = "".join(draft.quotes)
    assert not_quoted not in quotes, draft.text
    assert quoted in draft.text, draft.text


def test_a_feeling_alone_is_no_point_of_its_own():
    assert leftovers("今天这顿饭吃得让人无语，真是离谱", []) == []
    assert leftovers("有点失望，用餐体验很差", [], negative=True) == []


def test_an_order_that_turned_out_wrong_is_still_a_point():
    # told like narration, but what came of it is the complaint
    found = leftovers("叫了两杯奶茶结果只送来一杯", [], negative=True)
    assert [c.span for c in found] == ["叫了两杯奶茶结果只送来一杯"]


def test_english_narration_of_what_the_customer_asked_is_no_point():
    assert english_point("Asked to move to another table", negative=True) is None
    assert english_point("We asked for water three times and nobody came", negative=True)


def test_an_analyzer_span_of_narration_is_answered_by_its_kind():
    told = Complaint("food", "food.taste", "叫咗三份套餐")
    assert _complaint_words(told, english=False).span == ""
    praise = Complaint("food", "food.taste", "烤肉倒是还行")
    assert _complaint_words(praise, english=False).span == ""
    english = Complaint("food", "food.temperature", "Ordered a cold brew")
    assert _complaint_words(english, english=True).span == ""


@pytest.mark.parametrize(
    "span",
    [
        "我要的是排骨饭，结果送的是鸡肉饭",  # its first clause names the order
        "点了三杯奶茶只来了两杯",
        "服务员态度也很冲",
        "炒青菜里有一只小青虫",  # a food-safety claim keeps its words
    ],
)
def test_an_analyzer_span_that_reads_as_a_complaint_keeps_its_words(span):
    complaint = Complaint("service", "service.missing_item", span)
    assert _complaint_words(complaint, english=False).span == span
    assert reads_as_complaint(span)


def test_a_span_over_clauses_is_quoted_by_the_clause_of_its_own_problem():
    taste = Complaint("food", "food.taste", "吃到一半的时候，菜太咸了")
    assert quote_span(_complaint_words(taste, english=False).span) == "「菜太咸了」"


@pytest.mark.parametrize(
    ("clause", "quote"),
    [("理由是包厢被别人占了", "「包厢被别人占了」"), ("打开一看汤洒了一半", "「汤洒了一半」")],
)
def test_narration_leading_to_the_problem_is_trimmed_from_the_quote(clause, quote):
    assert clean_quote(clause) == quote


def test_an_order_held_against_another_is_a_complaint():
    # a comparison (比上次的小份还小) is what the told order says
    assert reads_as_complaint("点的中份比上次的小份还小")
    told = Complaint("food", "food.portion", "点的中份比上次的小份还小")
    assert _complaint_words(told, english=False).span == told.span
