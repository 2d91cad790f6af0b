"""Extortion and threats whose parts are in different sentences (issue 11, session 24): the
discourse combos of malice.toml (`across`), read over the review, not the sentence; and the
honest look-alikes of each structure, which carry one part without the other or tell it as
done, never accused at their stars, none, 1★ or 3★."""

from __future__ import annotations

from functools import cache

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.v1 import AnalyzerV1


@cache
def analyzer(learned: bool = True) -> AnalyzerV1:
    return AnalyzerV1(learned=learned)


def reasons(text: str, rating: float | None = 1, learned: bool = True) -> tuple[str, ...]:
    return analyzer(learned).analyze(ReviewText("t", text, rating)).malicious_reasons


# Each caught by the patterns alone (learned=False), so the figure is the rules', and the
# evidence spans the sentences it links.
SPLIT_DEMAND = [
    "汤是凉的。补偿五百。钱到了，这条评价我就删掉。",
    "等了两个小时。再补我三百块。做到了我马上改成五星，做不到就一直挂着。",
    "米饭夹生。你们主动找我谈赔偿。谈妥了评价可以改。",
    "麵裡有蟲。賠償的事私下聊。聊好了，這條我就當沒寫過。",
]
STORY = [
    "上回另一家烤肉店也这样，后来赔了我一千五才了事。你们看着办。",
    "去年那家面馆出了事，老板当场就给我转了八百，差评也就没写。你们比他们懂事吧？",
    "之前另一間茶餐廳都係咁，最後賠咗我兩千先了事。你哋睇住辦。",
]
INSINUATION = [
    "我认识的人多，这种事传开了对谁都不好。",
    "我這人脾氣好，但我身邊的人脾氣不一定好。你們自己掂量。",
    "我舅舅就在区市场监管局，要不要我请他来你们后厨坐坐？",
    "你们后厨那些猫腻我都清楚。老板好自为之。",
    # the lever is where the shop and its people are
    "我就住你们店楼上，天天盯着你们。走着瞧。",
    "這個鎮就這麼大，你們給我小心。",
    # written Cantonese, folded to Mandarin first (边个 → 谁, 睇住 → 看着)
    "我識嘅人多，呢啲嘢傳出去對邊個都唔好。",
]
PREPARATION = [
    "录音和截图都存好了，发不发看你们。",
    "投诉单我已经填好了，还没点提交。给你们今晚时间。",
    "律師函已經寫好了，明天中午前沒人聯繫我就寄出去。",
    "视频剪好了，先不发，等你们老板来找我。",
]


@pytest.mark.parametrize("text", SPLIT_DEMAND + STORY, ids=str)
def test_a_demand_whose_parts_are_in_different_sentences_is_extortion(text):
    assert "extortion" in reasons(text, learned=False)
    (evidence,) = [
        e
        for e in analyzer(False).analyze(ReviewText("t", text, 1)).malicious_evidence
        if e.reason == "extortion"
    ]
    assert "。" in evidence.span  # the customer's words, over the sentences linked


@pytest.mark.parametrize("text", INSINUATION + PREPARATION, ids=str)
def test_a_lever_and_a_veiled_warning_or_a_report_made_ready_and_held_is_a_threat(text):
    assert "threat" in reasons(text, learned=False)


# One part without the other, the same words told as done, or the customer's own recourse.
HONEST = [
    # the demand and the review, but the review is reported, not sold
    "菜里有根头发。我要求退款。退款到了我也不会再来了。",
    "退款我收到了，谢谢处理。但是菜确实难吃，评价如实反映。",
    "老板主动赔了两百。钱到了以后我把评价改成了三星，态度还行。",
    "赔偿的事情私下聊过了，老板态度很好，评价我改成四星。",
    "要求退款加赔偿两百，平台介入后处理好了。满意了，评价改成四星。",
    "赔了三百医药费。钱到了，评价我也不改，事实就是事实。",
    # another shop that paid or apologised, no lesson drawn for this one
    "上次那家店也是这样上错菜，后来赔了一份甜品，这家连道歉都没有。",
    "上次在别家吃坏肚子，人家赔了我两百，还道歉了。你们呢？连个电话都没有。",
    "上次那家店赔了我五百医药费，那是人家有担当。你们自己看着办吧，我是不会再来了。",
    "隔壁那家同样的价格量多一倍，你们自己看着办。",
    # a lever without a warning, a warning to the readers
    "朋友在市场监管局工作，说这种情况可以打12315。我已经打了。",
    "我在这片住了二十年，这家店以前挺好的，现在越来越差了。",
    "我朋友在卫生局上班，他说这种情况你们后厨肯定有问题。大家好自为之吧。",
    "这种事传出去对店的口碑影响很大，建议老板重视一下后厨卫生。",
    "我在这片住了十年，这家店以前挺好的，现在这样，对谁都不好，老板再想想吧。",
    "我就住店对面，天天闻到油烟味，物业投诉了好几次，走着瞧吧看管不管。",
    "我每天上班都路过你们店，今天第一次进来，真的很失望。",
    "这条街就这么大，口碑传得很快，老板用心点吧。",
    # evidence kept for the platform, the customer's own recourse
    "截图都留着了，平台客服说会处理，等结果吧。",
    "截图我都留着，就看你们怎么处理了。",
    "就看你们的态度了，如果下次还这样我就不来了。",
    "已经整理好证据发给平台了，你们好好想清楚以后怎么做生意吧。",
    "小票留着呢，没人联系我我就只能找平台了。",
    "照片都留着，给你们一天时间处理退款。",
    "投诉材料准备好了，明天去消协。",
    "投诉单我填好了，已经提交。给你们时间整改，下次再来看。",
    # a sum the platform decided; 不好意思, not 不好; the authority the writer went to
    "赔偿三百是平台判的，不是我要的。钱到了我就把差评撤了，说话算话。",
    "我认识的人多，本来想推荐给同事，现在算了，对谁都不好意思开口。",
    "我住你们店楼上，油烟天天往我家飘，走着瞧，我已经找了物业和环保局。",
    "上次另一間火鍋店都係咁，人哋至少有道歉。你哋連句對唔住都冇。",
    "我朋友喺衛生署做嘢，佢話呢種情況可以投訴，我已經投訴咗。",
]


@pytest.mark.parametrize("text", HONEST, ids=str)
def test_honest_look_alikes_of_each_structure_are_not_accused(text):
    for stars in (1, 2, 3, None):
        assert reasons(text, stars) == (), stars


def test_the_prefilter_lets_every_discourse_combo_through():
    """Each structure's cue is listed (both scripts): the same verdicts without the prefilter."""
    slow = AnalyzerV1(learned=False)
    slow.malice = MaliceRules(slow.lexicon, prefilter=False)
    for text in SPLIT_DEMAND + STORY + INSINUATION + PREPARATION + HONEST:
        fast = analyzer(False).analyze(ReviewText("t", text, 1)).malicious_evidence
        assert fast == slow.analyze(ReviewText("t", text, 1)).malicious_evidence, text
