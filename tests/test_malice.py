"""Malice from evidence (issue 11): real extortion and threats caught in their short,
colloquial, Traditional or spaced-out forms; honest customers never accused; every flag
carries the customer's own words and the facts behind it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from reviewbot.analysis.base import AnalysisContext, ReviewText
from reviewbot.analysis.evaluation import analyze_all, malice_check, read_jsonl
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.v1 import AnalyzerV1

DEV = Path(__file__).parent / "data" / "dev" / "malice.jsonl"
# Real reviews and messages quoted in news and court reports (tests/data/dev/malice_real)
REAL = Path(__file__).parent / "data" / "dev" / "malice_real"
# Written in real extortioners' style, with honest look-alikes (tests/data/dev/malice_written2)
WRITTEN = Path(__file__).parent / "data" / "dev" / "malice_written2"
# Threats in the forms news reports describe, and refund conditionals that are honest
THREATS = Path(__file__).parent / "data" / "dev" / "malice_threats3.jsonl"


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def read(text: str, rating: float | None = 1, **context):
    return analyzer().analyze(ReviewText("t", text, rating), AnalysisContext(**context))


@pytest.mark.parametrize(
    ("text", "reason", "span"),
    [
        ("给200就删", "extortion", "200就删"),
        ("不退钱就天天差评", "extortion", "不退钱就天天差评"),
        ("給 2 O O 就 刪", "extortion", "2 O O 就 刪"),
        ("菜太咸了。補償我兩百塊我就改好評", "extortion", "補償我兩百塊我就改好評"),
        ("再不处理就打12315让你罚款", "threat", "让你罚款"),
        ("不给钱你们就等着关门吧", "threat", "不给钱你们就等着关门"),
        ("再不處理就打12315讓你罰款", "threat", "讓你罰款"),
        ("不赔1000我就去市场监管局举报你们，让你们停业整顿", "threat", "让你们停业整顿"),
    ],
)
def test_short_real_forms_are_caught_with_the_customers_words(text, reason, span):
    result = read(text)
    assert reason in result.malicious_reasons
    evidence = next(e for e in result.malicious_evidence if e.reason == reason)
    assert evidence.span == span  # quoted as written, not as normalised
    assert evidence.facts  # what each piece proves, in Chinese


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        # issue 11: 附近, 家 and the 去 of 看上去 made this 3-star story a competitor
        ("出差到了南京，在高铁站附近挑选了一家，看上去还挺干净，结果菜又咸又贵", 3),
        ("商家让我删评我不删", 1),
        ("老板说给我两百块让我删差评，我没要", 1),
        ("吃完全家拉肚子，医院的诊断书都在，已经向12315投诉", 1),
        ("菜里有头发，要求退款，不然就打12315", 1),
        ("不给退款就去12315投诉，看你们怎么说", 1),
        ("打包盒漏了，一袋子都是汤，要求退钱", 1),
        ("送得快一点我就给好评了，可惜晚了四十分钟", 3),
        ("比隔壁那家差远了，还不如去隔壁吃沙县", 2),
        ("给我记住，以后不点这家了", 1),
        # a curse on the shop, not the writer's own doing and nothing asked for
        ("菜太难吃了，服务员还爱答不理，你们等着关门吧", 1),
        ("这么脏的店，等着倒闭吧", 1),
    ],
)
def test_honest_customers_are_not_accused(text, rating):
    assert not read(text, rating).malicious


def test_the_dev_set_has_no_false_accusation_and_catches_extortion_and_threats():
    check = malice_check(analyzer(), read_jsonl(DEV))
    assert check.false_accusations == []
    assert check.honest >= 150
    caught = sum(c for r, (c, _) in check.recall.items() if r in ("extortion", "threat"))
    total = sum(t for r, (_, t) in check.recall.items() if r in ("extortion", "threat"))
    assert total >= 150 and caught / total >= 0.9


def test_the_prefilter_never_changes_a_verdict():
    rows = read_jsonl(DEV)
    reviews = [ReviewText(r["id"], r["text"], r["rating"]) for r in rows]
    fast = analyze_all(analyzer(), reviews)
    slow_analyzer = AnalyzerV1()
    slow_analyzer.malice = MaliceRules(slow_analyzer.lexicon, prefilter=False)
    slow = analyze_all(slow_analyzer, reviews)
    assert [a.malicious_evidence for a in fast] == [a.malicious_evidence for a in slow]
    # and it does skip: most ordinary reviews have no cue at all
    rules = analyzer().malice
    plain = ["味道不错，送得很快", "太难吃了", "米饭有点硬", "包装很好，分量足"]
    assert not any(rules.cued(text) for text in plain)


def test_phrase_reasons_carry_their_words_too():
    (evidence,) = read("老板是傻逼，菜也难吃").malicious_evidence
    assert evidence.reason == "abuse" and evidence.span == "傻逼"
    assert evidence.facts == ("辱骂他人：「傻逼」",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # a demand for more than a refund, tied by a refusal to a report
        ("饭菜里吃出蟑螂了，给我免单再赔钱，不然我就举报你们违反食品安全法。", "threat"),
        ("赶紧赔偿，不赔我就发到网上曝光，再去相关部门举报你们。", "threat"),
        ("不给钱的话我就把你们店的卫生问题曝光出去。", "threat"),
        ("今天消费370，给我们免单再按10倍赔偿，不然我们就向相关部门投诉。", "threat"),
        ("我要免单，我要举报你", "threat"),
        ("我要投诉，赔我600元。", "threat"),
        ("如果不同意的话后果自负、你等着", "threat"),
        ("這次拿2萬出來，這事就算了。", "extortion"),
        ("給我免單，不然就去消委會投訴你們", "threat"),
        # written Cantonese is read as Mandarin (唔畀錢 → 不给钱); 著 as the particle 着
        ("你哋唔賠錢，我就去食環署舉報你哋", "threat"),
        ("唔畀錢就日日俾差評", "extortion"),
        ("不給錢就等著關門吧", "threat"),
        ("不给免单我就报警", "threat"),
        ("五百块钱买个安心，不然你们店别想好过", "threat"),
        ("付款即停，否則繼續", "extortion"),
        ("给我三百块钱，这事就过去了", "extortion"),
        ("请我喝一杯饮料，不然给你一星", "extortion"),
        ("不給我免費，我就留一星負評", "extortion"),
        ("拿五千出来，不然我就把视频发到网上", "threat"),
        ("不想被举报就拿钱来", "threat"),
        ("唔賠錢就放上網", "threat"),
    ],
)
def test_colloquial_real_demands_are_caught(text, reason):
    result = read(text, None)
    assert reason in result.malicious_reasons
    assert next(e for e in result.malicious_evidence if e.reason == reason).facts


@pytest.mark.parametrize(
    "text",
    [
        "要求赔偿医药费300元，不然就去12315投诉",  # a real harm's cost
        "老板主动给我们免单，不然我肯定打12315了",  # the shop paid: a story
        "后来商家赔了我200，不然我就去市场监管局投诉了",
        "赔钱的店就是不一样，不然早被举报了",  # what would have happened
        "要不是看在老板赔偿的份上，否则我早曝光了",
        "免单都不要，我就要曝光你们这种黑店",  # money turned down
        "吃出虫子，商家说给我们免单，我说不用了，我要举报你们",
        "如果不给我退款，我就投诉到12315",  # a refund of the order is no extortion
        "花了200，这事就算了",
        "商家不赔钱，我已经向市场监管局投诉了",
        "我要投诉，赔我的钱呢？等了两个小时",
        "刚付款就撤单了，商家也不接",
        "退了300块钱，这事就过去了",
        "这么脏，等着关门吧",
        "不给免单我也不会再来了",
        "赔我们钱，不然以后再也不来了",
        "不赔偿的话我们就走法律程序",
        "你不送到楼上，我就给差评",
        "菜拿出来都凉了，不然还能给个好评",
        "不想被投诉就好好做菜",
        "上网一查全是差评",
    ],
)
def test_look_alikes_of_real_demands_are_not_accused(text):
    assert not read(text, 1).malicious


def test_real_cases_from_news_reports_recall_and_no_honest_accused():
    """The dev half of a set collected from news and court reports by someone who did not
    read these rules (tuned on: the blind half is the measure)."""
    malicious = malice_check(analyzer(), read_jsonl(REAL / "malicious.jsonl"))
    honest = malice_check(analyzer(), read_jsonl(REAL / "honest.jsonl"))
    assert honest.false_accusations == [] and honest.honest >= 50
    caught, total = malicious.flagged
    assert total >= 20 and caught / total >= 0.75


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        # the review offered for sale through a private channel, or paid for and gone
        ("老板想删评的话加我vx,1200全删,不然明天接着发", {"extortion"}),
        ("hb到位秒删", {"extortion"}),
        ("賠錢即刪", {"extortion"}),
        ("改hao评 要hong包 懂?", {"extortion"}),
        ("老闆,這條負評要撤也可以,LINE我,價錢好談", {"extortion"}),
        ("不转继续评,号多的是", {"extortion"}),
        ("探店博主来了,不给费用就给你写成避雷贴,你看着办", {"extortion"}),
        ("给我5000块，我就不举报你们超范围经营", {"extortion", "threat"}),
        ("給我們100元禮品卡，不然繼續給你們留一星評論", {"extortion"}),
        # money demanded under a report: extortion as well as a threat
        ("吃出苍蝇,赔800,不然直接打12345投诉你们食品安全", {"extortion", "threat"}),
        ("食药监电话我已经查好了,给你半小时考虑,2000私了", {"extortion", "threat"}),
        ("不給我打折就把你們拍上網,等著被灌爆一星", {"extortion", "threat"}),
        # harm with the writer's knowledge of where people are
        ("小心你们家的玻璃门", {"threat"}),
        ("我会让你知道得罪我是什么下场,你那个破店迟早被我烧了", {"threat"}),
        ("敢拉黑我?你店门口的监控拍得到我的脸吗,走着瞧", {"threat"}),
        # English: Google and Yelp review extortion
        (
            "Give me a $100 gift card and I won't post this on Yelp or call the health department.",
            {"extortion"},
        ),
        ("Watch your windows tonight. I know where you park.", {"threat"}),
        (
            "He threatened to post a negative review on Yelp unless he was given a $100 gift card.",
            {"extortion"},
        ),
        ("我要去市场监管局举报你们，除非赔我两千", {"threat", "extortion"}),
        ("如果唔畀我落單，我就打電話投訴你哋職員。", {"threat"}),
    ],
)
def test_offers_channels_and_conditionals_of_real_extortioners_are_caught(text, reasons):
    result = read(text, 1)
    assert reasons <= set(result.malicious_reasons)
    assert all(e.facts or e.span for e in result.malicious_evidence)


def test_a_message_without_stars_needs_no_agreement_from_the_sentiment_model():
    # demands sent by message have no stars and often read as neutral text
    assert "threat" in read("三天内准备五万，不然你的店别想开下去", None).malicious_reasons
    # praise is still no attack, whatever amount sits beside 好评
    assert not read("外卖小哥很给力，好评一万", None).malicious


@pytest.mark.parametrize(
    "text",
    [
        "这么难吃还想要好评？给钱我都不吃",
        "不给钱还想要好评？做梦",
        "红包到账了，给个好评",
        "说好的返现5元呢，差评",
        "不给退款我就打12315",
        "要求退款200元，不然就打12315",
        "不给换就给差评，东西都是坏的",
        "红包用不了，客服说不然就差评吧，什么态度",
        "看到您的评价我们很难过，差评能删就删了吧，我们私下解决。",
        "要不是看在送餐员比较辛苦的份上肯定给差评了，11点40多才送到",
        "老板你就等着被查吧,照片我都交给市场监管了,不是为了钱,是为了后面吃的人",
        "The manager offered a $25 gift card if I removed my review. No thanks, review stays.",
        "Pay up front and wait 90 minutes, or go elsewhere. One star.",
        "不给退款就别想要好评",  # praise withheld, and a refund is the customer's due
        "如果商家能退款，我可以考虑改评价",  # goodwill offered, nothing demanded
        "红包到账就删评，这是商家自己说的，结果红包没给",
        "I'll leave 1 star unless they give me my $20 back.",
        "I paid $45 for this and it was cold. 1 star. Won't be back.",
        # only the customer's own refund, an apology or an explanation asked for the review
        "退款了我就删差评",
        "给个说法，不然差评不删",
        "把38块退给我，差评马上删",
        "要么退款要么差评",
        # a claim the shop refused, told as the story behind the stars
        "吃出蟑螂要求赔偿，商家不赔，差评",
        "老板不赔钱，给差评",
        "找商家要赔偿，不给，一星",
        "赔偿干洗费300，一分都不能少",
    ],
)
def test_look_alikes_of_the_new_forms_are_not_accused(text):
    assert not read(text, 1).malicious
    assert not read(text, None).malicious


@pytest.mark.parametrize(
    "text",
    [
        "退全款再赔500，不然差评不删",  # beyond the refund
        "退我一百我就删掉这条，不然每个平台都写",  # a campaign of reviews, not the one review
        "你们不退款我就换号天天写差评",
        "老板不给钱就天天差评",
        # further bad reviews threatened as leverage, even for the refund alone (the
        # policy in tests/data/dev/README.md; malice_threats3 relabelled to match)
        "不退钱就一直差评，直到退为止",
        "不给我退款，我就每天来追评",
        "不退款我就继续追评，让大家都看到",
        "汤里有虫，精神损失费五百，少一分都不行",
        "你们的牛排有问题，免费请我们全家吃一顿，我就改评价",
        "价格涨了啊,昨天1200你不给,今天1800,明天两千五",
        "全网发?还是私了?给你十分钟考虑",
        "💰到账✅ 差评🗑️",
    ],
)
def test_a_refund_or_a_refusal_is_no_cover_for_more(text):
    assert "extortion" in read(text, 1).malicious_reasons


@pytest.mark.parametrize(
    "text",
    [
        "我知道你老婆在哪上班，你孩子在哪个学校，自己想清楚",
        "你们的玻璃门挺贵的吧，碎了可不好修",
        "你们等着，我会天天去卫生局投诉，投到你们停业",
        "再唔處理，今晚去你舖頭淋油",
        "I know where you live and I know your kids' school. Think carefully before you reply.",
    ],
)
def test_threats_without_a_price_are_caught(text):
    assert "threat" in read(text, 1).malicious_reasons


def test_threats_dev_set_recall_and_no_honest_accused():
    """Threats written after the forms news reports describe, with refund conditionals and
    other honest look-alikes (tuned on)."""
    rows = read_jsonl(THREATS)
    check = malice_check(analyzer(), rows)
    assert check.false_accusations == [] and check.honest >= 50
    caught, total = check.recall["threat"]
    assert total >= 40 and caught / total >= 0.9


def test_written_extortion_in_real_style_recall_and_no_honest_accused():
    """Dev set written after news reports of review extortion (tuned on)."""
    malicious = malice_check(analyzer(), read_jsonl(WRITTEN / "malicious.jsonl"))
    honest = malice_check(analyzer(), read_jsonl(WRITTEN / "honest.jsonl"))
    assert honest.false_accusations == [] and honest.honest >= 250
    caught = sum(c for r, (c, _) in malicious.recall.items() if r in ("extortion", "threat"))
    total = sum(t for r, (_, t) in malicious.recall.items() if r in ("extortion", "threat"))
    assert total >= 200 and caught / total >= 0.8


def test_every_piece_and_combo_compiles():
    # pieces and combos compile on first use; a broken pattern must fail here
    MaliceRules(analyzer().lexicon).compile_all()


@pytest.mark.parametrize(
    "text",
    [
        # cause 1: the refund written as 退了 / 退差价 was not read as the customer's own due
        "米饭是夹生的，30块的套餐就这样，退了我就删。",
        "说好的大份结果是小份，把差价8块退了我马上改评价。",
        "客服说商家负责，可商家一直拖着，什么时候退了什么时候删评。",
        # cause 2: an English refund of the order ("refund the $24") was not read as one
        "Soup arrived cold and half spilled. Refund the $18 and I'll delete this.",
        # cause 3: the refund promised in one sentence, its arrival awaited in the next
        "商家答应当天退款，现在过去一周了。等这36块到账我立马删了这条。",
    ],
)
def test_own_refund_in_other_words_or_sentences_is_no_extortion(text):
    """The five honest reviews of dev/malice_honest that were accused, by cause."""
    assert not read(text, 1).malicious


@pytest.mark.parametrize(
    "text",
    [
        "退了还不够，再转我500精神损失，不然我就删不了",
        "Refund the $18 plus a $100 gift card and I'll delete this.",
        "商家答应退款。退款不够，另外给我转500到账立马删",
        "贰佰元整,到账即删",
    ],
)
def test_the_refund_readings_leave_demands_beyond_it(text):
    assert "extortion" in read(text, 1).malicious_reasons


@pytest.mark.parametrize(
    "text",
    [
        "不赔钱我就找一帮人天天堵在你门口",
        "我会让这家店在这个城市消失，等着瞧",
        "老板，你家孩子在哪个学校我都知道",
        "转我三千，否则我去税务局举报你们不开发票偷税",
        "不给钱就编个你们吃出虫子的故事，发遍全网",
        "Pay me $500 or I'll report you to the health inspector.",
        "骑手我记住你的脸了，你以后别在这片送单",
    ],
)
def test_threats_from_the_malice_honest_forms_are_caught(text):
    assert "threat" in read(text, 1).malicious_reasons


# Threats without a price (issue 11, helper malt): each kind of evidence with the honest
# review that looks most like it. The honest ones are the customer's own hurt, narration,
# a threat the shop made to the customer, a forecast or wish, or a campaign for the
# customer's own refund or answer.
THREAT_KINDS = [
    # violence: a verb of killing or wrecking aimed at the shop or its people, a weapon
    ("要在我老家，砸死你。", "气死我了，真想把手机砸了，等了两个小时"),
    ("不给我就毁了你这店", "这顿饭毁了我一天的心情"),
    ("你们店员再敢瞪我，下次我带刀来", "店员拿着刀过来切牛排，差点划到我"),
    ("你店玻璃门我不保证完整", "这菜我不保证你们吃了不拉肚子"),
    ("再敢挂我电话，我就把你全家照片发网上", "我把照片发到网上了，大家看看这是什么"),
    ("明天给你店门口送个花圈", "花圈店旁边的饭店，味道一般"),
    ("你们厨师下班最好看着点路", "骑手路上注意安全，汤洒了也不怪你"),
    ("I will come back and smash your windows.", "I will come back with friends, lovely place."),
    # whereabouts: where the shop's people live or park, their faces or plates remembered
    ("老板你那辆白色面包车停哪我都知道", "老板说知道我住哪，吓得我不敢出门"),
    ("我記住妳的車牌了，走著瞧", "老板娘还说记住我的脸了，太可怕了"),
    ("我记住你们店地址了，你们等着", "我记住这家店的地址了，以后绕着走"),
    ("你間舖喺邊我知，收工小心啲", "你們家在哪我都找不到，地圖定位錯"),
    ("I know where you live. Think before you reply.", "The manager said he knows where I live."),
    # a campaign until the shop closes
    ("换个号继续评，这店不关门我不停", "我会一直更新这条评价，直到你们给我回复为止"),
    ("我让兄弟们每人点一单全给你一星，刷到你关门", "电话打到关门都没人接"),
    ("你家店我盯上了，开一天我搞一天", "这店开一天少一天吧，迟早倒闭"),
    # ruin: the writer's own doing will close the shop, even beside a real loss
    ("我有能力让你们暂停营业，不信试试看", "这种服务会让你们店倒闭的"),
    ("不给医药费我就去投诉你们，让你们停业整顿", "已经向12315投诉了，希望能罚到他们关门"),
    ("我已经投诉了，到时候罚得你倾家荡产", "我已经举报了，你们等着被罚吧"),
    (
        "You'll be out of business within a month, I'll make sure of it.",
        "This place will be out of business within a month.",
    ),
    # menaces that make a threat together, or after a refusal
    ("下次再让我遇到那个服务员，我不会只是留评论而已", "下次再让我遇到这种情况我就直接投诉了"),
    ("唔俾錢？上次紅油，下次唔知係乜嘢", "下次不知道还会不会来"),
    ("你们再不处理，我就叫朋友一起来刷一星，看谁撑得久", "看你们这服务能撑多久"),
    ("给我退款，不然走着瞧", "给我退款，不然我就投诉"),
    (
        "Keep deleting my reviews and I'll come back with friends. Last warning.",
        "Never coming back, last time I trust the reviews.",
    ),
    # the address held, the family's floor known, the closing hour watched
    ("你家住几栋几单元我都清楚", "你家住的小区我知道，离得很近，所以经常点你们家"),
    ("我有你们老板的家庭住址，你们看着办", "我有你们老板的电话，打了三次都不接"),
    ("你們老闆住在哪裡我都查得到，別以為躲得掉", "我知道你们住在店楼上，但也不能在后厨晾衣服吧"),
    ("我知道你每天几点收店，自己小心", "我知道你们几点开门，特意早来排队，结果还是等了一小时"),
    (
        "I have your home address, think about that.",
        "I have to say the food made my life hell for two days.",
    ),
    # a protest or harassment at the door, a gang called, harm promised for later
    (
        "再删我评论，我就拿喇叭去你们门口喊",
        "外卖放在门口没人管，我下楼去你们门口喊了半天才有人出来",
    ),
    ("你们这店我包了，以后天天来找茬", "服务员一直找茬，说我们占座太久"),
    ("这家店我迟早给你砸了", "这种店早晚倒闭"),
    ("老子不怕坐牢，你们最好别惹我", "老板说他不怕坐牢，让我随便投诉，这种态度？"),
    ("给我等着，过几天让你们尝尝厉害", "过几天再来尝尝新菜，这次先给个差评"),
    ("再這樣下去我就找黑道處理", "别以为我们好欺负，已经投诉到平台了"),
    (
        "If I see that waiter again he's getting punched.",
        "The waiter was getting angry at us for no reason.",
    ),
    (
        "Your car is nice, would be a shame if someone keyed it.",
        "It would be a shame if this place closed.",
    ),
    (
        "Wait until I tell my cousin, he handles people like you.",
        "They deal with people like you all day, said the manager.",
    ),
    # the writer wrecks the shop, sabotages it, calls in thugs, bombs its phone, follows its
    # staff, visits the family, throws acid (not the same words told of someone else)
    ("叫你们老板出来，不然我把店砸了", "昨天有人把你们的招牌砸了？门口一地玻璃"),
    ("信不信我往你店里扔死老鼠", "有人往你们店门口扔垃圾，你们也不清理"),
    ("不给个说法，我就天天在你店门口直播", "我在你们店门口直播吃播，结果菜太难吃，观众都笑了"),
    ("你們再刪我評論，我就每天打電話騷擾你們", "商家天天骚扰我，让我删差评"),
    ("你们店员下班我会一直跟着", "app上没法跟踪他的位置，骑手也不接电话"),
    ("我搵古惑仔嚟搵你", "老板叫几个混混来吓唬我们，我们已经报警"),
    ("小心有人潑鏹水", "小心有人偷你的外卖，放门口就被拿了"),
    ("再囂張就讓你們吃不完兜著走", "份量太大，吃不了兜着走，打包盒还要收钱"),
    (
        "你们那个外卖员，我记下他的车牌了，让他小心点",
        "骑手撞了我的电动车，我记下他的车牌了，已经报警",
    ),
    ("我要让你这家店开一天亏一天", "这店开一天少一天吧，迟早倒闭"),
    (
        "Your staff should be careful walking to their cars tonight.",
        "They should be careful walking to the tables, the floor is slippery.",
    ),
    # menaces inside a long complaint, and a threat framed by an insult told earlier in
    # the same sentence (被你们店员骂，…): only someone's words right around it retell it
    (
        "价格贵就算了，服务生还对我翻白眼，我已经拍下他的脸了，我朋友很多，你们自己看着办。",
        "价格贵就算了，服务生还对我翻白眼，我已经拍下菜的照片了，大家自己看着办。",
    ),
    (
        "今天被你们店员骂，我回去想了一晚上，你们等着，明天我带几个兄弟过来跟你们好好聊聊。",
        "老板还骂我，说你们等着，明天我带几个兄弟过来",
    ),
    (
        "我已经查到这个骑手住在哪了，平台不处理我就自己处理。",
        "商家查到我住哪了，还打电话到我家，太可怕",
    ),
    (
        "这家店老板欺负外地人，我已经联系了我老乡，明天一起去店里讨个说法，人多的是。",
        "叫了几个老乡一起去店里吃，人多的是，结果上菜慢",
    ),
    (
        "我不是好惹的，我表哥是混社会的，你们这个店开不了几天了。",
        "这种服务，你们这个店开不了几天了。",
    ),
    (
        "I know he works the late shift and parks behind the building. Just saying.",
        "I know you work hard but the food was cold.",
    ),
    ("You'll regret not refunding me.", "You'll regret ordering the fish."),
    # a promise of closure, a staff member's details posted, a child's school hours asked
    ("我保证你们明天开不了门", "这个价格我不敢保证还会来"),
    ("你们不删，我就把店员的微信和电话发到网上", "我拍下他的脸了，发给平台客服投诉"),
    ("你家那个小孩挺可爱的，每天几点放学啊", "我家孩子在这附近上学，经常来吃，今天这家变味了"),
    ("我今晚就守在你们店门口，看你出不出来", "你们店门口太脏了，看着就没食欲"),
    ("老板你最好祈祷别在路上碰到我", "老板的车停在门口挡路，我们都没法进"),
    ("I know your daughter's name.", "I know where the restaurant is, but parking is impossible."),
    # escalate: this time's act, next time a person (issue 11, blind6): not the customer's
    # own next visit
    ("这回砸的是玻璃，下回砸的就是你", "这回点的是套餐，下回点的就是单品了"),
    ("下次就不是招牌了，是你那个收银员", "下次不是我来吃，是我朋友来，希望别再这样"),
    ("今天是门，明天是什么你猜", "今天是汤咸，明天是什么问题？"),
    ("Next time it won't be just paint on the door.", "Next time I'll bring my own fries."),
    ("警察保护得了你一天，保护不了你一辈子", "警察来了一次，没用，菜还是难吃"),
    # arms: the writer armed or readied; not a dish, not the customer's own anger
    ("我已经准备好了红油漆，你们等着", "墙上的红油漆都掉了，环境很差"),
    ("我搞个炸药放你后厨", "这个卡路里炸弹，吃完胖三斤"),
    ("I'm bringing explosives next time.", "This burger is the bomb, but the fries were cold."),
    ("再短斤少两，我一把火给你点了", "气得我想一把火烧了这份外卖"),
    # a person's whereabouts known to the writer; not a neighbour, not a plate noted
    ("那个厨师住哪个小区我已经知道了", "他住哪个小区我知道，我们是邻居，但这次菜真的难吃"),
    ("我知他在哪里住，收工小心", "骑手撞了我的电动车，我记下他的车牌了，已经报警"),
    ("I found the cook's address. Sleep well.", "I found the address on the map, it was shut."),
    # the police dared beside the writer's return or a menace; not a customer in the right
    ("报警？报啊，警察走了我还会再来", "老板说要报警，你报啊，监控里清清楚楚是你们的错"),
    ("下次再拒单，你们应该知道后果", "下次再这样，我就不来了，说到做到"),
    # a campaign wherever the shop goes, the damage redone as often as it is repaired
    ("你搬到哪我闹到哪", "你开到哪我吃到哪，太好吃了"),
    ("招牌换一次我砸一次", "换了一次厨师，味道就变了"),
    # harm in other grammar: a misfortune warned of, a wait on the way home, a guess asked
    ("门口堆那么多纸箱，哪天出点事可别怪别人", "门口堆那么多纸箱，哪天出事谁负责？"),
    ("我会在她下班的路上等她", "骑手在我下班的路上等了我十分钟，态度很好但菜凉了"),
    ("It'd be a pity if your place caught fire.", "A pity if they closed, the fish was off."),
    ("你猜我会不会去砸你门口那块招牌", "你猜我点的是什么？居然是冷的"),
    ("你最好别让我在停车场碰到", "别让我在菜里碰到头发了，第二次了"),
    ("我不会报警，我有自己的办法", "放心，我不会报警，但会在平台投诉"),
    ("我知道你几点开门，一个人嘛", "我知道你们几点开门，每天都来买"),
    ("今天先给你留个面子，下次就没那么客气了", "今天先给个三星，下次再看看"),
    ("I'd hate for the cook to get hurt walking home.", "I'd hate to see this place close."),
]


@pytest.mark.parametrize(("threat", "honest"), THREAT_KINDS)
def test_threats_without_a_price_are_caught_and_their_look_alikes_are_not(threat, honest):
    assert "threat" in read(threat, 1).malicious_reasons
    assert not read(honest, 1).malicious


@pytest.mark.parametrize(
    "text",
    [
        # existing readings that accused honest customers (a forecast, a noisy table)
        "我觉得这样下去会让你们关门",
        "隔壁桌吵闹到关门",
        "这种黑心商家会受到惩罚的",
        "骑手说别报警，他马上送到",
        "信不信由你，这是我吃过最难吃的",
        "我叫了朋友一起来吃，结果都拉肚子",
        # hyperbole and the customer's own anger (existing harm words read them as threats)
        "难吃到想砸店",
        "气得我想把你们店砸了",
        "你们这样迟早被人砸店",
        "烧烤烧糊了，还好没烧了店",
        "弄死我了，辣得要命",
        "拉横幅都不够表达我的愤怒",
        "I wanted to burn the place down after that wait.",
    ],
)
def test_forecasts_narration_and_the_shops_threats_are_not_threats(text):
    assert not read(text, 1).malicious


def test_a_cue_written_with_a_space_still_lets_the_review_through():
    # the prefilter searched "know where" in text with its spaces taken out: never found
    rules = analyzer().malice
    assert rules.cued("I know where you live")
    assert "threat" in read("I know where you live.", 1).malicious_reasons


def test_the_prefilter_never_changes_a_threat_verdict():
    texts = [t for pair in THREAT_KINDS for t in pair]
    reviews = [ReviewText(str(i), t, 1) for i, t in enumerate(texts)]
    slow_analyzer = AnalyzerV1()
    slow_analyzer.malice = MaliceRules(slow_analyzer.lexicon, prefilter=False)
    fast = analyze_all(analyzer(), reviews)
    slow = analyze_all(slow_analyzer, reviews)
    assert [a.malicious_evidence for a in fast] == [a.malicious_evidence for a in slow]


def test_a_threat_with_no_stars_that_the_model_reads_as_praise_is_still_a_threat():
    # the sentiment model reads this calm Traditional message as praise (0.73): a threat's
    # words are the harm, whatever the model makes of their tone (4-5 stars still excuse it)
    text = "再不退錢我就去衛生局檢舉你們，讓你們被罰到倒"
    assert read(text, None).polarity == "positive"
    assert "threat" in read(text, None).malicious_reasons
    assert not read(text, 5).malicious


@pytest.mark.parametrize(
    ("threat", "honest"),
    [
        # 应该没问题 is the writer's confidence, not a wish (这种店就应该让你们关门)
        ("我有这个能力，让你们停业几天应该没问题", "这种店就应该让你们关门"),
        # 你说 asks the reader; 老板说 retells the shop's words
        ("这事你说怎么办，我明天就找人砸了你的店", "老板说要找人收拾我"),
    ],
)
def test_confidence_and_a_rhetorical_question_do_not_undo_a_threat(threat, honest):
    assert "threat" in read(threat, 1).malicious_reasons
    assert not read(honest, 1).malicious


MALT = Path(__file__).parent / "data" / "dev" / "malice_threats_malt.jsonl"


def test_threats_written_in_batches_recall_and_no_honest_called_a_threat():
    """Threats without a price and honest look-alikes written in five batches (tuned on:
    tests/data/dev/README.md has each batch's first reading)."""
    rows = read_jsonl(MALT)
    results = analyze_all(analyzer(), [ReviewText(r["id"], r["text"], r["rating"]) for r in rows])
    threats = [res for r, res in zip(rows, results, strict=True) if r["reason"] == "threat"]
    honest = [res for r, res in zip(rows, results, strict=True) if r["reason"] == "honest"]
    assert len(threats) >= 150 and len(honest) >= 200
    assert sum("threat" in res.malicious_reasons for res in threats) / len(threats) >= 0.85
    assert not [res for res in honest if "threat" in res.malicious_reasons]


MALR = Path(__file__).parent / "data" / "dev" / "malice_threats_malr.jsonl"


def test_threats_in_new_wording_and_their_look_alikes():
    """Threats written in forms no rule had been written for, and honest reviews sharing
    their words (tuned on after each batch's first reading: tests/data/dev/README.md)."""
    rows = read_jsonl(MALR)
    results = analyze_all(analyzer(), [ReviewText(r["id"], r["text"], r["rating"]) for r in rows])
    threats = [res for r, res in zip(rows, results, strict=True) if r["reason"] == "threat"]
    honest = [res for r, res in zip(rows, results, strict=True) if r["reason"] == "honest"]
    assert len(threats) >= 40 and len(honest) >= 36
    assert sum("threat" in res.malicious_reasons for res in threats) / len(threats) >= 0.5
    assert not [res for res in honest if res.malicious]


# Extortion as real extortioners write it (issue 11, the x_ pieces of malice.toml): each
# general form beside the honest review that comes nearest to it.
@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # a price beyond the refund, what refusing costs, and where the story goes
        ("精神损失费八百，否则照片发小红书", "退款，否则照片发小红书"),
        ("看病的钱你们出，不给我就把视频发抖音", "医药费三百多，发票都在，不给就把视频发抖音"),
        ("赔一千，不赔我就一直闹", "要求赔偿医药费300元，不然就去12315投诉"),
        ("不加赔偿，我就发到爆料公社", "不退款我就发到网上"),
        # silence bought
        ("转我八百，我就不发网上", "退我28块，我就不发网上了"),
        ("給兩千我就唔出聲", "退返錢我就唔出聲"),
        # a campaign of new reviews as the price of refusing, whatever is asked
        ("解决得不满意就让你们评分掉到3.5以下", "不满意我就一直挂着这条差评"),
        ("我还有五个小号没用，老板要不要聊聊", "排队前面还有十几个号，慢慢等吧"),
        # the removal sold, the price left unsaid, the review a hostage
        ("这条差评可有偿撤销", "商家私信说有偿删评，我拒绝了"),
        ("识相的话自己找我", "识相的话赶紧退款"),
        ("私聊我，过了今天价格翻倍", "加我微信聊聊怎么解决"),
        ("一星先挂着，赔偿谈好了再改", "一星先挂着，退款到了再改"),
        ("没有两千别想我删评", "你打多少个电话都不删"),
        # an influencer's free meal for a good write-up
        ("今天这顿请客的话我帮你写好评", "老板请客了，我好好写个评价"),
        # the matter dropped for a sum on top, a favour priced firm, a report unless settled
        ("全额退款，再赔五百，这事就算了", "商家给了个红包，这事就算了"),
        ("拿出诚意赞助，金额不能太少", "赔偿，一分都不能少"),
        ("私下和解一万，不然直接检举卫生局", "不接受私下和解，已经检举到卫生局"),
        ("私了还是公了，给你五分钟", "商家想私了，我没同意"),
        ("不到两千立不了案，你还是乖乖转账吧", "警察说不立案，只好找平台退款"),
        ("五千，最后价", "海鲜一千二，最后价也没便宜"),
        # the writer's own price after the shop asked; a counterfactual is no condition
        ("商家求我删评，我说了，三百红包，不然不删", "商家求我删评，我说了，不删"),
        ("要求免单，不然就写差评", "要求免单不过分吧，不然我也不会写差评"),
        ("懂的话主动联系我，差评全删", "有问题请主动联系我"),
        ("不给精神损失费，我就每个平台都发一遍", "希望改进，不然所有门店都会被拖累"),
        ("这次要三万，不给我就把照片都发出去", "这次要200的套餐，结果分量少一半，差评"),
        ("医药费五百，烟钱一百，一分不能少", "医院检查花了500，赔偿，一分都不能少"),
        ("一共八百，转过来我就不发网上", "一共花了六百，吃完拉肚子，不退钱我就发网上"),
        ("一星先给着，什么时候退款加赔偿到账，什么时候改", "差评先放着，什么时候退款什么时候改"),
        ("我还有二十个号，一个一个评", "前面还有十几个号，一个一个叫"),
        ("再不转钱，明天十个差评", "没处理，已经有十个差评了"),
        ("这个差评值五百，你看着办", "这顿饭不值五百，差评"),
        ("评价的事好说，三千块", "评价的事好说，先把问题解决"),
        ("老板，一千块买个平安", "花了一千块买个教训"),
        ("那我把差评再加二十条，咱们慢慢玩", "评分掉到4分了，慢慢来吧，希望改进"),
        ("二百块钱的事，你非要闹到评分掉光吗", "几百块钱的事，商家都不肯退，评分掉光活该"),
        ("已经给你三天时间了，钱没到，明天换账号继续", "已经给你三天时间了，还没退款，差评"),
        ("500是你主动给的，现在再给1000，这事就算了", "商家主动退了钱，再给了50红包，这事就算了"),
        ("转五百，其他免谈", "转了五百，其他的都没了"),
        # Traditional and Cantonese, and 帐 written for 账
        ("呢個負評值五百，你睇住辦", "呢餐唔值五百，負評"),
        ("評價嘅事好講，三千蚊", "評價嘅事好講，先解決問題"),
        ("這條負評可有償撤銷", "老闆私訊說有償刪評，我拒絕了"),
        ("不到两千立不了案，你还是乖乖转帐吧", "报警了，警察说不立案，只好找平台"),
        ("I have 10 more accounts. $200 and they go away.", "I have 2 accounts, both cold food."),
        ("五百块，买你的评分", "一百块，买个教训，评分给一星"),
        ("要删评的话，私信谈价格", "删评是不可能的，谈价格也没用"),
        ("你们家所有分店我都会去评一星，除非赔我一万", "所有分店都去过，除非换厨师，不然不会再来"),
        # English
        ("$300 by Monday or this goes to the local news.", "Paid $300 for dinner for two or so."),
        (
            "$500 by Friday and I take everything down.",
            "Paid $40 by card and I take no pleasure in leaving one star.",
        ),
        (
            "Unless you comp our meal, this review stays and more are coming.",
            "Unless you like cold food, skip this place. Paid $40 and the reviews lied.",
        ),
        (
            "More of these will appear, one review a day. Check your inbox.",
            "Check your email, I sent the photos of the hair. Refund please.",
        ),
        (
            "I told the manager I'd post a one star review unless our meal was comped.",
            "I told the manager I'd leave a review if they didn't refund us.",
        ),
        (
            "If you'd like this review changed, a complimentary dinner would go a long way.",
            "If you'd like this review updated, please explain what happened.",
        ),
        (
            "One review a day until the gift card arrives.",
            "The owner offered a $50 gift card to take this review down. No thanks.",
        ),
    ],
)
def test_extortion_forms_of_real_cases_are_caught_and_their_look_alikes_are_not(text, honest):
    result = read(text, 1)
    assert "extortion" in result.malicious_reasons
    assert next(e for e in result.malicious_evidence if e.reason == "extortion").span
    assert not read(honest, 1).malicious


