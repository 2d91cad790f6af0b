"""Complaints the analyzer mapped to no aspect are still answered (leftovers.py): the
customer's own words quoted with the category's step, a generic but true step when the
category cannot be told; praise, what a complaint led to, and words unfit to quote are not
answered as points of their own. Simplified, Traditional and English alike."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.complaints import load_taxonomy
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.replies.english import quote_english
from reviewbot.replies.guardrails import ReplyLimits
from reviewbot.replies.leftovers import (
    chinese_category,
    chinese_point,
    english_category,
    english_point,
    leftovers,
)
from reviewbot.replies.script import script_variant, to_traditional
from reviewbot.replies.templates import load_library
from reviewbot.resources import default_templates_dir
from tests.replies_support import clean_draft


def made(analyzer, drafter, text: str, limits: ReplyLimits | None = None):
    return clean_draft(analyzer, drafter, text, 1, limits, "l1")


def steps(category: str, english: bool = False) -> tuple[str, ...]:
    library = load_library(default_templates_dir())
    answers = library.english.answers if english and library.english else library.answers
    return answers[f"unmapped.{category}"].step


def salty_steps() -> tuple[str, ...]:
    """The steps for a salty dish: what a missed 菜是咸的 is answered with, as its aspect."""
    answers = load_library(default_templates_dir()).answers
    return answers["food.taste"].when["咸"][1]


def test_a_clause_the_analyzer_missed_is_quoted_with_its_aspects_step(drafter):
    # the rules alone miss 菜是咸的 (the learned aspect reader finds it: food.taste)
    rules = AnalyzerV1(learned_aspects=False)
    result, draft = made(rules, drafter, "送得太慢了，菜是咸的")
    assert not any("咸" in c.span for c in result.complaints)  # the analyzer misses it
    assert "「菜是咸的」" in draft.text
    # Its aspect is told from the stem of the analyzer's complaint words (咸 → food.taste):
    # answered as a salty dish, not just as "a problem with the food".
    assert any(step in draft.text for step in salty_steps())
    assert not any(step in draft.text for step in steps("food"))
    assert "慢" in draft.text  # the complaint the analyzer found is still answered


def test_a_negative_clause_of_no_known_category_gets_a_generic_true_step():
    # (the feeling beside it, 真是离谱, is answered by the apology: no point of its own)
    found = leftovers("真是离谱，说好的事情转头就不认了", [])
    assert [c.aspect for c in found] == ["unmapped.general"]
    assert "不认" in found[0].span


def test_praise_neutral_words_and_answered_clauses_are_not_points():
    assert leftovers("味道很好，环境也很舒服，服务员很热情", []) == []
    assert leftovers("店里太吵了，说话都听不见", ["店里太吵了"]) == []  # what it led to
    assert leftovers("送得太慢了", ["送得太慢了"]) == []


def test_words_unfit_to_quote_are_answered_by_their_kind_without_quoting():
    found = leftovers("米饭太硬，外卖扔在小区门口的地上", ["米饭太硬"])
    assert found and all(c.span == "" for c in found)


def test_complaint_stems_generalise_the_analyzers_phrases():
    """菜是咸的: 咸 alone is no word of the analyzer's taxonomy (太咸, 咸了 … are)."""
    assert "咸" not in load_taxonomy().words
    assert chinese_category("菜是咸的") == "food"
    assert chinese_category("汤是甜的") == "food"
    assert chinese_category("菜很好吃") is None


def test_a_traditional_review_gets_the_same_in_its_own_script(analyzer, drafter):
    result, draft = made(analyzer, drafter, "送得太慢了，菜是鹹的")
    assert result.script == "zh-Hant"
    assert "「菜是鹹的」" in draft.text
    variant = script_variant("送得太慢了，菜是鹹的")
    assert any(to_traditional(step, variant) in draft.text for step in salty_steps())
    assert not any(step in draft.text for step in salty_steps())  # not in Simplified


