"""Staff edits, read as a person of the store wrote them: what they know of their own store
passes, the structures of arguing and blaming are caught, and each rule's near miss passes.

Every pair below is one rule change: the violation it catches and the innocent wording
closest to it that must still pass (docs/replies.md, "Guardrails on staff edits")."""

from __future__ import annotations

import json

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.app.contracts import guard_line
from reviewbot.replies.guardrails import check_reply
from tests.replies_support import STORE, analysis

ORDINARY = analysis(("food", "negative"))
NO_REVIEW = ReviewText("s0", "", 2)


def codes(text: str, review: str = "", *, by_staff: bool = True, store=STORE) -> set[str]:
    found = check_reply(
        text,
        review=ReviewText("s1", review, 2) if review else NO_REVIEW,
        analysis=ORDINARY,
        store=store,
        by_staff=by_staff,
    )
    return {v.code for v in found}


# -- what a person of the store knows -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "米饭是单独计价的，每份2元，菜单上有写，可能不够显眼，我们会把提示放大。",
        "红烧肉我们是小火炖90分钟的，那天提前出锅了，已经跟后厨强调。",
        "抱歉！我们从下周一起营业到晚上11点，周末也加了20张桌。",
        "我们在这条街上开了18年，这次的米饭夹生是我们的失误。",
        "我是这家店的店长老陈，您说的服务问题我会每天盯着。",
    ],
)
def test_a_staff_member_may_state_the_stores_own_prices_dishes_and_hours(text):
    assert codes(text) == set()
    # The same words in a generated draft (a model's) are facts nobody configured.
    assert codes(text, by_staff=False) == {"invented_fact"}


def test_proofs_and_inspections_stay_checked_on_staff_edits():
    assert codes("市场监管部门来检查过，完全合格。") >= {"invented_fact"}
    assert codes("我们店拿过米其林推荐。") == {"invented_fact"}
    # Cooperating with an inspection claims no result.
    assert codes("我们已经配合市场监管部门检查，请您私信告诉我们您的情况。") == set()


def test_the_guard_contract_reads_a_text_as_a_staff_edit():
    line = json.dumps({"id": 1, "text": "寿司饭的醋我们会重新调，抱歉。"}, ensure_ascii=False)
    assert guard_line(line, lambda _: None)["ok"] is True
    line = json.dumps({"id": 2, "text": "客服电话 021-62345678，随时联系。"}, ensure_ascii=False)
    (violation,) = guard_line(line, lambda _: None)["violations"]
    assert violation["rule"] == "private_data"
    assert "登记" in violation["suggestion"]  # the store's own number: register it


def test_the_stores_configured_contact_passes_an_unregistered_number_does_not():
    assert codes(f"抱歉，请通过{STORE.contact}联系店长。") == set()
    assert codes("抱歉，请打门店电话 0755-8888 6120。") == {"private_data"}


@pytest.mark.parametrize(
    "text",
    [
        "想详细说说的话，打 (010) 1234-5678 找店长就好。",
        "Please ring +86 10 1234 5678 and ask for the manager.",
        "店长电话 0 1 0 - 1 2 3 4 - 5 6 7 8，白天都有人接。",
        "有事请打０１０－１２３４－５６７８，店长亲自接。",
        "You can reach us on 0086 10 1234 5678 any evening.",
    ],
)
def test_the_configured_phone_passes_however_it_is_split_or_prefixed(text):
    assert codes(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "想详细说说的话，打 (010) 8765-4321 找店长就好。",
        "Please ring +86 10 8765 4321 and ask for the manager.",
        "店长电话 0 1 0 - 1 2 3 4 - 5 6 7 8，急事打 139 1234 5678。",
    ],
)
def test_another_number_beside_or_shaped_like_the_configured_one_is_private(text):
    assert "private_data" in codes(text)


# -- each rule change: the violation it catches, the near miss that passes --------------------


