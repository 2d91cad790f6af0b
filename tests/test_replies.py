"""The 5S reply engine, path by path: what a draft says for each kind of review, that it names
what the customer named, and that replies to one store do not repeat."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from reviewbot.analysis.base import MALICIOUS_REASONS, MaliceEvidence, ReviewText
from reviewbot.platforms.demo.corpus import load_corpus
from reviewbot.replies.engine import (
    HISTORY,
    MAX_OVERLAP,
    Draft,
    TemplateDrafter,
    variety_exempt,
)
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import check_reply
from reviewbot.replies.reading import clean_quote, read_review
from reviewbot.replies.templates import load_library
from reviewbot.replies.variety import bigrams, jaccard, overlap
from reviewbot.resources import default_templates_dir
from tests.harness.cli import reviewbot_here
from tests.replies_support import STORE, analysis


def unquoted(text: str) -> str:
    """A reply without the customer's words it quotes (「…」): what the shop says itself."""
    return re.sub(r"「[^」]*」", "", text)


def draft(drafter: TemplateDrafter, text: str, result, *, rating=None, store=STORE, rid="r1"):
    review = ReviewText(rid, text, rating)
    made = drafter.draft(review, result, store)
    assert made.violations == ()  # a clean draft was possible, so one was returned
    assert (
        check_reply(made.text, review=review, analysis=result, store=store, quotes=made.quotes)
        == []
    )
    return made


# -- ordinary negative reviews, one per category -------------------------------------------


@pytest.mark.parametrize(
    ("category", "text", "named", "fix"),
    [
        ("food", "水煮鱼太咸了，没法下口", ("水煮鱼", "咸"), ("调味", "盐", "试味")),
        ("delivery", "等了一个半小时才送到", ("慢", "久", "等了"), ("出餐",)),
        ("delivery", "汤洒了一袋子，没法吃", ("洒",), ("封口", "装袋", "套袋")),
        ("service", "少送了一份米饭，打电话也没人管", ("漏", "少送"), ("核对", "点一遍")),
        ("environment", "店里太吵了，说话都听不见", ("吵",), ("音乐", "座位", "秩序")),
        ("price", "太贵了，一点都不值", ("价格", "不值", "不划算"), ("分量", "定价")),
    ],
)
def test_an_ordinary_complaint_is_named_and_answered_with_its_fix(
    drafter, category, text, named, fix
):
    made = draft(drafter, text, analysis((category, "negative")))
    assert made.situation == "negative" and made.template_id == f"negative/{category}"
    assert any(word in made.text for word in named), made.text
    assert any(word in made.text for word in fix), made.text
    assert {"shoulder", "sincerity", "system", "speed"} <= set(made.principles)
    assert STORE.contact in made.text and made.text.endswith(
        (STORE.signature, f"{STORE.signature} 敬上")
    )
    assert made.requires_role is None and made.appeal is None


def test_a_menu_dish_is_named_but_no_dish_is_ever_invented(drafter):
    store = StoreProfile(name="小馆", menu=("水煮鱼",))
    named = draft(drafter, "水煮鱼太咸了", analysis(("food", "negative")), store=store)
    assert "水煮鱼" in named.text
    unnamed = draft(drafter, "菜太咸了", analysis(("food", "negative")), store=store)
    assert "水煮鱼" not in unnamed.text  # on the menu, but the customer did not name it


def test_a_second_complaint_is_acknowledged_too(drafter):
    made = draft(
        drafter,
        "水煮鱼太咸了，而且送了一个多小时",
        analysis(("food", "negative"), ("delivery", "negative")),
    )
    assert "咸" in made.text and any(word in made.text for word in ("慢", "久"))


def test_a_complaint_without_category_asks_instead_of_guessing(drafter):
    made = draft(drafter, "不会再点了", analysis())
    assert made.template_id == "negative/general"
    assert STORE.contact in made.text


# -- the other situations ---------------------------------------------------------------


def test_a_mixed_review_thanks_for_the_praise_then_answers_the_complaint(drafter):
    made = draft(
        drafter,
        "味道很好，就是送得太慢了",
        analysis(("food", "positive", ("味道",)), ("delivery", "negative", ("送得",))),
    )
    assert made.situation == "mixed" and made.template_id == "mixed/delivery"
    assert "口味" in made.text or "菜品" in made.text  # what was praised
    assert "慢" in made.text or "久" in made.text  # what went wrong


def test_praise_the_customer_did_not_write_is_not_thanked(drafter):
    # The classifier calls delivery positive, but nothing in the text praises it.
    made = draft(
        drafter,
        "耽误了好几个小时，菜也难吃",
        analysis(("delivery", "positive", ("耽误",)), ("food", "negative", ("菜",))),
    )
    assert made.situation == "negative"


def test_a_positive_review_gets_a_short_warm_thank_you(drafter):
    made = draft(
        drafter, "麻婆豆腐很好吃，下次还来", analysis(("food", "positive"), polarity="positive")
    )
    assert made.situation == "positive"
    assert "麻婆豆腐" in made.text or "口味" in made.text
    assert not any(word in made.text for word in ("抱歉", "道歉", "对不起"))
    assert STORE.contact not in made.text and len(made.text) < 80


