"""Session 29 (issue 11): threats of the kinds the next writers used and no combo read, held
by paraphrases of each kind (the lead's probes and our own wordings, not a set's rows): a
veiled threat alone, a connection in an office or newsroom and what the shop will see of it,
a report about to be made with the shop's fate gloated at, an authority sent to the shop,
harm to its property promised or called a pity, the ruin made the writer's own doing, a
review campaign, a visit in scare quotes, a person of the shop exposed, a siege until the
shop is ruined, its car memorised, publicity promised as a punishment. Each threat is
flagged with its evidence (the words that prove it); each kind's honest look-alikes (a
report already made, never-again, a forecast, 可惜 of the food, a customer's own accident)
stay unaccused at none, 1★ and 3★."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from tests.malice_support import STARS, analyzer, reasons

# (text, words the threat's evidence must hold)
THREATS = [
    # the lead's probes, one of each kind
    ("我明天就去市场监管局举报你们，等着被查吧", "等着被查"),
    ("你们这种店迟早关门，我会让你们开不下去的", "开不下去"),
    ("态度这么差，下次路过给你玻璃砸了", "玻璃砸了"),
    ("再不给个说法我就打12345，让城管天天来查你", "查你"),
    # a veiled threat alone
    ("服务员还敢甩脸色，行，你们走着瞧", "走着瞧"),
    ("态度这么嚣张，你们给我等着。", "等着"),
    ("今天这事没完，咱们慢慢来", "没完"),
    ("就这服务，看你们这家店还能开多久", "还能开多久"),
    ("我识人㗎，你哋自己谂", "识人"),
    ("继续这么对客人，后果自负", "后果自负"),
    ("店家回复说我乱讲？好，看谁笑到最后", "笑到最后"),
    ("你們走著瞧", "走着瞧"),
    # a connection in an office and what the shop will see of it
    ("我舅舅在市场监管局上班，你们这样做生意，自己想想后果", "想想后果"),
    ("我表姐就是电视台的，下个月你们就知道了", "电视台"),
    # a report about to be made, the shop's fate gloated at
    ("我这就打12345，你们准备迎接检查吧", "迎接检查"),
    ("今晚就去卫生局举报，看你们还能营业几天", "营业几天"),
    # an authority sent to the shop
    ("我会叫税务局的人好好查查你们的账", "查查你们"),
    ("找消防天天来查你们那个后厨", "查你们"),
    # harm to the shop's property
    ("那个服务员我见一次泼一次", "泼一次"),
    ("老板你的车停门口挺显眼的，哪天帮你车窗砸了", "砸了"),
    ("生意这么好，要是哪天后厨起火了就可惜了", "可惜"),
    # the ruin is the writer's own doing
    ("你们这种店迟早完蛋，我要让你们开不下去", "开不下去"),
    ("我迟早砸了你家这破店", "砸了"),
    # a review campaign
    ("我叫了十几个人，一人一条差评", "一人一条"),
    ("我们小区所有业主都会去给你们打一星", "一星"),
    ("已经找了刷差评的，你们好好享受", "刷差评"),
    # a visit in scare quotes, a person exposed, a siege, a car memorised, publicity as punishment
    ("我朋友们这周会轮流去你们店“体验”一下", "体验"),
    ("你们那个厨师的名字和电话我会发到网上", "发到网"),
    ("我会天天打12345，打到你们被约谈为止", "被约谈"),
    ("你们老板那辆白色的车天天停后门，我记住车牌了", "车牌"),
    ("我会把视频发给几个大V，你们就准备公关吧", "公关"),
    (
        "I know people in the health department. One phone call and they'll be all over you.",
        "health department",
    ),
    ("My sister is a reporter. Expect a surprise visit.", "reporter"),
    # the shop or a person marked, and a warning; a person told to take care at night
    ("上菜这么慢还甩脸色？你们店的地址我记下了，等着吧", "记下了"),
    ("我记下她长什么样了，给我碰到你就知道了", "知道"),
    ("那个店长晚上回家的时候最好小心点", "小心"),
    ("我劝你们经理下班锁好车门", "锁好车门"),
    ("你们就这么对顾客？给你们两天时间想清楚", "想清楚"),
    # the writer's own message passed on (跟…说一声) is no one else's words retold
    ("跟你们老板说一声，别怪我不客气", "不客气"),
]

HONEST = [
    # a report already made, its consequence awaited
    "我已经举报了，你们等着被查吧",
    "吃出虫子，我已经向市场监管局举报，你们等着被罚吧",
    "已经报警了，你们等着吧，我再也不来了",
    # a customer leaving, a forecast, a warning
    "老板你等着吧，我再也不来了",
    "给我记住，以后不点这家了",
    "这种店开不长的，大家别来了",
    "看你们这服务能撑多久",
    "我朋友在卫生局上班，她说后厨这样肯定有问题，大家好自为之吧",
    "It would be a shame if this place closed, the food used to be great.",
    "This place will be out of business soon if they keep this up, mark my words.",
    # a report or a right, with or without a condition
    "不退款我就去12315投诉，这是我的权利",
    "我希望市场监管来查查你们后厨",
    # 可惜 of the food, things broken by accident, a customer's own plate
    "菜是好吃的，可惜服务太差了",
    "你们的玻璃门挺贵吧，擦得这么干净，可惜菜不行",
    "上菜的时候服务员把盘子砸了，碎了一地，可惜了那盘鱼",
    "骑手撞了我的电动车，我记下他的车牌了，已经报警",
    "我记住你们店名了，再也不来",
    "我记住那个服务员的样子了，下次点单不找她",
    "店员跟我说下班路上小心点，其实是好意",
    "提醒大家晚上来这家小心点，门口台阶很滑",
    "停车场没人看，大家记得锁好车门",
    "下次我不会一个人来了，带朋友来人多点菜更划算",
    # accounts, groups and publicity in honest use
    "我们一桌五个人，每人点了一份套餐，都不好吃",
    "这家店在抖音上挺火的，去了发现很一般",
    "我把照片发到群里问了朋友，大家都说这肉不新鲜",
    "老板态度很差，照片我发到群里提醒大家了，这种店别去",
    "店家说会好好介绍新菜，结果上来的菜都是凉的",
    "我让他跟老板说一声，他回头就说别怪他不客气，把我们赶了出去",
]


@pytest.mark.parametrize(("text", "words"), THREATS)
def test_threats_of_each_kind_are_flagged_with_their_evidence(text, words):
    result = analyzer().analyze(ReviewText("t", text, 1))
    assert "threat" in result.malicious_reasons
    spans = [e.span for e in result.malicious_evidence if e.reason == "threat"]
    folded = [analyzer_fold(span) for span in spans]
    assert any(words.lower() in span.lower() for span in spans + folded), spans


@pytest.mark.parametrize("text", HONEST)
def test_honest_look_alikes_are_never_accused(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


def analyzer_fold(text: str) -> str:
    """The span as the pieces read it (Traditional folded to Simplified)."""
    from reviewbot.analysis.lexicon import load_lexicon
    from reviewbot.analysis.malice import MaliceRules

    return MaliceRules(load_lexicon()).fold(text).text
