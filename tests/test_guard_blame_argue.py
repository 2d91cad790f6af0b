"""Blame and argue in wording no rule was written from (helper grd3): each case is a kind
of wording, not a sentence, with the innocent wording closest to it that must pass; and a
soft clarification conceded to the customer (但…我们会…) passes."""

from __future__ import annotations

import pytest

from tests.replies_support import staff_edit_codes

codes = staff_edit_codes


@pytest.mark.parametrize(
    "text",
    [
        # transit implied: fine when it left us, the rest is someone else's
        "汤是在路上洒的，出店的时候我们封得严严实实。",
        "饭离开店的时候是滚烫的，后面的事我们真的管不到。",
        "出餐我们十分钟就好了，剩下的时间都耗在骑手身上。",
        "The food was hot when it left us; the courier took forty minutes.",
        # someone on the customer's side
        "你家孩子把杯子推倒了，桌上才湿成那样。",
        "这份菜是您同桌的朋友点错了，不是我们上错。",
        # hindsight
        "您是饭点最挤的时候来的，哪家店都得排队。",
        "您要是按时到店，位置是不会被取消的。",
        "You should have checked the order before the driver left.",
        "You ordered the spiciest option, so of course it was hot.",
        # third parties, newcomers, machines
        "那天供应商送来的鱼出了问题，菜才不新鲜。",
        "新来的小工手生，把您的单子搞错了。",
        "系统没同步您的备注，所以才放了香菜。",
        # asked as a question
        "您下单不看规格，这能怪谁呢？",
        "您自己没写备注，还怪我们放了葱。",
        # Hong Kong, Taiwan and English wording of the same kinds
        "唔好意思，但係架單車佬兜咗路，我哋都冇辦法。",
        "訂單備註欄係空白嘅，師傅只能照正常做法整。",
        "The delay was caused by the delivery platform, not our kitchen.",
        "Your party arrived forty minutes after the booking, so the table had been given away.",
        "We follow the order notes exactly, and there were none on yours.",
        "您好，经查，该订单配送由第三方负责，延误非我方原因造成。",
        "订单显示您改了两次地址，所以才会送晚。",
        "备注是下单后才改的，后厨已经做好了。",
        "We packed it properly; the spill must have happened on the way.",
        "The rider picked it up late, which is why it arrived cold.",
        "Maybe the courier tilted the bag.",
        "If you had collected the order on time, it would have been hot.",
        "The platform's system lost your note, not us.",
        "Our supplier delivered bad fish that day.",
        "A temp worker was on shift and didn't know the menu.",
        "The building's power cut that night slowed everything down.",
        "You picked the wrong size in the app.",
        "Your kids knocked over the drinks, which is why the table was wet.",
        "你哋遲咗一個鐘先到，位我哋已經俾咗人。",
        "新嚟嘅兼職唔識，搞錯咗你張單。",
        "湯係路上倒瀉嘅，我哋出門口嗰陣封得好實。",
        "臨時請來的阿姨不熟悉流程，才會漏裝。",
        "取餐超时的是您，不是我们。",
        "您不提前说忌口，我们怎么知道？",
        "外卖小哥手一抖，汤就洒了，我们能怎么办？",
        "当时是您说不要打包袋的。",
        "The platform assigns the drivers; we have no say in that.",
    ],
)
def test_blame_in_new_wording_is_refused(text):
    assert "blame" in codes(text) or codes(text) & {"argue"}, text


@pytest.mark.parametrize(
    "text",
    [
        "菜量和以前完全一样，您觉得少可能是心理作用。",
        "这么多好评摆在那里，一条差评说明不了什么。",
        "一家之言而已，我们的老顾客心里都清楚。",
        "您给一星我们也问心无愧。",
        "感谢您的指教，我们会当作笑话看的。",
        "您口中的态度差，其实只是我们服务员说话比较直。",
        "评价里说的脏，我们实在看不出来哪里脏。",
        "您的说法我们无法认同，我们的虾都是活的。",
        "我们尊重您的意见，但不认为菜有任何问题。",
        "您的描述与我们了解的情况出入很大。",
        "要是真有那么难吃，您也不会把菜全吃光吧。",
        "我们不会因为一条差评就改配方。",
        "劝您下次点菜前先做做功课。",
        "哎，现在的人真是越来越难伺候了。",
        "祝您找到更合口味的店。",
        "这种评价一看就是同行所为。",
        # scare quotes and the customer's word set against records
        "谢谢您的“宝贵”意见。",
        "您说没上齐，可账单上每道菜都划了勾。",
        "With respect, your review does not reflect what actually happened.",
        "We're surprised by this review, since you told our waiter everything was great.",
        "Other guests loved this dish and nobody has ever complained.",
        "我們嘅服務一向都有口皆碑，唔會有你講嘅情況。",
        "评价应该客观，不能因为一点小事就全盘否定。",
        "川菜就是麻辣的，不辣还叫川菜吗？",
        "I'm sorry you feel that way, but our rice is always cooked fresh.",
        "Honestly, most people who try our mapo tofu love it.",
        "You might want to read the menu description next time; it clearly says spicy.",
        "您好，您所述情况与我方调查结果不一致。",
        "菜不咸，是您口重吧。",
        "您说服务员态度差，可她是我们店最热情的员工。",
        "We stand by our food and our staff.",
        "That's simply how this dish is supposed to taste.",
        "Frankly, we don't think the review is fair.",
        "We have hundreds of five-star reviews for this dish.",
        "Perhaps you're not used to authentic Sichuan food.",
        "That's not accurate; our server checked on your table twice.",
        "Feel free to dine elsewhere if our food isn't to your liking.",
        'Thanks for your "feedback", we\'ll be sure to treasure it.',
        "Every dish is made to order, so it could not have been reheated.",
        "Our records clearly show the order left the kitchen in 12 minutes.",
        "Honestly, the bill was correct; you simply misread it.",
        "我哋啲份量一向都係咁，冇人話過少。",
        "我哋做咗三十年，你係第一個咁講。",
        "您說的情況我們查過了，並沒有發生。",
    ],
)
def test_argue_in_new_wording_is_refused(text):
    assert codes(text) & {"argue", "blame"}, text


