"""Blame by implication (issue 12, session 30, helper grdb): each case is a kind of wording,
read by whose fault the sentence makes it, written for this test (not a set's row), with
the innocent wording closest to it that must pass: the store owning the fault while naming
peak time, the rider or the customer's choice, or saying what it changes."""

from __future__ import annotations

import pytest

from tests.replies_support import staff_edit_codes

codes = staff_edit_codes


@pytest.mark.parametrize(
    "text",
    [
        # the natural result of the customer's timing, order, address or handling
        "晚上八点正是最忙的时候，您这个点来自然得等一会儿。",
        "您家离我们有十二公里，送过去面条肯定泡软了。",
        "您打包带回去第二天才热着吃，口感自然比不上现做的。",
        "您訂位時說四位，結果來了七位，座位自然不夠。",
        "你嗰陣啱啱係飯市最旺，梗係要等啦。",
        "呢個時間係飯市，一定要等㗎。",
        "对不起让您失望了。这份是一人份，您三个人分着吃当然不够，我们会在菜单上把份量写清楚。",
        "抱歉让您久等。这个时段是饭点，您又是八个人一起来，大桌本来就要等。我们以后会开放大桌预订。",
        "非常抱歉让您等了这么久。那天您是周六晚上七点来的，正好是人最多的时候，排队肯定要久一些。"
        "我们已经上线了线上取号，以后可以在家排队。",
        "抱歉这次的面坨了。您家离我们将近十公里，面条路上泡久了肯定会坨，我们以后会把汤和面分开装。",
        # a wait called the normal lot of the customer's timing
        "您是中午十二点整来的，那会儿全城都在吃饭，排半小时队很常见。",
        "周五晚上来吃饭要有排队的心理准备。",
        "节假日来吃饭排队是常态，请理解。",
        "您好，周末中午是我们一周最忙的时候，建议您下次错开这个时段来。",
        "谢谢您。冒菜放久了确实会变咸，建议收到后尽快食用。",
        "Peak hours always mean longer waits, as most diners know.",
        "Friday nights are packed everywhere in town; a 40-minute wait is pretty standard.",
        "Thanks for your review. Our dishes are made fresh to order, so at peak time the kitchen "
        "naturally needs a little longer.",
        "Sorry about the wait — the app shows your order was placed at 12:05, right in the middle "
        "of lunch rush.",
        # the customer's eating, habit or health
        "一次吃这么多辣，胃不舒服是正常反应，下次少吃点。",
        "感谢反馈！这道菜是我们的招牌特辣款，页面上有辣椒标识，可能不太适合不吃辣的朋友。",
        "It's a dish meant to be eaten on the spot rather than after a long ride home.",
        "We're sorry the noodles were soggy. Noodles are best eaten right away, and a long "
        "delivery distance does affect texture.",
        "您隔天才联系我们，中间还吃了别的东西，很难说是我们的菜引起的。",
        # what the customer must see to, or the record set against them
        "优惠券能不能用，得您自己在下单时确认。",
        "订单上写着到店自取，我们一直等您来拿。",
        "真的不好意思！您那天选的是到店自取，我们按时做好放在取餐台，过了一个小时您才来。",
        "您预订的包间是晚上六点，当天六点半还没到，按规定我们才安排给了其他客人。",
        "嗰日你哋七點先到，訂位早就過咗時間，我哋唯有俾咗人。",
        "外卖员电话里说您让他放门口的。",
        "You picked the mild option when ordering, so we simply cooked it that way.",
        "You chose the extra-spicy level yourself, so it was as spicy as described.",
        'You ticked "leave at door", so the courier left it there as instructed.',
        "You selected 'no cutlery' in the app, which is why none was included.",
        "Your address was incomplete, which is why the driver could not find you.",
        "We can only cook what the ticket says, and your ticket said medium spicy.",
        "Apologies for the spice level. You selected extra hot, and the kitchen followed that. "
        "We'll add a clearer warning on the menu.",
        "Our staff were simply following your instructions.",
        "Hi, thanks for the feedback. The driver marked the order as delivered at the front gate, "
        "per the app's default setting you had chosen.",
        "The app let you pick a delivery slot, and you picked the latest one.",
        "You added two extra dishes halfway through, and those pushed everything back.",
        "You may have been given someone else's bag at the lobby.",
        # the customer's area or building
        "这家店的外卖送到您那片一直都要一个小时，下单前可以看一下预计时间。",
        "Your building doesn't allow couriers upstairs, hence the wait at the lobby.",
        "Sorry it arrived cold. Delivery to your area usually takes over 40 minutes, which is a "
        "long time for hot food.",
        "We're so sorry your noodles were soggy. You're quite far from us, so the ride was long.",
        "Maybe next time choose a closer branch so the food arrives warmer.",
        "Cold food is part of ordering delivery from across town.",
        # the rider or the delivery company as the one at fault
        "这个锅应该由配送站来背，我们出餐一直很准时。",
        "外卖的送达时间受配送影响比较大，我们出餐一般只要十五分钟。",
        "我们已经尽快出餐了，剩下的时间都花在等骑手上。",
        "我们这边按时出餐了，至于为什么晚到，您可以问问骑手。",
        "包装袋在店里都是扎紧的，大概是路上被人打开过。",
        "真的很抱歉汤洒了。我们出餐时盖子都压紧了，骑手路上颠得太厉害才会这样，我们之后会多加一层保鲜膜。",
        "外送平台的騎手常常換人，這部分我們真的無法控制。",
        "We had your order ready in twelve minutes; it was the driver who kept it "
        "waiting on the shelf.",
        "Honestly the hold-up was at the pickup end; our bags were on the shelf waiting.",
        "We packed it upright and sealed; what happened after the courier took it "
        "is hard for us to say.",
        "The delivery partner handles everything once it leaves our door.",
        "Our food left on time. Delays after pickup are the delivery company's responsibility.",
        "Your order sat at the pickup shelf for 25 minutes before anyone collected it.",
        "The spill happened in transit; everything was sealed when it left.",
        "The driver told us nobody answered the door.",
        # other guests, the customer's children
        "吵主要是旁边那桌在庆生，大家都在唱歌，我们也拦不住。",
        "烟味是隔壁包间的客人抽的，我们也劝不动。",
        "您坐在门口那桌，冷风是进出的客人带进来的。",
        "您带的孩子一直在跑，服务员端着热汤也不敢靠近。",
        "快打烊的时候来，很多菜都卖完了，只能给您做剩下的。",
        # the fault booked to someone, someone at home, the customer's body, care, hurry, seat
        "餐我们按时交出去了，超时要算在配送头上。",
        "我们都是按份装齐的，少的那份说不定被家里其他人先吃了。",
        "鱼有小刺是鱼本身的特点，吃的时候慢一点就好。",
        "我们的鸡肉当天现杀，拉肚子应该和您别的饮食有关。",
        "您一直在催，服务员手忙脚乱才上错了菜。",
        "导航到我们门口很方便，跟着走肯定找得到。",
        "凉菜放了一下午还没冷藏，变味是必然的。",
        "您放进冰箱第二天再吃，口感当然变差了。",
        "您坐在最里面那桌，服务员路过看不到您招手。",
        "We put everything in the bag; perhaps someone at home took the drink.",
        "Bones in fish are natural, so please eat carefully.",
        "Flies are common in summer; it may have landed after you opened the lid.",
        "The courier chose to hang the bag on your door handle.",
        "You were seated in the far corner, so the staff didn't see you waving.",
        # lateness, no booking, a change made late, the companion's choice, the weather
        "高峰期请大家理解，出餐顺序是按下单时间来的，您下得晚就排在后面。",
        "您拿到手的时候没检查，过了两天才说少了东西，我们很难核实。",
        "我们是按单出餐的，您改单太晚了来不及。",
        "Your friend placed the order and chose the spice level, not us.",
        "You came without a booking on a Saturday night, so we did our best with the tables.",
        "The packaging is supplied by the delivery app, so its quality isn't up to us.",
        "You changed the order after it was already cooking.",
        "You left the food at reception for an hour before collecting it.",
        "It rained heavily that night and the roads were slow for every courier.",
        "As the order was placed just before closing, only one chef was on duty.",
        # Hong Kong wording of the same kinds
        "外賣仔自己揸車太快，湯先會瀉。",
        "你落單揀咗走辣，師傅就照做，而家話冇味都冇計。",
        "你屋企太遠，送到梗係凍咗少少。",
        "嗰陣係你朋友叫嘅菜，我哋照單做。",
        "你自己遲咗半個鐘，位我哋唔可以一直留。",
        "唔好意思，呢啲你要搵平台。",
    ],
)
def test_blame_by_implication_is_refused(text):
    assert "blame" in codes(text), text