@pytest.mark.parametrize(
    ("rule", "violation", "near_miss", "review"),
    [
        # arguing: the store's proof, its rules or its prices set against the customer
        (
            "argue",
            "出餐时我们拍了照，饮料确实是放进去了的。",
            "我们查了出餐照片，确实漏装了饮料，非常抱歉。",
            "外卖少了饮料",
        ),
        (
            "argue",
            "我们的价格很实在，用的都是好料，一分钱一分货。",
            "价格我们会重新评估，让每一份都对得起价格。",
            "太贵了",
        ),
        (
            "argue",
            "服务费是门口写明了的，算不上多收。",
            "服务费的说明我们会写得更明白，让您点单前就能看到。",
            "被多收了服务费",
        ),
        (
            "argue",
            "我们是按顺序上的，您后面那桌比您先点，并没有插队。",
            "上菜的顺序我们会重新梳理，不让您再久等。",
            "上菜慢",
        ),
        ("argue", "鸡蛋颜色深是正常的。", "您觉得颜色不对，我们会查一下这批鸡蛋。", "鸡蛋颜色不对"),
        (
            "argue",
            "我们的卤肉饭卖了二十年，还没听过有人说难吃。",
            "听到您的意见，我们马上去后厨看了卤肉饭的做法。",
            "卤肉饭难吃",
        ),
        (
            "argue",
            "系统显示准时送达，您说的迟到我们这边看不到。",
            "我们查了出餐记录，确实出餐晚了，对不起。",
            "外卖迟到",
        ),
        (
            "argue",
            "米饭本来就是不限量的。",
            "米饭本来就是不限量的，那天服务员没主动告诉您，是我们培训不到位。",
            "米饭要加钱",
        ),
        (
            "argue",
            "其他顾客都说好吃。",
            "谢谢您的提醒，这条评价对其他顾客和我们都很有用。",
            "菜难吃",
        ),
        (
            "argue",
            "别人都说好吃，这是正常的炭烤风味。",
            "我们不会说“别人都说好吃”这种话，您的感受最重要。",
            "烤肉有点焦",
        ),
        (
            "argue",
            "服务员说她当时有给您倒水。",
            "服务员说她当时确实忘了给您倒水，我们已经提醒她。",
            "没人倒水",
        ),
        ("argue", "菜量和图片是一致的。", "我们会让菜量和图片一致。", "和图片不一样"),
        ("argue", "您要求太高了。", "您的要求不高，是我们没有做到。", "服务差"),
        ("argue", "不信您可以问骑手。", "我们问了骑手，确实是出餐晚了。", "送得慢"),
        ("argue", "服务员已经提醒过要等二十分钟了。", "我们会提前告诉您要等多久。", "等太久"),
        (
            "argue",
            "可您的单子下单到出餐只有二十五分钟。",
            "您的单子出餐用了四十分钟，太慢了，是我们的问题。",
            "等了一个小时",
        ),
        ("argue", "面的软硬是按大多数人的口味来的。", "面煮得太软了，我们会调整时间。", "面太软"),
        (
            "argue",
            "我们的价格已经是最低的了。",
            "您提到的价格问题，我们会重新评估定价。",
            "太贵了",
        ),
        (
            "argue",
            "这种评价让人很寒心。",
            "看到您的评价我们很难过，会认真改进。",
            "难吃",
        ),
        (
            "argue",
            "其他顾客都没提过。",
            "其他顾客也提过类似的意见，我们正在改进。",
            "太咸",
        ),
        ("argue", "我们从来没有少放过。", "我们从来没想过推卸责任，一定认真查。", "少放了"),
        # blaming: what the customer chose, should have done, or other guests and shops
        (
            "blame",
            "您勾的是不要米饭哦，可以查下订单截图。",
            "您选的是微辣，我们却做成了特辣，非常抱歉。",
            "少了一份米饭",
        ),
        (
            "blame",
            "醋包需要在备注写清楚的。",
            "下次您需要醋包的话，可以在备注里写一下，我们一定放。",
            "没有醋包",
        ),
        (
            "blame",
            "您来的是饭点，提前预约就不用等了。",
            "下次您提前预约的话，我们会给您留好位子。",
            "等位太久",
        ),
        (
            "blame",
            "我们的份量是标明了的，您点之前可以先看一下规格。",
            "下次您点之前可以先问问服务员，我们会帮您推荐份量。",
            "菜不够吃",
        ),
        (
            "blame",
            "薯条放久了谁家都会软，您收到后应该马上吃。",
            "让您等了这么久，换谁都会生气，真的对不起。",
            "薯条软了",
        ),
        (
            "blame",
            "您那桌人多点菜又晚，厨房排不过来。",
            "您那桌人多，是我们没有多派人手，上菜慢了。",
            "上菜慢",
        ),
        (
            "blame",
            "空调是旁边那桌客人要求开大的。",
            "空调太冷是我们没照顾到，已经调好了温度。",
            "店里太冷",
        ),
        (
            "blame",
            "这是配送的问题。",
            "配送的问题我们已经和平台沟通，也在缩短出餐时间。",
            "配送太慢",
        ),
        ("blame", "您放太久才吃，当然凉了。", "我们会检查一下是不是放太久了。", "寿司饭是凉的"),
        (
            "blame",
            "您没注意看规格。",
            "可能字体太小让您没注意到，我们会把标示放大。",
            "米饭要另外收钱",
        ),
        (
            "blame",
            "您没有提前订位，周末肯定要排队的。",
            "下次您可以提前订位，我们会留好位子。",
            "排队太久",
        ),
        (
            "blame",
            "您朋友点菜的时候没说不吃辣。",
            "您点菜的时候我们没问忌口，是我们的疏忽。",
            "太辣",
        ),
        ("blame", "您留的号码少了一位。", "我们没有及时联系您，是我们的问题。", "没人联系我"),
        (
            "blame",
            "价格一直挂在门口，进店前应该就能看到。",
            "价格的标示我们会做得更显眼，让大家进店前就能看到。",
            "太贵",
        ),
        ("blame", "口味偏咸可能跟您个人口味清淡有关。", "菜做咸了，后厨会重新核对调料。", "太咸"),
        (
            "blame",
            "那天平台出了点问题，不是我们出餐慢。",
            "出餐慢了，这不是我们出餐慢的借口，我们会改。",
            "送得慢",
        ),
        (
            "blame",
            "打包盒是供应商新换的，质量不过关。",
            "打包盒漏了是我们选的盒子不好，已经换了新款。",
            "盒子漏了",
        ),
        (
            "blame",
            "小朋友把饮料碰倒了，地面才会湿滑。",
            "小朋友把饮料碰倒了，我们没及时清理，是我们的疏忽。",
            "地上很滑",
        ),
        (
            "blame",
            "骑手送餐太慢了。",
            "骑手送餐确实慢了，我们出餐也晚了，都是我们的安排问题。",
            "送得慢",
        ),
        (
            "blame",
            "这是配送问题。",
            "您说的送餐慢和配送问题，我们也在一并核查。",
            "送得慢",
        ),
        # promises
        ("promise", "这单只收您18元。", "米饭每份2元，菜单上写得不够显眼，我们会改。", "米饭收钱"),
        ("promise", "下次来店里有赠品。", "您好，赠品没给您放齐，是我们的疏漏。", "赠品没有送来"),
        (
            "promise",
            "下单备注“补珍珠”，我们就双倍给您加上。",
            "我们会拿出双倍的用心，把每一杯做好。",
            "奶茶少放了珍珠",
        ),
        (
            "promise",
            "Use code SORRY20 on your next order for 20% off.",
            "We cut the sugar by 20% after your note.",
            "Too sweet",
        ),
        ("promise", "这单给您免单。", "以前店里有过“超时免单”的活动，现在已经取消了。", "超时了"),
        (
            "promise",
            "我们转您一元作为补偿。",
            "打包盒一元是平台统一标注的，收费说明会写清楚。",
            "打包盒收钱",
        ),
        (
            "promise",
            "这顿我们请客。",
            "我们已经停止让店员请客人写好评，今后不会再这样做。",
            "被催评价",
        ),
        # review changes
        ("delete_request", "麻烦把评价调成满意。", "我们会把辣度调到您满意。", "太辣了"),
        (
            "delete_request",
            "麻烦您把评分上调一下。",
            "成本涨了，我们从10月起把部分菜品上调了2元，菜单上有说明。",
            "涨价了",
        ),
        # private data: the customer's order history
        (
            "private_data",
            "您这个月已经在我们家点了12次了，每次都是麻辣香锅。",
            "谢谢您一直照顾我们的生意，这次让您失望了。",
            "香锅太咸",
        ),
        # session 21, round 2 (helper guard2): forms blind6 showed and probes gp6 confirmed
        (
            "argue",
            "我们查过排号记录，您前面只有三桌。",
            "我们查过排号记录，确实是我们叫号漏了您。",
            "等位等了一个小时",
        ),
        (
            "argue",
            "Frankly that is not what happened; our staff were polite all night.",
            "Frankly, that is not the evening we want anyone to have; we are retraining our staff.",
            "Rude staff",
        ),
        (
            "argue",
            "据了解，那天您根本没有来过我们店里。",
            "那天您来店里时我们没照顾好，让您久等了。",
            "服务差",
        ),
        ("argue", "您说的情况绝对不是事实。", "这件事责任在我们，绝对不是您的问题。", "上错菜"),
        ("argue", "这条评价纯属捏造。", "您说的情况我们都核实了，非常抱歉。", "菜里有头发"),
        ("argue", "您这就是在挑刺。", "鱼片我们会更仔细地挑刺，抱歉让您吃得不放心。", "鱼刺多"),
        (
            "blame",
            "上菜慢主要因为你们那桌临时加了好几个菜。",
            "上菜慢不是因为您加菜，是我们厨房排单没排好。",
            "上菜太慢",
        ),
        (
            "blame",
            "要是您下单时备注一下不要香菜，也不会这样。",
            "下次您下单时备注一下不要香菜，我们一定照做。",
            "怎么有香菜",
        ),
        (
            "blame",
            "鱼有刺，吃的时候还是要小心一点。",
            "我们出餐时要细心一点，把鱼刺挑干净。",
            "鱼刺多",
        ),
        (
            "blame",
            "The delay happened because you changed your order twice.",
            "The delay happened because our kitchen fell behind; sorry you had to wait.",
            "Slow service",
        ),
        (
            "blame",
            "你哋嘅小朋友撞到服务员，汤先至会倒。",
            "您家小朋友被服务员撞到，是我们的错，非常抱歉。",
            "汤倒在身上",
        ),
        (
            "blame",
            "送餐师傅把袋子倒着挂在车上，汤才会漏。",
            "送餐师傅很辛苦，汤漏是我们封口没做好。",
            "汤漏了",
        ),
        ("blame", "骑手绕路才送晚了。", "那天路面封闭，骑手只能绕路，我们会提前出餐。", "送得慢"),
        ("blame", "外送慢了，是骑手的问题。", "抱歉外送慢了，我们会缩短出餐时间。", "送得慢"),
        (
            "blame",
            "配送路上难免颠簸，这个我们也没办法。",
            "配送路上难免颠簸，我们会把汤碗封口做得更牢。",
            "汤洒了",
        ),
        ("blame", "这是您的个人口味偏好问题。", "下次来欢迎跟我们聊聊您的口味偏好。", "太咸"),
        (
            "delete_request",
            "麻烦您在评论里加一句问题已经处理好了。",
            "您在评论里写的问题我们已经处理好了。",
            "菜少了",
        ),
        (
            "delete_request",
            "We'd appreciate a higher rating from you after your next visit.",
            "We'd appreciate the chance to cook for you again on your next visit.",
            "Meh",
        ),
        ("promise", "这顿就当我们的了，抱歉。", "这次的错当我们的教训，抱歉。", "上错菜"),
        # 因为你们那桌上菜: 为你 inside 因为你 gives nothing
        (
            "promise",
            "为你们那桌送上一份甜品。",
            "因为你们那桌上菜慢，我们已经跟后厨说了，抱歉。",
            "慢",
        ),
        (
            "promise",
            "下次来跟收银报一下这条评论，我们会好好安排。",
            "您在评论里说的问题，我们已经安排师傅改进。",
            "菜咸",
        ),
        (
            "promise",
            "Next time mention this review and dessert is free.",
            "Please mention any allergies when you order next time.",
            "Got sick",
        ),
        # probes gp7: sarcasm, rhetoric, euphemism, idioms, Cantonese, English, pinyin
        ("argue", "一碗面等十分钟也算久？", "一碗面等了四十分钟，确实太久了。", "等太久"),
        (
            "argue",
            "您的舌头可真金贵，我们这种小店伺候不起。",
            "您的舌头很灵，这道菜确实咸了，我们会调。",
            "太咸了",
        ),
        (
            "argue",
            "閣下所言與實情出入甚大。",
            "我們的菜單圖片與實際出入太大，是我們的問題。",
            "服務很差",
        ),
        (
            "argue",
            "We checked, and your order left our kitchen on time, the facts speak for themselves.",
            "We checked, and your order had not left our kitchen on time; sorry for that.",
            "Late delivery",
        ),
        (
            "blame",
            "外卖这种东西，路上折腾一下口感肯定打折扣。",
            "外卖路上口感会受影响，所以我们换了保温更好的餐盒。",
            "口感差",
        ),
        ("blame", "一个巴掌拍不响，这事双方都有问题。", "这件事是我们先没解释清楚，抱歉。", "吵架"),
        (
            "blame",
            "shi qi shou de wen ti, bu shi wo men.",
            "bu shi qi shou de wen ti, shi wo men de.",
            "慢",
        ),
        (
            "blame",
            "Our kitchen was fine; the delivery app assigned a driver from far away.",
            "Our kitchen was slow that night, and the driver could not make up the time.",
            "Late",
        ),
        (
            "delete_request",
            "这条评价能不能让它休息一下？",
            "您的评价我们都看了，今天店休息，明天就改。",
            "难吃",
        ),
        ("delete_request", "麻烦把差坪撤了。", "麻烦的那道菜我们撤了，换成新做法。", "难吃"),
        ("promise", "下次嚟，飲品任飲唔使錢。", "下次嚟，飲品我哋會做得好啲，唔使擔心。", "服務差"),
        # probes gp8: owning in new words; sarcasm, memory doubt, vouching, Cantonese, English
        ("argue", "其他顾客都说咸淡正好。", "其他顾客也提到过偏咸，我们已经改了配方。", "太咸"),
        (
            "argue",
            "鱼香肉丝按传统做法就是偏甜的。",
            "鱼香肉丝按传统做法是偏甜的，这点我们在菜单上没写清楚，已补上说明。",
            "太甜",
        ),
        ("argue", "菜凉了还好意思给差评？", "真不好意思，菜凉了是我们没做好。", "菜凉"),
        (
            "argue",
            "您那天喝了不少酒，可能记得不太清楚。",
            "那天的细节我们记得不太清楚，会找当班员工了解。",
            "服务员骂人",
        ),
        ("argue", "咱家分量在这条街上是出了名的足。", "这次分量少了，我们会按标准称重。", "分量少"),
        (
            "argue",
            "您订的时候我们都提醒过要四十分钟了。",
            "我们都提醒过后厨要按时出餐，这次还是晚了。",
            "等太久",
        ),
        ("argue", "你嗰日自己话唔要辣，而家又话冇味。", "你嗰日话唔要辣，我哋而家会跟好。", "冇味"),
        (
            "promise",
            "If you swing by again, the drinks won't cost you a thing.",
            "It will cost us a few weeks to retrain the team, and we will do it.",
            "Rude waiter",
        ),
        # probes gp9
        (
            "blame",
            "要不是您催了三次，厨房也不会手忙脚乱。",
            "要不是您提醒，我们也不会发现出餐顺序乱了，谢谢您。",
            "上错菜",
        ),
        (
            "blame",
            "别人家的外卖也一样会凉，何况这么远。",
            "我们会向做得好的店学习，外卖的保温一定改。",
            "菜凉了",
        ),
    ],
)
def test_each_rule_change_catches_its_violation_and_passes_its_near_miss(
    rule, violation, near_miss, review
):
    assert rule in codes(violation, review)
    assert codes(near_miss, review) == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # 系 is Cantonese 是 only on its own: 系统 and 关系 stay words the rules read.
        ("系统显示二十分钟就送达了。", "argue"),
        ("这个问题跟我们没有关系。", "blame"),
        ("系佢哋嘅问题。", "blame"),
    ],
)
def test_mandarin_words_with_xi_are_read_as_written(text, rule):
    assert rule in codes(text)