@pytest.mark.parametrize(
    "text",
    [
        # a refusal given up on, then the complaint posted everywhere (reach, not leverage)
        "不给退款就算了，以后再也不来，每个平台我都会如实写",
        # the customer's one review kept up until the refund
        "给我退38块就行，别的不要，不然我就一直留着这条差评",
        # an apology asked, the same complaint on every platform
        "我要的是道歉，不是钱，不然每个平台我都写一遍",
    ],
)
def test_a_complaint_posted_everywhere_or_kept_up_is_no_extortion(text):
    assert not read(text, 1).malicious


def test_praise_counted_is_no_price_whatever_the_stars():
    # waimai_train.csv: the only extortion flag of its 9,516 reviews read at one star
    assert not read("很好的一次经历，外卖小哥很给力，好评一万", 1).malicious
    assert "extortion" in read("好评可以，一万", 1).malicious_reasons


@pytest.mark.parametrize(
    "text",
    [
        "不赔钱我就每个平台都发一遍",
        "你不赔钱，我就在网上给你们全部门店都打差评",
        "上回赔了这回也得赔，不然把你们所有门店一起曝光",
    ],
)
def test_every_platform_beside_money_beyond_the_refund_is_extortion(text):
    assert "extortion" in read(text, 1).malicious_reasons