def test_an_english_clause_the_analyzer_missed_is_quoted_in_english(analyzer, drafter):
    text = "The delivery was late. The staff never answered the phone"
    result, draft = made(analyzer, drafter, text)
    assert not any("phone" in c.span for c in result.complaints)
    assert "\u201cThe staff never answered the phone\u201d" in draft.text
    assert any(step in draft.text for step in steps("service", english=True))


def test_english_cues_tell_complaints_from_praise():
    assert english_category("nobody refilled our water") == "general"
    assert english_category("the bill had an extra charge") == "price"
    assert english_category("the staff were lovely") is None


def test_a_short_limit_still_names_the_leftover_point(analyzer, drafter):
    limits = ReplyLimits(max_chars=150)
    _, draft = made(analyzer, drafter, "送得太慢了，米饭太硬，菜是咸的，汤是甜的", limits=limits)
    assert len(draft.text) <= 150
    # named by its kind: 口味不好 names both taste points (咸, 甜) together
    assert "菜品的问题" in draft.text or "咸" in draft.text or "口味" in draft.text


def test_words_the_guardrails_would_refuse_to_quote_are_answered_unquoted(analyzer, drafter):
    """說好的退款 names a refund: quoting it would block every candidate draft, so that
    complaint is answered by its kind instead; the customer's 訂單備註不要辣 is their request
    (not a waived bill) and is quoted like any other."""
    text = "說好的退款一直沒人理，餐盒破了湯漏一地"
    result, draft = made(analyzer, drafter, text)
    assert any("退款" in c.span for c in result.complaints)
    assert "退款" not in draft.text
    assert "「餐盒破了湯漏一地」" in draft.text  # a quote the guardrails accept stays
    _, draft = made(analyzer, drafter, "訂單備註不要辣還是放了辣，餐盒破了湯漏一地")
    assert "「訂單備註不要辣還是放了辣」" in draft.text


def test_in_a_negative_review_a_clause_the_model_leans_against_is_a_point():
    """A low-rated review is nearly all complaints: the model need only lean negative."""
    clause = "麻辣香锅一股子陈油味"
    assert chinese_category(clause) is None  # alone, the strict threshold misses it
    assert chinese_category(clause, negative=True) is not None
    found = leftovers(f"送餐太慢了，{clause}", ["送餐太慢了"], negative=True)
    assert [c.span for c in found] == [clause]
    # Faint praise and narration stay out even there.
    assert chinese_category("给的肉还是挺多的", negative=True) is None
    assert chinese_category("昨晚吃完回锅肉", negative=True) is None


def test_two_missed_clauses_of_one_kind_are_two_points(analyzer, drafter):
    _, draft = made(analyzer, drafter, "油像是用了好几天的，送来的时候盒子还裂了")
    assert "「油像是用了好几天的」" in draft.text
    assert "「送来的时候盒子还裂了」" in draft.text


def test_a_crisis_reply_names_the_other_points_in_the_customers_words(analyzer, drafter):
    _, draft = made(analyzer, drafter, "饺子皮厚馅少，醋碟里飘着一只小飞虫")
    assert draft.situation == "crisis"
    assert "「饺子皮厚馅少」" in draft.text


def test_food_words_holding_an_unquotable_character_are_quoted():
    from reviewbot.replies.reading import clean_quote

    assert clean_quote("猪蹄炖得太柴") == "「猪蹄炖得太柴」"
    assert clean_quote("鱼片碎成渣") == "「鱼片碎成渣」"
    assert clean_quote("猪一样的服务") == ""  # the insult still is not


def test_in_a_negative_english_review_a_clause_needs_no_negative_cue(analyzer, drafter):
    clause = "the bag was wet with sauce"  # words the English lexicon does not know
    assert english_category(clause) is None
    assert english_category(clause, negative=True) == "delivery"
    assert english_category("We ordered on Friday night", negative=True) is None
    assert english_category("The soup was lovely", negative=True) is None
    _, draft = made(analyzer, drafter, f"Food arrived lukewarm, {clause}.")
    assert f"\u201c{clause}\u201d" in draft.text


