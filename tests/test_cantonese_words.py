"""Written Cantonese complaint words folded to Mandarin (data/cantonese.toml), quoted in the
customer's own characters."""

from __future__ import annotations

from functools import cache

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.dialect import fold_cantonese
from reviewbot.analysis.normalize import normalize
from reviewbot.analysis.v1 import AnalyzerV1


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def test_a_fold_of_two_characters_into_one_quotes_both():
    """边个 → 谁: the one folded character points at 边; the quote still ends at 个."""
    folded = fold_cantonese(normalize("你係邊個？啲嘢好難食"))
    end = folded.text.index("谁") + 1
    assert folded.span(0, end) == "你係邊個"
    assert folded.span(0, end - 1) == "你係"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("佢係經理", "他是经理"),  # 係 the copula
        ("呢間嘢嘅菜系好正", "呢间东西的菜系好正"),  # not 菜是
        ("我哋聯繫咗經理", "我们联系了经理"),
        ("佢哋嘅關係好差", "他们的关系好差"),
    ],
)
def test_the_copula_is_folded_and_mandarin_words_holding_it_are_not(text, folded):
    """系 is the Cantonese 係 (是) alone, not inside 菜系, 联系, 关系 (session 30)."""
    assert fold_cantonese(normalize(text)).text == folded


@pytest.mark.parametrize(
    ("text", "aspect", "span"),
    [
        ("啲餸好細份，味道仲可以。", "food.portion", "啲餸好細份"),
        ("間舖好嘈，講嘢都聽唔到。", "environment.noise", "間舖好嘈"),
        ("啲枱污糟邋遢。", "environment.cleanliness", "啲枱污糟邋遢"),
        ("有隻曱甴喺牆度行。", "hygiene.pests", "有隻曱甴喺牆度行"),
        ("啲湯瀉晒出嚟，成個袋都係。", "delivery.spilled", "啲湯瀉晒出嚟"),
    ],
)
def test_cantonese_complaint_words_are_read_and_quoted_whole(text, aspect, span):
    found = analyzer().analyze(ReviewText("c", text, 2, "meituan")).complaints
    assert (aspect, span) in [(c.aspect, c.span) for c in found], found