@pytest.mark.parametrize(
    ("honest", "malicious"),
    [
        # the shop's offer for the review, retold and turned down (blind6: 5 of its 6 false
        # accusations), against the writer's own terms after such an offer
        (
            "老板打电话说给我三百，让我把差评删了。我没要，差评留着。",
            "老板打电话说给我三百让我删差评，三百就想打发我？至少两千，不然不删",
        ),
        (
            "商家私信问我要多少钱才肯删评。我说一分钱都不要，评价继续挂着。",
            "商家私信问我要多少钱才肯删评，我说了，五百，少一分都不删",
        ),
        (
            "店长加我微信，说只要改成五星就给我免单两次。不改，菜就是馊的。",
            "店长加我微信，说只要改成五星就给我免单两次。只给免单那不行，一千块就改",
        ),
        (
            "老闆說要給我八百元，叫我撤評論，我沒有拿。拿錢改評價對其他客人不公平。",
            "老闆說要給我八百元，叫我撤評論，八百不夠，兩千就撤",
        ),
        # a follow-up's heading is no act on the review
        ("追评：这顿两百块，吃完拉肚子", "追评：给我两百，我就删评"),
        ("【追评】三百块的套餐就这？", "三百块，追评就删"),
        # a menu changed is no review changed; the review's removal priced still is
        ("菜单要改。改完的菜单价格一样，菜少了三个", "删评可以谈，私信"),
        # the complaint handled, with the customer's one review updated until then
        ("不处理好我就一直在这里追评", "不处理就天天差评"),
    ],
)
def test_a_refused_offer_a_heading_or_a_menu_is_no_extortion(honest, malicious):
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars
    assert "extortion" in read(malicious, 1).malicious_reasons


