"""Blame and argue on staff edits, by meaning (issue 12, helper grd6a, session 29).

Blame is fault laid on the customer or the rider; an explanation the store owns (the
kitchen, the store as the subject of the failure, an admission, an apology naming it) is
none. Argue is calling the account false, lecturing or sarcasm; a fact stated while the
store owns the customer's experience is none. Each case is a kind of wording, with the
innocent wording closest to it."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.replies.guardrails import check_reply
from tests.replies_support import STORE, analysis, staff_edit_codes

BLAME = [
    # the customer's omission, and the store's doing as its consequence
    "你点单时没写走辣，厨房就照常做了。",
    "您没有提前说要几位，我们确实没法给您留位。",
    "You didn't tick the no-peanuts box, so the kitchen used the standard recipe.",
    # the customer as the one who started it, their home as the source
    "是你先对收银员发火的，她才回了两句。",
    "您家里是不是养了狗？图里那根像狗毛。",
    # hindsight in English, with a softener between
    "Honestly, you could have simply asked a server.",
    # the rider as the culprit, the meal fine when it left
    "那个车手绕了远路，我们早就打包好了。",
    "The courier obviously didn't keep it flat; it left our kitchen perfectly sealed.",
]

ARGUE = [
    # the photo called doctored; the customer said to know better
    "图片一看就是PS的。",
    "这根头发哪来的，您自己心里清楚。",
    # only you; sarcasm
    "就您一个人嫌咸，您自己琢磨琢磨。",
    "整个小区就您最挑剔，真是委屈您了。",
    "您拍照可真是眼尖呀。",
    "难吃还吃得干干净净？",
    # rhetorical questions
    "换你是老板，你能一个人管十桌吗？",
    "请问哪家餐厅能十分钟上齐八个菜？",
    # lectures
    "来火锅店嫌油，就好比去澡堂嫌水热。",
    "我们就是个小馆子，不是米其林餐厅，期望值请摆正。",
    "全瘦的那叫卤牛肉，不是夫妻肺片。",
    "毛肚要有嚼劲才正常。",
    "Maybe do some homework before posting.",
    "Patience is a virtue, my friend.",
    # a turn from the apology to a word for the customer
    "抱歉让您久等。不过提醒一下，催单太多后厨也会乱。",
]

INNOCENT = [
    # the store as the subject of the rush, an admission, an apology naming the failure
    "抱歉让您久等了，那天是我们接单太多、厨房来不及出餐，已经限量接单。",
    "您说等了很久，我们非常抱歉，那天后厨确实忙不过来。",
    "抱歉这次的外送慢了，我们会和平台沟通。",
    "骑手送晚的事我们非常抱歉。",
    "高峰期人手不够，我们多排了一个师傅。",
    # the store's own prep as the reason, the store owning its packing or its sign
    "宫保鸡丁的花生软了，是炸好的花生放太久回潮了，现在每餐现炸。",
    "我们店在巷子里，门牌不好找，骑手容易绕路，是我们该把位置写清楚。",
    "路上颠簸难免，是我们包装没考虑周全，已经换了分格盒。",
    # 不容易 before a verb says what will not happen (不容易洒), not that the road is hard
    "冰粉现在用带盖杯子，外面再套个袋子，路上颠也不容易洒。",
    # a condition, not a statement about the customer
    "如果您那边还没看到消息，请打店长电话，我们帮您一起查。",
    # a fact stated while the experience is owned
    "抱歉辣度没让您吃舒服，菜单上标了辣度，下单备注微辣我们一定照做。",
    "这道菜本来就是肥瘦相间的，不过这次切得确实偏肥，已经交代师傅了。",
    "那天晚高峰我们出餐本身就慢了，已经调整了出餐顺序。",
    "服务员一直没来加水是我们疏忽了，已经调整排班。",
]

# Look-alikes of the new wordings, kept as they were before (these pass on main too: they
# guard the new patterns against reaching too far).
KEPT = [
    ("雨天我们会在下单页提示送达时间，让您心里有数。", set()),
    ("这又不是您的错，是我们没提醒清楚。", set()),
    ("汤洒了主要是路上颠的。", {"blame"}),  # 要是 inside 主要是 is no condition
    ("下雨天骑手也不容易，请多体谅。", {"blame"}),
    ("另外提醒您一下，外卖汤品我们现在单独封口了。", set()),
]


@pytest.mark.parametrize("text", BLAME)
def test_blame_refused(text: str) -> None:
    assert "blame" in staff_edit_codes(text)


@pytest.mark.parametrize("text", ARGUE)
def test_argue_refused(text: str) -> None:
    assert "argue" in staff_edit_codes(text)


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_passes(text: str) -> None:
    assert staff_edit_codes(text) == set()


@pytest.mark.parametrize(("text", "codes"), KEPT)
def test_lookalikes_kept(text: str, codes: set[str]) -> None:
    assert staff_edit_codes(text) == codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("您没有提前说要几位，我们确实没法给您留位。", "blame"),
        ("这根头发哪来的，您自己心里清楚。", "argue"),
    ],
)
def test_message_names_the_words_and_suggests(text: str, code: str) -> None:
    found = check_reply(
        text,
        review=ReviewText("s1", "差评", 2),
        analysis=analysis(("food", "negative")),
        store=STORE,
        by_staff=True,
    )
    violation = next(v for v in found if v.code == code)
    assert violation.found and violation.found in violation.message_zh
    assert "code" not in violation.message_zh and code not in violation.message_zh
    assert violation.suggestion and "「" in violation.suggestion  # staff's sentence reworded
