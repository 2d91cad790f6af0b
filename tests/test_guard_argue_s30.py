"""Argue on staff edits, by the stance a sentence takes toward the customer's account
(issue 12, helper grda, session 30: the `a30_` families of guardrails.toml).

Each kind of arguing is a few wordings of our own (none is a row of a dev set), and beside
it the innocent wording closest to it: a polite correction of a fact, a cause the store
owns, a question about the customer's health or about what went wrong."""

from __future__ import annotations

import pytest

from tests.replies_support import staff_edit_codes

ARGUE = [
    # sarcasm: mock awe, mock learning, a mock farewell, the dish renamed
    "您这舌头可真是了得，我们甘拜下风。",
    "原来川菜还能这么做，我们真是学到了。",
    "行，那我们就不耽误您找更好的馆子了。",
    "好的，慢走不送。",
    "不爱吃就别点呗，我们也不差您这一单。",
    "不放花椒的话，那就只能叫炒白菜了。",
    "They were thrilled to hear it, from someone who asked for ketchup with mapo tofu.",
    # rhetorical questions and tags
    "太贵？隔壁那家比我们贵一倍呢。",
    "一碗面配两个小菜，您还要怎么样？",
    "您宁可信外卖员也不信我们？",
    "嫌吵的话自己打包回家吃不就行了。",
    "夜宵时段人多声音大，您说是吧。",
    "您吃过成都本地的担担面吗？",
    # the customer made the one who erred or misjudged
    "每盒都是十二个，您再数一遍，数错了吧？",
    "您当时站得远，看错了也正常。",
    "可能您那天心里着急，感觉时间特别长。",
    "主要还是您对川菜不太熟悉。",
    # lecturing: understand us, study first, go elsewhere, the dish must be so
    "厨师也是人，忙起来难免慢一点，您多体谅。",
    "作为顾客，您也该尊重店里的规矩。",
    "点之前先研究一下冒菜再下单。",
    "想安安静静吃饭的话，可以去隔壁的西餐厅。",
    "水煮肉片就是要油多才香。",
    "开瓶费哪家都这样收，不是我们独创的。",
    # waved away, the account denied, motives imputed
    "菜咸不咸，不过是您的看法。",
    "一条差评不具有代表性，好评才是大多数人的感受。",
    "说我们缺斤少两，这个说法我们不太同意。",
    "我们的厨房流程严格，这种低级错误不会犯。",
    "什么话都说得出口，无非是想要个免单。",
    "不是店员说的那个价，菜单上的才算数，不是您说的那样。",
    # more stances: misunderstood, too fussy, told not to come back, a "but we"
    "您可能搞混了，那天是别的店送的。",
    "一根葱花，您也太较真了。",
    "那您下次就不用来了。",
    "您觉得贵，可我们的用料实在。",
    "Who orders mapo tofu and expects it mild?",
    "Actually, our dumplings are wrapped by hand every morning.",
    "It's a hotpot place. Of course it's oily.",
    "The broth tastes the same as always, so please keep that in mind.",
]

INNOCENT = [
    # a polite correction of a fact, with the experience owned
    "我们的红油是店里每天自己熬的，不过您吃着有哈喇味，我们会把这一锅倒掉重熬。",
    "酸菜是店里自己腌的，不加防腐剂；您尝到的怪味我们正在查坛子。",
    "食品经营许可证就挂在收银台旁边，欢迎来看，也谢谢您提醒我们把证照放得更显眼。",
    # the store's own standard it fell short of, a dish explained and a change
    "夫妻肺片应该切得薄一点才入味，这次师傅切厚了，已经重新交代了刀工。",
    "回锅肉本来就带点肥，不过这次肥的太多了，抱歉，已经跟师傅交代换瘦一点的肉。",
    "每家店都有自己的做法，我们会参考您的意见把辣度调得更合适。",
    # questions about the customer, and about what went wrong
    "吃完还难受吗？请一定先去看医生。",
    "抱歉没让您吃好，能告诉我们是哪道菜吗？",
    "您愿意的话，方便说说当时的情况吗？",
    "难道要等差评出来我们才重视？不会，今天就改。",
    # particles after care or a welcome
    "汤洒到手上，没烫着吧？我们已经换了带扣的汤碗。",
    "下次来尝尝我们新调的微辣吧。",
    # the store letting the customer down, named as its own
    "让您看错了菜单上的价格，是我们价目牌没换，已经重新印了。",
    "我们不会说这是您的口味问题，味道没做好就是没做好。",
    "That wasn't fair to you, and we've put the old portion back.",
    "让您误会了，是菜单写得不清楚，我们已经改了。",
    "您说的话虽然重，但我们理解您的心情，已经在查那天的出餐。",
    "我们的凉菜都是当天做的，不是您说的隔夜菜，不过这次调味偏咸，我们会改。",
    "Could you let us know which dish it was? We want to fix it.",
    "The kitchen actually ran late that night, sorry; we've added a cook.",
]


@pytest.mark.parametrize("text", ARGUE)
def test_argue_refused(text: str) -> None:
    assert "argue" in staff_edit_codes(text)


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_passes(text: str) -> None:
    assert staff_edit_codes(text) == set()