def test_a_star_only_review_asks_what_went_wrong(drafter):
    made = draft(drafter, "", analysis(), rating=1)
    assert made.situation == "star_only" and made.template_id == "star_only"
    assert STORE.contact in made.text
    # It does not guess a problem the customer never named.
    for template in load_library().templates.values():
        for aspect in template.aspects:
            assert not any(name in made.text for name in aspect.complaint)


def test_a_follow_up_escalates_to_the_manager(drafter):
    made = draft(
        drafter,
        "酸辣汤不够酸\n追评：第二次点还是一样，而且汤洒了一袋子",
        analysis(("food", "negative"), ("delivery", "negative")),
    )
    assert made.situation == "follow_up" and made.template_id.startswith("follow_up/")
    assert "店长" in made.text and STORE.contact in made.text


@pytest.mark.parametrize(
    "text",
    [
        "酸菜鱼很好吃，但服务员态度真的不行，找她加个汤一脸不耐烦\n追评：第二次去换了个服务员，态度好多了，补一句公道话",
        "外卖送到全凉了\n追评：第二次点送得快多了，菜也是热的",
    ],
)
def test_a_follow_up_saying_it_is_better_now_is_thanked_not_read_as_a_repeat(
    drafter, analyzer, text
):
    """第二次 in 第二次去…好多了 is no repeat: the draft thanks them for coming back, owns the
    first problem, and answers nothing of the follow-up as a complaint."""
    review = ReviewText("r1", text, 3)
    made = draft(drafter, text, analyzer.analyze(review), rating=3)
    assert made.situation == "follow_up"
    assert "谢谢" in made.text or "感谢" in made.text
    assert not any(w in made.text for w in ("还是一样", "又出现", "一再", "一次次", "老样子"))
    follow_up = text.split("追评：")[1]
    assert not any(f"「{q}" in made.text for q in follow_up.split("，")), made.text
    assert "上次" in made.text  # the first problem is still owned


def test_the_same_complaint_in_a_follow_up_is_the_problem_again(drafter, analyzer):
    text = "酸菜鱼很好吃，但服务员态度真的不行\n追评：第二次去还是那个服务员，还是一样爱答不理"
    review = ReviewText("r1", text, 2)
    reading = read_review(review, analyzer.analyze(review), load_library(), ())
    assert "repeat" in reading.cues


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("超时四十分钟，问骑手说商家出餐慢，互相甩锅", "推来推去|来回问|谁的错"),
        ("少给了米饭，商家说补个红包，红包呢？？", "答应您的事"),
    ],
)
def test_blame_passed_around_and_a_promise_not_kept_are_answered_as_such(
    drafter, analyzer, text, heard
):
    """Both are order handling; its own answer is about order notes (备注), which would not
    answer them: a `when` table and its `also` words choose theirs."""
    review = ReviewText("r1", text, 2, "meituan")
    made = draft(drafter, text, analyzer.analyze(review), rating=2)
    assert re.search(heard, made.text), made.text
    assert "备注" not in made.text


def test_a_missing_item_is_not_apologised_for_as_a_spill(drafter, analyzer):
    """漏了一份米饭 holds the spill word 漏了; the analyzer read a missing item there, so the
    reply's own reading does not lead with a spill (the demo said 收到一袋洒了的餐)."""
    text = "菜本身没毛病，但是漏了一份米饭，打电话也没人管"
    review = ReviewText("r1", text, 2, "meituan")
    made = draft(drafter, text, analyzer.analyze(review), rating=2)
    assert not re.search("洒|漏汤|封口膜", made.text), made.text
    assert "漏了一份米饭" in made.text


@pytest.mark.parametrize("attempt", range(12, 24))
def test_two_points_of_a_kind_do_not_repeat_each_others_sentences(drafter, analyzer, attempt):
    """贵 and 不值这个价 were both answered 「菜品的定价和出品我们会重新评估」: a reply that
    says the same thing twice reads as a form letter."""
    text = "又贵量又少，不值这个价"
    review = ReviewText(f"r{attempt}", text, 2)  # most of these repeated one before
    made = drafter.draft(review, analyzer.analyze(review), STORE)
    sentences = [x for x in re.split("[。！]", made.text.split("\n")[0]) if x]
    for i, one in enumerate(sentences):
        for other in sentences[i + 1 :]:
            runs = {one[k : k + 8] for k in range(len(one) - 7)}
            assert not any(run in other for run in runs), (one, other)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("等咗成個鐘先有位，個侍應仲黑口黑面，魚片仲有陣腥味", "黑口黑面"),  # not 黑口黑麪
        ("啲飯淋晒，仲要凍晒", "淋晒"),  # not 淋曬; and the reply is in Traditional
    ],
)
def test_a_traditional_reply_quotes_the_customer_in_their_own_characters(
    drafter, analyzer, text, quoted
):
    """Quotes are read in Simplified and converted back, which can pick another character
    than the customer wrote (面 as 麪, the Cantonese particle 晒 as 曬)."""
    review = ReviewText("r1", text, 2, "google")
    made = draft(drafter, text, analyzer.analyze(review), rating=2)
    assert quoted in made.text, made.text
    assert "您說" in made.text  # the reply itself is in Traditional characters


