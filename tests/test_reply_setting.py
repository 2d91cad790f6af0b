"""Issue 12: a point is answered as what it is where it happened: a waiter's spill is careless
serving, a beany smell is no fishiness, a clause going on about the same dish is one point,
a wait on a delivery platform is a late delivery, and an apology that never came is the
staff's attitude (tests/data/dev/reply_reviews7.jsonl holds the batch these were read on)."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from tests.replies_support import clean_draft


def complaints(analyzer, text: str):
    return analyzer.analyze(ReviewText("s", text, 2)).complaints


@pytest.mark.parametrize(
    "text",
    [
        "服务员上菜把汤洒我衣服上了",
        "服务员上菜的时候把酸菜鱼的汤溅到我裙子上了",
        "小哥端锅的时候手一滑，红油泼了我朋友一身",
        "倒茶的时候把水洒在我手机上，手机差点进水",
    ],
)
def test_a_spill_by_staff_at_the_table_is_careless_serving_not_attitude(analyzer, drafter, text):
    assert "service.serving" in {c.aspect for c in complaints(analyzer, text)}
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="s1", platform="dianping")
    assert "服务态度" not in draft.text and "态度" not in draft.text
    assert "洒" in draft.text
    assert "端汤" in draft.text or "托盘" in draft.text


def test_a_spill_in_the_delivery_bag_stays_a_delivery_spill(analyzer):
    assert {c.aspect for c in complaints(analyzer, "外卖送到汤洒了一袋子")} == {"delivery.spilled"}


@pytest.mark.parametrize(
    "text", ["豆花有一股豆腥味", "凉拌腐竹一股豆腥味，没法吃", "现磨豆浆喝起来有很重的生豆味"]
)
def test_a_beany_smell_of_soy_is_no_fishiness(analyzer, drafter, text):
    read = complaints(analyzer, text)
    assert "food.freshness" not in {c.aspect for c in read}
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="s2")
    assert "去腥" not in draft.text and "腥味的一律" not in draft.text
    assert "豆" in draft.text


def test_mutton_smell_is_answered_as_its_own_handling(analyzer, drafter):
    _, draft = clean_draft(analyzer, drafter, "羊肉汤膻味太重了，喝了两口就放下了", 2)
    assert "膻" in draft.text and "去腥" not in draft.text


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("回锅肉没煸透，有的还是生的", "回锅肉没煸透，有的还是生的"),
        ("土豆丝没炒透，好多都是生的", "土豆丝没炒透，好多都是生的"),
        ("鸡翅没炸熟，里面还带着血丝", "鸡翅没炸熟，里面还带着血丝"),
    ],
)
def test_a_clause_going_on_about_the_same_dish_is_one_point(analyzer, drafter, text, span):
    doneness = [c for c in complaints(analyzer, text) if c.aspect == "food.doneness"]
    assert [c.span for c in doneness] == [span]
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="s3")
    assert draft.text.count("您说") + draft.text.count("您提到") == 1


def test_another_dish_or_another_sentence_stays_its_own_point(analyzer):
    read = complaints(analyzer, "红烧肉没炖烂，咬都咬不动。还有米饭也是硬的")
    assert [(c.aspect, c.target) for c in read] == [
        ("food.doneness", "红烧肉"),
        ("food.doneness", "米饭"),
    ]


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("味道一般，等了一个小时四十分钟，饭都没胃口吃了", "eleme"),
        ("等了一个半小时才到", "meituan"),
        ("菜还可以，足足等了两个多小时", "meituan"),
    ],
)
def test_a_long_wait_on_a_delivery_platform_is_a_late_delivery(analyzer, drafter, text, platform):
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="s4", platform=platform)
    assert "骑手" in draft.text or "送晚" in draft.text or "送到" in draft.text, draft.text
    assert "上菜" not in draft.text and "加派人手" not in draft.text


def test_a_meal_in_the_restaurant_on_meituan_is_still_table_service(analyzer, drafter):
    text = "服务员一直不理人，上菜等了一个多小时"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="s5", platform="meituan")
    assert "骑手" not in draft.text and "送晚" not in draft.text


@pytest.mark.parametrize(
    "text",
    [
        "上错了菜，一句對不起都沒有",
        "菜里咸得要命，一句道歉的话都没有",
        "上菜上错了桌，服务员连声抱歉都不说",
    ],
)
def test_an_apology_that_never_came_is_the_staffs_attitude(analyzer, drafter, text):
    read = complaints(analyzer, text)
    assert "food.variety" not in {c.aspect for c in read}
    assert "service.attitude" in {c.aspect for c in read}
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="s6")
    assert "道歉" in draft.text and "卖完" not in draft.text and "售罄" not in draft.text


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        # a complaint explained away by whoever answered it
        ("饺子里有根塑料绳，老板说那是韭菜的根", "service.attitude"),
        ("鱼有点臭，她说这个鱼本来就是这个味", "service.attitude"),
        ("同經理講，佢話係咁嘅味", "service.attitude"),
        # charged anyway, or twice
        ("菜上错了没吃，结账的时候照样收了钱", "price.billing"),
        ("买一送一的活动，结果付了两份的钱", "price.billing"),
        # the belly named by the toilet
        ("吃完回家一晚上跑了五趟厕所", "hygiene.illness"),
        ("吃完晚上拉了三次肚子", "hygiene.illness"),
        # how food is handled
        ("厨师做菜不戴手套也不戴口罩", "hygiene.kitchen"),
        ("上菜的时候服务员大拇指插进汤里了", "hygiene.kitchen"),
        ("外面马路的喇叭声一阵一阵的", "environment.noise"),
        ("菜单来来回回就那几样", "food.variety"),
        ("筷子又忘记给了", "service.utensils"),
        ("同一碗面，去年18今年涨到了26", "price.expensive"),
        ("地板刚拖过，特别滑", "environment.comfort"),
        ("我要的是番茄鸡蛋面给的是西红柿牛腩面", "service.wrong_item"),
        ("订好的包厢到了说已经给别人了", "service.order_handling"),
        ("桌子上还留着上一桌的骨头", "environment.cleanliness"),
        ("奶茶冰块全化了", "food.temperature"),
        ("小馄饨皮厚馅小", "food.portion"),
        ("店门口就是垃圾站", "environment.location"),
    ],
)
def test_more_words_of_complaints_read_on_a_new_batch(analyzer, text, aspect):
    assert aspect in {c.aspect for c in complaints(analyzer, text)}


def test_a_complaint_explained_away_is_answered_as_the_answer_it_got(analyzer, drafter):
    _, draft = clean_draft(
        analyzer, drafter, "鱼有点咸，她说这个鱼本来就是这个味", 2, review_id="s7"
    )
    assert "解释" in draft.text or "回应" in draft.text