@pytest.mark.parametrize("stars", [None, 1, 5])
def test_a_shop_accused_of_fake_orders_is_no_spam(stars):
    # blind6: 刷单 read as an advertisement for fake-order work
    assert not read("已经向平台举报商家刷单：店里没几个人，评价每天几百条五星。", stars).malicious
    assert "spam_ad" in read("兼职刷单，一单一结，加我了解", stars).malicious_reasons


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # the writer's price scorned by the shop, then what refusing costs
        ("五百万你们嫌多？那就等着上新闻吧", "人均三百你们还嫌贵？那就等着上新闻吧"),
        # the writer's own terms, the review changed once they are met
        (
            "我的条件很清楚，十倍加一条烟，办到了这条评价我改",
            "我的条件很清楚，退全款，办到了我就改评价",
        ),
        # the change of the review priced in "sincerity"
        ("改唔改，睇你哋誠意", "改不改评价，看你们的态度"),
    ],
)
def test_terms_set_by_the_writer_are_extortion_and_their_look_alikes_are_not(text, honest):
    assert "extortion" in read(text, None).malicious_reasons
    assert not read(honest, 1).malicious


MALP = Path(__file__).parent / "data" / "dev" / "malice_honest_malp.jsonl"


@pytest.mark.parametrize("stars", [None, 1, 3])
def test_honest_look_alikes_of_the_extortion_forms_are_not_accused_at_any_stars(stars):
    rows = read_jsonl(MALP)
    reviews = [ReviewText(r["id"], r["text"], stars) for r in rows]
    results = analyze_all(analyzer(), reviews)
    flagged = [r.id for r, a in zip(reviews, results, strict=True) if a.malicious]
    assert flagged == []
    # ...while the malicious forms they mimic are still caught
    assert "extortion" in read("二百块钱的事，你非要闹到评分掉光吗", stars).malicious_reasons
    assert "extortion" in read("私了还是公了，给你五分钟", stars).malicious_reasons


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # a private settlement priced against the official route
        ("私了二十倍，公了我就举报", "商家不私了，那就公了"),
        ("私了一千二，公了你们关门，选吧", "商家问我私了还是公了，我说走平台"),
        # an amount, what refusing costs, where the story goes
        ("一千五，不给我今晚就发视频", "退我38块，不然我发抖音"),
        ("三万是底线，不然记者明天就到你们门口", "退我68块，不然记者明天就到你们门口"),
        ("给个三万了事，不然我把你们的后厨一家家曝光", "一份68块，不退就发朋友圈"),
        # silence bought, said as what will not be done
        ("赔我六百，我就不把照片给记者", "退款到了，我就不把照片发出来了"),
        # the campaign offered to stop
        ("想停？加我，666就停", "想停车？找店员就行"),
        ("要停就找我，一千不讲价", "要停就停吧，反正我不来了"),
        # English: the reviews go away once paid
        ("$500 and they all go away.", "Used a gift card and the reviews were right, it's bad."),
        (
            "Send a $50 Google Play card and the one-star reviews stop.",
            "We paid $80 and they all stop talking to us.",
        ),
    ],
)
def test_priced_settlements_stopped_campaigns_and_silence_are_extortion(text, honest):
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # money beyond the refund "not up to standard", and what that costs
        ("赔偿不到位我明天就发到网上，顺便把评价置顶", "退款不到位我就打12315"),
        ("赔偿不到位，你家评论区就是我的了", "道歉不到位我就一直追评"),
        # a price counted apart, the story made to trend or the review kept for good
        ("这次价钱另算，不然照片今晚就上热搜", "上次吃坏肚子上了热搜，这次还是不干净"),
        ("免单是基本，补偿另算，不然这条评论永远挂着", "不退款这条差评永远挂着"),
        # a floor under the price
        ("退单加精神损失费，少于八百免谈", "外卖少于20块不送，差评"),
    ],
)
def test_money_beyond_the_refund_with_its_floor_or_its_cost_is_extortion(text, honest):
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # the shop's fear of being seen named, then a transfer with its sum
        (
            "老板你也不想这条被几百人看到吧？转个八百，大家省事",
            "你们也不想被顾客看到后厨吧？赶紧整改",
        ),
        # a free meal beyond the refund, and the review changed for it
        ("免单两次可以把这条改了，老板考虑一下", "退款了可以把差评改掉"),
    ],
)
def test_the_shops_fear_or_a_free_meal_as_the_price_of_the_review_is_extortion(text, honest):
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # a campaign until the writer is paid
        ("那就差评到底，每天一条，直到你转钱为止", "我会每天追评，直到你们退款为止"),
        # the price under consideration
        ("记者我已经约好了，老板还有半天时间考虑那个数", "考虑一下这个数，三十多个差评了"),
        # money paid to the writer, the matter dropped
        ("你报警啊，后厨经得起查吗？给钱这事就过去了", "老板给钱这事就算了，以后不来"),
    ],
)
def test_a_campaign_until_paid_or_the_matter_dropped_for_money_is_extortion(text, honest):
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # the place named first, or everyone made to see it
        ("免单加精神补偿，八百，不然我就在业主群和点评上挂你", "不退我38块就在群里挂你们"),
        ("免单加三百，唔肯？咁听日Facebook群组见", "退款不肯？那点评见"),
        ("五十万，不给就告死你们，让全国人民都看看", "花了两百，不给退就让所有人都看看"),
        # paid in private instead of the official route
        ("给我退一赔十，私下转我不走12315，对你我都省事", "商家说私下转我，不走平台，我拒绝了"),
        ("商家识相点私下转我，省得我投诉到你下架", "识相点就私下转我退款"),
    ],
)
def test_money_beyond_the_refund_paid_in_private_or_under_exposure_is_extortion(text, honest):
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


