"""Session 28: blind10 opened. Its threats and extortions were missed by kind, not by
wording: harm or presence brought to the shop (where and when), review campaigns, exposure
offered as a choice, and a price paid for the review's change in any order. Each kind is
held here by paraphrases (not blind10's rows alone); the honest look-alikes of each kind
(amends followed up, reports without a demand, warnings to diners, the shop's offer turned
down) stay unaccused at none, 1★ and 3★."""

from __future__ import annotations

import pytest

from tests.malice_support import STARS, reasons

THREATS = [
    # presence at the shop, where and when
    "今天的事没完，明天我带人过来",
    "明天我叫上几个兄弟过来找你们聊聊",
    "态度这么嚣张是吧，我知道你们几点关门，到时候见",
    "晚上关门的时候我在门口等你",
    "我就在你们店门口等着，看你出不出来",
    "店地址已经发我们群里了，兄弟们今晚过来'消费'一下",
    "吃完住院了，三千块医药费不给，我就让家里人天天坐你店里，看你做不做生意",
    "给我等着，明天你店门口会有惊喜",
    # violence aimed at staff or the shop
    "你们家员工态度这么差，小心哪天被人堵在巷子里",
    "老板你最好识相点，我在这一片混的，下次来还是这个态度，店给你砸了",
    "再让我看见那个服务员，我让他躺着出去",
    "我认识几个混社会的朋友，他们很乐意来你们店转转",
    "你们那个厨师下班别走小路",
    "你们这种黑店迟早要完，我亲手送你们上路",
    "你换十个执照我都找得到你，不信试试",
    "老板你记住我这张脸，下次再这么跟我说话，我不保证会发生什么",
    "你哋個經理好串，我記住佢，下次喺街度見到佢唔好怪我",
    "I know what time you close. See you then.",
    "Tell your cook to watch himself when he leaves tonight.",
    "I'll be waiting in the parking lot after your shift.",
    "Me and my boys are coming down there tomorrow.",
    "The guy at the counter better hope I don't run into him outside.",
    "If the manager ever talks to my wife like that again he'll be eating through a straw.",
    "You people are done. Every review site in this city will know what you are. Watch your doors.",
    "You won't be in business much longer, I'll see to that.",
    # review campaigns
    "老板你等着，我兄弟多，一人一个差评刷死你",
    "已经建好群了，三百来号人，今晚全部来给你们打一星",
    "我已经在三个业主群发了，让所有邻居都来给你们打一星",
    "我发动了全公司的同事，一人给你们刷一个一星",
    "我手上几百个号，你们评分从4.8刷到3.0只要一晚上，信不信",
    "這家店我會叫所有朋友來洗一星，讓你們評分掉到剩兩顆",
    "我會叫晒我啲朋友嚟俾一星你哋",
    "这家店我会一直差评，每个月换个号，直到它倒闭",
    "Got 30 friends lined up to leave 1 star. Enjoy your rating.",
    "I've got 50 accounts and every one of them is leaving you one star.",
    "My whole gym is going to flood your page with one-star reviews.",
    "This is just the beginning. You'll see a new one-star from us every single day.",
    # exposure or a report as leverage, or aimed at the shop
    "老板，墙上挂的那张许可证是不是有点问题？想不想我去问问有关部门？私聊",
    "你们后厨我拍到了，发出去你们就完了。发不发，看你们",
    "我把视频发给记者了，要不要见报就看你们的表现",
    "不想上新闻就赶紧联系我",
    "菜里吃出蟑螂，12315已经打了，投诉编号都有。想让我撤诉，拿钱来谈",
    "你们的营业执照健康证我都拍了，漏洞不少。不想被查就拿出点态度，什么态度你们清楚",
    "唔賠錢？得，我即刻報食環，再放上連登同高登，睇你哋點做落去",
    "唔賠錢我就報食環，等你哋停牌",
    "吃出铁丝卡喉咙，医药费500烟钱80车费20，一分不能少，不给就投诉到你们关门",
    "店长等着吃官司吧，我认识的律师会让你倾家荡产。除非今天把钱退了再赔我五千",
    "吃出头发还不道歉？我已经联系了三个探店号，一周之内让你们上避雷榜，到时候别来求我",
    "这个差评只是开始，后面还有抖音小红书微博，我会让你们全网出名",
    "I know the health inspector personally. Comp my party's meal or I make one call and you're"
    " shut for a week.",
    "Pay up or I call the health department and the local news.",
    "I'm friends with a reporter. Refund me or you'll be on the evening news.",
    "Keep ignoring my emails and my cousin at the local paper runs a story on your filthy kitchen.",
    # (paraphrases written after the fix, in the same kinds)
    "我已经叫了三十个人，明天一起去你们店里吃霸王餐",
    "老板娘你小心点，别让我在街上碰到你",
    "再这样我就往你们锅里扔东西",
    "I'll have every food blogger in town trash this place.",
    "We'll be outside when you close tonight.",
    "明天我就带几个朋友去你们店里坐一整天，看你们怎么做生意",
    "我找人天天在你们门口蹲着",
    "我会让你们在本地出名的，等着瞧",
    "下次来我直接把桌子掀了",
    "Keep ignoring me and I'll bring my brothers down there.",
    "I know people in the health department. One word from me and you're closed.",
    "Your staff should be careful walking to their cars at night.",
]

