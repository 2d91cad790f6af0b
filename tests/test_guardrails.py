"""Every guardrail blocks the reply that breaks it and tells staff why, in Chinese; the same
check runs on the engine's drafts and on staff edits."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.platforms.base import Capabilities
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import ReplyLimits, check_reply
from tests.replies_support import STORE, analysis

ORDINARY = analysis(("food", "negative"))
CRISIS = analysis(("hygiene", "negative"), severity="critical")
REVIEW = ReviewText("g1", "水煮鱼太咸了，等了两个小时才送到", 2)
HAIR = ReviewText("g2", "水煮鱼里有一根头发", 1)
OK_OPENING = "您好，水煮鱼太咸是我们的问题，真诚地向您道歉。"


def codes(text: str, *, review=REVIEW, result=ORDINARY, store=STORE, **kwargs) -> list[str]:
    found = check_reply(text, review=review, analysis=result, store=store, **kwargs)
    for violation in found:
        assert re.search(r"[\u4e00-\u9fff]", violation.message_zh)  # staff read Chinese
        assert violation.found in violation.message_zh
    return [v.code for v in found]


def test_a_plain_humble_reply_passes():
    assert codes(f"{OK_OPENING}方便的话请通过{STORE.contact}联系店长。\n{STORE.signature}") == []


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        # nothing invented
        ("invented_dish", "下次来尝尝我们的红烧肉。"),
        ("invented_fact", "本店已经开了20年。"),
        ("invented_fact", "我们会在三天内给您回复。"),
        ("invented_fact", "明天店长会给您回电。"),
        ("invented_fact", "这道菜只要十五元。"),
        ("invented_proof", "本店有卫生评级 A级 证书。"),
        # no unauthorised compensation
        ("remedy", "下次来给您免单。"),
        ("remedy", "我们给您全额退款。"),
        ("remedy", "送您一张优惠券。"),
        # never ask or reward a change of the review
        ("review_change", "麻烦您把差评删除。"),
        ("review_change", "改成好评送您一份甜品。"),
        ("review_change", "方便的话帮我们修改一下评价。"),
        ("review_change", "好评返现五元。"),
        # no customer private data
        ("private_data", "我们会打您的电话 138 1234 5678。"),
        ("private_data", "您的地址朝阳路88号我们记下了。"),
        ("private_data", "订单号 DM20261122 我们查到了。"),
        ("private_data", "张先生，实在抱歉。"),
        # no blame-shifting or arguing
        ("blame", "这是骑手的问题，不是我们的。"),
        ("blame", "是您自己没有备注。"),
        ("blame", "这种事不可能发生。"),
        ("blame", "请不要恶意差评。"),
    ],
)
def test_a_reply_breaking_a_guardrail_is_blocked_with_the_reason(code, sentence):
    assert code in codes(OK_OPENING + sentence)


def test_an_unverified_food_safety_claim_is_neither_admitted_nor_denied():
    checking = "您好，您反映水煮鱼里有头发，我们非常重视，正在核查。"
    assert codes(checking, review=HAIR, result=CRISIS) == []
    assert "crisis_admission" in codes(
        checking + "确实是我们后厨的头发。", review=HAIR, result=CRISIS
    )
    assert "crisis_admission" in codes(checking + "责任在我们。", review=HAIR, result=CRISIS)
    assert "crisis_denial" in codes(
        checking + "我们后厨绝对不会有头发。", review=HAIR, result=CRISIS
    )
    assert "crisis_denial" in codes(checking + "我们的食材一向新鲜。", review=HAIR, result=CRISIS)
    # A condition is not an admission, and ordinary complaints may be shouldered plainly.
    conditional = checking + "如果核查确认是我们的问题，我们一定负责到底。"
    assert codes(conditional, review=HAIR, result=CRISIS) == []
    assert codes("您好，送餐太慢，责任在我们。", result=ORDINARY) == []


def test_the_platform_length_limit_and_the_one_reply_rule():
    google = Capabilities(can_reply=True, reply_max_chars=350)
    assert "too_long" in codes(OK_OPENING + "好" * 340, platform_limits=google)
    assert "too_long" not in codes(OK_OPENING + "好" * 300, platform_limits=google)
    assert "too_long" in codes(OK_OPENING + "好" * 500)  # the default limit is 500
    assert "already_replied" in codes(OK_OPENING, replies_posted=1)
    assert "already_replied" not in codes(
        OK_OPENING, replies_posted=1, platform_limits=ReplyLimits(max_replies=2)
    )
    assert codes("   ") == ["empty"]


def test_the_stores_own_facts_may_be_stated():
    proofs = "、".join(STORE.proofs)
    facts = f"{OK_OPENING}营业时间{STORE.hours}，电话{STORE.contact}。本店资质：{proofs}。"
    assert codes(facts) == []
    assert "invented_proof" in codes(facts, store=replace(STORE, proofs=()))
    assert "invented_fact" in codes(facts, store=replace(STORE, contact="平台私信"))


def test_an_authorised_remedy_is_allowed_and_nothing_beyond_it():
    store = replace(STORE, remedy="这一单我们可以为您重做或退款")
    assert codes(OK_OPENING + store.remedy + "。", store=store) == []
    assert "remedy" in codes(OK_OPENING + "再送您一张优惠券。", store=store)


def test_a_dish_the_customer_named_is_not_invented():
    review = ReviewText("g3", "宫保鸡丁太难吃", 1)
    off_menu = StoreProfile(name="小馆", menu=("水煮鱼",))
    assert codes("宫保鸡丁的做法我们会重新调整。", review=review, store=off_menu) == []
    assert "invented_dish" in codes("鱼香肉丝的做法我们会重新调整。", review=review, store=off_menu)


def test_the_customers_words_may_be_quoted_but_never_their_private_data():
    assert codes(f"{OK_OPENING}您说「等了两个小时才送到」，我们很抱歉。") == []
    review = ReviewText("g4", "打我电话13812345678，送到朝阳路88号", 1)
    assert "private_data" in codes("您说「打我电话13812345678」，我们会联系您。", review=review)


def test_one_offending_phrase_is_reported_once():
    assert codes(OK_OPENING + "这是骑手的问题。") == ["blame"]


def test_a_staff_edit_is_checked_like_a_draft():
    review = ReviewText("g5", "送餐太慢了，等了一个多小时", 1)
    result = analysis(("delivery", "negative"))
    made = TemplateDrafter().draft(review, result, STORE)
    assert check_reply(made.text, review=review, analysis=result, store=STORE) == []
    edited = made.text.replace("。", "。其实是骑手的问题，下次给您免单。", 1)
    blocked = check_reply(edited, review=review, analysis=result, store=STORE)
    assert {v.code for v in blocked} == {"blame", "remedy"}
