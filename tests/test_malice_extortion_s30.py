"""Session 30 (issue 11, x14): extortion of writers the rules had never seen (w14a–w14c, w13c).

The misses were kinds, not wordings: a benefit beyond the order in words no piece named (a
voucher sent, a family fed, a standing free meal, a discount, 利是 and 转数快, a fee for the
writer's cleaning, "a gift card", "comp our dinner") tied to an act on the review no piece
named (hidden, "handled", the stars raised or open to talk, not posted elsewhere, 闭嘴,
"I'll edit this"); the act named first and its price after a condition (五星可以给，前提是…;
也行; 除非); the rating held pending the shop's conduct beside a wink (先挂着…懂的都懂); stars
priced (4星=80块); money first and the review after; the review's sight offered as what the
shop wants gone; talk kept up or the one review kept up when a benefit is withheld; the
shop's offer called too little and the writer's own price named. Each kind is held here by
paraphrases, not the writers' rows.

The honest look-alikes include the kinds of the three honest rows main accused (one in each
of w14a, w14b, w14c): 下次再试试 (the customer trying the shop again, read as a dare), 不用
私信我 (a private channel declined, read as offered) and 赔了一份新的 (a replacement already
given, read as a demand), and the kinds this change first accused on the opened sets before
they were narrowed (the shop's discount told beside 改三星, a good review written in the past,
a third party's 才改, a price "each" that is not for stars, the shop's "if I edit this").
"""

from __future__ import annotations

import pytest

from tests.malice_support import STARS, analyzer, assert_prefilter_changes_nothing, reasons

EXTORTIONS = [
    # a benefit beyond the order in new words, then the review's act in new words
    "寄两张五十的代金券过来，这条评价我自己会处理",
    "请我和我爸妈吃顿饭，我就把一星改掉",
    "每周送我一杯奶茶，我立马五星",
    "以后给我打个八折，差评即删",
    "送我三张餐券，我就不发到其他平台",
    "赔点钱给我，我就闭嘴",
    "给点表示，星星好商量",
    "Throw in a gift card and I'll edit this review.",
    "Comp our dinner and I'll bump it to five.",
    "给我两张京东卡，差评我马上撤下来",
    "这顿你们买单，我给你们说几句好话",
    "Credit my account with a $20 gift card and I will revise my review.",
    # the act first, its price after a condition
    "差评可以删，前提是给我们打个五折",
    "要我撤评也行，下次来给我免单",
    "这条差评我不会删，除非你们双倍赔我",
    # the rating held pending the shop's conduct, with a wink
    "两星先挂着，看老板后面怎么做，懂的都懂",
    "其实可以给四星的，你懂我意思",
    # stars priced, money first
    "4星=80块，自己看着办",
    "红包先，评价后",
    # the review's sight or the shop's wish as the lever for a benefit
    "不想看到这条差评，就拿点诚意出来",
    "你们想让我删，就给点表示",
    # talk or the one review kept up while a benefit is withheld
    "不退钱，我就一直说下去",
    "不请我喝杯咖啡，这条差评就一直在",
    "要么退款再送两张券，要么这条差评永远挂着",
    # 好说话 is the writer's temper, not the shop speaking (shop_asks); 把这单免了 is asked,
    # not told (told reads 免单了 only)
    "老板，我这人很好说话，发个红包这事就算了",
    "老板把这顿免了，我给你们写篇好的",
    # the shop's offer called too little, the writer's own price
    "追评：店家给了二十，太少了，加到三百我就把这条改好评",
]

HONEST = [
    # the three honest rows main accused, by kind
    "追评：老板后来打电话道歉了，菜钱也退了，下次再试试",
    "钱已经退了，谢谢，不用私信我了，下次做好了我自然会再写好评",
    "赔了一份新的 追评加一星",
    # kinds this change first accused on the opened sets
    "商家打电话道歉，说以后来打九折，态度还行，改三星",
    "上次老板免单了，我写了个好评，这次真的不行",
    "The owner offered a free meal if I edit this. I'm not editing it.",
    "多收了一杯饮料的钱，说了半天收银员才改，脸很臭",
    "Drinks were $15 each and mostly ice.",
    # amends told in the past, offers retold and refused
    "老板送了两张代金券，我就把评价改成三星了",
    "店家说送我一份冰粉让我删评，我没删",
    # the customer's own due, an apology declined
    "我不需要道歉，把餐费退给我，差评我就删",
    # look-alike words without the link
    "这家的好评都是要钱买的吧，差评才是真实的",
    "差评先放着，看老板后续怎么处理",
    "你懂我意思吧，这菜咸到没法吃",
    "不想看到差评就把菜做好",
    "双倍的辣，点了微辣结果辣死",
    "不退款这条差评就一直在",
    "朋友请我们一顿，结果难吃",
    "这条评价我已经撤下了",
    "老板说这顿他们买单，我还是给一星",
]


@pytest.mark.parametrize("text", EXTORTIONS)
def test_a_benefit_for_the_review_is_extortion_whatever_the_words(text):
    assert "extortion" in reasons(text, 1)


@pytest.mark.parametrize("text", HONEST)
def test_honest_look_alikes_are_never_accused(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


def test_the_flag_carries_the_benefit_and_the_act_as_evidence():
    from reviewbot.analysis.base import ReviewText

    result = analyzer().analyze(ReviewText("t", "送我三张餐券，我就不发到其他平台", 1))
    (evidence,) = [e for e in result.malicious_evidence if e.reason == "extortion"]
    assert "券" in evidence.span and "平台" in evidence.span


def test_the_prefilter_lets_every_new_structure_through():
    """Each new combo's cue is listed (both scripts): the same verdicts without the prefilter."""
    traditional = ["寄兩張五十的代金券過來，這條評價我自己會處理", "賠點錢給我，我就閉嘴"]
    assert_prefilter_changes_nothing([*EXTORTIONS, *HONEST, *traditional])
