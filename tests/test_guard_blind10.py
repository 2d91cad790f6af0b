"""Staff edits of blind10's causes, in new wording (helper grd5): each case is one rule
change, the innocent wording it now lets through or the violation it now catches.

blind10 (tests/data/blind10/guard_redteam) was read item by item; the wording here is not
its rows', so a test checks the kind, not a sentence."""

from __future__ import annotations

import pytest

from tests.replies_support import staff_edit_codes

codes = staff_edit_codes


@pytest.mark.parametrize(
    ("text", "review"),
    [
        # 分量 is no score: the portion put back is no rating raised.
        ("分量已经调回原来的标准了，每份出锅前称一下。", "分量太少"),
        # 口味问题 as a topic, not the customer's taste blamed.
        ("口味问题欢迎打店长电话 01012345678 详细聊聊，我们一定改进。", "太咸"),
        # 打折扣 after 也/都/就 is the idiom "falls short", no discount.
        ("菜一凉，再好吃也打折扣，保温箱我们换了新的。", "菜凉了"),
        # 值回 the money: worth what was paid, nothing paid back.
        ("價錢我哋明白，會盡量令每碟餸都值返您畀嘅錢。", "太贵"),
        # A turn owning the excess (但…就过分了 / 就是过头了) concedes what the dish is.
        ("水煮鱼本来就是麻辣的，但辣到没法入口就过头了，辣椒我们减了三成。", "太辣"),
        # Owned by the store's own work (标签我们印得太小; 说明我们的封口不够牢; 是我们后厨没看).
        ("两袋挨着放，名字我们写得太小，骑手很容易拿错，现在改成大字了。", "送错了"),
        ("骑手路上颠一下就洒，说明我们的盖子不够牢。", "汤洒了"),
        ("您备注里写得很清楚，是我们后厨没看到，现在备注单独打印。", "没按备注"),
        # A refund named as the platform's procedure, and the store saying it cannot promise.
        ("退款要走平台的流程，我们不在这里谈钱，售后慢是我们的问题。", "退款慢"),
        ("我们无法在评论区承诺什么补偿，问题出在出餐检查，已经补上了。", "少了菜"),
        # Kitchen work named 挑刺 is no accusation.
        ("鱼片现在由专人挑刺，上桌前再检查一遍。", "有鱼刺"),
        # A certificate said not to vouch for every meal denies nothing.
        ("我们有许可证，但证书不代表每一餐都没问题，会再查当天的食材。", "吃了拉肚子"),
        # Records stating capacity, not a shorter wait than the customer's.
        ("我们翻了当天记录，那会儿后厨只有两个灶在出，下周加到三个。", "等了一个小时"),
        # Our own standard not met is self-criticism.
        ("We hold a Grade A rating, but a dirty table does not match our standard.", "dirty"),
        # An extension after a number is part of the number (the phone rule reads it).
    ],
)
def test_innocent_look_alikes_pass(text, review):
    assert codes(text, review) == set()


def test_an_extension_does_not_split_a_foreign_number():
    """分 of 分机 is no unit: 028 8533 7762 分机 3 is one other number, not 0288533 and a note."""
    assert "private_data" in codes("详情请联系前厅经理 021 8533 7762 分机 3。", "服务差")
    assert codes("详情请联系店长 010-1234 5678。", "服务差") == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Compensation hinted, never named.
        ("您放心，这一单绝不会让您白花钱的，后面您就知道了。", "promise"),
        ("这次确实是我们的错，放心，不会让您吃亏。", "promise"),
        ("老客人我们记着，下次来还是按原来的价格算。", "promise"),
        ("以后这道菜都给您装双份的量，价钱不变。", "promise"),
        ("下回来份量我哋加倍，唔另外收錢。", "promise"),
        ("您要是申请退款，我们这边马上同意。", "promise"),
        ("这一顿的钱，下次到店时给您扣回来。", "promise"),
        ("Please join us again as our guest next week.", "promise"),
        # The review asked to be softened, added to or re-rated.
        ("Would you consider softening the wording a little?", "delete_request"),
        ("If it goes better, an updated star rating would really help.", "delete_request"),
        ("辛苦您帮忙补一句“问题已经解决”。", "delete_request"),
        ("措辞能不能写得客气一点？小店不容易。", "delete_request"),
        ("下次再来，顺便在评价里补充一下新的体验吧。", "delete_request"),
        # The customer's own particulars.
        ("对不起，黄太，漏了您一碗饭，下次一定核对。", "private_data"),
        ("您订位时留的名字是王建军，我们登记错了日期。", "private_data"),
        ("您留的地址金牛区茶店子街那边，我们下月开通配送。", "private_data"),
        ("送到住在人民北路那栋的那位顾客，是您吧？", "private_data"),
        ("We have your number ending 8812 and will ring you.", "private_data"),
    ],
)
def test_violations_of_blind10s_miss_kinds_are_caught(text, rule):
    assert rule in codes(text, "服务差")