def test_a_missed_clause_of_a_known_aspect_is_answered_as_that_aspect():
    found = leftovers("送得太慢了，汤是咸的", ["送得太慢了"])
    assert [(c.aspect, c.span) for c in found] == [("unmapped.food.taste", "汤是咸的")]
    # A Cantonese clause is read folded to Mandarin, as the analyzer reads it.
    assert chinese_category("啲餸好鹹") == "food"


def test_a_crisis_lead_quotes_the_analyzers_words_when_its_reading_has_none(analyzer, drafter):
    text = "在麵裡面吃到一隻小蟲，跟老闆反應，老闆說那是菜葉上的很正常"
    _, draft = made(analyzer, drafter, text)
    assert draft.situation == "crisis"
    assert "「在麵裡面吃到一隻小蟲」" in draft.text  # not "您遇到的情況"


def test_a_second_food_safety_point_is_named_as_checked_not_dropped(analyzer, drafter):
    result, draft = made(analyzer, drafter, "汤里有根头发，吃完回家就拉肚子")
    assert draft.situation == "crisis"
    assert {c.aspect for c in result.complaints} == {"hygiene.foreign_object", "hygiene.illness"}
    assert "头发" in draft.text and "「吃完回家就拉肚子」" in draft.text
    assert "核查" in draft.text.split("「吃完回家就拉肚子」")[1][:12]  # checked, not admitted


def test_what_was_all_right_said_in_passing_is_no_point():
    for clause in ("饭倒是没凉", "牛肉倒挺嫩的"):
        assert chinese_category(clause, negative=True) is None, clause
    assert chinese_category("价格倒是一点不便宜", negative=True) == "price"  # blame in it
    for clause in ("Food was decent tho", "Service was fine", "Mapo tofu was good"):
        assert english_category(clause, negative=True) is None, clause
    assert english_category("the food was not good", negative=True) is not None


def test_a_missed_clause_naming_a_topic_is_answered_as_its_aspect():
    found = leftovers("上菜太慢了，收银员的脸拉得老长", ["上菜太慢了"], negative=True)
    assert [(c.aspect, c.span) for c in found] == [
        ("unmapped.service.attitude", "收银员的脸拉得老长")
    ]
    # A topic whose answer would say more than the word does (送到 is not "late") is not.
    from reviewbot.replies.leftovers import _topic_aspect

    assert _topic_aspect("送到的时候都黏在一起了") is None


def test_a_target_with_digits_is_never_named():
    import random

    from reviewbot.analysis.base import Complaint
    from reviewbot.replies.answers import sections

    answers = load_library(default_templates_dir()).answers
    complaint = Complaint("service", "service.missing_item", "", "等1小时")
    for seed in range(10):
        found = sections([complaint], answers, lambda s: "", random.Random(seed))
        assert "1" not in found[0].ack


def test_a_word_said_again_in_a_later_clause_is_a_point_of_its_own(analyzer, drafter):
    """The reading's word for a complaint (破了) covers the clause it was read from only when
    the reply says it; a later clause holding it (饺子也破了) is still answered."""
    text = "餐盒盖子没扣紧，汤汁流得满袋子都是，饺子也破了好几个"
    _, draft = made(analyzer, drafter, text)
    for clause in text.split("，"):
        assert f"「{clause}」" in draft.text


def test_a_complaint_after_another_is_not_a_mere_consequence_for_a_bare_du():
    """都 alone is no sign of what a complaint led to: 饭都坨了 is a complaint of its own."""
    found = leftovers("送餐太慢了，饭都坨了", ["送餐太慢了"], negative=True)
    assert [c.span for c in found] == ["饭都坨了"]
    assert leftovers("店里太吵了，说话都听不见", ["店里太吵了"]) == []


def test_a_second_complaint_of_an_answered_aspect_is_answered_too(analyzer, drafter):
    """Two complaints of one aspect in different clauses (咸, 没什么味道): the reply answers
    the first as its aspect and names the second, not drops it."""
    _, without = made(analyzer, drafter, "水煮鱼太咸了，米饭夹生")
    _, draft = made(analyzer, drafter, "水煮鱼太咸了，米饭夹生，凉菜也没什么味道")
    assert "咸" in draft.text and "夹生" in draft.text
    # The third point is answered in a sentence of its own: as the taste it is (没什么味道 is
    # another answer of taste than 咸), naming the dish, or else by its kind (菜品的出品).
    assert ("凉菜" in draft.text or "出品" in draft.text) and "凉菜" not in without.text


