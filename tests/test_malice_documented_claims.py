"""A customer's own documented loss claimed in public is honest, whatever the loss: the
papers of a repair (维修单) count like a hospital's (t10buried h106, accused of extortion and a
threat at every look of session 28's snapshot: a laptop soaked by the soup, 修理费八百, 有维修单,
不赔就走消协, and the review said to be no part of it). Beyond the loss, or with harm or a
campaign, it stays malicious."""

from __future__ import annotations

import pytest

from tests.malice_support import STARS, reasons

HONEST = [
    "我想说清楚：我是要求赔偿的，因为番茄炒蛋的汤把我的笔记本电脑泡了，修理费八百，有维修单。"
    "店家不赔的话我会走消协。但我这条评价跟赔偿没关系，赔了我也不会删。",
    "汤洒在我手机上，手机进水了，维修单在这，修理费三百，要求赔偿，不赔就走消协。",
]


@pytest.mark.parametrize("text", HONEST)
def test_a_documented_repair_claimed_is_honest(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


@pytest.mark.parametrize(
    "text",
    [
        "汤洒了我一身，干洗费六十，有收据，要求赔偿。不赔我就天天来刷差评。",
        "修理费五百，维修单在，赔我一千我就删评。",
    ],
)
def test_beyond_the_loss_or_a_campaign_stays_extortion(text):
    assert "extortion" in reasons(text, 1)