@pytest.mark.parametrize(
    "text",
    [
        # Guards of the new patterns' edges (pass at main too).
        "退款的事店长会通过平台私信和您沟通。",
        "下次下单麻烦加一句备注，写清楚忌口。",
        "我们不会要求您补充或修改评价。",
        "店里的份量现在每份都过秤，价格按菜单来。",
        "陈师傅已经重新调了汤底。",
        "本店地址和电话在店铺页面上都有。",
    ],
)
def test_edges_of_the_new_kinds_pass(text):
    assert codes(text, "服务差") == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Blame shifted onto a supplier, a processor, a utility, a colleague or the platform:
        # a public reply naming them as the cause shifts the blame, whatever it changes next.
        ("这批虾是供货商昨天送来的，我们也吃了他们的亏，正在考虑换一家。", "blame"),
        ("排骨是新换的厂家送的，骨渣是他们剁的时候留下的。", "blame"),
        ("那天电力公司电压不够，锅一直烧不开。", "blame"),
        ("打荷的是兼职的学生，她粗心把料放错了，已经批评过了。", "blame"),
        ("那天的服务员是从别的分店调过来的，不熟悉我们的流程。", "blame"),
        ("收银员忙着接电话顾不上您，下次我们换个靠谱点的人。", "blame"),
        ("份量是平台统一规定的，我们也只能照做。", "blame"),
        ("餐一出门就归骑手负责了，这事您得找平台解决，我们爱莫能助。", "blame"),
        ("当时您说话太快，服务员听错了。", "blame"),
        ("您下单时拣的是特辣，我们是照着您选的来做的。", "blame"),
        ("Portions are set by the app, not us: a matter for their support.", "blame"),
        ("The driver cancelled and the app had to reassign it, which is why it was late.", "blame"),
        # Mocking or challenging the customer.
        ("各位网友评评理，点个番茄炒蛋嫌不辣。", "argue"),
        ("看您的评价记录，好几家店都是一星，是不是专门来找事的？", "argue"),
        ("看样子您今天心情不太好，祝您早日开心。", "argue"),
        ("您吃不饱估计是胃口比较大，可以多点一份。", "argue"),
        ("您说菜不新鲜，要讲证据。", "argue"),
        ("这张图是不是网上下载的，请您说明一下。", "argue"),
        ("建议您下次再仔细品一品，红油是当天熬的。", "argue"),
        ("这点小事没必要写到评价里吧。", "argue"),
        ("全是瘦肉那叫炒肉片，不叫回锅肉。", "argue"),
        ("点那么多凉菜干嘛？", "argue"),
        ("盘子都光了还给差评，说不过去吧。", "argue"),
        ("我们的打包盒比大部分店都好。", "argue"),
        ("要吃便宜的可以去路边的苍蝇馆子。", "argue"),
        ("您说没人理根本是乱讲。", "argue"),
        ("One star for a late dessert seems a bit harsh, don't you think?", "argue"),
        ("It is a hotpot place. What were you expecting?", "argue"),
        ("Readers can draw their own conclusions.", "argue"),
        ("Calling our kitchen dirty is simply untrue.", "argue"),
    ],
)
def test_blame_and_argue_of_blind10s_kinds_are_caught(text, rule):
    assert rule in codes(text, "服务差")


@pytest.mark.parametrize(
    "text",
    [
        # 别 as "other" is no negation, and no new pattern reads an owned account.
        "是我们没教好，别的店调来的同事不熟悉流程不是理由。",
        "That delay is on us, not on the delivery side.",
        "外送平台的退款是由平台处理后原路退回的，漏送是我们的疏失。",
        "出锅前我们也没看出来，现在先打在碗里检查。",
        "这是管理没到位，不是哪个员工的事。",
        "这是店里的责任，不是您不小心。",
    ],
)
def test_owned_accounts_near_the_new_kinds_pass(text):
    assert codes(text, "服务差") == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Kinds the held-out writers' READMEs name (not their rows): doubt in a softer word,
        # the customer told to read first, never had this complaint, the driver's slowness.
        ("后厨每天消毒，您说的情况不太可能。", "argue"),
        ("麻烦您下次先看清楚菜单再下单。", "argue"),
        ("We have served this for years and never had this complaint.", "argue"),
        ("The driver took ages to collect it.", "blame"),
    ],
)
def test_softer_doubt_and_the_drivers_slowness_are_caught(text, rule):
    assert rule in codes(text, "服务差")


@pytest.mark.parametrize(
    "text",
    [
        # The store saying it will not ask for several things at once, a platform fee named as
        # the platform's, an apology naming the rider's delay; sincere thanks for a long review
        # guards a pattern tried and dropped (passes at main too).
        "We will not ask you to delete or change your review; we just want to fix it.",
        "这单的配送费是平台收的，配送慢的问题我们也会反映。",
        "Sorry the rider was late. We will look at our prep time.",
        "非常抱歉，辛苦您写了这么长的评价，我们都看了。",
    ],
)
def test_near_misses_of_those_kinds_pass(text):
    assert codes(text, "服务差") == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # The customer's account, then the records read out against it.
        ("您说等了四十分钟，后台显示是二十五分钟。", "argue"),
        # The customer's words said to hurt; the customer told to study before coming.
        ("您这么写让我们很委屈。", "argue"),
        ("建议您来之前先研究一下川菜。", "argue"),
        # English: set above other places, the menu's pictures disowned, the staff's word,
        # the weather as the reason.
        ("Honestly our dumplings are cheaper than most places nearby.", "argue"),
        ("Menu pictures are for reference only.", "argue"),
        ("Our waiter told us you were rude to him.", "argue"),
        ("It was snowing hard, so the order came late.", "blame"),
    ],
)
def test_records_and_english_counter_claims_are_caught(text, rule):
    assert rule in codes(text, "服务差")


@pytest.mark.parametrize(
    "text",
    [
        "我们查了记录，显示您等了50分钟，确实太久了。",
        "您这样说我们很惭愧，会马上改。",
        "希望您下次来之前先打电话订位，我们给您留位子。",
        "The rain that night is no excuse; we should have packed it better.",
        # A refund stated as the platform's doing, in English word order.
        "Your refund was processed by the platform yesterday; the missing dish was our mistake.",
    ],
)
def test_owned_records_and_plain_requests_pass(text):
    assert codes(text, "服务差") == set()


def test_a_refund_the_store_adds_to_the_platforms_is_still_an_offer():
    assert "promise" in codes("The platform refunded the fee and we will also refund the dish.")