def test_a_long_list_of_complaints_is_answered_in_full_and_the_rest_named(analyzer, drafter):
    """More complaints than a reply answers in full (engine.MAX_FULL): none is dropped; the
    rest are named together in one sentence, in the customer's words."""
    clauses = [
        "一进门就等位", "服务员黑着脸", "菜上得慢", "鱼不新鲜", "汤是咸的",
        "米饭夹生", "桌子脏", "太吵了", "停车难找", "价格还贵",
    ]  # fmt: skip
    _, draft = made(analyzer, drafter, "，".join(clauses))
    for clause in clauses:
        assert clause in draft.text
    assert draft.text.count("会逐项改进") + draft.text.count("一并记下") >= 1


def test_a_topic_word_and_blame_is_not_answered_as_a_wait(analyzer, drafter):
    """送到 with a word of blame tells what the food was like on arrival, not that it came
    late: no draft says the customer waited unless the words tell of time."""
    library = load_library(default_templates_dir())
    late = library.answers["delivery.late"]
    result, draft = made(analyzer, drafter, "送到都这样了很失望")
    assert [c.aspect for c in result.complaints] == ["delivery.late"]  # the analyzer's reading
    assert not any(step in draft.text for step in late.step)
    assert "「送到都这样了很失望」" in draft.text  # still answered, in its own words
    # Said of the food's state (黏在一起), the clause is that state, and no wait is implied.
    result, draft = made(analyzer, drafter, "送到都黏在一起了很失望")
    assert "等" not in draft.text and "慢" not in draft.text
    assert not any(step in draft.text for step in late.step)
    # With a word of time, the same kind of clause is a wait and answered as one.
    result, draft = made(analyzer, drafter, "送到都一个多小时了很失望")
    assert [c.aspect for c in result.complaints] == ["delivery.late"]
    assert any(step in draft.text for step in late.step)


def test_every_wait_word_of_the_analyzer_holds_evidence_of_time():
    """No complaint word of an aspect answered as a wait is demoted for want of time words."""
    from reviewbot.replies.leftovers import _time_evidence

    taxonomy = load_taxonomy()
    for aspect, evidence in _time_evidence().items():
        words = [w for w, tags in taxonomy.words.items() if (aspect, -1) in tags]
        assert words
        assert [w for w in words if not any(e in w for e in evidence)] == []


def test_narration_with_no_complaint_evidence_is_no_point(analyzer, drafter):
    """A clause that says nothing negative and names nothing at fault is narration: a
    300-character Meituan reply does not spend itself acknowledging it."""
    meituan = ReplyLimits(max_chars=300)
    cases = [
        ("公司年会订了三桌，菜太咸了，服务员态度很差", "年会", meituan),
        ("嚟慶祝生日，啲嘢食好難食，侍應又黑口黑面", "慶祝", meituan),
        ("Wanted to like it. The soup was cold and the waiter was rude.", "Wanted", None),
    ]
    for text, narration, limits in cases:
        _, draft = made(analyzer, drafter, text, limits=limits)
        assert narration not in draft.text, draft.text
    # A clause that names what was at fault is still a point without a negative word.
    assert chinese_category("麻辣香锅一股子陈油味", negative=True) == "food"
    assert english_category("the bag was soaked with sauce", negative=True) == "delivery"