def test_a_malicious_review_gets_a_note_for_readers_and_an_appeal(drafter):
    text = "给我返现50块我就把差评改成好评"
    made = draft(drafter, text, analysis(malicious=("extortion",)), rating=1)
    assert made.situation == "malicious" and made.template_id == "malicious"
    assert made.text.startswith("各位")  # addressed to the other readers
    assert STORE.contact in made.text  # a genuine customer can still reach us
    appeal = made.appeal
    assert appeal is not None and appeal.reasons == ("extortion",)
    assert text in appeal.text and STORE.name in appeal.text
    checklist = "\n".join(appeal.evidence)
    assert "订单记录" in checklist and "聊天记录" in checklist
    assert all(proof in checklist for proof in STORE.proofs)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("吃完拉肚子了一晚上，肚子疼", ("康复", "身体")),
        ("汤里有一根头发，恶心", ("头发",)),
        ("鱼是臭的，已经变质了", ("变质", "进货")),
    ],
)
def test_a_food_safety_claim_gets_a_careful_statement_a_manager_approves(drafter, text, words):
    result = analysis(("hygiene", "negative"), severity="critical")
    made = draft(drafter, text, result)
    assert made.situation == "crisis" and made.requires_role == "manager"
    assert any(word in made.text for word in words), made.text
    assert "核" in made.text or "查" in made.text  # states the check being done
    assert STORE.contact in made.text  # invites direct contact
    assert all(proof in made.text for proof in STORE.proofs)  # cites the configured proof
    assert "standard" in made.principles
    invitations = [v for v in load_library().common["invite"] if v]
    assert not any(v in made.text for v in invitations)  # no "come again" after illness


def test_a_food_safety_word_takes_the_careful_path_even_if_the_classifier_missed_it(drafter):
    made = draft(drafter, "米饭里吃出一根头发", analysis(("food", "negative")))
    assert made.situation == "crisis" and made.requires_role == "manager"


# -- what is a food-safety claim: the classifier decides (reviewbot/analysis/data), and the
# reply engine follows it; these go through the real analyzer.


@pytest.mark.parametrize(
    ("text", "critical"),
    [
        ("吃完肚子一直不舒服", True),
        ("吃了以后胃不舒服，再也不点了", True),
        ("吃了这顿饭，拉了一晚上", True),
        ("菜里有花椒，而且又吃到,塑料线了", False),
        ("只吃了一口就扔了，肉有一股子臭味儿", False),
        ("而且一股腐臭味，你们用的什么肉", False),
        ("卤蛋上还有鸡蛋壳在上面，脏乱差", False),
        ("筷子发霉了，怎么吃", False),
        ("居然在宫保鸡丁里吃出指甲大小的石头", False),
        ("味道不错，就是送饭的餐盒有点脏", False),
    ],
)
def test_food_safety_claims_take_the_careful_path(drafter, analyzer, text, critical):
    review = ReviewText("fs", text, 2)
    result = analyzer.analyze(review)
    assert (result.severity == "critical") is critical, result
    assert result.severity in ("critical", "high")
    made = draft(drafter, text, result, rating=2)
    assert made.situation == "crisis" and made.requires_role == "manager", made.text
    assert not any(word in made.text for word in ("是我们没做好", "这是我们的责任"))


@pytest.mark.parametrize(
    "text",
    [
        # a stomach that hurt before the meal
        "备注了不要辣不要辣，结果还是一堆辣椒，胃疼不能吃辣，一整个扔了",
        "太难吃了，我都吃吐了",  # a figure of speech
        "恶心…要吐了…直接扔了，一万年才到",
        "晚了三十分钟，已经饿到胃疼了，菜也凉了",
        "空调坏了，店里太热",
        "饭盒压坏了，汤都洒了",
        "不知道吃完会不会不舒服，反正不好吃",  # a worry, no claim
    ],
)
def test_what_only_sounds_like_a_food_safety_claim_is_answered_as_usual(drafter, analyzer, text):
    review = ReviewText("nf", text, 2)
    result = analyzer.analyze(review)
    assert result.severity not in ("critical", "high"), result
    made = draft(drafter, text, result, rating=2)
    assert made.situation != "crisis" and made.requires_role is None, made.text


def test_a_crisis_reply_names_what_was_found_only_when_it_can(drafter, analyzer):
    def replies(text: str) -> list[str]:
        result = analyzer.analyze(ReviewText("x", text, 1))
        return [
            drafter.draft(ReviewText("x", text, 1), result, STORE, attempt=n).text for n in range(8)
        ]

    for reply in replies("居然在宫保鸡丁里吃出指甲大小的石头"):  # not a fingernail
        assert "指甲" not in unquoted(reply)
        assert any(word in reply for word in ("石头", "异物", "「")), reply
    for reply in replies("又吃到塑料线了"):  # a plastic what? 异物, or their own words
        assert "异物" in reply or "「" in reply, reply
    for reply in replies("米饭里吃出一根头发"):
        assert "头发" in reply
    for reply in replies("筷子发霉了"):  # the chopsticks, not the food
        assert "变质" not in reply and ("餐具" in reply or "筷子" in reply)


