"""Each point named in the customer's own words: the thing and its problem, trimmed to the
clause of the problem but never cut before its object (session 27, branch rep4)."""

from __future__ import annotations

import pytest

from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.replies.engine import TemplateDrafter, quote_span
from reviewbot.replies.english import quote_english
from reviewbot.replies.templates import load_library
from reviewbot.resources import default_templates_dir
from tests.replies_support import clean_draft


@pytest.fixture(scope="module")
def analyzer():
    return AnalyzerV1()


@pytest.fixture(scope="module")
def drafter():
    return TemplateDrafter()


# -- English: an amount is never quoted, nor a subject and its verb cut from their point --


@pytest.mark.parametrize(
    "span, quote",
    [
        # two words before the amount are a subject and its verb, not the point
        ("We sat for 15 minutes before anyone brought menus", ""),
        ("Food gets 4 stars", ""),
        ("took us 20 minutes to find it", ""),
        # what follows the amount names it instead
        ('Bill had a 10 yuan "tea fee" nobody mentioned', '\u201c"tea fee" nobody mentioned\u201d'),
        ("Promo code said 20% off but it wasn't applied", "\u201cit wasn't applied\u201d"),
        # three words or more before it still say the point
        ("Our waiter vanished for 40 minutes after the mains", "\u201cOur waiter vanished\u201d"),
    ],
)
def test_an_english_amount_leaves_no_stub_quoted(span, quote):
    assert quote_english(span) == quote


def test_an_english_draft_quotes_no_subject_and_verb_alone(analyzer, drafter):
    text = "We sat for 15 minutes before anyone brought menus. The soup was lukewarm."
    _, draft = clean_draft(analyzer, drafter, text, 2)
    assert "\u201cWe sat\u201d" not in draft.text


# -- the store itself is no third party: the customer's words about it are quoted --------


@pytest.mark.parametrize(
    "clause, quote",
    [
        ("联系商家半天不回", "「联系商家半天不回」"),
        ("老板在店里杀鱼", "「老板在店里杀鱼」"),
        ("申请退款商家还拒绝", "「商家还拒绝」"),  # 退款 is still cut out
    ],
)
def test_words_about_the_store_itself_are_quoted(clause, quote):
    assert quote_span(clause) == quote


def test_a_complaint_about_the_store_is_quoted_and_owned(analyzer, drafter):
    _, draft = clean_draft(analyzer, drafter, "送错了，联系商家半天不回", 2)
    assert "「联系商家半天不回」" in draft.text


@pytest.mark.parametrize("clause", ["骑手说不关他的事", "平台客服也不管"])
def test_others_are_still_not_quoted(clause):
    assert quote_span(clause) == ""


# -- a clause too long to quote: its problem with its object, after what leads to it -----


@pytest.mark.parametrize(
    "clause, quote",
    [
        ("但是坐下以后点单叫了三次服务员都没人理", "「点单叫了三次服务员都没人理」"),
        ("热干面送来芝麻酱全干在底下了拌不开", "「芝麻酱全干在底下了拌不开」"),
        ("我们桌点的毛血旺上了四十分钟都没上", "「毛血旺上了四十分钟都没上」"),
        ("最氣的是外送員送錯樓層放在別人家門口", "「外送員送錯樓層放在別人家門口」"),
        # a question cut out first, then the tail of what is left
        ("为什么担担面的面和料是分开装的但是没给我调料包", "「没给我调料包」"),
    ],
)
def test_a_long_clause_is_quoted_by_its_problem_and_object(clause, quote):
    assert quote_span(clause) == quote


@pytest.mark.parametrize(
    "clause",
    [
        "你们家服务员上菜的时候把汤洒了我一身",  # 你 is not cut around
        # what the tail holds must be the customer's words as written
        "等了一个多小时以后才发现根本没有下单",
    ],
)
def test_a_long_clause_unfit_for_its_words_is_not_cut_around(clause):
    quote = quote_span(clause)
    assert "你" not in quote
    assert quote == "" or quote.strip("「」") in clause


def test_a_long_clause_is_quoted_in_the_draft(analyzer, drafter):
    text = "排了四十分钟才有位子，但是坐下以后点单叫了三次服务员都没人理"
    _, draft = clean_draft(analyzer, drafter, text, 2)
    assert "叫了三次服务员都没人理" in draft.text


