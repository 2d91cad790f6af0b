"""Staff edits for the promise, delete_request and private_data rules, read by meaning
(helper grd6b, session 29): who gives what to whom, the tense of it, negation, and what is
deleted by whom. Each violation is refused under its rule with a plain-Chinese message
naming the words and a rewording; each innocent look-alike beside it passes."""

from __future__ import annotations

import re

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.replies.guardrails import check_reply
from tests.replies_support import STORE, analysis, staff_edit_codes

codes = staff_edit_codes


@pytest.mark.parametrize(
    ("text", "review"),
    [
        # A refund already made: the platform's, an overcharge returned, one not yet arrived.
        ("多收的钱已经原路退回，您可以核对一下。", "包间多收了一百多块"),
        ("平台那边显示退款已经到账，没看到的话我们帮您一起查。", "退款拖了好几天"),
        ("您在评价里提到退款迟迟没到，平台退款一般会原路返回，我们也会帮您盯着进度。", "没退款"),
        ("The platform shows the refund was processed on their side.", "Where's my refund?"),
        ("平台已经退款，我们这边没有额外补偿。", "退款"),
        # A coupon, a card or a discount as the topic, not given.
        ("团购券没给您用是店员没弄清楚规则，我们已经给大家重新讲了一遍。", "团购券不给用"),
        ("团购券不能用让您不愉快，会在页面写明使用时间。", "团购券不让用"),
        ("可能是会员价和原价的标识让您看混了，我们会把标签改清楚。", "多收钱"),
        ("店里的会员卡已经停办了。", "推销办卡"),
        ("是不是打了折扣的食材？不是的，我们的牛肉每天现切。", "牛肉不新鲜"),
        ("我们的价格算比较实惠的，但分量确实要改。", "太贵"),
        ("退款到账时间以平台为准。", "退款还没到"),
        ("如果退款没到账，麻烦打店长电话 010-1234 5678，我们帮您查。", "退款还没到"),
        ("平台的赔付结果已经出来了，请留意通知。", "少送了菜"),
        ("您的团购券已经核销了，有问题请打店长电话。", "团购券用不了"),
        ("那天是打折日，人特别多，让您久等了。", "等太久"),
        ("免单活动我们没有参加。", "说好的超时免单呢"),
        ("您是不是担心我们用了打折的食材？", "肉不新鲜"),
        # The customer's words, named as theirs.
        ("您说要退款，我们听到了，有需要请打店长电话。", "必须退款"),
        ("「免費都不想吃」這句話我們收到了，會從食材開始重新檢討。", "這種菜免費都不想吃"),
        ("您提到希望店里能提供免费茶水，这个建议我们记下了。", "连免费茶水都没有"),
        # Compensation kept off the public page.
        ("具体的处理和赔偿我们想跟您电话沟通，不在评论区谈。", "菜里有虫"),
        ("补偿不了您那天的心情，我们只能保证以后不再发生。", "生日宴搞砸了"),
        # The store's own changes, hires and work: no benefit to this customer.
        ("我们已经在每碗出餐前多加一勺汤底。", "担担面太干了"),
        ("以后我们会多放一点花椒。", "不够麻"),
        ("您好，我们今天专门让师傅重做了几次试吃，确实火候不够。", "四季豆没熟"),
        ("谢谢您花时间写下来，哪怕是一星也很有用。", "难吃，一星"),
        ("我店支持加菜，当日服务员答复有误。", "服务员说不能加菜"),
        ("这次我们请了消杀公司，全店做了一遍消杀。", "有蟑螂"),
        ("消杀公司我们请了，下周一上门。", "有蟑螂"),
        ("超时免单是平台的活动，不是店里设的。", "超时了不给免单"),
        # A greeting names nobody as the one given to (您好，本店不收服务费).
        ("您好，本店不收服务费，菜单价就是最终价。", "服务费"),
        ("我们不搞好评返现那一套。", "商家求好评"),
        # The customer told what they need not do; the store's own reconsidering.
        ("这条评价您不用改，我们也不希望您改。", "桌子油腻腻的"),
        ("這條評價您不用改，我們會記住這個教訓。", "辣到哭"),
        ("这条店规我们会重新考虑，并提前写清楚。", "开瓶费离谱"),
        ("谢谢您本来想给五星的心意，冰粉没做好是我们的问题。", "本来想给五星"),
        ("我们已经把红油抄手的分量加足了。", "分量少"),
        ("We're not going to ask you to change your stars.", "2 stars"),
        ("Please don't feel you need to change your review.", "2 stars"),
        ("No. We don't delete reviews and we never ask guests to change theirs.", "delete?"),
        # The store's own phone before a word (点单), a neighbouring estate, a packing note.
        ("这几天可以直接打 010-1234 5678 点单。", "小程序老是卡"),
        ("外卖送到了别的小区，给您添了大麻烦。", "送错小区"),
        ("我们会在打包时把小区名写大一点，方便骑手辨认。", "找了半天"),
    ],
)
def test_innocent_look_alikes_pass(text, review):
    assert codes(text, review) == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("这单的损失我们兜着，差多少我们补多少。", "promise"),
        ("下回来店里，单子我们这边消化掉。", "promise"),
        ("天太热了真抱歉～多退您一点钱，您看行不？", "promise"),
        ("外套的干洗钱我自己掏，绝不让您吃亏。", "promise"),
        ("以后每单自动减5元。", "promise"),
        ("Dinner for two on us whenever you come back.", "promise"),
        ("Your next meal with us is completely free.", "promise"),
        ("Next order we'll throw in a free bowl of ice jelly.", "promise"),
        ("We've credited 30 yuan back to your Meituan account.", "promise"),
        ("星星能不能多给两颗呀", "delete_request"),
        ("星星给少了吧，加两颗呗。", "delete_request"),
        ("您看方便的话，再评一次？", "delete_request"),
        ("您那条评论能不能先下掉？", "delete_request"),
        ("我们不会强迫您删除评价，只是如果您愿意删掉，我们会非常感激。", "delete_request"),
        ("另外，如果可以的话，希望您能把图片撤下来，谢谢。", "delete_request"),
        ("烦请您再核实一下评价内容是否需要调整，谢谢！", "delete_request"),
        ("吃完觉得不错，就在这条下面补充一下。", "delete_request"),
        ("到时候别忘了追评告诉大家我们的变化哦～", "delete_request"),
        ("评价是您的权利，但如果您愿意更新一下，我们会非常感激。", "delete_request"),
        ("We'd love to see those stars go up!", "delete_request"),
        ("A fresh review from you would help others see where we are now.", "delete_request"),
        ("Please give us five stars next time.", "delete_request"),
        ("有问题打这个：一八六 two 八 one one 零 nine 三 seven。", "private_data"),
        ("We checked order #DP2026-118873 and you're right.", "private_data"),
        ("我们查到您是会员卡号 VIP-003827 的老顾客。", "private_data"),
        ("Reach me on WeChat: wang (underscore) sichuan.", "private_data"),
        ("有事发邮件到 manager at laojiefang dot cn 就行。", "private_data"),
        ("We've noted your address at Building 7, Tongzilin Road.", "private_data"),
        ("您那份是送到双流区蛟龙港的吧，路远颠破了。", "private_data"),
        ("可以来我们负责人家里谈，就在青羊区文庙后街。", "private_data"),
    ],
)
def test_violations_are_refused_in_plain_chinese(text, rule):
    found = check_reply(
        text,
        review=ReviewText("s1", "差评", 2),
        analysis=analysis(("food", "negative")),
        store=STORE,
        by_staff=True,
    )
    mine = [v for v in found if v.code == rule]
    assert mine, [v.code for v in found]
    for violation in mine:
        assert violation.found and violation.found in violation.message_zh
        assert re.search(r"[\u4e00-\u9fff]", violation.message_zh)
        assert re.search(r"[\u4e00-\u9fff]", violation.suggestion)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Edges of the new readings (they pass at main too): the offer beside a coupon's
        # rules, beside the platform's refund, to this customer, the meal treated; a hope
        # disowned as a request; a district named for the way there.
        ("团购券不能用是我们的问题，下次给您打八折。", "promise"),
        ("平台已经退款，我们再送您一份甜品。", "promise"),
        ("下次给您多加一勺汤底。", "promise"),
        ("这顿我们请了。", "promise"),
        ("我们不求您改分，只希望下一次让您自然而然愿意多给一颗星。", None),
        ("送到高新区那边比较远，我们会提前出餐。", None),
        ("我们把店铺页面的旧帖删掉了。", None),
    ],
)
def test_edges_of_the_new_readings_hold(text, rule):
    assert codes(text) == ({rule} if rule else set())