EXTORTIONS = [
    # the sum received, then the review's change
    "我只要两千，两千到手我所有账号的差评全删，你的店还能好好开下去",
    "五百块到账，差评我自己会删",
    "钱一到，评价马上改五星",
    "吃完过敏起了一身疹子。一共一千，转了我就改评价",
    "老板私聊我吧，咱们可以谈，谈好了这条就当我没发过",
    "差评先挂着。店家自己懂，诚意到了评论自然就没了",
    # something more than the order, for the review
    "上次老板给的券用完了，这次口味又下降了。再来五张50的券我就不挂差评了",
    "不过老板要是再送我两张券，这条我可以改掉，大家都不容易嘛",
    "老闆，免咗今餐我就俾五粒星你，唔免就一粒，好公平㗎",
    "不过老板要是转我两百，我也可以实话实说点好听的",
    "送我一张年卡，差评马上消失",
    "老板懂事的话，这条评价会变成五星的",
    # the review's fate left to the shop's payment
    "差评删不删，就看今天下午五点前我有没有收到转账",
    "差评留不留，看你们诚意",
    "亲，评价改不改取决于你们，不取决于我😊 你们后台有我电话",
    "老板别装看不见。差评一天一条，直到你打款为止",
    "追评：商家打电话说退餐费，餐费我不稀罕，按我说的那个数来，不然这条一直在",
    "你们后台看得到我电话，打过来谈。不谈这条就一直顶在最上面",
    "追加：店家电话里说给三百，我说五百，没谈拢，那就接着一星",
    "牛肉是臭的蛋没熟。加你微信那个号就是我，价码你知道的，晚一天涨一百",
    "不赔钱是吧？行，我天天点你家外卖天天差评，看谁熬得过谁",
    # English
    "1 star for now. Pay me back for the meal and I delete. Simple.",
    "Hair in the mapo tofu. I told them: comp the whole table and this becomes 5 stars.",
    "Owner rude, tables sticky, food cold. Contact me if you want this removed.",
    "Management knows how to reach me if they'd like to see a different rating 😉",
    "Keep ignoring my emails and my cousin runs a story on your kitchen. $500 makes it go away.",
    "Send $200 and I'll update this to five stars.",
    "The one-star stays until I get paid.",
    # (paraphrases written after the fix, in the same kinds)
    "这条评价值多少钱，老板你自己掂量",
    "不给补偿，差评我会一直置顶",
    "要我改评可以，先把精神损失费打过来",
    "老板，差评和五百块你选一个",
    "评价是可以商量的，前提是你们出点血",
    "我改好评的条件很简单：退款加赔偿",
    "这事用钱解决最快，差评马上删",
    "I'll take the review down for $150.",
    "This review can be edited for the right price.",
    "Make it worth my while and I'll update my rating.",
    "Happy to delete this if you send a $50 gift card.",
    "送两张优惠券过来，这条差评我马上撤",
    "我这人讲道理，钱到位评价就到位",
    "两百块现金，我把差评换成好评",
    "给我退双倍，我就不追评了",
    "打个折给我，差评马上删",
    "You want this gone? $250.",
]

