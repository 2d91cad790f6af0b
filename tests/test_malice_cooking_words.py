"""Words of the kitchen that are also words of a threat: 泼油 is how Sichuan cooks finish a
dish with hot oil (油泼面, 泼油那一下), not paint thrown at a shop. A praise review that said
so was flagged a threat when it came without stars (blind/dinein_blind d136, session 28)."""

from __future__ import annotations

import pytest

from tests.malice_support import STARS, reasons

HONEST = [
    "水煮鱼一如既往地好吃，花椒辣椒泼油那一下香得整个店都是，强推。",
    "油泼面很香，师傅现场泼油，滋啦一声，好吃。",
    "最后泼一勺热油，辣子鸡香得不行，下次还来。",
]


@pytest.mark.parametrize("text", HONEST)
def test_hot_oil_in_cooking_is_no_threat(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


@pytest.mark.parametrize(
    "text",
    [
        "今晚就去你店门口泼油漆",
        "不赔偿我就往你们店门上泼油漆",
        "再这样我找人去你们店门口泼油，说到做到",
    ],
)
def test_paint_or_oil_thrown_at_the_shop_stays_a_threat(text):
    assert "threat" in reasons(text, 1)