@pytest.mark.parametrize(
    ("text", "malicious"),
    [
        # the papers kept and the loss asked by name, the condition in a later sentence
        (
            "吃出玻璃渣划破了嘴，去诊所缝了两针，病历和收据都在。医药费你们得赔给我。"
            "不赔就去法院起诉。",
            "医药费你们得赔给我，不赔就去法院起诉，另外精神损失费五千",
        ),
        (
            "衣服被汤泼了，干洗店的小票留着。干洗费报销一下吧？不报销我就去法院起诉。",
            "干洗费报销一下吧？不报销我就去法院起诉，你们店也别想开了，小心你们的玻璃。",
        ),
    ],
)
def test_a_documented_loss_claimed_by_name_before_a_court_is_honest(text, malicious):
    """blind8 b8-h-028: 挂号单、收费单都在 … 不赔我就起诉 read as extortion and a threat."""
    for stars in (None, 1, 3):
        assert not read(text, stars).malicious, stars
    assert read(malicious, 1).malicious


@pytest.mark.parametrize(
    "text",
    [
        "店长私下找我，说给我充一张四百块的储值卡，让我把评价改好。我说不用了，谢谢。",
        "店长打电话来，说送我两百块的代金券，让我把差评删了。我没理他。",
        "经理找到我，说可以送我三百块的会员卡，让我把评价改一下。我说不用了，把饭钱退我就行。",
    ],
)
def test_the_shops_offer_turned_down_politely_is_honest(text):
    """blind8 b8-h-090: the manager's 储值卡 for a changed review, answered 我说不用了."""
    for stars in (None, 1, 3):
        assert not read(text, stars).malicious, stars
    assert "extortion" in read("给我三百块的会员卡，我就把评价改一下", 1).malicious_reasons