def test_no_doctor_advice_to_a_customer_already_in_hospital(drafter, analyzer):
    text = "昨晚吃完回锅肉，半夜开始拉肚子，今天还在医院挂水"
    result = analyzer.analyze(ReviewText("h", text, 1))
    for n in range(12):
        made = drafter.draft(ReviewText("h", text, 1), result, STORE, attempt=n)
        assert made.situation == "crisis"
        assert "就医" not in made.text and "医院" not in made.text
        assert "康复" in made.text or "身体" in made.text


def test_a_missing_contact_falls_back_to_the_platform_inbox(drafter):
    made = draft(
        drafter, "菜里有头发", analysis(("hygiene", "negative")), store=StoreProfile("小馆")
    )
    assert "平台私信" in made.text and "本店资质" not in made.text  # no proof to cite


# -- the customer's words, quoted back only when fit to post -------------------------------


@pytest.mark.parametrize(
    "clause",
    [
        "能再慢点么",  # a rhetorical question
        "点的一品锅怎么送的猪手",
        "等了一个半小时不说",  # a fragment
        "百度外卖真心渣",  # an insult, a platform
        "他么的没洗干净",  # profanity
        "两个小时才送到也是醉了",  # mocking slang
        "送餐速度快",  # praise
        "南瓜粥不错",
        "不认识路的送餐员",  # the rider
        "超时是可以理解的",  # a concession
    ],
)
def test_clauses_unfit_to_post_are_never_quoted(clause):
    assert clean_quote(clause) == ""


@pytest.mark.parametrize(
    ("clause", "quote"),
    [
        ("鱼籽都散了", "「鱼籽都散了」"),  # 了 stays: 鱼籽都散 is broken Chinese
        ("药送到时病已经好了", "「药送到时病已经好了」"),
        ("实在是送得太慢了吧", "「送得太慢了」"),  # fillers and particles go
        ("而且饭菜都凉了啊", "「饭菜都凉了」"),
        ("还有股土腥味", "「有股土腥味」"),  # the demo quoted 「股土腥味」
        ("还有点咸", "「有点咸」"),
        ("又贵量又少", "「又贵量又少」"),  # the demo quoted 「贵量又少」
    ],
)
def test_a_quote_keeps_the_customers_words_whole(clause, quote):
    assert clean_quote(clause) == quote


@pytest.mark.parametrize(
    ("text", "result", "never"),
    [
        # The quote is the clause of the complaint, never the praise or a dish alone.
        (
            "送餐速度快，可惜菜都凉了",
            analysis(("delivery", "negative"), ("food", "negative")),
            "速度快",
        ),
        ("给的肉还是挺多的，就是太咸了", analysis(("food", "negative")), "挺多"),
        ("辣白菜五花肉饭，一般般吧", analysis(("food", "negative")), "「辣白菜五花肉饭」"),
    ],
)
def test_a_draft_quotes_only_the_complaint(drafter, text, result, never):
    for n in range(10):
        made = drafter.draft(ReviewText("q", text, 2), result, STORE, attempt=n)
        assert never not in made.text, made.text


def test_the_shop_never_restates_a_verdict_in_its_own_voice(drafter):
    for n in range(20):
        made = drafter.draft(
            ReviewText("t", "菜太难吃了，一般般", 1),
            analysis(("food", "negative")),
            STORE,
            attempt=n,
        )
        assert "难吃" not in unquoted(made.text) and "一般般" not in unquoted(made.text)


# -- praise that was there, complaints that were there --------------------------------------


@pytest.mark.parametrize(
    ("text", "not_praised"),
    [
        ("汤汁洒干净了", "environment"),  # 干净: spilled, not clean
        ("也没把粥盒擦干净，包装很差", "environment"),
        ("包装精致干净，就是太贵了", "environment"),
        ("包装精致干净，就是太贵了", "food"),  # 精致 praises the packaging
        ("还没煎饼摊儿上的好吃", "food"),
        ("好小啊，味道也不是我喜欢的", "food"),
        ("吃饱了，但口味一般，也许刚做出来好吃", "food"),
        ("送餐速度巨慢，小哥态度还不错", "delivery"),
    ],
)
def test_praise_is_thanked_only_where_the_customer_gave_it(analyzer, text, not_praised):
    result = analyzer.analyze(ReviewText("p", text, 3))
    reading = read_review(ReviewText("p", text, 3), result, load_library(), STORE.menu)
    assert not_praised not in reading.praised, reading


@pytest.mark.parametrize(
    "text",
    [
        "很好吃就是时间长了点",
        "速度确实不是一般的慢",
        "东西是没有问题，就是不够斤两",
        "味道有点淡，不过服务很好。",
        "他家还是卷饼好吃...蔬菜拌饭太难吃了",
    ],
)
def test_a_complaint_among_praise_is_answered_not_thanked(drafter, analyzer, text):
    result = analyzer.analyze(ReviewText("c", text))
    made = draft(drafter, text, result)
    assert made.situation in ("negative", "mixed"), made.text
    assert any(word in made.text for word in ("抱歉", "道歉", "对不起")), made.text


