"""Session 26, malx: the suppressors audited (bench/malice_bonus_audit.py) and scoped to the
clauses a demand spans, and demands and threats read by structure rather than by phrase. Each
kind with honest look-alikes never accused at none, 1★ or 3★. The learned reader is off: these
are the rules' own verdicts."""

from __future__ import annotations

from functools import cache

import pytest

from reviewbot.analysis.base import AnalysisContext, ReviewText
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.v1 import AnalyzerV1

STARS = (None, 1, 3)
HOSTILE = {"extortion", "threat"}


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1(learned=False)


def reasons(text: str, rating: float | None = 1) -> tuple[str, ...]:
    return analyzer().analyze(ReviewText("t", text, rating)).malicious_reasons


# (reason, malicious text, honest look-alike)
KINDS = [
    # a refusal or a past tense in an earlier clause is not the tense of the demand
    (
        "extortion",
        "店家死不认账，好啊，消协电话已经在打了，除非一小时内赔钱，我马上撤投诉删评价。",
        "商家已经赔了五百块，我就把差评删了。",
    ),
    # the shop's offer told in an earlier clause, then the writer's own terms
    (
        "extortion",
        "店长说送个果盘补偿，果盘不要，要现金，五百，到账删评。",
        "经理说给我四百让我删评，我没删，菜难吃就是难吃。",
    ),
    # a demand for money and leverage over the review in the next sentence (either order)
    (
        "extortion",
        "想私了就拿出诚意来。照片我先不发群里，等你消息。",
        "老板态度很差，照片我发到群里提醒大家了，这种店别去。",
    ),
    (
        "extortion",
        "Forty one-star reviews so far. $600 and every one of them comes down.",
        "I'm posting this everywhere so nobody else wastes $45 on this.",
    ),
    # a demand beyond the order, then exposure or more reviews in the next sentence
    (
        "extortion",
        "免单再加八百块。你们要是不给，我把后厨视频发到本地新闻。",
        "退款八十块钱到现在没到。我把后厨视频发到本地新闻了，大家注意。",
    ),
    # the sum as a condition refused (不赔我…), the platforms listed before the campaign
    (
        "extortion",
        "不赔我两千，我就大众点评、美团、饿了么、抖音、小红书全平台差评轰炸。",
        "不给退款就算了，我在点评、美团、抖音上都如实写了差评。",
    ),
    # the writer wrecks any part of the shop named after 你
    (
        "threat",
        "再让我等半小时，我就把你那个收银台砸了。",
        "气得我差点把自己的手机砸了，等了一个小时。",
    ),
    # a person of the shop told not to be alone after work
    (
        "threat",
        "那个收银员晚上收工最好别落单。",
        "这条街晚上很黑，女生最好结伴来，吃完早点回家。",
    ),
    # where a person of the shop lives, then known
    (
        "threat",
        "你家就住在菜市场后面那个小区，我知道的。",
        "老板说他家就住在店后面，我知道后觉得挺方便的。",
    ),
    # abuse promised until the shop closes is the writer's own act, not someone's words retold
    (
        "threat",
        "从下周起我天天来你们门口骂，骂到你们关门为止。",
        "老板当着我的面骂我，说要找人收拾我，我已经报警了。",
    ),
    # intent, an act of violence and the shop in either place of the target
    (
        "threat",
        "你们这破店我早晚给砸了。",
        "服务员失手把盘子砸了，吓我一跳，菜倒是不错。",
    ),
    (
        "threat",
        "Called security on me? Hope your insurance covers fire.",
        "Hope you enjoy the dumplings as much as we did, the staff were lovely.",
    ),
    # harm called only the beginning
    (
        "threat",
        "招牌上的红油只是开始，下次你们猜猜是什么。",
        "上菜慢只是开始，后面的菜一道比一道咸。",
    ),
]


@pytest.mark.parametrize(("reason", "bad", "honest"), KINDS)
def test_each_kind_is_read_and_its_look_alike_is_not(reason, bad, honest):
    assert reason in reasons(bad, 1)
    for stars in STARS:
        assert not HOSTILE & set(reasons(honest, stars)), stars


def test_a_praise_reading_does_not_excuse_a_demand():
    """A calm demand with no stars may read as praise to the sentiment model; the words are
    the harm all the same (the audit found the praise gate cost five extortions and kept no
    honest review from a flag)."""
    rules = analyzer().malice
    text = "赞助谈好了就不发，谈不好我就把视频发到所有平台，给500马上删评。"
    found = rules.evidence(text, AnalysisContext(), hurts=False, rating=None, praise=True)
    assert "extortion" in {e.reason for e in found}
    assert not rules.evidence(text, AnalysisContext(), hurts=False, rating=5, praise=True)


def test_a_hit_lists_the_bonus_pieces_it_took():
    """What the audit reads: each negative piece and what it took from the score."""
    rules = analyzer().malice
    folded = rules.fold("商家已经赔了五百块，我就把差评删了。").text
    hits = [h for h in rules.text_hits(folded) if h.reason == "extortion"]
    assert hits and all(any(v < 0 for _, v in h.bonus) for h in hits)


def test_the_prefilter_lets_every_structure_through():
    slow = AnalyzerV1(learned=False)
    slow.malice = MaliceRules(slow.lexicon, prefilter=False)
    for _reason, bad, honest in KINDS:
        for text in (bad, honest):
            fast_reasons = reasons(text, 1)
            assert fast_reasons == slow.analyze(ReviewText("t", text, 1)).malicious_reasons