def test_the_customers_words_named_back_argue_nothing_words_of_staff_do():
    text = "感谢您说“分明是老成都的味道”，我们很开心。"
    # The review says it: the customer's words, named back as theirs.
    assert codes(text, "分明是老成都的味道，好评") == set()
    # The review does not: staff's own 分明是 in quotation marks.
    assert "argue" in codes(text, "还行")


def test_the_learned_scorer_lets_through_a_sentence_owning_the_failure():
    def learned(text: str) -> set[str]:
        found = check_reply(
            text, review=NO_REVIEW, analysis=ORDINARY, store=STORE, learned=True, by_staff=True
        )
        return {v.code for v in found}

    assert learned("那天暴雨，骑手只能绕远路，汤凉了是我们保温没做好。") == set()
    assert "blame" in learned("那天暴雨，骑手只能绕远路，汤凉了我们也没办法。")
    assert learned("骑手那天送了十几单，也很辛苦，晚到是我们出餐慢造成的。") == set()
    assert "blame" in learned("骑手那天送了十几单，晚到很正常。")


# -- structural causes of innocent refusals (session 22, helper guardl) ---------------------


@pytest.mark.parametrize(
    ("text", "review"),
    [
        # the customer's demand named back as theirs is no offer
        (
            "您在评价里说“至少该给我免个单”，这个要求我们理解，退款的事请走平台售后。",
            "菜冷了还洒了，至少该给我免个单",
        ),
        ("您提到“想让老板请客赔罪”，我们先郑重道个歉，其他的私信沟通。", "想让老板请客赔罪"),
        # the store owning the fault in the sentence that names the rider
        ("骑手那天确实绕了路，但出餐就晚了二十分钟，主要责任在我们。", "送得太慢"),
        ("不是天气的原因，是我们那天备的人手不够。", "下雨天送了一个多小时"),
        ("送到时已经超时了，但超时的根源在后厨出餐晚，这个责任我们来担。", ""),
        # a negation about the store's own intent, not the customer's account
        ("我们从来没有想过让您改评分，您怎么打分都是您的权利。", ""),
    ],
)
def test_owning_quoting_and_negation_pass(text, review):
    assert codes(text, review) == set()