@pytest.mark.parametrize(
    "text",
    [
        # owning a fault that involved a rider, a supplier, a newcomer or a machine
        "是我们没有和骑手交接好，餐在台上多放了十分钟，非常抱歉。",
        "汤离店时我们应该再检查一下封口，这次没检查到，抱歉。",
        "您的孩子没有做错什么，是我们的杯子放得太靠桌边了。",
        "供应商送来的菜不新鲜，是我们验货没做好，不能怪别人。",
        "新来的服务员没经验，这是我们培训没到位，已经重新培训了。",
        "当天送货的车晚到了，有两道菜没法做，以后我们会多备一天的货。",
        "那天网络故障，扫码点单用不了，让您排了很久的队，以后我们会准备纸质菜单。",
        "不怪谁，是我们这次没做好。",
        # the customer's right, the store's own standard, a negated accusation
        "评价是您的权利，我们不会去干涉，只希望下次能做得更好。",
        "非常抱歉让您有被区别对待的感受，这是我们绝对不能接受的。",
        "亲，我们离您期待的还差很远，会继续努力。",
        "我们不会怀疑是竞争对手，您的反馈我们认真看了。",
        "我们的大厨说话比较直，但他已经跟您道歉了，我们也会提醒他注意语气。",
        "我们开了十二年，这次让您失望，真的很惭愧，后厨已经在查原因。",
        "我们找不到任何借口，这次确实是我们做得不好。",
        "对辣比较敏感的朋友，下单时可以备注微辣。",
        "您说没上齐，但账单上显示都上了，我们核对后发现确实漏了一道，马上给您补。",
        "谢谢您的好评，“好吃”两个字是对我们最大的鼓励。",
        "我们不会用“好评返现”这种方式，请放心。",
        "Our regulars know this dish well, but that doesn't excuse the salty batch. Sorry.",
        "唔好意思，嗰日落大雨，送外賣嘅師傅要兜路，我哋之後會用保溫袋。",
        "我们的回锅肉是每天现炒的，这次咸了是师傅手重，已经调整了。",
        "谢谢夸奖！酸辣汤是我们每天现熬的，喜欢就好。",
        "The delay was our fault, not the platform's. We've added another cook at dinner.",
        "I'm sorry the dish was too spicy for you; we'll add a mild option to the menu.",
        # the customer borne out: by the store's check, by others, by 明明 on their side
        "您没有点错，是我们上错了菜，已经提醒服务员核对。",
        "You were right, and our camera footage confirms it. We apologise.",
        "We checked the CCTV and our server was indeed rude. That is not acceptable.",
        "很多客人都反映过分量变小，您不是第一个，我们会恢复原分量。",
        "外送慢了是我們出餐太晚，不是外送員的錯，抱歉讓你等這麼久。",
        "明明是您提前订的位，我们却没留，真是说不过去。",
        "怎么会出这种错呢？我们自己也很惭愧，已经在查是哪个环节。",
        "We will make sure every order is packed properly from now on.",
        "It wasn't the courier's fault at all; we packed the soup badly.",
        "您改了地址之后我们没及时通知骑手，是我们的疏忽。",
        "是我们的问题，不是第三方配送的责任，我们会改进打包。",
        "她是我们店最热情的员工，这次却让您不舒服，我们会跟她好好谈。",
        "口味重的客人可以备注多放盐，口淡的客人可以备注少盐。",
        "您好，您所述情况与我们调查结果一致，非常抱歉。",
        "Sorry the bill was confusing; the total was correct but we should have explained it.",
        "It couldn't have been more wrong of us, and we apologise.",
        "The footage shows our server was rude, and we have spoken to him.",
        "The kids ordered the kids' meal and we got it wrong. Sorry about that.",
        "Our new server wasn't familiar with the menu; that's our fault.",
        "Our supplier did deliver late, but that's no excuse; we should have had stock.",
        "We truly value your feedback and will share it with the kitchen.",
        "Taste is personal, but you clearly didn't enjoy it, and that matters to us.",
        # the store owning it in words the argue rules read as arguing
        "事实上是我们的问题，出餐前没有检查。",
        "讲道理，这件事我们理亏，向您道歉。",
        "难道要等客人说了我们才改吗？不，我们今天就改。",
        "我们看了监控，您说的都是真的，服务员确实态度不好。",
        "我们不认为这是您的问题，是我们的菜单没写清楚。",
        "这怎么可能是您的错呢？是我们没做好。",
        "其实我们一直想改进外卖包装，您的评价让我们下定了决心。",
        "We reviewed the CCTV. Our server did ignore you. That's on us.",
        "We've never had a complaint like this, which is exactly why we are taking it seriously.",
        "是我们的错，而不是骑手的，我们会改进出餐流程。",
        "我们能怎么办才能让您满意呢？欢迎随时告诉我们。",
        "当时您说不要辣，我们却放了辣椒，是后厨的失误。",
        "We have no excuse for the wait.",
        # a clarification conceded to the customer's experience
        "这道菜的辣度是按川菜的传统做法，但每个人吃辣不同，我们会在菜单上加一个微辣选项。",
        "菜品的口味因人而异，但您觉得咸了，我们就会调整。",
        "除了酱料，其他菜品都是店里现炒的。不过您有这样的感受，说明我们的口味还不够好。",
        "我们的辣度分5级，您选的是3级中辣。但每个人对辣的感受不同，我们会在菜单上加个说明。",
    ],
)
def test_innocent_look_alikes_pass(text):
    assert not codes(text) & {"blame", "argue"}, text