def test_delivered_food_stuck_together_is_its_texture_not_a_sticky_table(analyzer, drafter):
    """黏/粘在一起 and 坨 tell the state the food arrived in: answered as its texture, never
    as the tables and floors of the dining room."""
    library = load_library(default_templates_dir())
    cleanliness = library.answers["environment.cleanliness"]
    for text in ("送到都黏在一起了，很失望", "外卖的饺子都粘在一起了", "打开盒子面都坨成一团了"):
        result, draft = made(analyzer, drafter, text)
        aspects = [c.aspect for c in result.complaints]
        # The texture, and the packing where the words say it arrived so.
        assert "food.doneness" in aspects and "environment.cleanliness" not in aspects, text
        assert set(aspects) <= {"food.doneness", "delivery.packaging"}, (text, aspects)
        assert "桌面" not in draft.text and "地面" not in draft.text, text
        assert not any(step in draft.text for step in cleanliness.step), text
        assert "口感" in draft.text, text
    # A sticky table is still the dining room's cleanliness.
    result, draft = made(analyzer, drafter, "桌子黏黏的，很失望")
    assert ("店里" in draft.text or "桌子没有收拾干净" in draft.text) and "口感" not in draft.text


def test_food_knocked_over_in_its_box_is_spilled_not_a_taste(analyzer, drafter):
    """歪/倒/翻/压扁/变形 of food in its box on arrival is how it was delivered, not how it
    tasted."""
    library = load_library(default_templates_dir())
    taste = library.answers["food.taste"]
    for text in (
        "披萨送到的时候已经歪到盒子一边了",
        "打开盒子蛋糕都倒了",
        "蛋糕送来的时候奶油都变形了",
        "汉堡在袋子里都压扁了",
    ):
        result, draft = made(analyzer, drafter, text)
        aspects = [c.aspect for c in result.complaints]
        assert "delivery.spilled" in aspects and "food.taste" not in aspects, (text, aspects)
        assert "味道" not in draft.text, text
        assert not any(step in draft.text for step in taste.step), text
    # A concession with 倒 is no spill: 外卖倒是挺快 says nothing of the food's state.
    result = analyzer.analyze(ReviewText("l2", "外卖倒是挺快的，就是味道太淡了", 2))
    assert "delivery.spilled" not in [c.aspect for c in result.complaints]


def test_a_length_of_time_is_a_wait_at_the_table_or_a_late_delivery():
    # the clause names no wait word of the lexicon: its length of time tells of one
    table = leftovers("晚上带孩子去吃，酸菜鱼足足上了五十多分钟，旁边桌都吃完了", [], negative=True)
    assert "unmapped.service.waiting" in [c.aspect for c in table]
    order = leftovers("点的外卖，一个半钟头先到，餐都凉了", [], negative=True)
    assert "unmapped.delivery.late" in [c.aspect for c in order]
    assert not any(
        "late" in c.aspect or "waiting" in c.aspect
        for c in leftovers("一份卖39，太离谱", [], negative=True)
    )


@pytest.mark.parametrize(
    ("text", "not_quoted"),
    [
        # a verdict on the visit is answered by the apology, not as a point (session 23)
        ("服务太差了，不推荐来", "不推荐来"),
        ("等了一个半小时，饭都凉了，以后不会再来了", "以后不会再来了"),
        ("汤是咸的，避雷避雷", "避雷避雷"),
        # nothing wrong is no point to apologise for
        ("菜没问题，就是环境实在太旧了，墙皮都掉了", "菜没问题"),
    ],
)
def test_a_verdict_or_nothing_wrong_is_not_answered_as_a_point(analyzer, drafter, text, not_quoted):
    _, draft = made(analyzer, drafter, text)
    assert f"「{not_quoted}」" not in draft.text
    assert "「" in draft.text  # the real points are still quoted


@pytest.mark.parametrize(
    ("text", "not_said"),
    [
        # the customer telling staff something: what they said back is the point (issue 12)
        ("酸菜鱼的鱼片全是碎的，跟店员反映了一下，她说本来就这样", "反映了一下"),
        ("骑手态度太差了，就因为我说了句能不能快点，他骂骂咧咧把餐往地上一扔就走了", "说了句"),
        ("我就问了一句能不能少放辣，服务员翻了个白眼，菜还特别咸", "问了一句"),
        # a guess excusing the store or the customer is no point
        ("米饭夹生，硬得嚼不动，可能是赶时间吧", "赶时间"),
        # what a complaint led to is part of it
        ("粉丝泡得发胀，汤也是温的，要不是饿了真想倒掉", "要不是"),
        ("备注了不要葱，结果全是葱花，挑了十分钟", "十分钟"),
        # the customer's own doubt about their taste (the demo answered 「我不太懂」 as a fault)
        ("回锅肉有点偏咸偏油，可能川菜就这样吧，我不太懂", "不太懂"),
        ("鱼香肉丝太甜了，没敢吃完", "没敢"),
    ],
)
def test_narration_hedges_and_consequences_are_not_answered_as_points(
    analyzer, drafter, text, not_said
):
    _, draft = made(analyzer, drafter, text)
    assert not_said not in draft.text, draft.text
    assert "「" in draft.text  # the real points are still quoted