@pytest.mark.parametrize(
    ("text", "category", "aspect"),
    [
        ("外卖等了两个小时", "delivery", "late"),
        ("点的外卖，等了好久", "delivery", "late"),
        ("等了两个小时才到，饭都凉了", "delivery", "late"),
        ("送餐等了一个多小时", "delivery", "late"),
        ("在店里吃饭，等了两个小时才上菜", "service", "waiting"),
        ("周末去吃饭，等了半天也没上菜", "service", "waiting"),
    ],
)
def test_a_long_wait_is_a_late_delivery_only_when_the_order_was_delivered(
    analyzer, text, category, aspect
):
    """Slow table service and a late delivery get different fixes: a takeaway customer
    promised "the waiter will tell your table how long" is not being listened to."""
    review = ReviewText("w", text, 1)
    reading = read_review(review, analyzer.analyze(review), load_library(), STORE.menu)
    assert reading.main is not None and reading.main.aspect is not None, reading
    assert (reading.main.category, reading.main.aspect.name) == (category, aspect), reading
    assert reading.second is None or reading.second.category != reading.main.category


def test_mixed_thanks_name_the_dish_that_was_praised(drafter):
    made = draft(
        drafter,
        "麻婆豆腐味道很好，就是汤洒了一袋子",
        analysis(("food", "positive", ("味道很好",)), ("delivery", "negative", ("汤洒",))),
        rating=3,
    )
    assert made.situation == "mixed" and "麻婆豆腐" in made.text
    assert "还让您满意" not in made.text  # no grudging thanks


# -- a complaint is pinned on the dish of its own clause --------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("冬瓜汤没有味道，锅包肉确实不酥", "锅包肉"),
        ("滑鸡饭不新鲜，小笼包不好吃", "小笼包的食材"),
        ("面不好吃，小汤圆马马虎虎", "汤圆"),
        ("沙拉还行，汤没味", "沙拉"),
    ],
)
def test_a_complaint_is_never_pinned_on_another_dish(drafter, text, wrong):
    for n in range(10):
        made = drafter.draft(
            ReviewText("d", text, 2), analysis(("food", "negative")), STORE, attempt=n
        )
        assert wrong not in unquoted(made.text), made.text


def test_a_staple_the_customer_named_is_named(drafter):
    made = draft(drafter, "少送了一份米饭", analysis(("service", "negative")))
    assert "米饭" in made.text


# -- what the review says besides its complaint -------------------------------------------


@pytest.mark.parametrize(
    "result",
    [analysis(polarity="positive", negative=False), analysis(polarity="neutral", negative=False)],
)
def test_stars_without_text_are_never_thanked_for_writing(drafter, result):
    for n in range(30):
        made = drafter.draft(ReviewText("s", "", 5), result, STORE, attempt=n)
        assert made.situation in ("positive", "neutral")
        assert "写" not in made.text and "用心的评价" not in made.text, made.text


def test_a_follow_up_saying_it_happened_again_is_answered_as_a_repeat(drafter):
    text = "酸辣汤不够酸，一般\n追评：第二次点还是一样，而且送了一个多小时"
    result = analysis(("food", "negative"), ("delivery", "negative"))
    for n in range(10):
        made = drafter.draft(ReviewText("f", text, 2), result, STORE, attempt=n)
        assert made.situation == "follow_up" and made.category == "food"  # what came back
        assert any(w in made.text for w in ("又", "还是一样", "老样子", "一再")), made.text


def test_a_customer_who_could_not_get_through_is_not_just_told_to_call(drafter):
    text = "少送了一份米饭，打电话过去也没人接"
    for n in range(10):
        made = drafter.draft(
            ReviewText("u", text, 2), analysis(("service", "negative")), STORE, attempt=n
        )
        assert any(w in made.text for w in ("联系不上", "没能及时回应", "找不到人")), made.text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("太贵了，不值这个价", "price"),
        ("备注了不要香菜，没按备注做", "service"),
        ("送来的和我点的不一样，送错了", "service"),
        ("难吃，真的难吃", "food"),
    ],
)
def test_one_you_is_enough(drafter, text, category):
    """Not 您反馈价格让您觉得不值 (the audit's 您反馈漏了您点的东西)."""
    for n in range(12):
        made = drafter.draft(
            ReviewText("y", text, 2), analysis((category, "negative")), STORE, attempt=n
        )
        assert not re.search(r"您(反馈|说|提到|反映)[^，。「」]{0,12}您", made.text), made.text


def test_the_library_never_blames_the_kitchen_or_names_the_manager_twice():
    library = load_library()
    texts = [
        v
        for template in library.templates.values()
        for parts in (
            template.parts,
            *(a.parts for a in template.aspects),
            *template.when.values(),
        )
        for variants in parts.values()
        for v in variants
    ]
    texts += [v for variants in library.common.values() for v in variants]
    assert texts
    for text in texts:
        assert not re.search(r"(后厨|厨房|厨师)的问题", text), text
        # {contact} is often "店长电话 …": "通过店长电话…联系店长" says it twice.
        assert not re.search(r"\{contact\}(直接)?(联系|找到|告诉|和|与)店长", text), text


# -- reproducible, regenerable ----------------------------------------------------------


