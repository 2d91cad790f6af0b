"""A clause unfit to quote whole for a question or talk of money back is quoted by its
part that names the point (reading.quote_part), so the reply names it in the customer's
words."""

from __future__ import annotations

import pytest

from reviewbot.replies.engine import TemplateDrafter, quote_span
from reviewbot.replies.reading import quote_part


@pytest.mark.parametrize(
    "clause, quote",
    [
        ("为什么不给送醋", "「不给送醋」"),
        ("我就想知道新客立减怎么没减", "「我就想知道新客立减」"),
        ("退款为什么要三天才处理", "「要三天才处理」"),
    ],
)
def test_a_question_or_money_word_is_cut_out_and_the_rest_quoted(clause, quote):
    assert quote_part(clause) == quote
    assert quote_span(clause) == quote


@pytest.mark.parametrize(
    "clause",
    [
        "经理来了说免单这道菜",  # 经理来了说 opens reported words: no point of its own
        "你们家的猪肉怎么这么咸",  # 你 is not cut around
        "怎么回事",  # nothing left
    ],
)
def test_no_fragment_is_quoted(clause):
    assert quote_part(clause) == ""


def test_a_question_complaint_is_named_in_the_customers_words():
    from reviewbot.analysis.v1 import AnalyzerV1
    from tests.replies_support import clean_draft

    _, draft = clean_draft(AnalyzerV1(), TemplateDrafter(), "饺子煮得稀烂，为什么不给送醋", 1)
    assert "不给送醋" in draft.text