def test_agreeing_to_a_demand_named_back_is_an_offer():
    review = "菜冷了还洒了，至少该给我免个单"
    assert codes("您说“至少该给我免个单”，没问题，这单就按您说的办。", review) == {"promise"}
    # and the store's account still argued with is still arguing
    assert codes("我们从来没有出过这种问题。") == {"argue"}


# -- session 22, blind8's innocent refusals, by structure --------------------------------------


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        # The store paying for the meal ends a word; 出 inside 出餐/出品 is the kitchen's work.
        ("这一单我们出，您别客气。", "这一单确实是我们出品太慢，后厨已经调整了排班。"),
        ("这顿饭我们请客了。", "这次是我们出菜顺序乱了，服务员没有跟上。"),
        # A fee the store charges nobody is its price list; offered to this customer, a promise.
        ("这次不收您服务费了。", "我们店一直不收开瓶费，酒水可以自带。"),
        ("下次来我们不收打包费。", "本店没有最低消费，也不另收餐具费。"),
    ],
)
def test_a_promise_is_the_store_paying_not_its_kitchen_or_its_price_list(violation, near_miss):
    assert "promise" in codes(violation)
    assert codes(near_miss) == set()


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        (
            "Honestly it was the driver's fault, not ours.",
            "It wasn't the driver's fault; our kitchen ran late.",
        ),
        (
            "That was the courier's fault entirely.",
            "This isn't the courier's fault at all, it is ours.",
        ),
    ],
)
def test_english_blame_denied_by_wasnt_or_isnt_passes(violation, near_miss):
    assert "blame" in codes(violation)
    assert codes(near_miss) == set()