def test_drafts_are_reproducible_and_regenerate_differently(drafter):
    review = ReviewText("r7", "送餐太慢了", None)
    result = analysis(("delivery", "negative"))
    first = drafter.draft(review, result, STORE)
    assert drafter.draft(review, result, STORE) == first
    others = {drafter.draft(review, result, STORE, attempt=n).text for n in range(1, 6)}
    assert first.text not in others and len(others) > 1


# -- the variety guard ------------------------------------------------------------------

DELIVERY_COMPLAINTS = [
    "送餐太慢了",
    "等了一个多小时才送到",
    "太慢了，饭都快凉了",
    "送得也太慢了吧",
    "超时了四十分钟",
]
THANKS = ["很好吃，下次还来", "味道不错，好吃", "好吃，推荐", "很满意，好吃"]


def stream(
    drafter: TemplateDrafter, texts, result, *, rating=None, remember: bool = True, n: int = 200
) -> list[Draft]:
    """Drafts for `n` similar reviews to one store, newest reply first in `recent`."""
    recent: list[str] = []
    drafts = []
    for i in range(n):
        made = drafter.draft(
            ReviewText(f"s{i}", texts[i % len(texts)], rating),
            result,
            STORE,
            recent=recent if remember else (),
        )
        drafts.append(made)
        recent.insert(0, made.text)
        del recent[HISTORY:]
    return drafts


def overlaps_with(texts: list[str]) -> Callable[[int, int], float]:
    """`overlap(texts[i], texts[j])` with the store's facts left out, by index, each text's
    bigrams taken once: a stream's 200 replies are compared about 4,000 times."""
    grams = [bigrams(text, variety_exempt(STORE)) for text in texts]
    assert jaccard(grams[0], grams[-1]) == overlap(texts[0], texts[-1], variety_exempt(STORE))
    return lambda i, j: jaccard(grams[i], grams[j])


HAIR = analysis(("hygiene", "negative", ("头发",)), severity="high")
ILL = analysis(("hygiene", "negative", ("拉肚子",)), severity="critical")
# A busy day of one kind of review, for every situation (and every category, malicious
# reason and kind of food-safety claim): (texts, analysis, rating, expected template).
STREAMS = {
    "food": (
        ["水煮鱼太咸了", "菜太咸了，没法吃", "宫保鸡丁太咸", "麻婆豆腐咸死了"],
        analysis(("food", "negative")),
        2,
        "negative/food",
    ),
    "service": (
        ["服务员态度很差", "态度太差了", "叫了半天没人理，态度差"],
        analysis(("service", "negative")),
        2,
        "negative/service",
    ),
    "delivery": (
        DELIVERY_COMPLAINTS,
        analysis(("delivery", "negative")),
        None,
        "negative/delivery",
    ),
    "environment": (
        ["店里太吵了", "太吵了，说话都听不见"],
        analysis(("environment", "negative")),
        2,
        "negative/environment",
    ),
    "price": (["太贵了", "不值这个价"], analysis(("price", "negative")), 2, "negative/price"),
    "general": (["不会再点了", "差评"], analysis(), 1, "negative/general"),
    "mixed": (
        ["味道很好，就是送得太慢了", "菜很好吃，可惜送得太慢"],
        analysis(("food", "positive", ("味道很好",)), ("delivery", "negative", ("送得",))),
        3,
        "mixed/delivery",
    ),
    "follow_up": (
        ["酸辣汤不够酸\n追评：第二次点还是一样", "水煮鱼太咸\n追评：又是这样，还是太咸"],
        analysis(("food", "negative")),
        2,
        "follow_up/food",
    ),
    "positive": (THANKS, analysis(("food", "positive"), polarity="positive"), 5, "positive"),
    "positive_stars": ([""], analysis(polarity="positive", negative=False), 5, "positive"),
    "neutral": (["还行吧", "还可以"], analysis(polarity="neutral", negative=False), 3, "neutral"),
    "neutral_stars": ([""], analysis(polarity="neutral", negative=False), 3, "neutral"),
    "star_only": ([""], analysis(), 1, "star_only"),
    "crisis_hair": (["汤里有一根头发", "米饭里有头发", "菜里吃出头发"], HAIR, 1, "crisis/hygiene"),
    "crisis_illness": (["吃完拉肚子", "吃完上吐下泻"], ILL, 1, "crisis/hygiene"),
    "crisis_spoiled": (["肉是臭的，变质了", "饭馊了"], HAIR, 1, "crisis/hygiene"),
    **{
        f"malicious_{reason}": (
            ["加微信看优惠", "不退款就差评"],
            analysis(malicious=(reason,)),
            1,
            "malicious",
        )
        for reason in MALICIOUS_REASONS
    },
}


@pytest.mark.parametrize("name", STREAMS)
def test_replies_to_200_similar_reviews_never_repeat_and_overlap_little(drafter, name):
    texts, result, rating, template = STREAMS[name]
    drafts = stream(drafter, texts, result, rating=rating)
    replies = [d.text for d in drafts]
    alike = overlaps_with(replies)
    flagged = 0
    for i, made in enumerate(drafts):
        assert made.template_id == template and made.violations == ()
        recent = replies[max(0, i - HISTORY) : i]
        assert made.text not in recent, f"reply {i} repeats a recent one"
        closest = max((alike(i, j) for j in range(max(0, i - HISTORY), i)), default=0.0)
        if made.similarity:  # the guard could not be kept: flagged, with the figure
            flagged += 1
            assert made.similarity == pytest.approx(closest) and closest > MAX_OVERLAP
        else:
            assert closest <= MAX_OVERLAP
    assert flagged <= 2  # enough variants that the guard almost always holds
    consecutive = [alike(i - 1, i) for i in range(1, len(replies))]
    assert sum(consecutive) / len(consecutive) < 0.35