@pytest.mark.parametrize(
    "text",
    [
        "老板私信我说给三百，要我把评价改成五星。不用了，谢谢。",
        "经理加我说可以给我三百块的会员卡，让我把评价改一下。我说不用了，菜确实难吃。",
        "店长打电话说给我两百红包，叫我把差评删了，呵呵，菜是真的难吃",
    ],
)
def test_the_shops_bribe_retold_is_honest(text):
    """The shop asked the customer to change the review (要我/让我/叫我 把评价改): the amount
    is the shop's offer retold, and 私信我说 is the shop speaking, not the writer naming a
    price (both were read as the writer's price: score 13 and 7)."""
    for stars in (None, 1, 3):
        assert not read(text, stars).malicious, stars
    # the writer's own terms keep it a demand
    demand = "老板私信我说给三百让我删评，我说了三百不够，至少八百"
    assert "extortion" in read(demand, 1).malicious_reasons


@pytest.mark.parametrize(
    ("text", "abuse"),
    [
        ("sb商家，饭是夹生的，退钱", "那个sb店员还翻白眼"),
        ("傻逼店家，凉面是馊的", "骑手是个傻逼，汤全洒了"),
        ("SB外卖，等了两个小时", "sb商家nmsl"),
    ],
)
def test_a_curse_at_the_business_is_venting_a_curse_at_a_person_is_abuse(text, abuse):
    """blind8 b8-h-191: sb店家 in a complaint; the check sets label a curse at the shop honest."""
    for stars in (None, 1, 3):
        assert not read(text, stars).malicious, stars
    assert "abuse" in read(abuse, 1).malicious_reasons


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        ("这顿不免单的话，视频我就如实剪，后果自负。", "不合作的话我也照样按真实感受写：难吃。"),
        (
            "想让我把视频剪得好看点，推广费好商量；不谈的话我就按真实感受剪。",
            "店员非要收钱，那我就实话实说了：这家的服务费收得莫名其妙。",
        ),
    ],
)
def test_a_blogger_selling_the_reviews_tone_is_extortion(text, honest):
    """blind8's 探店 terms (不免的话视频我就按真实感受剪): the benefit withheld, then the
    writer's honesty as its price; honesty either way, or "frankly", is no price."""
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