def test_arranging_an_inspection_by_a_named_body_claims_no_result():
    assert "invented_fact" in codes("第三方检测机构已经抽检过我们的食材，全部合格。")
    assert codes("我们已经邀请了区里的第三方检测机构来抽检后厨，结果出来后公布。") == set()


@pytest.mark.parametrize(
    ("rule", "violation", "near_miss"),
    [
        # Sympathy for the rider, going on to what the store will change, is no excuse.
        (
            "blame",
            "暴雨天路上积水，骑手也不容易，请您多体谅。",
            "暴雨天路上积水，骑手也不容易，我们会在汤碗外多加一层密封袋。",
        ),
        # 明明 on the customer's side, in a sentence owning the failure, argues nothing.
        (
            "argue",
            "您明明点的是微辣，怎么能说太辣呢。",
            "您明明写了少放盐，菜还是咸了，是我们的厨师没留意备注。",
        ),
    ],
)
def test_a_sentence_going_on_to_the_stores_own_part_passes(rule, violation, near_miss):
    assert rule in codes(violation)
    assert codes(near_miss) == set()


def test_a_rating_named_by_its_configured_grade_passes_another_grade_does_not():
    assert codes("我们的卫生评级是A级，您说的问题我们一样会查。") == set()
    assert codes("我们的卫生评级是B级，您说的问题我们一样会查。") == {"invented_fact"}
    assert codes("本店的卫生评级拿过表彰。") == {"invented_fact"}


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        (
            "We must disagree: the soup was boiling when it went out.",
            "We agree the soup was not hot enough, and we're sorry.",
        ),
        (
            "Our records don't match your story, so we doubt it.",
            "Our records match what you describe: the order sat too long.",
        ),
        (
            "I think you must be thinking of a different restaurant.",
            "Thank you for thinking of us for your birthday dinner.",
        ),
        ("您说的和我们后台的记录对不上。", "您说的和我们后台的记录一致，是我们送晚了。"),
        ("份量一直都係咁，冇可能少咗。", "份量少咗係我哋嘅問題，對唔住。"),
    ],
)
def test_contradicting_the_customer_in_english_or_by_the_stores_record_is_arguing(
    violation, near_miss
):
    assert "argue" in codes(violation)
    assert "argue" not in codes(near_miss)


def test_the_widenings_from_the_check_batch_guard_ga8():
    assert codes("本店一直不收餐位费和茶位费，欢迎再来。") == set()
    assert "promise" in codes("您再来的话，我们不收餐位费。")
    assert "argue" in codes("We checked our camera and the order was complete when it left.")
    assert "argue" in codes("这跟我们店里的出餐记录完全对不上，请您再回忆一下。")


def test_judging_the_customers_tone_is_arguing_describing_ours_is_not():
    assert "argue" in codes("我们理解您着急，不过您当时的口气也太冲了。")
    assert codes("我们服务员的态度不好，是我们培训不到位，向您道歉。") == set()


# -- session 23 (helper guardfix): only the configured number, whole, is the store's --------