@pytest.mark.parametrize(
    "text",
    [
        "周末饭点人多，让您排了四十分钟，是我们没提前安排好取号，已经上线小程序排队了。",
        "高峰期出餐确实慢了，这是我们人手没排够，下周起中午多排一位师傅。",
        "骑手是平台派的，但餐在店里等了二十分钟才出，是我们慢了，抱歉。",
        "配送员送到时汤已经洒了，是我们的盖子没压紧，已经换成带卡扣的汤碗。",
        "这道菜是单人份，菜单上没写清楚，让您几个人吃不够，是我们标注不清，已经把份量写上了。",
        "冬天外卖容易凉，我们已经给每单都加了保温袋，抱歉这次让您吃到凉的。",
        "您下单时选了微辣，我们却做成了特辣，是后厨看错了单，非常抱歉。",
        "下次点餐时您可以在备注里写上少盐，厨房会照做的。",
        "被隔壁桌吵到肯定很烦，我们当时应该及时过去提醒，以后服务员会多留意。",
        "您等得肯定很着急，抱歉，出餐慢是我们的问题，已经调整了备餐顺序。",
        "收到凉掉的饭菜心情当然不好，是我们打包太慢，已经改成出餐即封袋。",
        "我们当然不会要求您改评价，只希望下次能做得更好。",
        "汤洒了是我们包装没做好，跟骑手无关，已经换了密封盒。",
        "晚上八点是最忙的时候，还让您等了那么久，真的抱歉，我们已经加了一个出餐口。",
        "您来的时候正是饭点，让您排了半小时，是我们没有叫号系统，本周已经装上了。",
        "骑手找了二十分钟，我们应该在袋子上把楼号写大一点，已经改了。",
        "您点的是小份，我们的小份给得确实少了，已经把克数调上去了。",
        "骑手等了十五分钟才拿到餐，是我们出餐慢了，抱歉。",
        "配送超时这次我们也有责任，出餐晚了十分钟，已经调整了备餐。",
        "您选了无接触配送，餐放在门口被风吹凉了，我们会给这类订单加保温袋。",
        "您说骑手送错了楼，我们已经把情况反馈给平台，也会在小票上写清楚楼号。",
        "这部分我们没法控制，但我们已经给每单都加了保温袋，尽量让您收到热的。",
        "您七点半到的时候包间还没收拾好，是我们安排不周，抱歉。",
        "抱歉让您久等，时间都耽误在我们后厨出餐上，已经调整了流程。",
        "冰粉洒了很抱歉。我们现在冰粉用带盖杯子，外面再套个小袋，骑手路上颠也不容易洒。",
        "您向平台投诉是完全合理的，我们支持并配合平台的处理。",
        "对不起让您失望了，下次肯定不一样，我们已经请新师傅重新调了锅底。",
        "We're sorry it took so long. Our kitchen was slow that night, and we've added a cook for "
        "Friday evenings.",
        "Sorry the courier had trouble finding you; we'll print the building number larger on "
        "every bag.",
        "Sorry for the wait. The delay was in our kitchen — we were short a cook — and we've hired "
        "another.",
        "The courier waited twelve minutes at our counter because the food wasn't "
        "ready; that's on us.",
        "Once it leaves our door we want it to arrive hot, so we've switched to insulated bags.",
        "A forty-minute wait is not acceptable, and we're sorry. We've added a second "
        "line on weekends.",
        "Thank you for ordering from us. We're sorry the rider was rude; we've reported it to the "
        "platform.",
        "We're sorry you had that experience. The rider isn't employed by us, but you ordered from "
        "us, so we've passed this on to the delivery platform.",
        "Hello, sorry about the noise from the kitchen fan next to your table; we should have "
        "seated you elsewhere.",
        "超时这单我们不会算在骑手头上，是我们出餐慢了。",
        "您坐在最里面那桌，我们服务员没照顾到，是我们的疏忽，以后每个区域都会固定一个人。",
        "夏天虫子多，我们已经在后厨和门口都装了灭蝇灯，抱歉让您吃到这样的东西。",
        "The courier decided to hang it on your handle without telling you, and we've reported "
        "that to the platform; we should also have called you ourselves.",
        "Thanks for the feedback; we know the dan dan noodles are a small bowl for that price.",
        "您改单太晚这件事不怪您，是我们系统没及时提醒后厨，已经改了。",
        "过了两天才收到我们的回复，让您等急了，抱歉，以后差评我们当天回复。",
        "您没有预约就带朋友来，我们也应该尽量安排好，这次让大家挤着坐是我们的问题。",
        "Your friend asked us about the spice level and we gave the wrong advice — that's on us.",
        "Sorry you came without a booking and still had to wait so long; we've added more "
        "walk-in tables.",
        "It rained heavily that night, but that's no excuse; we've added waterproof covers to "
        "our bags.",
        "The quality of the packaging is up to us, and we've switched to sturdier boxes.",
        "You left us a kind note last time, thank you; we're sorry this visit fell short.",
        "下次您可以跟服务员说要走辣，师傅会照做的。",
        "你屋企有啲遠，我哋已經改用保溫袋，唔好意思要你食凍咗嘅麵。",
    ],
)
def test_innocent_look_alikes_pass(text):
    assert "blame" not in codes(text), text