# Written by helper malrec (session 23), each batch before the rules were changed for it:
# batch 1, 68 extortions, 5 threats, 90 honest look-alikes (first reading 22/68, 0/5, honest
# 1/90); batch 2, 27, 4, 40 (first reading with batch 1's rules: 9/27, 3/4, 0/40); batch 3,
# 20 honest probes against the new pieces (first reading 4 of 20 accused). See
# tests/data/dev/README.md.
MALREC = Path(__file__).parent / "data" / "dev" / "malice_malrec.jsonl"


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        # compensation beyond the refund, tied to exposure by 少一分就 / 不然
        (
            "菜里有钢丝，精神损失费一千，少一分我就发到小区群里。",
            "菜里有钢丝，退我38块，不然我就发到小区群里让大家看看。",
        ),
        ("退单另加五百，不然我直接打市场监管。", "退单退款都行，不然我直接打市场监管投诉。"),
        # silence sold for money
        ("给我三千，这事就到此为止，网上不会有一个字。", "商家退了款，这事就到此为止，给个三星。"),
        ("转两千过来，我签字不追究。", "商家赔了两千，我签字了，不追究了。"),
        # an influencer's fee for the write-up's tone
        (
            "宣传费一千，给了这条就是种草，不给就写成避雷。",
            "说是宝藏小店，其实都是推广费堆出来的，不推荐。",
        ),
        # protection money
        (
            "每月八千的管理费，不交的话你这店做不长。",
            "每个月该交的物业管理费照交，结果门口的垃圾没人清。",
        ),
        # the writer's presence in the shop as the lever
        ("不赔那五百，我们就每天来你店里坐着不走。", "每天来吃午饭，今天的米饭是夹生的。"),
        # English prices for the review's fate
        (
            "Knock off the bill and throw in dessert and this review comes down.",
            "They knocked off the bill after the wait, but this review stays: the food was cold.",
        ),
        (
            "Pay me $200 and I'll change this to five stars.",
            "I paid $200 for dinner for two and it was not worth it.",
        ),
    ],
)
def test_classes_of_extortion_without_a_combo_before_are_caught(text, honest):
    """malrec: compensation beyond the refund tied to exposure, silence for money, a blogger's
    fee, protection money, presence in the shop as the lever, English prices for the review."""
    assert "extortion" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