@pytest.mark.parametrize(
    "text",
    [
        "有问题请拨打 010-1234 5679 联系店长。",
        "店长电话 010.1234.5679，随时找我。",
        "店长电话 010/1234/5670，我们一定处理好。",
        "请打店长电话 010·1234·5678·9。",
        "店长电话：010，1234，5679，二十四小时开机。",
        "有事打 010_1234_5688 找店长。",
        "店长电话 010–1234–5679，麻烦您再打一次。",
        "店长电话 010-1234-567，有问题随时联系。",
        "联系店长 9-1234 5678，我们当面道歉。",
        "店长电话零一零 一二三四 五六七九，给您添麻烦了。",
        "店长电话 零壹零/壹贰叁肆/伍陆柒玖",
        "店长电话 010-1234 5678-2，分机找我。",
    ],
)
def test_a_number_sharing_digits_with_the_configured_phone_is_private(text):
    """One digit off, one digit short or long, or split by dots, slashes, commas: another
    number, though its parts (010, 1234) are the store's."""
    assert "private_data" in learned_codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "店长电话 010.1234.5678，随时找我。",
        "店长电话 010/1234/5678，我们一定处理好。",
        "店长电话：010，1234，5678，二十四小时开机。",
        "店长电话零一零 一二三四 五六七八，给您添麻烦了。",
        "店长电话 010-1234 5678，10点到22点都有人接。",
        "您直接打 1234 5678 找店长就行。",
    ],
)
def test_the_configured_phone_split_by_any_mark_passes(text):
    assert learned_codes(text) == set()


def learned_codes(text: str, review: str = "") -> set[str]:
    found = check_reply(
        text,
        review=ReviewText("s1", review, 2) if review else NO_REVIEW,
        analysis=ORDINARY,
        store=STORE,
        learned=True,
        by_staff=True,
    )
    return {v.code for v in found}


@pytest.mark.parametrize(
    ("invitation", "offer"),
    [
        (
            "非常抱歉，下次您再来，希望给您一个更好的体验。",
            "非常抱歉，下次您再来给您免单。",
        ),
        (
            "不好意思，下次您来店里，我们一定让您吃得舒心。",
            "不好意思，下次您来店里，饭钱算我们的。",
        ),
        (
            "抱歉这次服务不周，下次您来我们一定热情接待。",
            "抱歉这次服务不周，下次您来我们送您一瓶饮料。",
        ),
        (
            "实在抱歉，下次您来之前打个电话，我们提前给您留位。",
            "实在抱歉，下次您来报我名字打八折。",
        ),
        (
            "抱歉，这次让您失望了，下次来我们努力给您最好的状态。",
            "抱歉，这次让您失望了，下次还来的话给您减二十元。",
        ),
        (
            "对不起，欢迎您下次再来，到时候给您推荐几道招牌菜。",
            "对不起，欢迎您下次再来，到时候免费给您上几道招牌菜。",
        ),
    ],
)
def test_an_invitation_to_come_again_offers_nothing_an_offer_names_what_is_given(invitation, offer):
    """The learned scorer read 下次来 … 给您 as an offer: a promise it reads must name
    what is given (money, a price, food or a gift counted out, waiving or paying)."""
    assert learned_codes(invitation) == set()
    assert "promise" in learned_codes(offer)


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        (
            "我们开店这么多年，从没出现过这种问题。",
            "开店这么多年从没出过这种错，这次是我们的失误，非常抱歉。",
        ),
        (
            "营业十几年从没接到过类似的投诉，您再想想是不是记错了。",
            "我们之前一直没有接到过这样的反馈，这次会认真查一下每个环节。",
        ),
        (
            "这种情况在我们店还是第一次听说，请您再确认一下。",
            "这种情况在我们店还是第一次出现，我们非常重视，已经在查原因。",
        ),
        (
            "我们的师傅手艺在这儿，做不出这么咸的菜。",
            "您说得对，汤确实咸了，我们已经跟师傅说了。",
        ),
        (
            "对于您说的头发，我们表示很怀疑，后厨都戴帽子。",
            "您说的头发问题我们很重视，后厨已经统一戴上帽子和口罩。",
        ),
    ],
)
def test_the_stores_track_record_against_the_customer_is_arguing_owned_it_is_not(
    violation, near_miss
):
    assert "argue" in codes(violation)
    assert codes(near_miss) == set()


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        ("三星也行嘛，您再想想？", "您给的一星我们收到了，会认真反思。"),
        ("能不能至少给两星？", "不管您打几星，我们都会改进。"),
        ("您看四分行不行？", "这条三星评价里提的问题，我们都记下了。"),
        ("一星是不是有点重了，您再考虑一下？", "一星的评价我们虚心接受。"),
    ],
)
def test_a_better_grade_asked_for_by_naming_it_is_a_review_change(violation, near_miss):
    assert "delete_request" in codes(violation)
    assert codes(near_miss) == set()


# -- session guardinn: house rules, circumstances, answer sheets, past ratings ----------------