@pytest.mark.parametrize(
    ("text", "not_said", "said"),
    [
        (
            "The fries were cold. When I asked about it, the manager just laughed.",
            "When I",
            "laughed",
        ),
        ("Maybe it was a busy night, but the pasta was soggy and bland.", "Maybe", "soggy"),
        (
            "The curry was watery. I called the restaurant and nobody answered.",
            "I called",
            "nobody",
        ),
    ],
)
def test_english_narration_and_hedges_are_not_answered_as_points(
    analyzer, drafter, text, not_said, said
):
    _, draft = made(analyzer, drafter, text)
    assert not_said not in draft.text, draft.text
    assert said in draft.text


def test_a_dishs_price_is_answered_as_its_value_by_the_dishs_name(analyzer, drafter):
    # 一碗牛肉面38元 in a complaint holds the price against what came: value, not the kitchen
    _, draft = made(analyzer, drafter, "一碗羊杂汤45元，羊杂就几块，汤还是温的")
    assert "羊杂汤" in draft.text and "不值" in draft.text
    assert "45" not in draft.text
    # read from the clause alone (no rating given to the analyzer): still its value
    assert chinese_point("一份水煮鱼88元", negative=True) == ("price", "price.value")
    assert english_point("A $25 burger should taste better than this", negative=True) == (
        "price",
        "price.value",
    )


def test_english_points_are_quoted_without_their_amounts(analyzer, drafter):
    # as Chinese ones are (米饭单独收费3块一碗 → 「米饭单独收费」): the words that name the point
    _, draft = made(
        analyzer, drafter, "Our waiter vanished for 40 minutes after the mains. The lamb was tough."
    )
    assert "\u201cOur waiter vanished\u201d" in draft.text
    _, draft = made(analyzer, drafter, "The soup was cold. A $30 steak should be cooked better.")
    assert "\u201csteak should be cooked better\u201d" in draft.text
    assert "$30" not in draft.text
    # a wait said by its length alone is named by its kind, never cut to its tail
    assert quote_english("Waited 50 minutes for two bowls of noodles") == ""


def test_a_long_english_point_is_quoted_by_its_head(analyzer, drafter):
    # what follows when / than / because only tells when or why; "we" in it would read as
    # the store's words, and a point over sixty characters is not quoted at all
    text = (
        "The rice was undercooked. Then my burger came out pink in the middle when I asked "
        "for well done, and the waiter got defensive when we questioned it."
    )
    _, draft = made(analyzer, drafter, text)
    assert "\u201cmy burger came out pink in the middle\u201d" in draft.text
    assert "\u201cthe waiter got defensive\u201d" in draft.text


def test_a_price_in_chinese_numerals_is_held_against_what_came():
    # 二十八块就这么点: its value; 三块 is three pieces, not a price
    assert chinese_point("二十八块就这么点", negative=True) == ("price", "price.value")
    assert chinese_point("牛肉就三块", negative=True)[0] == "food"
    # a charge or the bill stays the price by its kind
    assert chinese_point("多扣了二十块", negative=True) != ("price", "price.value")


def test_what_staff_answered_the_customer_is_the_point_not_the_telling(analyzer, drafter):
    # 跟店员说了一下 is narration; what came back (unfit to quote for its 我们) is the
    # staff's attitude, answered by its kind
    _, draft = made(analyzer, drafter, "面汤很淡，跟店员说了一下，她说我们一直都是这样")
    assert "说了一下" not in draft.text
    assert "态度" in draft.text


