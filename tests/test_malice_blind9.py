"""Session 27: blind9 opened. Its four honest rows accused at every look, each with a
paraphrase of the same structure, are never accused at none, 1★ or 3★; the malicious
look-alikes of each structure stay caught."""

from __future__ import annotations

import pytest

from tests.malice_support import STARS, reasons

HONEST = [
    # intent to harm denied (唔係要搞你哋 = 不是要搞你们): b9-h-014
    "我唔係要搞你哋，但係啲魚真係唔新鮮，腥到成個口都係。寫出嚟係想其他人揀清楚。",
    "我不是要整你们，就是想说清楚：回锅肉太咸了，米饭也是夹生的。",
    # knowing where the shop is (it is public): b9-h-060
    "老板，我知道你店开在哪（废话，我去吃过），我也知道你们最近生意不好，但菜难吃不是我造成的。改改吧。",
    "我清楚你们店在哪，走路五分钟，就是因为近才一直点，这次的鱼真不新鲜。",
    # resolve about a report through the platform, no harm: b9-h-109
    "一个月内第三次漏送了，每次都要我打电话催。我已经把三次的订单截图整理好了，下次再漏我直接申请平台封店审查，说到做到。",
    "再少送一次我就找平台客服投诉，说到做到。",
    # the shop's conditional offer retold and turned down: b9-h-301
    "個經理話如果我刪咗個負評就送我兩張$100現金券。多謝，唔使。你哋將啲錢用嚟請多個洗碗阿姐好過。",
    "店长说只要我改了差评就给我退50块，我没答应，菜确实难吃。",
]


@pytest.mark.parametrize("text", HONEST)
def test_blind9s_false_accusations_and_their_paraphrases_are_honest(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("老子知道你店在哪，晚上等着", "threat"),
        ("行，我知道你店在哪，你也知道我是谁，咱们慢慢玩。", "threat"),
        ("菜里有头发，我就要搞死你们，等着。", "threat"),
        ("再漏送一次我就找人砸了你的店，说到做到。", "threat"),
        ("你们送我两张100的券，我就把差评删了，不然天天来写。", "extortion"),
    ],
)
def test_the_malicious_look_alikes_stay_caught(text, reason):
    assert reason in reasons(text, 1)