@pytest.mark.parametrize(
    ("house_rule", "offer"),
    [
        (
            "咱们店的豆浆是免费续的，那天服务员没主动给您加，是我们的疏忽。",
            "这次是我们的疏忽，豆浆给您免费续一杯。",
        ),
        (
            "本店白开水免费，那天没给您倒水是我们没做到位。",
            "下次您来，饮料免费。",
        ),
        (
            "小菜在店里一直是免费自取的，我们会把取菜台摆到显眼的地方。",
            "小菜免费送您一份，就当我们赔罪了。",
        ),
        (
            "调料台的蒜泥和香菜都是免费取用的，服务员没告诉您，实在抱歉。",
            "到店出示这条回复可以免费加菜。",
        ),
    ],
)
def test_a_standing_free_house_rule_is_no_offer_a_free_thing_for_this_customer_is(
    house_rule, offer
):
    """免费 in a clause stating the store's practice for everyone (no customer, no
    occasion named, nothing offered in amends) is the price list, not compensation."""
    assert learned_codes(house_rule) == set()
    assert "promise" in learned_codes(offer)


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        (
            "店里那天根本就没停过水，碗筷都洗干净了。",
            "那天突然停水，碗筷是外送消毒的，以后我们会备好储水。",
        ),
        (
            "当天并没有断电，冷柜一直在正常运转。",
            "当天断了电，冷柜温度上不去，我们已经加装了备用电源。",
        ),
        (
            "那天店里的空调是好好的，温度一直很舒服。",
            "那天空调坏了没及时修，是我们的疏忽，以后每天开门前检查。",
        ),
        (
            "那晚我们店也没在装修，不会有什么噪音。",
            "那晚隔壁在装修，声音很吵，我们以后会提前在门口提醒。",
        ),
    ],
)
def test_denying_what_the_customer_reported_of_the_day_is_arguing_explaining_it_is_not(
    violation, near_miss
):
    assert "argue" in learned_codes(violation)
    assert learned_codes(near_miss) == set()


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        ("您要是满意，麻烦在下面补充一句说明。", "我们在菜单下面加了一行说明。"),
        ("处理好了，您追评说一声就行。", "您的追评我们看到了，谢谢您说清楚。"),
        ("拜托把差评 shan 掉，谢谢。", "山药炖排骨我们会重新调味。"),
        ("亲，评论能不能闪一下呢。", "您说的问题我们一闪而过没注意，是我们的疏忽。"),
        ("麻烦 san 了这条评价吧。", "您提到的三个问题我们都记下了。"),
    ],
)
def test_delete_spelt_out_or_a_homophone_and_adding_to_the_review_are_review_changes(
    violation, near_miss
):
    assert "delete_request" in learned_codes(violation)
    assert learned_codes(near_miss) == set()


@pytest.mark.parametrize(
    "text",
    [
        "下一次，我们一定给您交出一份满意的答卷。",
        "这次没做好，下次争取给您一份满分的答卷。",
        "您说以前常来也常给我们五星，这次让您失望，真的对不起。",
        "记得您之前一直给我们好评，这一次是我们辜负了您。",
    ],
)
def test_an_answer_sheet_and_a_past_rating_recalled_ask_and_give_nothing(text):
    assert learned_codes(text) == set()


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("blame", "The courier got lost, your order was ready on time."),
        ("blame", "You picked the hottest level, so the heat was to be expected."),
        ("blame", "The weather was terrible that night, so it came late."),
        ("promise", "Your next lunch is on me."),
        ("promise", "Come back next week and we'll take 15 percent off."),
        ("promise", "We'll waive the delivery fee on your next order."),
    ],
)
def test_english_blame_and_promises(rule, text):
    assert rule in learned_codes(text)


def test_english_owning_the_riders_mistake_or_a_free_house_rule_passes():
    assert (
        learned_codes("We're sorry the driver got lost; that's on us, and we're fixing it.")
        == set()
    )
    assert learned_codes("Tea refills are free here and we should have told you.") == set()


@pytest.mark.parametrize(
    ("rule", "violation", "near_miss"),
    [
        (
            "argue",
            "这条评价自相矛盾，前面说好吃后面又打一星。",
            "您评价里前面夸了味道，后面说上菜慢，两点我们都记下了。",
        ),
        (
            "argue",
            "不知道您在哪儿吃的，反正不是我们店。",
            "您的反馈本身就很有用，我们已经转给后厨。",
        ),
        (
            "blame",
            "配送员取了餐先跑了另一单，我们是准时出餐的。",
            "晚高峰平台会给骑手多派几单，这个我们左右不了，能改的是把出餐再提前。",
        ),
    ],
)
def test_a_review_called_contradictory_or_eaten_elsewhere_and_the_rider_gone_elsewhere_first(
    rule, violation, near_miss
):
    assert rule in learned_codes(violation)
    assert learned_codes(near_miss) == set()


@pytest.mark.parametrize(
    ("excuse", "owned"),
    [
        (
            "那天下大雪，送晚了，这也没办法。",
            "那天下大雪，送晚了快一小时。以后雪天我们会提前备餐，也会在页面上提醒。",
        ),
        (
            "周末订单太多，后厨顾不过来，请您多体谅。",
            "周末订单太多，后厨顾不过来。从下周起我们会多安排一位厨师。",
        ),
    ],
)
def test_the_weather_or_a_rush_is_an_excuse_unless_the_reply_says_what_will_change(excuse, owned):
    assert "blame" in learned_codes(excuse)
    assert learned_codes(owned) == set()


# -- issue 12's known causes (session 24, guard2): each violation with its near miss --------

HAIR = "水煮鱼里吃出一根头发，太恶心了，以后不会再来。"


def guarded(text: str, review: str = "") -> set[str]:
    """The rules `reviewbot guard` reports for `text`, at STORE (店长电话 010-1234 5678)."""
    line = json.dumps({"id": 1, "text": text, "review": review}, ensure_ascii=False)
    return {v["rule"] for v in guard_line(line, lambda _: None, STORE)["violations"]}


@pytest.mark.parametrize(
    "text",
    [
        "有问题请打店长电话 010-1234 5678 24小时开机，我们一定处理好。",
        "店长电话010-1234 5678（24小时开机），有任何不满意都可以打给我们。",
        "店长电话 010 1234 5678 10点到22点都有人接。",
        "You can reach the manager on 010 1234 5678, 7 days a week.",
        "店长电话 10-1234 5678，随时打给我们。",  # its own number, the trunk 0 left out
    ],
)
def test_the_stores_own_number_with_a_note_passes(text):
    assert guarded(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "有事打店长电话 010-1234 5678 转 8012 找我。",  # an extension reaches a person
        "直接打 010-1234 5678-8012，是我的分机。",
        "打前台转分机 8012 找小李就行。",
        "Call me directly on 010 1234 5678 ext 15.",
        "拨 010-1234 5678 按 2 就能找到我。",  # an extension by the keypad
        "店长电话 010-8765 4321 24小时开机。",  # another number, with the same note
        "请拨 28.8765.4321 找店长。",  # numbers without their leading 0
        "店长手机打不通的话打 28/8765/4321。",
        "有问题打 21-654 3210 找我们老板。",
        "拨打 755-2345-678 联系值班经理。",
        "我的私人电话 865-4321，随时打。",  # a city's seven-digit number
    ],
)
def test_an_extension_or_a_number_without_its_leading_zero_is_a_phone_number(text):
    assert guarded(text) == {"private_data"}