def test_a_failure_denied_lays_no_cause_on_a_machine():
    # it argues with the customer's account; it blames nobody
    assert codes("我们当天的网络没有故障，扫码点单一直能用。") == {"argue"}


def test_the_customers_words_said_of_the_store_are_theirs():
    review = "店里明明不忙还不理人，差评"
    assert not codes("您说我们“明明不忙还不理人”，确实是服务员走神了，抱歉。", review) & {"argue"}
    assert "argue" in codes("我们明明不忙也没不理人，确实是您看错了。", review)


@pytest.mark.parametrize(
    "text",
    [
        # a concession that commits to nothing, or sends the customer elsewhere, is none
        "如果您觉得贵可以选择别家。",
        "菜品一直都是这个味道，不过您不喜欢也没办法。",
        "We've never had a pest issue. We'd need to see proof before taking this seriously.",
    ],
)
def test_a_concession_without_a_change_is_still_arguing(text):
    assert codes(text) & {"blame", "argue"}, text


# Innocent edits the rules refused on writers who never read them (t10grd, t10grd2), by
# kind (helper grd4): each kind in other words, with its nearest violation.
@pytest.mark.parametrize(
    ("innocent", "violation"),
    [
        # the store's obligation (我们应该提前…) owns the failure; "we told you before" argues
        (
            "我们本该事先通知您今天的鱼卖完了，让您白等了一场，抱歉。",
            "我们事先通知过您鱼卖完了，是您没看到。",
        ),
        # a condition on the customer's experience, then what it shows and what will change
        (
            "我们的饺子都是现包的，如果吃起来让您觉得像速冻的，说明口感没做好，我们会改进。",
            "我们的饺子都是现包的，不可能是速冻的。",
        ),
        # a change the store made, its subject left out: the food sat at the store's pass
        ("抱歉，饺子在出餐口搁太久了，已经改成煮好就上。", "饺子是您搁太久才吃，凉了很正常。"),
        # owning a share of the delay beside the platform's process
        (
            "退款走的是平台的流程，我们店里的确认也晚了两天，这部分会加快。",
            "退款走的是平台的流程，晚了是平台的问题。",
        ),
        # an A-not-A question asserts neither side
        ("厚道不厚道，还是请您来尝了再说。", "您这么说可就不厚道了。"),
        # a precaution for other guests compares nobody with the customer
        ("价格标签已经改大了，以免别的客人也看错。", "别的客人都看得清清楚楚，就您看错了。"),
        # the store's own description owned as inaccurate
        ("外卖页上的菜品描述写得不准确，已经改了。", "您的描述不准确，跟实际情况不符。"),
    ],
)
def test_owning_and_question_forms_pass(innocent, violation):
    assert not codes(innocent) & {"blame", "argue"}, innocent
    assert codes(violation) & {"blame", "argue"}, violation


def test_the_customer_reporting_what_staff_said_is_their_words():
    review = "嫌菜咸，收银员回我一句“爱吃不吃”，气死了"
    said = "您说收银员回了“爱吃不吃”，我们查了确有此事，已经严肃处理，向您道歉。"
    assert not codes(said, review) & {"argue"}
    assert "argue" in codes("爱吃不吃，我们的菜就是这个咸度。", review)