def test_a_draft_that_cannot_keep_the_variety_guard_is_flagged(tmp_path):
    """An owner's library with one wording per part: repeats are flagged, never silent."""
    directory = tmp_path / "replies"
    shutil.copytree(default_templates_dir(), directory)
    (directory / "star_only.toml").write_text(
        'situation = "star_only"\n'
        'greeting = ["您好，"]\n'
        'shoulder = ["这次的评分说明我们有做得不好的地方。"]\n'
        'sincerity = ["真诚地向您道歉。"]\n'
        'speed = ["方便的话请通过{contact}告诉我们具体问题。"]\n'
        "invite = []\n"
        'closing = ["{signature}"]\n',
        encoding="utf-8",
    )
    drafts = stream(TemplateDrafter(load_library(directory)), [""], analysis(), rating=1, n=4)
    assert drafts[0].similarity == 0.0
    assert all(d.text == drafts[0].text for d in drafts)  # there is nothing else to say
    assert all(d.similarity == 1.0 for d in drafts[1:])


def test_without_the_stores_recent_replies_the_same_reviews_do_repeat(drafter):
    """What the guard prevents: the same templates, drawn without memory, collide."""
    drafts = stream(
        drafter, THANKS, analysis(("food", "positive"), polarity="positive"), remember=False
    )
    replies = [d.text for d in drafts]
    repeats = sum(reply in replies[max(0, i - HISTORY) : i] for i, reply in enumerate(replies))
    assert repeats > 0


# -- guardrails apply to the engine's own drafts --------------------------------------------


def test_every_demo_corpus_review_gets_a_clean_specific_draft(drafter):
    """The demo corpus carries hand labels; drafted with them, no draft breaks a guardrail."""
    corpus = load_corpus()
    store = StoreProfile(
        name="老街坊川菜馆",
        signature="老街坊川菜馆 店长老王",
        contact="店长电话 028-6543 2100",
        menu=corpus.menu,
        proofs=STORE.proofs,
    )
    recent: list[str] = []
    for i, item in enumerate(corpus.reviews):
        text = f"{item.text}\n追评：{item.follow_up}" if item.follow_up else item.text
        polarity = {"positive": "positive", "neutral": "neutral"}.get(item.kind, "negative")
        result = analysis(
            *item.categories.items(), polarity=polarity, malicious=item.malicious_reasons
        )
        review = ReviewText(str(i), text, item.rating)
        made = drafter.draft(review, result, store, recent=recent)
        assert made.violations == (), (text, made.text, made.violations)
        assert store.signature in made.text
        if item.malicious_reasons and made.situation != "crisis":
            assert made.situation == "malicious" and made.appeal is not None
        recent.insert(0, made.text)
        del recent[HISTORY:]


@pytest.fixture
def poisoned(tmp_path: Path) -> Path:
    """A copy of the library where an owner added promises a reply must not make."""
    directory = tmp_path / "replies"
    shutil.copytree(default_templates_dir(), directory)
    food = directory / "negative" / "food.toml"
    text = food.read_text(encoding="utf-8")
    food.write_text(
        text.replace(
            "sincerity = [\n", 'sincerity = [\n  "下次来给您免单，真诚地向您道歉。",\n', 1
        ),
        encoding="utf-8",
    )
    return directory


def test_a_variant_breaking_a_guardrail_is_never_drafted(poisoned):
    drafter = TemplateDrafter(load_library(poisoned))
    for i in range(40):
        made = drafter.draft(ReviewText(f"p{i}", "菜太咸了"), analysis(("food", "negative")), STORE)
        assert "免单" not in made.text and made.violations == ()


def test_when_every_variant_breaks_a_guardrail_the_draft_says_why(poisoned):
    food = poisoned / "negative" / "food.toml"
    text = re.sub(
        r"sincerity = \[\n(.*?)\n\]",
        'sincerity = ["下次来给您免单。", "送您一张优惠券。"]',
        food.read_text(encoding="utf-8"),
        count=1,
        flags=re.S,
    )
    food.write_text(text, encoding="utf-8")
    made = TemplateDrafter(load_library(poisoned)).draft(
        ReviewText("p", "菜太咸了"), analysis(("food", "negative")), STORE
    )
    assert made.violations and {v.code for v in made.violations} == {"promise"}
    assert any(word in v.message_zh for v in made.violations for word in ("免单", "优惠券"))


def test_an_authorised_remedy_may_be_offered(drafter):
    store = StoreProfile(
        name="小馆", contact="店长电话 010-1234 5678", remedy="这一单我们可以为您重做或退款"
    )
    texts = {
        drafter.draft(ReviewText(f"m{i}", "菜太咸了"), analysis(("food", "negative")), store).text
        for i in range(60)
    }
    offered = [t for t in texts if store.remedy in t]
    assert offered and all(
        check_reply(t, review=ReviewText("m", "菜太咸了"), analysis=analysis(), store=store) == []
        for t in offered
    )