HONEST = [
    # amends followed up
    "退款到账了，差评我已经删了，老板处理得很好",
    "商家联系我退了款，态度不错，我把评价改成三星",
    "后来商家补偿了一张券，态度还行，改成四星",
    "I asked for a refund through the app and got it. Changing to 3 stars.",
    # refunds through the platform, reports without a demand
    "我已经在平台申请退款了，希望尽快处理",
    "吃坏肚子了，我已经打了12315反映，希望监管部门查一查",
    "I reported the hair in my food to the health department.",
    "我把照片发给平台客服了，等处理结果",
    # never again, warnings to diners
    "以后再也不来了，大家避雷",
    "提醒大家别点这家，上次我也吃出问题",
    "Never coming back. Warning to everyone: the chicken was raw.",
    "This place will probably close soon at this rate.",
    "这条差评我会一直留着，给后来的人提个醒",
    # the shop's offer turned down, the shop's pressure told
    "店家说给我退五十让我删差评，我拒绝了",
    "The manager offered a gift card if I removed my review. No thanks.",
    "店员说我不删差评就不给退款，太过分了",
    # words of the threats' kinds in honest use
    "几点关门也不写清楚，我们去的时候已经关门了",
    "我知道你们几点关门，所以特意早点来的，结果还是没位置",
    "门口停车很难，堵了半天",
    "我带了几个朋友过来吃饭，结果菜很慢",
    "明天带同事过来再试一次，希望别再失望",
    "小心烫嘴，汤太烫了",
    "我朋友在电视台工作，她也说这家店不好吃",
    "这价钱真是让你倾家荡产",
    "骑手转了好几圈才找到，给个好评吧",
    "老板要是能改进，我会重新评价",
    "要求退款被拒，那我只能如实评价了",
    "菜确实一般，三星吧，下次不会来了",
    "不道歉我就一直追评，直到有人出来回应",
    "你们不处理好，我就一直在评论里更新进展",
    "我们一桌四个人，每人点了一个套餐，都很难吃",
    # a curse is no threat (the delivery corpus: 这种服务水平等着关门吧)
    "这种口味怎么有信心开店的，不改变就等着倒闭吧",
    "吃完牙龈出血，辣得受不了",
    "别想用钱解决，差评我不会删",
    "我们叫了十几个人来你们店聚餐，结果上菜慢得要死",
    "别让我再看见这种菜了，太恶心",
    "前提是你们要改进，不然我不会再来",
    "不给补偿也就算了，态度还那么差",
    "差评和好评我都写过，这次是真的不行",
    "We'll be there when you open tomorrow, hoping it's better.",
    "I'd be happy to update my review if the service improves.",
    "They offered to take the review down for a gift card. I said no.",
    "我在小区楼下碰到你们的外卖员，他态度很好",
    "店家要我删差评，还说给我退钱，我没同意",
    "想让我删评？先把菜做好吧",
    "老板说只要我撤诉就赔我五百，我拒绝了",
    "后来店家送了两张优惠券，差评我撤了",
    # the shop's offer told, the voucher given to the writer (blind6: 經理私下send咗張現金券畀我)
    "餐厅经理私下塞了张五百块现金券给我，叫我改好评。我没收，也没改。",
    "气得我差点把桌子掀了，等了一个小时",
    "Be careful walking home at night around here, the street is dark.",
]


@pytest.mark.parametrize("text", THREATS)
def test_threats_of_every_kind_are_caught(text):
    assert "threat" in reasons(text, 1)


@pytest.mark.parametrize("text", EXTORTIONS)
def test_a_price_for_the_review_is_extortion(text):
    assert "extortion" in reasons(text, 1)


@pytest.mark.parametrize("text", HONEST)
def test_honest_look_alikes_are_never_accused(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


def test_the_opened_blind10_is_a_writer_of_the_learned_readers_data():
    from reviewbot.analysis import malice_data

    assert malice_data.MALICE_SETS["blind10"] == (
        "blind10/malice/malicious.jsonl",
        "blind10/malice/honest.jsonl",
    )
