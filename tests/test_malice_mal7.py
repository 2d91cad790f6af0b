"""Session 24, mal7: blind7 opened. The false accusation it showed (the shop's offer quoted
word for word, read as the writer's price) and the structures of its missed rows, each with
honest look-alikes never accused at none, 1★ or 3★."""

from __future__ import annotations

from functools import cache

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.v1 import AnalyzerV1

STARS = (None, 1, 3)


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def reasons(text: str, rating: float | None = 1) -> tuple[str, ...]:
    return analyzer().analyze(ReviewText("t", text, rating)).malicious_reasons


@pytest.mark.parametrize(
    "text",
    [
        "老板在电话里问“你说个数吧，要多少才肯删”，我说不是钱的事，菜里有虫子你们先解释。",
        "店长当面说：“给你五百，这条评价删了吧，大家都好做生意。”我当场就走了。",
        "他们的原话是“多少钱能把一星改成五星”，我听了更生气，这条我不会动。",
        "商家打电话说“你要多少钱，开个价，评论删了”。我说你们先把卫生搞好再说吧。",
        "老板发微信：“妹子，免单三次，评价能不能改改？”我只想要一句道歉。",
    ],
)
def test_the_shops_offer_quoted_word_for_word_is_honest(text):
    """A price and the review inside the shop's quotation are the shop's offer (blind7
    b7-h-170: 店家在电话里说"你开个价吧，多少钱能删" was read as the writer's price)."""
    for stars in STARS:
        assert "extortion" not in reasons(text, stars), stars


@pytest.mark.parametrize(
    "text",
    [
        "店家在电话里说“你开个价吧，多少钱能删”，我说三千，少一分都不删。",
        "他们问“多少钱能删”，我说至少八百，少了免谈。",
        "店长问我“怎么样才能把评价改了”，简单，转一千过来，五星奉上。",
    ],
)
def test_the_writers_own_terms_after_the_shops_quote_stay_extortion(text):
    assert "extortion" in reasons(text, 1)