# -- reading what the customer wrote, whatever the classifier says ------------------------


def test_a_complaint_the_classifier_scored_positive_is_still_answered_as_one(drafter):
    made = draft(drafter, "送了两个小时才到，饭都凉了", analysis(polarity="positive"))
    assert made.situation == "negative" and made.category in ("delivery", "food")
    assert not made.text.startswith("谢谢您的好评")


def test_topic_words_in_praise_are_not_taken_for_complaints(drafter):
    made = draft(
        drafter,
        "包装很严实，骑手小哥也很客气，餐具给得齐全",
        analysis(("delivery", "positive"), ("service", "positive"), polarity="positive"),
        rating=5,
    )
    assert made.situation == "positive"


def test_a_happy_review_complains_only_after_a_but(drafter):
    happy = analysis(("food", "positive", ("好吃",)), polarity="positive")
    made = draft(drafter, "水煮鱼很好吃，就是送得太慢了", happy, rating=5)
    assert made.situation == "mixed" and made.category == "delivery"
    praise = draft(drafter, "以前送得太慢，现在快多了，水煮鱼也很好吃", happy, rating=5)
    assert praise.situation == "positive"


DRAFT_ALL = """
from reviewbot.analysis.base import MALICIOUS_REASONS, MaliceEvidence, ReviewText
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.platforms.demo.corpus import load_corpus
from reviewbot.replies.engine import TemplateDrafter
from tests.replies_support import STORE, analysis
# Dishes of the same length off the menu, where only a stable order picks the same one.
reviews = [(item.text, item.rating, item.categories) for item in load_corpus().reviews]
reviews += [("饺子和包子都太咸了", 2, {"food": "negative"}), ("披萨和汉堡都很好吃", 5, {})]
drafter, recent, drafts = TemplateDrafter(), [], []
for i, (text, rating, categories) in enumerate(reviews):
    result = analysis(*categories.items())
    made = drafter.draft(ReviewText(str(i), text, rating), result, STORE, recent=recent)
    recent.insert(0, made.text)
    del recent[20:]
    drafts.append(made.text)
"""


@pytest.mark.slow
def test_drafts_do_not_depend_on_the_interpreters_hash_seed():
    """`reviewbot draft` is reproducible: nothing may hang on set or dict order. The same
    drafts are made by a process with a fixed hash seed and here, under this process's own
    seed (random per run, or the environment's fixed one, never the child's): a draft that
    hung on set or dict order differs between two seeds. One child instead of three: each
    costs ~3.5 s of CPU, half of it starting up and loading what this process has loaded."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    ours = os.environ.get("PYTHONHASHSEED", "random")
    seed = "2" if ours == "1" else "1"
    printed = subprocess.run(
        [sys.executable, "-c", DRAFT_ALL + "print(*drafts, sep='\\n')\n"],
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    here: dict = {}
    exec(DRAFT_ALL, here)
    assert len(here["drafts"]) > 300
    assert printed == "\n".join(here["drafts"]) + "\n"


# -- the documented samples are what the documented command prints ------------------------


def test_the_samples_in_docs_replies_md_are_the_documented_commands_output():
    """docs/replies.md shows drafts and the command that made them: re-run it, compare."""
    import shlex

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "replies.md").read_text(encoding="utf-8")
    command = next(
        line for line in doc.splitlines() if line.startswith("reviewbot draft ") and "<" in line
    )
    words = shlex.split(command)
    arguments, source = words[1 : words.index("<")], words[words.index("<") + 1]
    done = reviewbot_here(*arguments, cwd=root, stdin=(root / source).read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    made = [json.loads(line) for line in done.stdout.decode().splitlines()]
    section = doc[doc.index(command) : doc.index("## What else a draft carries")]
    shown = re.findall(r"\n`([^`]+)` · ([a-z, ]+)\n\n```text\n(.*?)\n```", section, re.S)
    assert len(shown) == len(made) >= 10
    for (template, principles, reply), result in zip(shown, made, strict=True):
        assert result["reply"] == reply, f"docs/replies.md is stale for {result['id']}"
        assert result["template"] == template
        assert result["principles"] == principles.split(", ")


def test_the_appeal_cites_the_evidence_the_analyzer_found(drafter):
    text = "菜太咸了，给200就删，不然天天差评"
    evidence = (
        MaliceEvidence("extortion", "给200就删", ("提出金额：「200」", "以删改评价作交换：「删」")),
        MaliceEvidence("flood", text, ("同一作者24小时内第3条差评",)),
    )
    found = replace(analysis(malicious=("extortion", "flood")), malicious_evidence=evidence)
    appeal = draft(drafter, text, found, rating=1).appeal
    assert appeal is not None
    cited = appeal.text.split("评价中的依据：")[1]
    assert "以评价要挟索取利益：评价原文「给200就删」；提出金额：「200」" in cited
    assert "重复刷评" in cited and "同一作者24小时内第3条差评" in cited