@pytest.mark.parametrize(
    "text",
    [
        "大中小杯分别是 350/500/700 毫升，我们会在菜单上写清楚。",
        "这道菜的价格在 2.5-3.5 元之间浮动，我们会标清楚。",
        "2026-12-07 那天的事我们查了，是我们出餐慢了。",
        "您的收货地址我们不会公开，建 设 南 路 的店我们会去看看。",
    ],
)
def test_measures_dates_and_prices_are_no_phone_numbers(text):
    assert guarded(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "You asked about a refund; the manager will message you privately to sort it out.",
        "We understand you wanted a refund, and we're sorry the evening went so badly.",
        "On the refund you requested, our manager will contact you directly.",
        "You were hoping for a refund, we know; the manager will be in touch.",
        "I see you'd like a refund; please message us and the manager will look into it.",
        "Your refund request is with the manager now, who will contact you privately.",
    ],
)
def test_the_customers_refund_named_back_in_english_is_no_offer(text):
    review = "Cold food, rude waiter. I asked for a refund and got nothing."
    assert guarded(text, review) == set()


def test_a_refund_granted_after_naming_the_request_is_an_offer():
    review = "Cold food, rude waiter. I asked for a refund and got nothing."
    assert guarded("You asked for a refund, and we will process it today.", review) == {"promise"}
    assert guarded("We'll give you a refund for the whole table.", review) == {"promise"}
    assert guarded("We've refunded your dinner in full.", review) == {"promise"}
    assert guarded("Sorted: the money will be back on your card by Friday.", review) == {"promise"}


@pytest.mark.parametrize(
    "text",
    [
        "您说我们会让您删评，我们不会这样做。",
        "您提到商家让您删评，请放心，我们不会提这种要求。",
        "您评价里说“商家打电话求我删评”，我们不会再这样，很抱歉。",
    ],
)
def test_the_customers_words_about_deleting_named_back_with_a_negation_pass(text):
    assert guarded(text, "上次差评后商家打电话求我删评，这次又是一样难吃。") == set()


def test_the_customers_words_about_deleting_then_a_request_are_refused():
    review = "上次差评后商家打电话求我删评，这次又是一样难吃。"
    assert guarded("您说我们求您删评，那这次您就删了吧。", review) == {"delete_request"}
    assert "delete_request" in guarded(
        "您说我们求您删评，我们不会这样做，不过您愿意删掉的话更好。", review
    )
    assert "delete_request" in guarded(
        "您提到我们会让您删评，我们不会提，不过您自己删了也行。", review
    )
    assert guarded("您说怕我们会让您改评价，我们绝不会这么做。", review) == set()
    assert "delete_request" in guarded(
        "您说我们会让您改评价，不会的，不过改个好评我们会很感激。", review
    )


@pytest.mark.parametrize(
    "text",
    [
        "非常抱歉，是我们的错，我们正在核查后厨的每个环节。",
        "这次确实是我们没做好，店长正在核查当天的出餐情况。",
        "这是我们的失误，真的对不起，我们已经在逐一排查。",
        "這次是我們的錯，讓您受罪了，正在查當天的食材。",
    ],
)
def test_a_plain_admission_on_a_food_safety_review_shoulders_the_matter(text):
    assert guarded(text, HAIR) == set()


def test_asking_how_it_got_in_confirms_nothing():
    assert guarded("我们在查头发是怎么混进去的，结果会如实告诉您。", HAIR) == set()


@pytest.mark.parametrize(
    "text",
    [
        "确实是我们后厨师傅的头发，已经处理了。",
        "是我们后厨的疏忽，师傅没戴好帽子。",
        "我们对此负全部责任。",
        "查过了，头发就是从我们后厨来的。",
        "化验结果还没出，不过确实是那批牛肉坏了。",
        "是帮厨没洗干净菜，才有了这根头发。",
    ],
)
def test_a_cause_confirmed_or_liability_taken_before_the_check_is_an_admission(text):
    assert "crisis_admission" in guarded(text, HAIR)


@pytest.mark.parametrize(
    ("violation", "near_miss"),
    [
        ("几块钱的打包费您也要计较吗？", "打包费几块钱也是钱，我们会在下单页写清楚。"),
        ("这么点小钱，你也跟我们计较？", "这点小事您别跟我们计较，是我们没做好。"),
        ("为了两块钱，至于这么较真吗？", "这件事您较真是应该的，我们会改。"),
        (
            "我们的师傅炒了二十年菜，炒不出咸成这样的回锅肉。",
            "师傅炒了二十年菜，这次还是咸了，是我们没把好关。",
        ),
        (
            "您说凉了，我们也不知道怎么回答，出餐时是热的。",
            "我们真不知道怎么说才能表达歉意，凉了的菜谁都不想吃。",
        ),
        (
            "您说的问题在我们这里从来没发生过，请您再回忆一下。",
            "错在我们，这件事我们不会推脱。",
        ),
    ],
)
def test_arguing_by_pettiness_ability_a_shrug_or_a_check_asked_of_the_customer(
    violation, near_miss
):
    assert "argue" in guarded(violation)
    assert guarded(near_miss) == set()
