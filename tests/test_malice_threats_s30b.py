"""Session 30 (issue 11, t14b): threats of the kinds new writers used and no combo read, held
by our own wordings of each kind (not a set's rows): a person of the shop waited for after
work or a weapon brought (flagged at any stars: a kind word for the food does not take back
harm promised to a person), the same told with less (below four stars), the staff's names,
faces or homes put online or found, a review campaign of many people or accounts, the
writer's own promise to ruin the shop, exposure or an unrelated report promised on a
condition, a retort and a warning, a lever (a report, influencers, friends) with a warning,
two warnings, a weapon emoji with a warning; in phone-typed Chinese, Cantonese and English.
Each kind's honest look-alikes (a rider waited for, kindness at closing time, a knife asked
for at the table, a group that liked the food, a report already made, a warning alone) stay
unaccused at none, 1★, 3★ and 5★."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from tests.malice_support import STARS, analyzer, reasons

# (text, words the threat's evidence must hold)
THREATS = [
    # a person waited for after work, a weapon brought, in English too
    ("你们那个厨子 收工别走", "别走"),
    ("送餐那个 明晚在后门等他", "后门等他"),
    ("改天拎把西瓜刀过来讲道理", "西瓜刀"),
    ("下回带上钢管再来", "钢管"),
    ("one more rude word and someone gets hurt", "gets hurt"),
    ("the chef better not be there when we come back", "better not be there"),
    ("your car wont last the month", "wont last"),
    ("那个收银员 有人会教她做人的", "教她做人"),
    # the same with less: closing time, the next visit, people brought, a street meeting
    ("那个传菜的高个子 下班小心点", "下班小心点"),
    ("听日收档小心啲", "收档小心"),
    ("下次来就不是吃饭了 你们懂", "不是吃饭"),
    ("行 我喊几个兄弟过来收拾你们", "收拾你"),
    ("那个领班 出门别让我碰上", "别让我碰上"),
    # the staff exposed or found
    ("员工的脸和名字都截好图了 准备公开", "公开"),
    ("那个收银妹住边我都识", "住边"),
    ("I'm posting the manager's home address online tonight", "home address"),
    # a review campaign
    ("我喊了整个车队 每人一星", "每人一星"),
    ("我有的是小号 天天来写", "有的是小号"),
    ("这一星只是开始 后面还有几十条", "只是开始"),
    ("拉咗个群 专门踩你哋", "专门踩"),
    ("get ready for a wave of one-star reviews from my whole gym", "one-star"),
    # the ruin is the writer's own doing
    ("不把你这店搞臭不罢休", "搞臭"),
    ("分分钟搞垮你们", "搞垮你"),
    ("一条条发 发到你们执笠", "发到"),
    ("不是为了退款 就是要你们停业", "停业"),
    ("I'll make sure this restaurant goes under", "goes under"),
    # exposure or an unrelated report on a condition
    ("再不给个说法我就把视频发网上 再找电视台", "电视台"),
    ("We'll be reporting you to the county health office unless the manager calls us", "unless"),
    # a veiled threat with its target and its author named
    ("我一定叫你哋后悔", "后悔"),
    ("老子绝对不会放过你家", "放过你"),
    ("信不信我砸你们", "信不信我砸你"),
    ("wait till my cousins find out about this place", "wait till my cousins find out"),
    ("遲早搞到你執笠", "执笠"),
    ("有种别跑", "有种别跑"),
    ("you have no idea who you messed with", "messed with"),
    # a retort and a warning; a lever and a warning; two warnings; a weapon emoji and a warning
    ("好啊 你们等到", "等到"),
    ("我会通知卫生署和记者 你们好自为之", "好自为之"),
    ("约了几个博主下周来拍 你们好好准备吧", "好好准备"),
    ("等着吧 你们的好日子到头了", "好日子"),
    ("🔪 别让我再来", "别让我再来"),
]

HONEST = [
    # a rider waited for, kindness at closing time, a knife asked for at the table
    "骑手让我下楼 我在楼下等他等了二十分钟",
    "小哥辛苦了 下雨天慢点骑",
    "下次拿把刀来吧 这牛排根本切不动",
    "老板说今晚关门早 让我们早点来",
    "店长当着我的面说再差评就喊人来收拾我们 已经报警",
    "来了绝对不会让你后悔 回锅肉一绝",
    "平台不会放过你们这种店的",
    "小心你间铺的楼梯 好滑",
    "因住热 个汤好烫",
    "you better watch out for the bones in the fish",
    # names given to the platform, a shop's number passed on
    "我已经把那个服务员的名字写进投诉了 交给平台处理",
    "老板的电话我存了 大家订餐直接找他",
    # groups and stars in honest use
    "同事们都说我给一星太狠了",
    "我们公司群都在转 下周组团来吃",
    "群里有人说这家一星都嫌多 我来试了确实一般",
    "上菜慢只是开始 后面还有更离谱的",
    "这个差评只是开始 下次我会去12315投诉你们卫生",
    # a report made, a warning alone, praise with a warning's words
    "已经打12315投诉了 店家好自为之",
    "这样的卫生 店家好自为之吧",
    "老板等着吧 下周我还来 回锅肉太香了",
    "下次带朋友来聊聊天 环境不错",
    "I reported it to the health department already. Not coming back.",
]


def _evidence_holds(text: str, words: str, stars: float | None) -> None:
    result = analyzer().analyze(ReviewText("t", text, stars))
    assert "threat" in result.malicious_reasons, (text, stars)
    spans = [e.span for e in result.malicious_evidence if e.reason == "threat"]
    folded = [analyzer().malice.fold(span).text for span in spans]
    assert any(words.lower() in span.lower() for span in spans + folded), spans


@pytest.mark.parametrize(("text", "words"), THREATS)
def test_threats_of_each_kind_are_flagged_with_their_evidence(text, words):
    _evidence_holds(text, words, 1)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("你们那个厨子 收工别走", "别走"),
        ("送餐那个 明晚在后门等他", "后门等他"),
        ("菜不错 但那个收银员 有人会教她做人的", "教她做人"),
        ("food was great. see u after closing 😈", "see u after closing"),
    ],
)
def test_harm_to_a_person_is_flagged_at_any_stars(text, words):
    for stars in (4, 5):
        _evidence_holds(text, words, stars)


@pytest.mark.parametrize("text", HONEST)
def test_honest_look_alikes_are_never_accused(text):
    for stars in (*STARS, 5):
        assert reasons(text, stars) == (), stars
