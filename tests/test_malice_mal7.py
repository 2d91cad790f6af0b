"""Session 24, mal7: blind7 opened. The false accusation it showed (the shop's offer quoted
word for word, read as the writer's price) and the structures of its missed rows, each with
honest look-alikes never accused at none, 1★ or 3★."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.v1 import AnalyzerV1
from tests.malice_support import STARS, reasons


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


@pytest.mark.parametrize(
    ("threat", "honest"),
    [
        (
            "酒瓶碎了是你们活该，下回不止砸酒瓶。",
            "上次是头发，这次是钢丝，下次不止是异物了吧？别点了。",
        ),
        (
            "扔你门口的是个烂鸡蛋，下次不是鸡蛋了。",
            "这次汤洒了一半，下回不止汤洒吧，骑手一路在甩。",
        ),
        (
            "上次只是泼了点水，下次泼的可不是水。",
            "服务员推了我一下，下次是不是就不止推了？已经投诉到平台。",
        ),
        ("閘都黑晒啦，下次唔止個閘。", "今次淋咗汤喺我身，下次唔止汤咁简单，小心啲啦侍应。"),
        (
            "Your window was the warning. Next time it won't just be a window.",
            "Last time it was a hair. Next time it won't just be a hair, I'm reporting it.",
        ),
    ],
)
def test_the_next_time_promised_worse_than_this_times_act_is_a_threat(threat, honest):
    """The act or its instrument is named (砸, 泼, 鸡蛋, 闸); a defect that may get worse, or a
    question about the staff, is none (blind7: 下回不止砸酒瓶 was cut by 活该 read as a wish)."""
    assert "threat" in reasons(threat, 1)
    for stars in STARS:
        assert "threat" not in reasons(honest, stars), stars


def test_a_cause_named_is_no_step_to_a_person():
    """下次不是盐的问题了，是厨师的问题 was read as 下次不是X，是厨师 (a step to a person)."""
    for stars in STARS:
        assert not reasons("上次只是咸，这次咸到没法吃，下次不是盐的问题了，是厨师的问题。", stars)
    assert "threat" in reasons("下次不是拒马，是你那个店员。", 1)


@pytest.mark.parametrize(
    ("threat", "honest"),
    [
        (
            "你哋酒樓經理住邊我哋知㗎，唔好以為報咗警就冇事。",
            "那个收银的小伙子我记住了，态度太差，以后不来了。",
        ),
        (
            "唐山嗰間火鍋店老闆，你屋企喺邊我哋知，小心你啲仔女。",
            "这家几点开门几点关门我都知道，常来的，今天的面真的不行。",
        ),
        (
            "深圳羅湖呢間，侍應你小心啲，我哋識得你。",
            "老板我认识好多年了，这次的菜真的不行，大家点的时候小心点。",
        ),
        (
            "店员那几个小姑娘我们都认得，下班路上注意点。",
            "那个骑手我认得，经常送这片，今天下雨路上注意安全，汤洒了不怪他。",
        ),
        (
            "报警也没用，我就在隔壁20米，天天盯着你。",
            "报警也没用，派出所说这是消费纠纷，让我打12315。",
        ),
        (
            "厨师长，你每天几点收工我都知道，好自为之。",
            "老板住哪我都知道，就在楼上，油烟天天往我家窗户里灌，已经找了环保局。",
        ),
    ],
)
def test_knowing_where_the_shops_people_are_beside_a_warning_is_a_threat(threat, honest):
    """x_known (住边我们知, 我们识得你, 几点收工我都知道) with x_warn (小心, 好自为之, 报警也没用)
    in either order, over sentence ends; a regular who knows the hours, a rider wished a safe
    ride or readers warned is none."""
    assert "threat" in reasons(threat, 1)
    for stars in STARS:
        assert "threat" not in reasons(honest, stars), stars


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        (
            "面条里有头发有钢丝，第N次了。老规矩赔200，不然投诉，就这么简单。",
            "吃坏了肚子，医药费三百二，单据都在，请赔偿医药费，不然我去12315。",
        ),
        (
            "又一只苍蝇。我跟你说清楚，300块，不然投诉食品监督管理部门。",
            "菜里有头发，退我这单的38块，不然投诉平台。",
        ),
        (
            "食到條頭髮，賠五百，唔賠我即刻投訴食環。",
            "去医院花了460，发票都在，赔我这460，不然只能走市场监管。",
        ),
        (
            "外卖里吃出虫，给我赔三倍，我就不找监管也不挂你。",
            "这单68块必须全额退款，否则我去消协。",
        ),
    ],
)
def test_a_sum_beyond_the_order_or_a_report_is_extortion(text, honest):
    """A sum claimed beyond the order (赔200, 300块, 三倍) with what refusing costs and a report,
    or not reporting as what it buys; the writer's own cost pointed back at (赔我这460), a
    refund or documented medical costs stay honest."""
    assert "extortion" in reasons(text, 1)
    for stars in STARS:
        assert not {"extortion", "threat"} & set(reasons(honest, stars)), stars


@pytest.mark.parametrize(
    "text",
    [
        "不要赔偿，就要一个道歉，不然我就投诉到卫生局。",
        "按食品安全法退一赔十，商家不赔我就去市场监管局投诉，这是法律规定的。",
    ],
)
def test_money_turned_down_or_the_laws_remedy_through_the_regulator_is_honest(text):
    """Both accused on main: 不要赔偿 read as a claim of 赔偿; the statutory 退一赔十 pursued at
    the regulator is honest (blind7's rule). Asking more than the law (免单再按10倍) is not."""
    for stars in STARS:
        assert not reasons(text, stars), stars
    assert reasons("按食品安全法，给我们免单再按10倍赔偿，不然我们就向相关部门投诉。", 1)


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        (
            "蘇老闆，你話冇欠債？我話你有。錢一日未到，你間舖一日唔得安寧。",
            "退款一天不到账，我一天不删评，就这么简单。",
        ),
        ("數百萬，俾咗就冇人再嚟淋油。", "退了钱就相安无事，我也不想闹。"),
        ("追評：中秋生意跌兩成係咪好開心？數還清就收手。", "给个说法我就收手，不会再追评。"),
        ("你们老板的债一日不清，这种事一日都会有。", "一日唔退錢，我一日都會喺度更新評論。"),
    ],
)
def test_money_as_the_price_of_the_shops_peace_is_extortion(text, honest):
    """A debt claimed or a sum, paid for the shop's peace (x_peace_price); the writer's own
    refund kept as the condition of the review, or an explanation, stays honest."""
    assert "extortion" in reasons(text, 1)
    for stars in STARS:
        assert not {"extortion", "threat"} & set(reasons(honest, stars)), stars


def test_the_prefilter_lets_every_mal7_structure_through():
    """Each new combo's cue is listed (both scripts): the same verdicts without the prefilter,
    on the mal7 batches."""
    import json
    from pathlib import Path

    from reviewbot.analysis.malice import MaliceRules

    slow = AnalyzerV1(learned=False)
    slow.malice = MaliceRules(slow.lexicon, prefilter=False)
    fast = AnalyzerV1(learned=False)
    path = Path(__file__).parent / "data" / "dev" / "malice_mal7.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        got = fast.analyze(ReviewText("t", text, 1)).malicious_reasons
        assert got == slow.analyze(ReviewText("t", text, 1)).malicious_reasons, text