@pytest.mark.parametrize(
    ("text", "honest"),
    [
        (
            "从明天起我每天带人来门口排队不点单，看你生意还做不做得下去。",
            "每天门口排队的人很多，看来生意还不错，可惜今天的菜很咸。",
        ),
        ("今天只是泼了油漆，下次就不是油漆了。", "今天的刀削面只是一般，下次不是饿了不会来。"),
        ("刀我已经磨好了，那个收银员下班小心。", "刀叉都准备好了，菜上了半小时还没来。"),
        ("你们再这样，我就天天来占座，坐到你们关门。", "你们再这样下去，早晚会被人投诉到关门。"),
    ],
)
def test_a_siege_the_next_time_and_a_weapon_ready_are_threats(text, honest):
    """malrec: people in the shop until it gives in; this time's damage the small part; a
    weapon ready. Harm by others (早晚会被人投诉到关门) is a forecast."""
    assert "threat" in read(text, 1).malicious_reasons
    for stars in (None, 1, 3):
        assert not read(honest, stars).malicious, stars


def test_the_malrec_batch_recall_and_no_honest_accused_at_any_stars():
    rows = read_jsonl(MALREC)
    reviews = [ReviewText(r["id"], r["text"], r["rating"]) for r in rows]
    results = analyzer().analyze_batch(reviews)
    caught = {"extortion": 0, "threat": 0}
    for row, result in zip(rows, results, strict=True):
        if row["reason"] in caught:
            caught[row["reason"]] += row["reason"] in result.malicious_reasons
    assert caught["extortion"] >= 89 and caught["threat"] >= 7, caught
    honest = [r for r in rows if r["reason"] == "honest"]
    for stars in (None, 1, 3):
        flagged = analyzer().analyze_batch([ReviewText(r["id"], r["text"], stars) for r in honest])
        assert not [r["id"] for r, a in zip(honest, flagged, strict=True) if a.malicious], stars


@pytest.mark.parametrize(
    "text",
    [
        # (tests/data/dev/reply_reviews*: sarcasm, the writer's own money, "five stars" bare)
        "Oh sure, take my $60 and give me a half-empty plate of noodles. Five stars for effort.",
        "We paid $400 for a dinner that was awful. Posting this on every local Facebook group.",
        "I'll gladly bump this to 4 stars once they fix the heating.",
        "They offered $50 and I took it, but this review stays because it's honest.",
    ],
)
def test_english_money_spent_or_sarcasm_is_no_price_for_the_review(text):
    for stars in (None, 1, 3):
        assert not read(text, stars).malicious, stars


def test_a_shops_offer_the_customer_reports_in_cantonese_is_not_their_demand():
    """話 after a person is Cantonese "said": 老闆話俾$200我刪評 is the boss offering money
    for the review, which the customer turned down (我話唔使), not a demand."""
    assert not read("老闆話俾$200我叫我刪評，我話唔使，啲雞係臭嘅就係臭嘅").malicious
    assert read("我話咗俾$300就刪評，你哋自己睇住辦").malicious_reasons == ("extortion",)
