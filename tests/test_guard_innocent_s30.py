"""Innocent staff edits the guard refused, by the kind of wrong reading (issue 12, helper
grdi, session 30), each with the violations it resembles, which stay refused.

Kinds: an explanation the store owns (it names its own failure to tell, and a change said
without its subject: 已经在巷口挂了牌子, 之后会推出…); the store condemning a dish that went out
or a request a colleague made; 明明 on the customer's side; a refund, a coupon or a
purchase that already happened to the customer (applied for, delayed, not applied, paid
for); a standing house rule or a recipe being tried; who delivers, with the case passed on;
the customer failing to get something, or the store's staff as the one who erred; others
who met the same trouble; and an idiom (冤枉路, 难免让人…)."""

from __future__ import annotations

import pytest

from tests.replies_support import staff_edit_codes

INNOCENT = [
    # --- an explanation the store owns: its failure to tell, a change without its subject
    "抱歉让您觉得太麻，麻婆豆腐本来就放了不少花椒，但点单时我们没有提醒您。现在菜单上标了麻度。",
    "不好意思让您以为是隔夜菜，白切鸡本身就是凉着吃的，页面上没有写明。之后会在菜名后面加上凉菜二字。",
    "抱歉让您等了四十分钟，您那边离店比较远，路程本来就要半小时，再加上出餐慢，已经把远单调到前面先做了。",
    "抱歉让您觉得太辣，水煮牛肉本来就是重辣的菜，我们点单时没有提醒您。现在已经把它标成重辣了。",
    "不好意思让您觉得贵，我们的面都是手工现拉的，成本高一点，之后会推出小份套餐。",
    # --- the store condemning the dish that went out
    "这样的菜根本不应该端上桌，非常抱歉，后厨已经安排厨师长逐盘检查。",
    "看到照片我们也觉得，这块鱼明显是炸过头了，不能出餐，抱歉，已经让师傅重新练火候。",
    # --- 明明 on the customer's side
    "抱歉，明明是正常点个外卖，却让您在楼下等了半天，是我们的出餐慢了。",
    # --- a refund that already happened to the customer
    "抱歉还让您自己跑去申请退款，漏装是我们打包没核对。",
    "退款拖了两天才处理，是我们没有及时在后台点同意，真的抱歉。",
    "很抱歉您在退款后又接到了我们的电话，以后售后只在平台消息里沟通。",
    # --- a discount or coupon the customer could not get, and its rules
    "抱歉会员价没给您算上，那天收银系统更新后折扣没自动生效，我们已经修好了。",
    "抱歉您结账时才发现红包用不了。我们会在店铺公告里写清楚哪些红包能用、使用门槛是多少。",
    "抱歉让您觉得打折是噱头，我们没核对好活动页面。",
    # --- what the customer paid for
    "抱歉您多花了八块钱升级大份，拿到的却和小份一样，是打包的同事拿错了餐盒。",
    # --- a standing house rule, a recipe being tried, the serving pace
    "堂食剩菜打包我们是一直不收钱的，那天收银员弄错了，已经跟她讲清楚。",
    "免费茶水是一早泡好的，放到下午就凉了，现在改成每桌现泡，谢谢提醒。",
    "已经让后厨做一道送一道，不再等几道菜一起上。",
    # --- a request to change the review, condemned
    "您收到让您改评价的短信，这种做法是错误的，发短信的同事我们已经严肃处理了。",
    "Asking you to delete your review was wrong, and that message should never have been sent.",
    "那个套餐上周就停了，点评页面却一直没下线，是我们的疏忽，已经联系平台撤掉了。",
    # --- who delivers, with the case passed on; the store asking the platform
    "被骑手说了重话一定很委屈，骑手是平台安排的，我们已经把您的情况反馈给平台了。",
    "我们已经请平台把周末限制写进标题了。",
    # --- the customer failing to get it; the store's staff as the one who erred
    "抱歉您连着两次都没点到毛血旺，这道菜每天限量，卖完了我们却没及时下架。",
    "抱歉没能及时联系您，收银员把您留的号码记错了一位，现在改成系统里直接拨。",
    "抱歉让您被骑手说地址填错了，其实是我们小票打印得太挤，已经调大了字号。",
    "我们每份都有标准克数，但这次切得太薄，看着就少了，已经重新定了切法。",
    # --- others who met the same trouble
    "店在二楼，不少客人都找不到入口，我们已经在楼下挂了牌子。",
    "谢谢您，不少老客人也说最近偏咸，已经把盐减回原来的量。",
    # --- the store not having told the customer; its own staff's manner named as wrong
    "周末不能用券这件事我们没能提前提醒您，抱歉，已经写进公告。",
    "那天店长说话太冲了，这不是待客之道，我们已经提醒过她。",
    "我们的服务员当时回了一句“不关我们的事”，这种态度是错的，已经批评了她。",
    # --- a concession after the account: that day it was too much
    "二刀肉本来就带点肥，不过那天那盘肥肉太多了，以后进货挑瘦一些的。",
    "其实我们的牛肉都是当天到货的，不过您吃到的那份确实老了，我们会把火候控制好。",
    # --- years open admitted as wear; a licensed supplier; idioms
    "店做了这么多年，桌椅确实旧了，下个月会全部换新。",
    "我们的毛肚是从有资质的供应商进的，您吃着不新鲜，我们会把这一批退回去。",
    "让您在巷子里走了冤枉路，抱歉，巷口已经挂了指示牌。",
    "菜价涨了却没提前说明，难免让人觉得突然，抱歉。",
    # --- second round: the case passed on at more length; a colleague's words called wrong
    "虽然送餐是平台指派的，但餐是从我们店出去的，我们会把您说的情况整理好一并反映。",
    "我们查了单子，您确实备注了不要香菜，收银员却说是您没写，这是错的，向您道歉。",
    # --- an impostor account is not the store's; the customer's number out of the review
    "那个加您的微信号不是店里的官方账号，请不要转账，有事请打店里电话。",
    "为了您的隐私，建议把手机号从评论里去掉，我们已经在平台消息里联系您了。",
    # --- a count of brands is no portion; a campaign the store does not run
    "这个月酱料换了一个牌子，我们也在试着多放一点，还没调到位。",
    "打折优惠目前没有，我们想把心思都花在菜上。",
    # --- the customer's home named without any place in it
    "骑手在您住的小区里转了好久，楼栋号印得太小，我们已经把小票字号调大了。",
]