def test_a_dishs_price_in_a_missed_clause_is_its_value_and_answered_once(analyzer, drafter):
    # 一杯奶茶38 is the price held against what came, never a kitchen fault …
    found = leftovers("价格离谱，一杯奶茶38，全是冰", ["价格离谱"], negative=True)
    assert [c.aspect for c in found][:1] == ["unmapped.price.value"]
    # … and beside the analyzer's price complaint it is that same point: answered once
    result, draft = made(analyzer, drafter, "价格离谱，一杯奶茶38，全是冰")
    assert [c.aspect for c in result.complaints if c.category == "price"] == ["price.expensive"]
    assert "出品这一点" not in draft.text and "价钱和结账" not in draft.text


@pytest.mark.parametrize(
    ("text", "not_said", "said"),
    [
        # what the complaint spoiled, the day or the meal it cost, the cleaning up it left
        ("外卖袋破了，汤流了一地，还得自己拖地，筷子也没给", "拖地", "筷子"),
        ("蛋糕送来奶油全塌了，字也写错了，生日的气氛全没了", "气氛", "写错"),
        ("鸡汤上一层辣油，老婆一口没喝，鱼还有刺卡喉", "一口没喝", "辣油"),
        ("隔籬枱好嘈，個侍應上錯兩次菜，成晚冇晒心情", "心情", "上錯"),
        ("包间的墙纸发霉了，吃饭都没胃口，空调也不凉", "胃口", "墙纸"),
        # the occasion or the errand of the order told
        ("老公生日点的蛋糕，送来奶油全塌了，盒子也压扁了", "生日", "奶油"),
        ("七夕订的位，牛排点的五分熟上来全熟，切都切不动", "七夕", "全熟"),
        ("第三次点了，这次鸡排炸得又干又硬，饭也少了一半", "第三次", "又干又硬"),
    ],
)
def test_what_a_complaint_spoiled_and_the_occasion_told_are_no_points(
    analyzer, drafter, text, not_said, said
):
    _, draft = made(analyzer, drafter, text)
    assert not_said not in draft.text, draft.text
    assert said in draft.text, draft.text


def test_a_spoiled_occasion_said_alone_is_still_read():
    # the consequence words only pass over a clause right after a complaint
    assert chinese_point("上菜慢得离谱", negative=True) is not None
    assert chinese_point("生日蛋糕上的字写错了", negative=True) is not None


@pytest.mark.parametrize(
    ("text", "not_said", "said"),
    [
        # the near miss and the what-if after a foreign object: the object is the point
        ("煲仔饭里吃到一根钢丝，差点吞下去，这要是老人吃到怎么办，锅巴也是糊的", "差点", "糊"),
        ("汤里有块碎玻璃，我家孩子差点吃下去，万一划到嘴怎么办，米线也泡烂了", "万一", "米线"),
        ("沙拉里有条青虫，幸亏发现得早没吃进去，生菜也不新鲜", "幸亏", "生菜"),
    ],
)
def test_a_near_miss_after_a_foreign_object_is_no_point(analyzer, drafter, text, not_said, said):
    _, draft = made(analyzer, drafter, text)
    assert not_said not in draft.text, draft.text
    assert said in draft.text, draft.text


def test_a_late_dish_at_the_table_is_answered_as_the_wait(analyzer, drafter):
    # 啲飲品食完先嚟: the analyzer's wait has its evidence of time in 先嚟 (Cantonese 才来)
    _, draft = made(analyzer, drafter, "啲飲品食完先嚟，凍檸茶仲要好甜")
    assert "等" in draft.text, draft.text


def test_later_tables_served_first_are_answered_as_the_order_of_service(analyzer, drafter):
    # not as a slow kitchen or the order's notes: the answer names 先来后到
    _, draft = made(analyzer, drafter, "隔離枱遲過我哋入座都食完走咗，啲湯仲要好鹹")
    assert "先來後到" in draft.text or "順序" in draft.text, draft.text
