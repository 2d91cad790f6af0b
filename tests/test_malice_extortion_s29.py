"""Session 29 (issue 11): extortion on writers the rules had never seen (w13a, w13b).

The misses were kinds, not wordings: a benefit beyond the order (a voucher, a discount card,
a meal on the house, a red packet spelt hb or 利是, a fee on top of the refund) tied to an
act on the review (deleted spelt sc or 山评, the stars raised, the long review not posted) in
either order; the review's fate put on the table beside a veiled price (懂的都懂, 看诚意,
私聊, review negotiable); a reach claimed beside it (粉丝几万, 80k followers); haggling told
in follow-ups; and both branches spelt out (给了就删，不给就一直挂着). Each kind is held here
by paraphrases, not the writers' rows. The honest look-alikes include the kinds of the three
w13b rows main accused: the shop's bribe retold with the writer keeping the review (in
Chinese and in English), and a platform's 大额红包 the customer was given (read as spam).
"""

from __future__ import annotations

import pytest

from tests.malice_support import STARS, analyzer, assert_prefilter_changes_nothing, reasons

EXTORTIONS = [
    # a benefit beyond the order, then the review's change
    "再送我两张饮品券，这条我就改成四星",
    "hb到了我马上sc，说到做到",
    "封个利是嚟，我即刻改五粒星",
    "饭钱退了再送两张代金券，我就把评论改成好评",
    "Send me a voucher and I'll edit this to something nicer.",
    "Give me free drinks for a month and I'll stop posting.",
    # the review's change, then its price
    "这条差评我可以撤回，条件是下次请我们全家吃一顿",
    "山评可以，wx转我88就行",
    "要删评？可以，餐费退了再补个营养费",
    "Happy to remove this review if the owner throws in a free dinner for two.",
    # the review's fate beside a veiled price
    "想让我改评价？懂的都懂",
    "这条评价可以商量，私聊",
    "Review is negotiable. DM me.",
    "这一星值多少钱，你们心里有数",
    "诚意到了，这条差评可以消失",
    "数字你们开，满意了我马上删评",
    # a reach claimed
    "我是美食博主，粉丝五万，今天这顿就当你们请了吧",
    "本人探店博主，粉丝八万，你们知道怎么做",
    # haggling in follow-ups
    "追评：那我降一点，两百就行，再不联系我就涨价",
    "更新：说好的300变成了100，那差评恢复",
    "Update: still no payment. Review stays.",
    "钱收到了一半，我先改成三星，剩下的到账再改五星",
    # both branches
    "给了我们仨都删差评，不给仨都写",
    "唔送就留喺度，送張代用券就當冇事",
    "再送三张饮品券，办不到我就每个平台写一遍",
    # the benefit as the only way the review changes
    "不补偿两份套餐，这评价我是不会改的",
    "商家如果愿意补我两份凉菜，我就加两星",
    "五百块，一切好说",
]

HONEST = [
    # the shop's bribe told, the writer keeping the review (w13b's false accusations' kinds)
    "经理叫我删差评，说送两张代金券给我，我没删。",
    "最離譜係經理叫我改評價，話送張現金券俾我，我冇改。",
    "The manager messaged offering a free meal if I deleted my review. I'm leaving it up.",
    "The owner called asking me to take this down and offered a voucher. Not interested.",
    "店家托人来电，说愿送代金券换我删评，我婉拒了。",
    # a platform's red packet the customer was given or used (no advertising)
    "饿了么给了我一个大额红包我才下的单，味道一般",
    # amends already made, told
    "后来老板补送了一份，还挺有诚意，改成四星",
    "商家送了两张券，我把评价改成三星了",
    # the customer's own due as the condition (a refund, not a benefit)
    "把餐费退给我，我就删差评，不退就一直挂着",
    "不退款这评价我是不会改的",
    "不给个说法，这条差评我是不会删的",
    # look-alike words
    "想让我改评价？先把卫生搞好再说",
    "本来想给好评的，结果送的饮料洒了一半",
    "分量只有一半，38块钱就这？",
    "简直像别人吃剩下的给我送来的，还要二十几块钱",
    "这顿就当交学费了，人均80",
    "看了美食博主推荐来的，粉丝好几万的博主，结果很一般",
    "有问题可以私聊我，我把照片发给你们看",
    "好评返现的红包一直没到账，套路",
]


@pytest.mark.parametrize("text", EXTORTIONS)
def test_a_benefit_for_the_review_is_extortion_whatever_the_words(text):
    assert "extortion" in reasons(text, 1)


def test_the_flag_carries_the_demand_and_the_review_action_as_evidence():
    from reviewbot.analysis.base import ReviewText

    result = analyzer().analyze(ReviewText("t", "再送我两张饮品券，这条我就改成四星", 1))
    (evidence,) = [e for e in result.malicious_evidence if e.reason == "extortion"]
    assert "券" in evidence.span and "改" in evidence.span
    assert evidence.facts


@pytest.mark.parametrize("text", HONEST)
def test_honest_look_alikes_are_never_accused(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


def test_the_prefilter_lets_every_new_structure_through():
    """Each new combo's cue is listed (both scripts): the same verdicts without the prefilter."""
    traditional = ["封個利是嚟，我即刻改五粒星", "轉咗我就刪評，唔轉就一直掛住"]
    assert_prefilter_changes_nothing([*EXTORTIONS, *HONEST, *traditional])
