"""Issue 12: a meal in the restaurant is read and answered as one (its waits are slow service or
a queue for a table, no late delivery; no rider came; leftovers packed to take home make no
delivery), a price conceded as not dear is no complaint, and the reply names the dish a
complaint is about when the customer named it earlier in the sentence (blind10 reply_reviews
was read for these, in session 28)."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.replies.reading import delivered
from tests.replies_support import clean_draft


def aspects(analyzer, text: str, platform: str | None = "dianping") -> set[str]:
    return {c.aspect for c in analyzer.analyze(ReviewText("d", text, 2, platform)).complaints}


@pytest.mark.parametrize(
    "text",
    [
        "五块钱是不贵，但是味道太差了",
        "虽然不贵，可是分量也太少了",
        "价格也不算贵，就是服务员态度太差",
        "其实没那么贵，就是菜太咸了",
    ],
)
def test_a_price_conceded_as_not_dear_is_no_price_complaint(analyzer, text):
    found = aspects(analyzer, text)
    assert "price.expensive" not in found
    assert found  # the complaint beside it is still read


def test_a_dear_price_is_still_a_complaint(analyzer):
    assert "price.expensive" in aspects(analyzer, "一份回锅肉六十八，太贵了")


def test_waits_in_a_meal_in_the_restaurant_are_slow_service_not_a_late_delivery(analyzer):
    # 打包盒 (leftovers to take home) beside 服务员 and 点菜 makes no delivery
    text = "服务员太少了，我们点菜等了二十分钟，要打包盒又等了十分钟。"
    found = aspects(analyzer, text)
    assert "delivery.late" not in found
    assert "service.waiting" in found


def test_a_dine_in_platform_makes_a_wait_slow_service_whatever_the_words(analyzer):
    text = "等了四十分钟才上齐，打包带走的时候餐盒也没给够"
    assert "delivery.late" not in aspects(analyzer, text, "dianping")


def test_a_delivery_is_still_a_delivery_on_a_dine_in_platform(analyzer):
    assert "delivery.late" in aspects(analyzer, "外卖等了一个半小时才送到", "dianping")


def test_no_rider_is_blamed_for_a_meal_in_the_restaurant(analyzer):
    text = "来店里吃的，现在辣椒比鸡还多，翻半天找不到几块肉"
    assert not any(a.startswith("delivery.") for a in aspects(analyzer, text))


def test_the_reply_reading_tells_a_dish_brought_by_the_waiter_from_a_delivery():
    assert not delivered("服务员送来的时候汤已经凉了", "dianping")
    assert not delivered("进门扫码下单，等了半小时", "meituan")
    assert delivered("送来的时候汤已经凉了", "meituan")
    assert delivered("外卖送来的时候汤已经凉了", "dianping")


def test_the_dish_named_earlier_in_the_sentence_is_named_beside_the_quote(analyzer, drafter):
    text = "以前来吃水煮鱼是一绝，现在辣椒比鱼还多，鱼片也煮得老得咬不动。环境还行。"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="dish1", platform="dianping")
    assert "水煮鱼「" in draft.text


def test_a_dish_the_quote_holds_is_not_named_twice(analyzer, drafter):
    text = "宫保鸡丁太咸了，米饭也是硬的。"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="dish2", platform="dianping")
    assert "宫保鸡丁「宫保鸡丁" not in draft.text
    assert "宫保鸡丁" in draft.text


@pytest.mark.parametrize(
    "text",
    [
        "周六晚上来的，拿了号在门口等了一个多小时，进去以后宫保鸡丁还是甜的。",
        "我们四个人等了五十分钟，后来发现叫号把我们跳过去了，菜倒是还行但宫保鸡丁太甜。",
    ],
)
def test_a_wait_for_a_table_is_answered_as_queueing(analyzer, drafter, text):
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="q1", platform="dianping")
    assert "等位" in draft.text or "排队" in draft.text


def test_a_wait_for_a_dish_in_a_queueing_review_stays_a_wait_for_the_dish(analyzer, drafter):
    text = "拿了号没多久就进去了，可是点的甜点等了半个小时都没上，最后说忘了下单。"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="q2", platform="dianping")
    assert "等位" not in draft.text
    assert "等了半个小时都没上" in draft.text


def test_a_dish_named_in_traditional_characters_is_named_too(analyzer, drafter):
    # the dishes are listed in Simplified; a measure (一碟) names no dish
    text = "水煮魚份量好少，一碟冇幾塊。"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="dish3", platform="dianping")
    assert "水煮魚「" in draft.text


def test_a_courier_named_as_such_makes_a_delivery_on_a_dine_in_platform(analyzer):
    # 外送員 (Taiwan) is a delivery word: its lateness stays the delivery's on Google
    assert "delivery.late" in aspects(analyzer, "外送員遲到了快40分鐘，湯都涼了", "google")