# -- a late delivery is named as customers name it --------------------------------------


def test_a_late_delivery_is_acknowledged_as_delivery_running_late():
    answer = load_library(default_templates_dir()).answers["delivery.late"]
    assert all("送餐" in ack for ack in answer.ack)


def test_a_tail_never_opens_with_another_lead():
    # 端上來 and 的時候 both lead to the problem: the tail after the last one is quoted
    assert quote_span("服務生端上來的時候大拇指直接伸進湯裡") == "「大拇指直接伸進湯裡」"


@pytest.mark.parametrize(
    "clause", ["拍了照片找商家", "打电话给商家说送了", "拍照发给商家", "跟老板说了", "很想问问老板"]
)
def test_reaching_the_store_is_narration_not_a_point(clause):
    # the store's name is quotable now; telling that one reached it is still no complaint
    from reviewbot.replies.leftovers import reads_as_complaint

    assert not reads_as_complaint(clause)
    assert reads_as_complaint("联系商家半天不回")


def test_english_words_that_negate_are_quoted_however_short():
    assert quote_english("no reply after 3 days") == "\u201cno reply\u201d"


def test_an_english_point_is_named_by_its_kind_beside_its_words():
    # "You wrote “…”: that is on us." named nothing: a quoted ack names its problem (a
    # missing item, whose words name it, keeps the shortest: a 300-character reply keeps
    # the customer's words, test_reply_language)
    library = load_library(default_templates_dir())
    assert library.english is not None
    unnamed = [
        aspect
        for aspect, answer in library.english.answers.items()
        if any(ack.endswith("{span}: that is on us.") for ack in answer.ack)
    ]
    assert unnamed == ["service.missing_item"]


@pytest.mark.parametrize(
    "clause, quote",
    [("叉燒仲要肥到死", "「叉燒仲要肥到死」"), ("湯又鹹到死", "「湯又鹹到死」")],
)
def test_to_death_as_a_measure_is_plain_words(clause, quote):
    # X到死 says how much (咸死 always was quotable); 死 alone still is not
    assert quote_span(clause) == quote
    assert quote_span("服务员说让我去死吧") == ""


def test_a_lead_is_cut_only_where_a_word_ends():
    # 時 alone is a time (端菜時|把…); in 時間 it is no lead
    assert quote_span("可惜服務生端菜時把回鍋肉的醬汁滴在我朋友的包包上") == (
        "「把回鍋肉的醬汁滴在我朋友的包包上」"
    )
    assert quote_span("排队的时间太长了而且里面的位置也特别挤") == ""


def test_an_english_point_is_quoted_before_by_the_time():
    quote = quote_english("The dan dan noodles were cold by the time they reached our table")
    assert quote == "\u201cThe dan dan noodles were cold\u201d"


def test_a_span_holding_two_points_is_quoted_once_for_each(analyzer, drafter):
    # the analyzer read both points in one span: the second is quoted by what follows the
    # words quoted for the first, not named by its kind alone
    from reviewbot.replies.answers import rest_after

    span = "and goes cold quickly because the tables are so cramped you can't fit the plates"
    assert rest_after(span, "\u201cgoes cold quickly\u201d") == (
        "the tables are so cramped you can't fit the plates"
    )
    assert rest_after("糖醋汁太酸，地三鲜油汪汪的", "「糖醋汁太酸」") == "地三鲜油汪汪的"
    assert rest_after("又贵又难吃", "「又贵又难吃」") == ""
    text = (
        "Food is good but everything arrives at once and goes cold quickly because the tables "
        "are so cramped you can't fit the plates."
    )
    _, draft = clean_draft(analyzer, drafter, text, 2)
    assert "\u201cthe tables are so cramped" in draft.text


def test_what_follows_is_quoted_only_when_it_says_a_point_of_that_kind(analyzer, drafter):
    # 不会再点第二次 follows 三个缺点全占了 but says nothing of the price
    _, draft = clean_draft(analyzer, drafter, "难吃 贵 慢 三个缺点全占了 不会再点第二次", 1)
    assert "「不会再点第二次」" not in draft.text
