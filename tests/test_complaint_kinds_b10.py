"""Issue 11: kinds of complaint the lexicons missed on blind10 (opened in session 28), each said
in words any customer uses: mud in river fish, lye in noodles, snacks gone damp, meat tough as
rubber, a narrow aisle, a map that points wrong, a face kept stony, too few staff, a price set
against the quality, cash back promised for a review, a box crushed by the rest, a spill onto
clothes in Cantonese, no child's seat, what was not ordered on the bill, sickness after the
meal. Their negative twins stay quiet."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText


def aspects(analyzer, text: str, platform: str | None = "dianping") -> set[str]:
    return {c.aspect for c in analyzer.analyze(ReviewText("k", text, 2, platform)).complaints}


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("黄辣丁有股土腥味，吃不下去", "food.freshness"),
        ("这次的泥鳅一股土味", "food.freshness"),
        ("担担面的面条一股碱水味", "food.taste"),
        ("毛肚碱放多了，一股碱味", "food.taste"),
        ("送的花生米是潮的，一点都不脆", "food.freshness"),
        ("牛肉韧得像橡皮筋，嚼了半天", "food.doneness"),
        ("店里过道太窄了，上菜都要侧身", "environment.space"),
        ("导航不准，绕到了隔壁小区", "environment.location"),
        ("收银员全程板着脸，问什么都不耐烦", "service.attitude"),
        ("店里人手不够，加个水都要等", "service.attentiveness"),
        ("这个价格这个品质，对不起人均一百", "price.value"),
        ("说好的好评返现呢？", "price.discount"),
        ("奶茶把下面的饭盒压得都变形了", "delivery.spilled"),
        ("个侍应倒茶溅晒落我件衫度", "service.serving"),
        ("带小朋友来，店里没有宝宝椅", "service.utensils"),
        ("结账发现把没点的啤酒也算进去了", "price.billing"),
        ("吃完半夜开始吐，难受了一整晚", "hygiene.illness"),
    ],
)
def test_the_kind_is_read(analyzer, text, aspect):
    assert aspect in aspects(analyzer, text)


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("鱼很新鲜，一点土腥味都没有", "food.freshness"),
        ("宝宝椅、餐具都准备得很齐全", "service.utensils"),
        ("过道很宽敞，不挤", "environment.space"),
    ],
)
def test_its_praise_or_negation_is_no_complaint(analyzer, text, aspect):
    assert aspect not in aspects(analyzer, text)


def test_a_child_seat_lacking_at_the_table_is_answered_at_the_table(analyzer, drafter):
    from tests.replies_support import clean_draft

    text = "带孩子来吃饭，店里没有儿童椅，只能抱着吃。"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="u1", platform="dianping")
    assert "儿童椅" in draft.text
    assert "打包" not in draft.text and "骑手" not in draft.text


def test_a_dish_never_served_at_the_table_is_no_packing_slip(analyzer, drafter):
    from tests.replies_support import clean_draft

    text = "服务员把我们加的菜漏了，到最后都没上，催了也没用。"
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="m1", platform="dianping")
    assert "打包" not in draft.text and "封口" not in draft.text