# The violations these innocent wordings resemble, refused under their rule.
VIOLATIONS = [
    ("我们的麻婆豆腐本来就很麻，是您自己吃不惯。", "argue"),
    ("白切鸡本身就是凉菜，这是常识。", "argue"),
    ("不好意思，分量本来就这么多，会调也不会多给。", "argue"),
    ("这根本不是我们的菜，您吃的是别家的吧。", "argue"),
    ("根本不应该给差评吧。", "argue"),
    ("抱歉，这道菜本来就偏咸，您吃不惯很正常，之后会提醒。", "blame"),
    ("明明是您自己迟到了二十分钟。", "argue"),
    ("我们马上给您退款。", "promise"),
    ("退款拖了这么久，我们再给您退一半餐费。", "promise"),
    ("我们退款后就给您把钱转过去。", "promise"),
    ("下次来给您打八折。", "promise"),
    ("送您一张满减券，下次来用。", "promise"),
    ("下次您点什么都打个八折。", "promise"),
    ("这顿饭钱我们不收了。", "promise"),
    ("再送您一道凉菜赔罪。", "promise"),
    ("麻烦您把评价改一下。", "delete_request"),
    ("Could you please delete your review?", "delete_request"),
    ("让这条点评早点下线吧。", "delete_request"),
    ("骑手是平台派的，慢了是他们的问题。", "blame"),
    ("平台限制太多了，我们也没办法。", "blame"),
    ("您下单时没选辣度，后厨只能按微辣做。", "blame"),
    ("您的地址填错了，骑手才找不到。", "blame"),
    ("这批毛肚是供应商送来的，问题出在他们那边。", "blame"),
    ("高峰期慢一点是难免的。", "blame"),
    ("这事不关我们的事。", "blame"),
    ("其他客人都说咸淡正好。", "argue"),
    ("其他客人都没有反映过偏咸，可能是您口味淡。", "argue"),
    ("我们事先提醒过您券不能用。", "argue"),
    ("其实我们的牛肉一直都是当天到货的。", "argue"),
    ("我们店开了这么多年，从没人说过难吃。", "argue"),
    ("您这样说真是冤枉我们了。", "argue"),
    ("我们店长说话比较冲，您多担待。", "argue"),
    ("二刀肉本来就带肥，您不懂川菜。", "argue"),
    ("送餐是平台指派的，慢了是骑手的问题。", "blame"),
    ("那个微信号不是店里的，您被骗了也跟我们无关。", "blame"),
    ("为了您的隐私，建议您把这条评价删掉。", "delete_request"),
    ("我们再送您一个甜品。", "promise"),
    ("满减活动暂时没有，不过下次来给您打个九折。", "promise"),
    ("您住的阳光小区我们常送，地址没问题。", "private_data"),
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_edit_passes(text: str) -> None:
    assert staff_edit_codes(text) == set()


@pytest.mark.parametrize(("text", "code"), VIOLATIONS)
def test_resembling_violation_refused(text: str, code: str) -> None:
    assert code in staff_edit_codes(text)
