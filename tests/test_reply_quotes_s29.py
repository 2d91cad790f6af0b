"""Session 29 (issue 12, rep7): a draft names each complaint in the customer's own words, and
every quote is a whole of its own. One test per kind of quote mistake fixed:

* A word addressing the store (你家, 你们) made a whole complaint clause unfit to quote: it
  is now quoted by its part that carries the complaint (「钵钵鸡第二天上吐下泻」), never
  with the 你, and never in reported words (服务员说你爱吃不吃: there 你 is the customer).
* On the last resorts under a length limit the first English point lost its quote (its
  fewest words had none): each rung is tried first with the quote put before them, and
  while the rest are still named in their words (whole or brief) the first keeps its own.
* Clauses cut inside an aside or at a joining word were quoted as they fell ("the rice)",
  "Since the new management ("): a quote never has an unbalanced bracket, nor opens or ends
  on a word that joins it to what it lost.
"""

from __future__ import annotations

import re

from reviewbot.replies.engine import quote_span
from reviewbot.replies.english import quote_english
from reviewbot.replies.guardrails import ReplyLimits
from tests.test_reply_s29 import SHORT
from tests.test_reply_s29 import drafted as drafted_as


def drafted(text: str, platform: str = "meituan", limits: ReplyLimits = SHORT) -> str:
    return drafted_as(text, "rep7-quotes", platform, limits)


def test_a_clause_addressing_the_store_is_quoted_by_its_complaint() -> None:
    assert quote_span("吃了你家的钵钵鸡第二天上吐下泻") == "「钵钵鸡第二天上吐下泻」"
    assert quote_span("你们放的歌比我们还大声") == "「放的歌比我们还大声」"
    # what hangs on the 你 cut away, and 你 in reported words, are never quoted
    assert quote_span("菜没送到是你们的事") == ""
    assert quote_span("送完了你倒是把活动下了啊") == ""
    assert quote_span("服务员说你爱吃不吃") == ""
    assert quote_span("她说“你自己下来拿”") == ""
    assert quote_span("你们后厨还有人受伤了是吧") == ""  # a jeer, not a point
    text = drafted("点了三个菜等了快一个小时，你们放的歌比我们还大声，聊天都听不见。", "dianping")
    assert "「放的歌比我们还大声」" in text
    assert "你" not in text


def test_the_first_english_point_keeps_its_quote_on_the_last_resort() -> None:
    # its fewest words ("We take this very seriously …") quoted nothing of the customer's
    text = drafted("the broth smelled sour, pretty sure it had gone off")
    assert text.startswith("You wrote \u201cthe broth smelled sour\u201d"), text
    assert "pretty sure" in text  # the rest still named in their words


def test_a_quote_has_no_unbalanced_bracket_nor_a_dangling_joining_word() -> None:
    assert quote_english("the rice)") == ""
    assert quote_english("Since the new management (") == ""
    assert quote_english(") things slipped: the menu got shorter") == (
        "\u201cthings slipped: the menu got shorter\u201d"
    )
    assert quote_english("Half the menu was unavailable (no bobo chicken") == (
        "\u201cHalf the menu was unavailable\u201d"
    )
    assert quote_english("The spicy chicken (la zi ji) was mostly chili") == (
        "\u201cThe spicy chicken (la zi ji) was mostly chili\u201d"
    )
    assert quote_english("plus a 'small order fee' on") == "\u201ca 'small order fee'\u201d"
    assert quote_english("it took another") == ""
    assert quote_english("which put me off") == ""
    text = drafted(
        "Two dishes missing from my order (mapo tofu and the rice). Called the restaurant "
        "twice, nobody picked up. The rest was cold and the bag was soaked in oil."
    )
    for quote in re.findall(r"\u201c([^\u201d]*)\u201d", text):
        assert quote.count("(") == quote.count(")"), text
