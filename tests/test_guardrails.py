"""Every guardrail blocks the reply that breaks it and tells staff why, in Chinese; the same
check runs on the engine's drafts and on staff edits."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.platforms.base import Capabilities
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import ReplyLimits, Violation, check_reply, normalise
from tests.replies_support import STORE, analysis

ORDINARY = analysis(("food", "negative"))
CRISIS = analysis(("hygiene", "negative"), severity="critical")
REVIEW = ReviewText("g1", "水煮鱼太咸了，等了两个小时才送到", 2)
HAIR = ReviewText("g2", "水煮鱼里有一根头发", 1)
OK_OPENING = "您好，水煮鱼太咸是我们的问题，真诚地向您道歉。"
# No config keys, rule names or other English in anything staff see.
JARGON = re.compile(r"[A-Za-z_]{3,}|配置")


def check(text: str, *, review=REVIEW, result=ORDINARY, store=STORE, **kwargs) -> list[Violation]:
    found = check_reply(text, review=review, analysis=result, store=store, **kwargs)
    for violation in found:
        assert re.search(r"[\u4e00-\u9fff]", violation.message_zh)  # staff read Chinese
        assert violation.found in violation.message_zh
        assert re.search(r"[\u4e00-\u9fff]", violation.suggestion)  # and how to fix it
        shown = violation.message_zh + violation.suggestion
        # the words in 「」 are staff's own and their reworded sentence, in their language
        assert not JARGON.search(re.sub(r"「[^」]*」", "", shown)), shown
        if violation.code != "too_long":  # shown as staff wrote it
            assert violation.found in text
    return found


def codes(text: str, **kwargs) -> list[str]:
    return [v.code for v in check(text, **kwargs)]


def test_a_plain_humble_reply_passes():
    assert codes(f"{OK_OPENING}方便的话请通过{STORE.contact}联系店长。\n{STORE.signature}") == []


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        # nothing invented
        ("invented_fact", "下次来尝尝我们的红烧肉。"),
        ("invented_fact", "本店已经开了20年。"),
        ("invented_fact", "本店营业到晚上9点。"),
        ("invented_fact", "这道菜只要十五元。"),
        ("invented_fact", "本店有卫生评级 A级 证书。"),
        # no unauthorised compensation
        ("promise", "下次来给您免单。"),
        ("promise", "我们给您全额退款。"),
        ("promise", "送您一张优惠券。"),
        # never ask or reward a change of the review
        ("delete_request", "麻烦您把差评删除。"),
        ("delete_request", "改成好评送您一份甜品。"),
        ("delete_request", "方便的话帮我们修改一下评价。"),
        ("delete_request", "好评返现五元。"),
        # no customer private data
        ("private_data", "我们会打您的电话 138 1234 5678。"),
        ("private_data", "您的地址朝阳路88号我们记下了。"),
        ("private_data", "订单号 DM20261122 我们查到了。"),
        ("private_data", "张先生，实在抱歉。"),
        # no blame-shifting or arguing
        ("blame", "这是骑手的问题，不是我们的。"),
        ("blame", "是您自己没有备注。"),
        ("argue", "这种事不可能发生。"),
        ("argue", "请不要恶意差评。"),
    ],
)
def test_a_reply_breaking_a_guardrail_is_blocked_with_the_reason(code, sentence):
    assert code in codes(OK_OPENING + sentence)


def test_an_unverified_food_safety_claim_is_neither_admitted_nor_denied():
    checking = "您好，您反映水煮鱼里有头发，我们非常重视，正在核查。"
    assert codes(checking, review=HAIR, result=CRISIS) == []
    assert "crisis_admission" in codes(
        checking + "确实是我们后厨的头发。", review=HAIR, result=CRISIS
    )
    assert "crisis_admission" in codes(checking + "责任在我们。", review=HAIR, result=CRISIS)
    assert "crisis_denial" in codes(
        checking + "我们后厨绝对不会有头发。", review=HAIR, result=CRISIS
    )
    assert "crisis_denial" in codes(checking + "我们的食材一向新鲜。", review=HAIR, result=CRISIS)
    # A condition is not an admission, and ordinary complaints may be shouldered plainly.
    conditional = checking + "如果核查确认是我们的问题，我们一定负责到底。"
    assert codes(conditional, review=HAIR, result=CRISIS) == []
    # A plain admission shoulders the matter (the first S) and confirms no cause.
    for plain in ("这是我们的过失。", "都怪我们。", "是我们的错。", "这次确实是我们没做好。"):
        assert codes(checking + plain, review=HAIR, result=CRISIS) == [], plain
    assert codes("您好，送餐太慢，责任在我们。", result=ORDINARY) == []


def test_the_platform_length_limit_and_the_one_reply_rule():
    google = Capabilities(can_reply=True, reply_max_chars=350)
    assert "too_long" in codes(OK_OPENING + "好" * 340, platform_limits=google)
    assert "too_long" not in codes(OK_OPENING + "好" * 300, platform_limits=google)
    assert "too_long" in codes(OK_OPENING + "好" * 500)  # the default limit is 500
    assert "already_replied" in codes(OK_OPENING, replies_posted=1)
    assert "already_replied" not in codes(
        OK_OPENING, replies_posted=1, platform_limits=ReplyLimits(max_replies=2)
    )
    assert codes("   ") == ["empty"]


def test_the_stores_own_facts_may_be_stated():
    proofs = "、".join(STORE.proofs)
    facts = f"{OK_OPENING}营业时间{STORE.hours}，电话{STORE.contact}。本店资质：{proofs}。"
    assert codes(facts) == []
    assert "invented_fact" in codes(facts, store=replace(STORE, proofs=()))
    assert "invented_fact" in codes(facts, store=replace(STORE, hours="每天中午营业"))
    # A phone number the fact sheet does not give is someone's private number, or invented.
    assert {"private_data", "invented_fact"} & set(
        codes(facts, store=replace(STORE, contact="平台私信"))
    )


def test_an_authorised_remedy_is_allowed_and_nothing_beyond_it():
    store = replace(STORE, remedy="这一单我们可以为您重做或退款")
    assert codes(OK_OPENING + store.remedy + "。", store=store) == []
    assert "promise" in codes(OK_OPENING + "再送您一张优惠券。", store=store)


@pytest.mark.parametrize(
    "sentence",
    [
        "我们会在本周内完成整改。",
        "这周内店长会把新的打包流程落实下去。",
        "我们会在三天内给您回复。",
        "明天店长会给您回电。",
        "從下週一開始，每單出餐前都會複核。",
        "高峰时段出餐我们会控制在20分钟内。",
        "一份水煮鱼的鱼片应该有300克，这次少了。",
    ],
)
def test_a_time_commitment_or_a_measure_is_no_invented_fact(sentence):
    """Staff may say when they will act (speed is one of the five principles); what they
    promise is still checked: a date does not excuse a refund."""
    assert codes(OK_OPENING + sentence) == []
    assert "promise" in codes(OK_OPENING + "本周内给您全额退款。")


def test_the_customers_own_words_quoted_back_are_no_offer():
    """单…不要 in the customer's request (不要香菜) is what they asked for, not a waived bill;
    a price they wrote is theirs to quote; a price nobody wrote is invented."""
    review = ReviewText("g3", "备注了不要香菜还放了一大把，28元一份太贵", 1)
    quoted = "您下单时备注了不要香菜，我们没有看到；您说的28元一份，我们会重新评估定价。"
    assert codes(OK_OPENING + quoted, review=review) == []
    assert "promise" in codes(OK_OPENING + "这单不要钱了。", review=review)
    assert "invented_fact" in codes(OK_OPENING + "这份只要18元。", review=review)


def test_a_dish_the_customer_named_is_not_invented():
    review = ReviewText("g3", "宫保鸡丁太难吃", 1)
    off_menu = StoreProfile(name="小馆", menu=("水煮鱼",))
    assert codes("宫保鸡丁的做法我们会重新调整。", review=review, store=off_menu) == []
    assert "invented_fact" in codes("鱼香肉丝的做法我们会重新调整。", review=review, store=off_menu)


@pytest.mark.parametrize("dish", ["红烧狮子头", "清蒸鲈鱼", "椒盐排骨", "蒜蓉西兰花"])
def test_a_dish_no_list_holds_is_caught_by_its_shape(dish):
    """dishes.txt cannot list every dish: a way of cooking before a main ingredient is a
    dish name too, invented unless the menu or the customer has it."""
    assert [(v.code, v.found) for v in check(f"{OK_OPENING}欢迎来尝尝{dish}。")] == [
        ("invented_fact", dish)
    ]
    named = ReviewText("g4", f"{dish}太咸了", 2)
    assert codes(f"{OK_OPENING}{dish}的咸淡我们会调整。", review=named) == []
    on_menu = replace(STORE, menu=(*STORE.menu, dish))
    assert codes(f"{OK_OPENING}欢迎来尝尝{dish}。", store=on_menu) == []


def test_cooking_words_alone_are_no_dish():
    assert codes(f"{OK_OPENING}红烧的火候和麻辣的程度我们都会重新核对。") == []


def test_one_offending_phrase_is_reported_once():
    assert codes(OK_OPENING + "这是骑手的问题。") == ["blame"]


def test_a_staff_edit_is_checked_like_a_draft():
    review = ReviewText("g5", "送餐太慢了，等了一个多小时", 1)
    result = analysis(("delivery", "negative"))
    made = TemplateDrafter().draft(review, result, STORE)
    assert check_reply(made.text, review=review, analysis=result, store=STORE) == []
    edited = made.text.replace("。", "。其实是骑手的问题，下次给您免单。", 1)
    blocked = check_reply(edited, review=review, analysis=result, store=STORE)
    assert {v.code for v in blocked} == {"blame", "promise"}


# -- paraphrases: each family of the rules, in the words staff actually write ------------
# (the audit of issue 5 found every one of these passing the earlier word lists)


@pytest.mark.parametrize(
    ("code", "family", "sentence"),
    [
        # private data: phone numbers however written, e-mail, names, home addresses
        ("private_data", "phone", "我们会打您手机１３８１２３４５６７８联系您。"),
        ("private_data", "phone", "您的号码一三八一二三四五六七八我们记下了。"),
        ("private_data", "phone", "我们会打您手机 1381 234 5678。"),
        ("private_data", "phone", "我们会打您手机138.1234.5678。"),
        ("private_data", "phone", "您留的电话138****5678我们记下了。"),
        ("private_data", "phone", "您的手机尾号5678我们记下了。"),
        ("private_data", "phone", "您的手机尾号五六七八我们记下了。"),
        ("private_data", "account", "您的邮箱 foo@example.com 我们记下了。"),
        ("private_data", "account", "您的邮箱 ｆｏｏ＠ｅｘａｍｐｌｅ．ｃｏｍ 我们记下了。"),
        ("private_data", "account", "您的微信号是ab12345我们加了。"),
        ("private_data", "name", "王姐您好，"),
        ("private_data", "name", "李哥您好，"),
        ("private_data", "name", "张三先生您好，"),
        ("private_data", "name", "欧阳女士您好，"),
        ("private_data", "address", "您住的阳光小区我们知道。"),
        ("private_data", "address", "送到建国路88号院3号楼的那单我们查了。"),
        ("private_data", "address", "您家在阳光小区3栋2单元我们知道。"),
        # compensation, refunds, free food, coupons, discounts, gifts
        ("promise", "refund", "给您退全款。"),
        ("promise", "refund", "我们给您退一下钱。"),
        ("promise", "refund", "我们把餐费还给您。"),
        ("promise", "refund", "给您退了。"),
        ("promise", "refund", "给您退 款。"),
        ("promise", "compensation", "我们会给您一些补贴。"),
        ("promise", "compensation", "我们会赔偿您的损失。"),
        ("promise", "extra_food", "再给您补一份。"),
        ("promise", "extra_food", "下次给您加个菜。"),
        ("promise", "extra_food", "送您一份小菜。"),
        ("promise", "discount", "给您发张券。"),
        ("promise", "discount", "给您一张满减券。"),
        ("promise", "discount", "下次来给您优惠。"),
        ("promise", "discount", "下次来半价。"),
        ("promise", "discount", "下次来给您打八折。"),
        ("promise", "free", "这顿不收钱。"),
        ("promise", "free", "不收您钱了。"),
        ("promise", "treat", "下次来吃我请客。"),
        ("promise", "treat", "这单算我们的。"),
        ("promise", "free", "给您免配送费。"),
        ("promise", "gift", "会有小礼物给您。"),
        # deleting, changing or hiding the review, or paying for a good one
        ("delete_request", "delete", "希望您能删评。"),
        ("delete_request", "delete", "能删评吗？"),
        ("delete_request", "delete", "求您删个评。"),
        ("delete_request", "delete", "把差的那条去掉吧。"),
        ("delete_request", "delete", "麻烦您「删」掉这条「差评」。"),
        ("delete_request", "change", "希望您能重新评价一下。"),
        ("delete_request", "change", "希望您重新打分。"),
        ("delete_request", "change", "能否调整一下评分？"),
        ("delete_request", "change", "能不能把星星加回来？"),
        ("delete_request", "change", "麻烦您把一星改成五星。"),
        ("delete_request", "hide", "帮忙把这条评论隐藏一下。"),
        ("delete_request", "hide", "请您高抬贵手。"),
        ("delete_request", "reward", "好评有惊喜哦。"),
        ("delete_request", "reward", "好评返现五元。"),
        # blame and arguing
        ("blame", "rider_platform", "这是外卖小哥送慢了。"),
        ("blame", "rider_platform", "骑手送得慢。"),
        ("blame", "rider_platform", "是配送的原因。"),
        ("blame", "rider_platform", "是美团派单晚了。"),
        ("blame", "disown", "骑手慢了我们也没办法。"),
        ("blame", "disown", "高峰期单多，难免慢一点。"),
        ("blame", "customer", "您可能吃不惯。"),
        ("blame", "taste", "这是您的个人口味问题。"),
        ("blame", "customer", "您下单时没备注少辣。"),
        ("blame", "customer", "您可能搞错了店。"),
        ("argue", "others_fine", "别的顾客都没说咸。"),
        ("argue", "others_fine", "其他顾客都很满意。"),
        ("argue", "contradict", "您这样说不太客观。"),
        ("argue", "contradict", "希望您不要乱写。"),
        ("argue", "contradict", "请不要无理取闹。"),
        ("argue", "contradict", "您说的不是事实。"),
        ("argue", "insult", "您的素质有待提高。"),
        # invented facts and proofs
        ("invented_fact", "number", "我们的人均只要６８元。"),
        ("invented_fact", "number", "这道菜只要１５元。"),
        ("invented_fact", "amount", "这道菜只要十五元。"),
        ("invented_fact", "hours", "我们每天早上8点开门。"),
        ("invented_fact", "award", "本店是米其林推荐餐厅。"),
        ("invented_fact", "award", "本店荣获大众点评必吃榜。"),
        ("invented_fact", "size", "我们有五家分店。"),
        ("invented_fact", "staff_action", "我们已经开除了那位员工。"),
        ("invented_fact", "proof", "本店有卫生许可。"),
        ("invented_fact", "proof", "我们每天都有第三方检测。"),
        ("invented_fact", "proof", "本店通过了食药监检查。"),
    ],
)
def test_a_paraphrase_is_blocked_with_its_familys_reason(code, family, sentence):
    found = check(OK_OPENING + sentence)
    assert (code, family) in {(v.code, v.family) for v in found}, found


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("crisis_admission", "是我们后厨的疏忽。"),
        ("crisis_admission", "是厨师的过失。"),
        ("crisis_admission", "是帮厨操作失误。"),
        ("crisis_admission", "我们对此负全部责任。"),
        ("crisis_admission", "我们已经查明是厨师的头发。"),
        ("crisis_admission", "员工操作不规范导致了这个问题。"),
        ("crisis_denial", "我们后厨都戴帽子，不会有头发。"),
        ("crisis_denial", "食材没问题。"),
        ("crisis_denial", "我们的菜很干净。"),
        ("crisis_denial", "我们的食材是合格的。"),
        ("blame", "您可能看错了。"),  # a denial that also blames: reported once, as blame
        ("blame", "这不是我们店的问题。"),
    ],
)
def test_an_unverified_food_safety_claim_is_neither_admitted_nor_denied_in_other_words(
    code, sentence
):
    opening = "您好，您反映水煮鱼里有头发，我们非常重视，正在核查。"
    assert codes(opening + sentence, review=HAIR, result=CRISIS) == [code]


# -- must pass: sincere replies the rules must not mistake for the above -----------------


@pytest.mark.parametrize(
    "sentence",
    [
        "我们会加强培训，提升服务人员的素质。",
        "我们会重新核对第一道菜的出餐时间。",
        "我们会每天开店前检查一遍。",
        "这件事我们会马上改正，评价中提到的问题我们都会改进。",
        "我们会认真对待每一条评价，删繁就简改进流程。",
        "感谢您的评价，我们会修改菜单说明。",
        "店里的周末高峰我们会多排人手。",
        "是我们把您的菜弄错了，这是我们的责任。",
        "这不是我们应有的水准，向您赔个不是。",
        "优惠活动的说明我们会重新核对，避免误会。",
        "出餐后我们会尽快交给骑手，热菜也会换用保温效果更好的包装。",
        "配送环节的问题我们会如实反馈给配送站。",
        "每一单的备注我们会打在小票上，出餐前再核对一次。",
        "今后我们会严格按备注的辣度出餐。",
        "这道菜炒得太久了，是后厨的火候没掌握好。",
        "谢谢您给的好评，也谢谢您指出的不足。",
        "我们一定查清楚原因，第一时间告诉您。",
        "祝您生活愉快，一切顺利。",
        "店长会马上联系您。",
        "菜品的定价我们会重新评估。",
        "店长稍后会给您回电。",
    ],
)
def test_a_sincere_reply_is_not_blocked(sentence):
    assert codes(OK_OPENING + sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "查明原因后，我们会第一时间如实告诉您。",
        "如果核查发现是我们的疏忽，我们会负全部责任。",
        "不管核查结果如何，让您有这样的经历，我们都很难过。",
        "后厨正在复查当天的操作规范和防护措施（帽子、口罩、食材清洗），结果会如实告诉您。",
        "也请您通过店长电话 010-1234 5678 联系我们，店长会亲自负责这件事。",
    ],
)
def test_a_careful_food_safety_statement_is_not_blocked(sentence):
    opening = "您好，您反映水煮鱼里有头发，我们非常重视。"
    assert codes(opening + sentence, review=HAIR, result=CRISIS) == []


# Drafts the engine wrote on the bench (bench/replies.py, waimai_train.csv) for the example
# store: (review, analysis, draft, the quotes the engine put in it).
LAOJIEFANG = StoreProfile(
    name="老街坊川菜馆",
    signature="老街坊川菜馆 店长老王",
    contact="店长电话 028-6543 2100",
    proofs=("食品经营许可证 JY25101070012345", "餐饮服务食品安全量化分级 A 级"),
)
BENCH_DRAFTS = [
    (
        "没什么味道，送来的晚凉了",
        analysis(("food", "negative")),
        "这位朋友您好，菜的味道偏淡，确实是我们做得不到位。真诚地向您道歉。调味的标准后厨会重新"
        "定好，出餐前多尝一口。还有饭菜送到时已经凉了这一点，我们同样会认真对待。方便的话请通过"
        "店长电话 028-6543 2100 联系我们，店长想亲自了解情况。\n老街坊川菜馆 店长老王",
        (),
    ),
    (
        "非常慢，其中催单也没人理会",
        analysis(("service", "negative")),
        "这位朋友您好，您说「其中催单也没人理会」，这不是我们该有的样子。在这里向您郑重道歉。"
        "高峰时段我们会调整厨房的出菜顺序，尽量不让您干等。方便的话请通过店长电话 028-6543 2100"
        " 联系店长，我们想当面向您道歉。希望下次能让您吃得舒心。\n—— 老街坊川菜馆 店长老王",
        ("「其中催单也没人理会」",),
    ),
    (
        "送餐太慢，每次都超时，商家都在催促",
        analysis(("service", "negative"), ("delivery", "negative")),
        "这位顾客您好，送餐太慢，影响了您用餐，我们很过意不去。让您饿着肚子等了这么久，真的很"
        "抱歉。出餐节奏我们会重新安排，高峰期加派人手打包，不让餐在店里等骑手。还有上菜太慢这一"
        "点，我们同样会认真对待。如果您愿意，可以通过店长电话 028-6543 2100 找到店长，店长会亲自"
        "跟进。希望下次能让您吃得舒心。\n老街坊川菜馆 店长老王",
        (),
    ),
    (
        "卷饼还可以，这粥也太不值了！皮蛋两三粒，瘦肉一块没吃着",
        analysis(("food", "negative"), ("price", "negative")),
        "这位顾客您好，您说「这粥也太不值」，我们认真看了。很抱歉这次没让您满意。我们会重新核对"
        "每道菜的分量和定价，让每一份都对得起价格。如果您愿意，可以通过店长电话 028-6543 2100 "
        "找到店长，店长会亲自和您沟通。\n老街坊川菜馆 店长老王",
        ("「这粥也太不值」",),
    ),
    (
        "吃到一半发现菜里有小强,简直了",
        analysis(("hygiene", "negative"), severity="high"),
        "这位朋友您好，看到您写的「吃到一半发现菜里有小强」，这件事店长正在亲自处理。让您担心"
        "了，非常抱歉。后厨正在复查当天的操作规范和防护措施（帽子、口罩、食材清洗），结果会如实"
        "告诉您。麻烦您通过店长电话 028-6543 2100 和店长直接联系，我们需要向您了解更多细节。本店"
        "资质（食品经营许可证 JY25101070012345、餐饮服务食品安全量化分级 A 级）均可查验，欢迎顾客"
        "和监管部门监督。\n老街坊川菜馆 店长老王",
        ("「吃到一半发现菜里有小强」",),
    ),
    (
        "肉臭了，态度还十分恶劣，不处理，不要再定这家了",
        analysis(("service", "negative"), ("hygiene", "negative"), severity="high"),
        "这位顾客您好，您反映餐品有变质的问题，我们非常重视，店长正在亲自处理。不管核查结果如"
        "何，让您有这样的经历，我们都很难过。这批食材的进货和储存记录正在逐项核对，有了结果第一"
        "时间向您说明。也请您通过店长电话 028-6543 2100 联系我们，店长会亲自负责这件事。本店资质"
        "：食品经营许可证 JY25101070012345、餐饮服务食品安全量化分级 A 级，欢迎大家监督。\n—— "
        "老街坊川菜馆 店长老王",
        (),
    ),
    (
        "煎蛋，香肠还行。肥牛太老！！菜花难吃！,最sb的可乐是热的",
        analysis(("food", "negative"), malicious=("abuse",)),
        "各位顾客好，评价里有些话是冲着店员个人去的，我们会请平台按规则处理。对用餐本身的意见，"
        "我们都会认真听。如果您确实在本店用餐时遇到了问题，请通过店长电话 028-6543 2100 联系我们"
        "，我们一定认真处理。本店资质：食品经营许可证 JY25101070012345、餐饮服务食品安全量化分级 "
        "A 级，欢迎大家监督。\n—— 老街坊川菜馆 店长老王",
        (),
    ),
    (
        "今天送的很快，快递员态度好，味道很好",
        analysis(("food", "positive"), ("service", "positive"), polarity="positive"),
        "您对口味和服务的肯定，我们收到啦！我们会继续用心做好每一餐。欢迎再来尝尝别的菜。\n"
        "老街坊川菜馆 店长老王 敬上",
        (),
    ),
]


@pytest.mark.parametrize(("review", "result", "text", "quotes"), BENCH_DRAFTS)
def test_the_engines_own_bench_drafts_pass(review, result, text, quotes):
    assert (
        codes(text, review=ReviewText("b", review), result=result, store=LAOJIEFANG, quotes=quotes)
        == []
    )


# -- normalisation ------------------------------------------------------------------------


def test_text_is_read_as_ascii_digits_whatever_the_script():
    assert normalise("１３８、一三八一二三四五六七八、３天！") == "138、13812345678、3天!"
    # Spaces and quote marks are read past; in spaced-out writing the analyzer's
    # normalisation drops the punctuation splitting a word too.
    assert normalise("退 款、删「差评」") == "退款删差评"
    assert normalise("退款、删「差评」") == "退款、删差评"
    # Prose with Chinese numerals stays prose: only runs read digit by digit are numbers.
    assert normalise("逐一核对、第一时间、十五元") == "逐一核对、第一时间、十五元"


def test_staff_are_shown_the_words_they_wrote():
    (violation,) = check(OK_OPENING + "请拨打１３８ １２３４ ５６７８。")
    assert violation.code == "private_data" and violation.found == "１３８ １２３４ ５６７８"


# -- 「」: only the engine's own quotes of the customer are let through --------------------


def test_the_engines_quote_of_the_customer_is_not_held_against_the_reply():
    review = ReviewText("q1", "骑手送得太慢了，饭都凉了", 2)
    reply = f"{OK_OPENING}这次「骑手送得太慢」，饭才凉了。"
    assert codes(reply, review=review, quotes=("「骑手送得太慢」",)) == []
    # The same 「」 written by staff is checked like any other text.
    assert codes(reply, review=review) == ["blame"]


def test_the_customers_account_named_back_is_no_blame():
    """您说骑手送错了楼 reports what the customer said; the rider is not blamed by it."""
    review = ReviewText("q2", "骑手送错了楼，等了半天", 2)
    said = f"{OK_OPENING}您说骑手送错了楼，我们理解您着急的心情，会把小票上的楼号印大。"
    assert codes(said, review=review) == []
    assert "blame" in codes(f"{OK_OPENING}是骑手送错了楼，我们也没办法。", review=review)


@pytest.mark.parametrize(
    ("review", "reply", "code"),
    [
        ("菜太咸了，要求退款和赔偿", "您好，我们同意「退款」，也会「赔偿」您。", "promise"),
        ("你们肯定说这是骑手的问题", "您好，「这是骑手的问题」。", "blame"),
        ("太咸了，差评！删了重点也不会好", "您好，麻烦您「删」掉这条「差评」。", "delete_request"),
    ],
)
def test_staff_cannot_smuggle_words_in_quotes_of_the_review(review, reply, code):
    assert code in codes(reply, review=ReviewText("q2", review, 1))


@pytest.mark.parametrize(
    ("review", "quote", "result", "code"),
    [
        ("等了很久，说好的要求退款也没人理", "「要求退款也没人理」", ORDINARY, "promise"),
        ("态度很差，我要改差评", "「我要改差评」", ORDINARY, "delete_request"),
        ("汤里确实有头发", "「汤里确实有头发」", CRISIS, "crisis_admission"),
    ],
)
def test_even_the_engines_quotes_never_pass_compensation_review_change_or_crisis_rules(
    review, quote, result, code
):
    reply = f"您好，您说{quote}，我们非常重视。"
    assert code in codes(reply, review=ReviewText("q3", review, 1), result=result, quotes=(quote,))


def test_a_draft_carries_its_quotes_and_a_staff_edit_gets_no_others():
    review = ReviewText("q4", "送得非常慢，其中催单也没人理会。骑手的问题你们也不管", 1)
    result = analysis(("service", "negative"))
    drafter = TemplateDrafter()
    made = next(
        m for m in (drafter.draft(review, result, STORE, attempt=i) for i in range(40)) if m.quotes
    )
    assert made.violations == () and all(quote in made.text for quote in made.quotes)
    assert (
        check_reply(made.text, review=review, analysis=result, store=STORE, quotes=made.quotes)
        == []
    )
    edited = made.text + "「骑手的问题你们也不管」"
    blocked = check_reply(edited, review=review, analysis=result, store=STORE, quotes=made.quotes)
    assert [v.code for v in blocked] == ["blame"]


# -- meaning, not phrases (issue 12) ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "菜钱全免",
        "这顿饭钱我们请了",
        "下次来店里这顿我们请",
        "这单算我们的。",
        "下次来报我名字就行。",
        "给您退一半。",
        "给您补一份。",
        "这顿不收钱了。",
        "饭钱我们来出。",
        "医药费我们来承担。",
    ],
)
def test_a_promise_in_any_wording_is_refused_with_a_private_alternative(sentence):
    violation, *_ = [v for v in check(OK_OPENING + sentence) if v.code == "promise"]
    assert violation.found in sentence
    assert "请私下联系顾客" in violation.suggestion
    assert "可以改成：「店长会私下联系您，把这件事处理好" in violation.suggestion


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("菜 钱 全 免", "菜 钱 全 免"),  # spaced out
        ("菜錢全免", "菜錢全免"),  # Traditional
        ("這頓飯錢我們請了", "這頓飯錢我們請"),
        ("免*单", "免*单"),  # split by symbols
        ("下次來店裡這頓我們請", "下次來店裡這頓我們請"),
        ("给您退１００元", "给您退"),  # full width
    ],
)
def test_spacing_script_width_and_symbols_do_not_hide_a_promise(written, found):
    violations = check(OK_OPENING + written)
    assert ("promise", found) in [(v.code, v.found) for v in violations]


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("delete_request", "麻烦您修改一下评价。"),
        ("delete_request", "麻烦您追评一下。"),
        ("delete_request", "希望您重新给个评分。"),
        ("delete_request", "問題解決後麻煩您刪除評價。"),
        ("blame", "您自己没说清楚要微辣。"),
        ("blame", "骑手送晚了不关我们的事。"),
        ("argue", "不可能，我们的菜都是现做的。"),
        ("argue", "您肯定是记错店了。"),
        ("argue", "我们从来没有用过隔夜菜。"),
        ("invented_fact", "王师傅已经重新调整了配方。"),
        ("invented_fact", "本店上周刚通过了卫生部门的检查。"),
    ],
)
def test_each_rule_reads_the_meaning(code, sentence):
    assert code in codes(OK_OPENING + sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "我们的电话是一三八一二三四五六七八。",
        "店长手机幺三九八七六五四三二幺。",
        "老板电话：壹叁玖捌捌捌捌陆陆陆陆。",
        "我电话一八六，二三四五，六七八九。",
        "我的手机 1·3·8·0·0·1·2·3·4·5·6。",
        "加我微信 laowang888 详谈。",
        "V信：chuanwei2024。",
        "vx: xiaomei_666。",
        "扣扣 88776655 随时找我。",
        "您的订单号 20261201883344 我们已经查到了。",
    ],
)
def test_private_data_is_caught_in_digits_words_and_disguises(sentence):
    assert "private_data" in codes(OK_OPENING + sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "我们不会要求您删除评价。",
        "不会再让您失望。",
        "我们不会推卸责任。",
        "不是骑手的问题，是我们出餐慢了。",
        "这不怪骑手，是我们没有安排好。",
        "如需补偿，我们会私下联系您。",
        "退款的事店长会通过平台私信和您沟通。",
        "谢谢您给我们好评，也谢谢您的建议。",
        "我们请了师傅来检修空调。",
        "您的评分提醒了我们要改进。",
        "能不能做得更好，我们会用行动证明。",
        "您不用修改评价，我们只想把问题改好。",
    ],
)
def test_negated_and_store_own_wording_passes(sentence):
    assert codes(OK_OPENING + sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "We are reviewing our prices and our vouchers and deals.",
        "Every ingredient will be checked; it should never be there.",
    ],
)
def test_english_words_starting_with_v_are_not_wechat_ids(sentence):
    # the bare "V" of "V: abc123" once matched the v of view, very, vouchers
    assert "private_data" not in codes(sentence)
    assert "private_data" in codes("请加V: shop_abc123 联系店长")


def test_the_suggestion_rewords_the_staff_members_own_sentence():
    (promise, request) = sorted(
        check("抱歉水煮鱼做咸了，这单给您免单，麻烦您把差评删了。"), key=lambda v: v.code
    )[::-1]
    assert (promise.code, promise.found) == ("promise", "免单")
    assert (request.code, request.found) == ("delete_request", "麻烦您把差评删了")
    # Both clauses at fault are replaced in one rewording, each rule's wording once.
    rewritten = (
        "「抱歉水煮鱼做咸了，店长会私下联系您，把这件事处理好，您的意见我们都记下了，会认真改进。」"
    )
    assert promise.suggestion.endswith(rewritten) and request.suggestion.endswith(rewritten)
    (phone,) = check(OK_OPENING + "有事打我电话１３８１２３４５６７８。")
    assert phone.found == "１３８１２３４５６７８"
    assert "「有事打我电话。」" in phone.suggestion  # the number dropped, the rest kept


def test_a_number_at_fault_drops_its_clause_not_just_the_digits():
    # Dropping only 18 left "这道菜卖元", glued to the signature staff typed after.
    (price,) = check(f"{OK_OPENING}\n—— {STORE.signature}这道菜卖18元。")
    assert price.suggestion.endswith("可以删掉这句：「这道菜卖18元。」")
    (price,) = check("抱歉让您久等了，这道菜卖18元，下次见。")
    assert price.suggestion.endswith("可以改成：「抱歉让您久等了，下次见。」")


@pytest.mark.parametrize(
    "sentence",
    [
        "平台已经给您退了款，出餐慢是我们的问题，已经在改了。",
        "您申请的部分退款平台已经同意，我们这边没有异议。",
        "这单的退款已由平台在当天自动处理，到账时间以平台为准。",
        "退款平台已經幫你處理咗，份量少咗係我哋嘅問題。",
        "The platform has already processed the refund for that item automatically.",
    ],
)
def test_a_refund_the_platform_made_is_a_fact_not_an_offer(sentence):
    assert "promise" not in codes(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "平台已经退了配送费，我们再给您退一半餐费。",
        "平台审核通过后，我们给您退全款。",
        "平台已经同意了，我们另外再退您二十元。",
    ],
)
def test_a_refund_the_store_adds_to_the_platforms_is_still_an_offer(sentence):
    assert "promise" in codes(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "您提到的折扣是平台举办的活动，上周已经结束，并非本店取消。",
        "打包费是平台按餐盒数量统一收取的，餐盒太多的问题我们会改进。",
        "这单是平台专送，配送时间由平台统一调度，我们自己的出餐时间也会压缩。",
    ],
)
def test_a_fact_about_the_platform_is_no_blame(sentence):
    assert "blame" not in codes(sentence)


def test_the_platform_named_as_the_cause_is_still_blame():
    assert "blame" in codes("送得慢是因为平台派单太晚了。")
    assert "blame" in codes("这次送晚了，是平台的问题。")


@pytest.mark.parametrize(
    "sentence",
    [
        "这次的体验让我们的口碑大打折扣，我们自己也很心疼。",
        "我们知道，任何补偿都换不回您那天晚上的好心情。",
        "做餐饮这么多年，我们一直觉得赔钱事小、失信事大。",
        "想送您一句真心话：谢谢您告诉我们哪里做错了。",
        "您使用的红包抵扣是平台规则自动计算的，实付金额在订单页可以查看。",
    ],
)
def test_compensation_words_in_an_idiom_or_a_platform_fact_are_no_offer(sentence):
    assert "promise" not in codes(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["这顿饭钱我们赔给您。", "下次来给您打个折。", "红包是平台发的，我们再给您发一个。"],
)
def test_compensation_offered_plainly_is_still_a_promise(sentence):
    assert "promise" in codes(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "您描述的情况和我们监控里看到的一致，服务员确实没有及时回应您。",
        "满30减8是平台统一活动，已经到期下线了，不是我们故意取消的。",
        "这是我们这个月收到最中肯的一条评价，没有一句是冤枉我们的。",
        "我们周末不接受电话订位，让您白跑一趟，真的很抱歉。",
        "我们在这条街上开店，从来不敢在食材上马虎，这次是我们的失误。",
    ],
)
def test_an_explanation_that_sides_with_the_customer_is_no_argument(sentence):
    assert "argue" not in codes(sentence)


def test_an_argument_is_still_one():
    assert "argue" in codes("我们查了监控，您说的情况根本不存在。")
    assert "argue" in codes("您是故意来找茬的吧。")
    assert "argue" in codes("我们不接受这样的评价。")


@pytest.mark.parametrize(
    "sentence",
    [
        "您这一趟来回的时间和心情，都是我们造成的损失。",
    ],
)
def test_harm_the_store_owns_is_no_blame(sentence):
    assert "blame" not in codes(sentence)


def test_blaming_the_rider_is_still_blame():
    assert "blame" in codes("这次是骑手送错了楼，不是我们的问题。")
    assert "blame" in codes("都是您没写备注造成的。")


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("promise", "钱的事好说，您开个口，我们都能商量。"),
        ("promise", "下次来找老板，当是赔罪，我们招待您一道招牌菜。"),
        ("promise", "We've put a small credit into your account for next time."),
        ("delete_request", "这条评价对小店影响很大，麻烦您把它下架吧。"),
        ("delete_request", "问题都改好了，得闲帮我们改回评分吧。"),
        ("delete_request", "唔該你幫手改返個評分啦。"),
        ("delete_request", "We'd be grateful if you could take the review down."),
        ("argue", "希望您以后写评价时客观一点。"),
        ("argue", "唔好亂講啦，監控顯示只等咗十分鐘。"),
        ("argue", "Taste is subjective, maybe this place just isn't for you."),
        ("blame", "孩子在店里乱跑，还请家长多看着点。"),
        ("blame", "这道菜趁热吃才好吃，放久了当然不行。"),
        ("blame", "您晚到了半小时，桌位自然就给别人了。"),
        ("private_data", "您是在某某公司上班的那位先生吧，我们记得您。"),
        ("private_data", "您那辆车牌尾号8K的车那天停在门口。"),
    ],
)
def test_a_disguised_violation_is_caught(code, sentence):
    assert code in codes(sentence)


def test_an_english_sentence_is_reworded_in_english():
    """A reply to an English review is written in English: the suggested rewording of a
    sentence staff wrote in English is English, never a Chinese clause inside it."""
    (promise,) = check("Sorry about the cold noodles. Your next meal is on us, of course.")
    assert promise.code == "promise"
    assert "可以改成：「Our manager will contact you privately to put this right" in (
        promise.suggestion
    )
    (chinese,) = check("抱歉，这顿饭钱我们请了，下次再来")
    assert "店长会私下联系您" in chinese.suggestion


@pytest.mark.parametrize(
    "sentence",
    [
        "我们已经把这批食材全部下架，后厨全面清洁。",
        "旧图下架，新的实物图这周补上。",
        "我们会把撤下的菜品重新上架，价格不变。",
    ],
)
def test_taking_food_or_pictures_off_the_menu_is_no_delete_request(sentence):
    assert "delete_request" not in codes(sentence)


def test_how_a_dish_is_made_explained_with_ownership_and_a_change_is_no_argument():
    owned = "这道菜本来就偏甜，是江浙口味。我们理解您的感受，会在菜单上注明口味。"
    assert "argue" not in codes(owned)
    # The same defence alone, or with sympathy but nothing the store will do, still argues.
    assert "argue" in codes("这道菜本来就偏甜，是江浙口味。")
    assert "argue" in codes("这道菜本来就偏甜，是江浙口味。我们理解您的感受。")


@pytest.mark.parametrize(
    "reply",
    [
        # the store owns it in the same sentence (是我…没…好, 属我店…不到位, 是我们判断失误)
        "抱歉，收银台人手不够，是我排班没排好。已加人。",
        "非常抱歉！那天我们接单太多，出餐排不过来，本应该暂停接单却没有，是我们判断失误。",
        # a concession that goes on to the store's own part
        "抱歉造成您的困擾！雖然是外送途中發生的，但我們的湯品包裝不夠牢固也是原因。",
        "配送虽然是平台骑手，但订单是在我们店下的，您的体验我们有责任。",
        # not done (未), so that … not (免得), the customer's own refund request
        "我店目前未开展免单活动，如有活动会在平台页面公示。",
        "打包费是餐盒的成本，我们在下单页面加了说明，免得大家觉得被乱收费。",
        "抱歉！退款是您在平台申请的，我们这边同意得太慢了，是我们处理不及时。",
    ],
)
def test_an_innocent_edit_that_owns_the_fault_or_offers_nothing_passes(reply):
    assert not {"blame", "promise"} & set(codes(reply))


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("虽然我们也有不足，但主要是骑手送错了楼。", "blame"),  # conceded, then blamed
        ("那天单子太多忙不过来，骑手也送得慢，请您理解。", "blame"),
        ("未来我们给您免单。", "promise"),  # 未来 is no 未
        ("这单免了，免得您再跑一趟。", "promise"),
        ("退款是您申请的，我们再给您多退二十。", "promise"),
    ],
)
def test_the_same_words_with_a_real_violation_are_still_caught(reply, code):
    assert code in codes(reply)
