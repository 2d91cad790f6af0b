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


# -- an amount, the point's word, the guardrails' words: quote the part that names it ------


@pytest.mark.parametrize(
    "clause, quote",
    [
        ("米饭居然单独收费3块一碗", "「米饭居然单独收费」"),
        ("包间最低消费2000", "「包间最低消费」"),
        ("停车场另外收费20块", "「停车场另外收费」"),
        ("茶位费另收每位$8", "「茶位费另收」"),
        ("纸巾湿巾都单独收费每包2元", "「纸巾湿巾都单独收费」"),
    ],
)
def test_an_amount_is_left_out_and_the_charge_before_it_quoted(clause, quote):
    from reviewbot.replies.reading import amount_part

    assert amount_part(clause) == quote
    assert quote_span(clause) == quote


@pytest.mark.parametrize(
    "clause",
    [
        "一碗牛肉面38元",  # the dish before its price names no complaint
        "配送费7块比菜还贵",  # 配送费 alone is too short; what follows the sum is no point
        "打包盒一个收2块",  # 打包盒 alone, after 一个收 is cut: too short
        "儿童餐标价68",
        "自助餐周末每位价格涨到169",  # 涨到 only leads to the sum
        "买单的时候说茶位费每人8块",  # what was said is 茶位费 alone: too short
        "外送費還要60元",  # 外送費 alone once 還要 is cut: the answer names it
        "可餐具费另外又收2块",  # a conjunction and the fee's name
    ],
)
def test_no_part_around_an_amount_that_names_no_charge_is_quoted(clause):
    from reviewbot.replies.reading import amount_part

    assert amount_part(clause) == ""


def test_a_charge_said_with_its_amount_is_named_in_the_customers_words():
    from reviewbot.analysis.v1 import AnalyzerV1
    from tests.replies_support import clean_draft

    text = "米饭居然单独收费3块一碗，菜单上也没写。红烧肉太腻了"
    _, draft = clean_draft(AnalyzerV1(), TemplateDrafter(), text, 2)
    assert "「米饭居然单独收费」" in draft.text
    assert "3块" not in draft.text


def test_the_quote_of_a_span_over_clauses_holds_the_word_its_answer_was_chosen_by():
    import random

    from reviewbot.analysis.base import Complaint
    from reviewbot.replies.answers import sections
    from reviewbot.replies.templates import load_library

    point = Complaint("food", "food.taste", "这道酸菜鱼端上来以后，汤咸得发苦")
    found = sections([point], load_library().answers, quote_span, random.Random(0))
    assert found[0].said == "「汤咸得发苦」"


def test_words_around_what_the_guardrails_hold_are_still_quoted():
    from reviewbot.analysis.v1 import AnalyzerV1
    from tests.replies_support import clean_draft

    # 请客 reads as a treat offered: the quote is cut at jieba's words around it, never
    # inside one (户吃饭…), and passes the guardrails.
    text = "带孩子去吃的，菜都是凉的。请客户吃饭结果被安排在过道上，人来人往"
    _, draft = clean_draft(AnalyzerV1(), TemplateDrafter(), text, 2)
    assert "被安排在过道上" in draft.text
    assert "请客" not in draft.text and "「户" not in draft.text


def test_plain_words_holding_an_unquotable_character_do_not_block_a_quote():
    from reviewbot.replies.leftovers import _quotable
    from reviewbot.replies.reading import clean_quote

    assert clean_quote("装修土得掉渣") == "「装修土得掉渣」"  # 渣 as an idiom, not an insult
    assert clean_quote("馅料有股猪骚味") == "「馅料有股猪骚味」"
    assert _quotable("价钱是照片的价钱", english=False)  # 价钱 names a price, asks no money
    assert not _quotable("还要我们自己付钱", english=False)


def test_a_clause_holding_a_word_of_its_answer_keeps_its_quote():
    import random

    from reviewbot.analysis.base import Complaint
    from reviewbot.replies.answers import sections
    from reviewbot.replies.templates import load_library

    # 脆 and 软 are both words of food.doneness: the first clause (with the dish) stays.
    point = Complaint("food", "food.doneness", "鸡排外皮一点都不脆，软塌塌的")
    found = sections([point], load_library().answers, quote_span, random.Random(0))
    assert found[0].said == "「鸡排外皮一点都不脆」"


def test_a_fee_is_named_by_its_name_rather_than_by_words_around_its_amount():
    from reviewbot.analysis.v1 import AnalyzerV1
    from reviewbot.replies.reading import amount_part
    from tests.replies_support import clean_draft

    assert amount_part("埋单才知道要收$15开瓶费") == ""  # 要收 names no charge of its own
    text = "埋单才知道要收$15开瓶费，事先没人说，鱼也不新鲜"
    _, draft = clean_draft(AnalyzerV1(), TemplateDrafter(), text, 2)
    assert "开瓶费" in draft.text and "「埋单才知道要收」" not in draft.text


def test_no_words_cut_short_by_what_the_guardrails_hold_are_quoted():
    from reviewbot.analysis.v1 import AnalyzerV1
    from tests.replies_support import clean_draft

    # 我们付钱 is held (a reply must not talk of payment): 「端错菜了还要」 says nothing whole.
    text = "端错菜了还要我们付钱，汤也是凉的"
    _, draft = clean_draft(AnalyzerV1(), TemplateDrafter(), text, 2)
    assert "还要」" not in draft.text


def test_no_tail_whose_sense_the_held_words_carried_is_quoted():
    from reviewbot.analysis.v1 import AnalyzerV1
    from tests.replies_support import clean_draft

    # 怪我们 is held (blame): 「没讲清楚」 alone would read as the customer's own failing.
    text = "菜里放了花生，我们点菜时说过过敏的。店员还怪我们没讲清楚"
    _, draft = clean_draft(AnalyzerV1(), TemplateDrafter(), text, 1)
    assert "「没讲清楚」" not in draft.text
