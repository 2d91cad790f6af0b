"""Session 30 (issue 11, thra): threats of the kinds the w14 writers used and no combo read,
held by wordings of our own (not a set's rows): a person of the shop whose home, route or
family the writer knows; the shop's property named with a watch-out; a person waited for at
the door; people brought along to a face-to-face meeting; a crowd told to post every day; a
campaign of every order, every account, a sit-in or a sign at the door; the landlord, the
lease or a list of offices as leverage; a vow to ruin the shop; publicity held back at the
writer's whim; exposure tied to an apology asked; a connection, the shop's misdeeds known or
a person marked, closed by a veiled warning. Each threat is flagged with its evidence; each
kind's honest look-alikes (the writer's own address, opening hours known, advice to diners,
friends brought to eat, a group warned, a rating observed, a forecast, a post already made,
an apology received, a relative named without a warning) stay unaccused at none, 1★ and 3★."""

from __future__ import annotations

import pytest

from reviewbot.analysis.base import ReviewText
from tests.malice_support import STARS, analyzer, reasons

# (text, words the threat's evidence must hold)
THREATS = [
    # a person of the shop whose home, route or family the writer knows
    ("你们那个领班下班走哪条路，我也清楚", "走哪条路"),
    ("你们经理老婆孩子的照片我都有", "照片"),
    ("I'm going to post your manager's name and home address online.", "home address"),
    # the shop's property named with a watch-out
    ("你们家那块新招牌挺气派，夜里记得看紧点", "看紧"),
    # a person waited for at the door
    ("明晚我就在你们后门等他，看他敢不敢出来", "后门等他"),
    # people brought to a face-to-face meeting
    ("周末我老公下班就过来，到时候可不是退钱能解决的", "能解决"),
    # a crowd told to post, a campaign of every order, a sign at the door every week
    ("我们单位群里有两百多人，从明天开始轮流给你们差评", "差评"),
    ("以后你家每一单我都会点，每一单都给一星", "一星"),
    ("我会换着号差评，一天一个", "换着号"),
    # the landlord, the lease, a list of offices; a vow to ruin the shop
    ("你们房东我熟，明年还续不续租，就看你们怎么做了", "续不续"),
    ("消防、税务、城管，我会一家一家找过去", "一家一家"),
    ("不把你们搞垮我就不姓王", "搞垮"),
    # publicity held back at the writer's whim
    ("标题我都起好了，就叫黑心川菜馆", "标题"),
    # exposure tied to an apology asked
    ("三天内不当面道歉，我就把那段录音发出来", "录音"),
    # a connection, the shop's misdeeds known, a person marked, and a veiled close
    ("我外甥就在报社上班，你们自己心里有数", "心里有数"),
    ("你们偷偷用回收油的那些事我都清楚，信不信由你", "信不信由你"),
    ("我拍下了他的脸和车牌，咱们慢慢来", "慢慢来"),
    ("I run a neighbourhood group with 30k members. Consider this your warning.", "warning"),
    ("我就住你们店对面，好戏还在后头", "好戏"),
    ("Nice van you've got out back. Keep an eye on it.", "keep an eye on it"),
]

HONEST = [
    # the writer's own home, the shop's hours
    "我住哪骑手都找不到，打了三次电话才送到",
    "我知道你们几点关门，特意提前半小时来的，结果说厨师下班了",
    # advice to diners, friends brought to eat, a group warned, a rating observed
    "停车场晚上没人看着，大家记得锁好车",
    "我明天下午过来，当面跟经理谈谈退款的事",
    "我们公司群里有两百多人，我已经在群里提醒大家别点这家了",
    "评分都掉到3分以下了，可见不是我一个人觉得难吃",
    # a forecast, a post already made, an apology received, a plain next step
    "这种店迟早被整垮，不用我说",
    "视频我已经发到抖音了，大家自己看",
    "店长当面道歉了，录音我也删了",
    "不给道歉我就一直追评，直到店家认错",
    # a relative named, kindness told, a neighbour watching the queue
    "我表哥在报社上班，他说这家店以前上过新闻",
    "店员说让我慢慢来不着急，挺贴心的",
    "我住得离你们很近，天天都能看到你们门口排长队",
    "我就住你们店对面，经常来吃，这次真的失望",
    "Nice patio and friendly staff, keep an eye on the specials board.",
    # friends brought to eat (session 30, lead: the old harm piece read 带几个兄弟 alone)
    "下次带几个兄弟来吃，这家的烤鱼是真的好",
    "周末叫上几个兄弟一起来吃，老板人好",
    "找了几个兄弟伙来宵夜，毛血旺够味",
    # care wished to a rider, the boss's number shared for ordering (found by thrb's probes)
    "小哥晚上送餐注意安全 辛苦了",
    "骑手小哥下班路上小心点 雨太大了",
    "老板的电话我发到群里了 大家订餐直接找他",
]


@pytest.mark.parametrize(("text", "words"), THREATS)
def test_threats_of_each_kind_are_flagged_with_their_evidence(text, words):
    result = analyzer().analyze(ReviewText("t", text, 1))
    assert "threat" in result.malicious_reasons
    spans = [e.span for e in result.malicious_evidence if e.reason == "threat"]
    assert any(words.lower() in span.lower() for span in spans), spans


@pytest.mark.parametrize("text", HONEST)
def test_honest_look_alikes_are_never_accused(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars


# Honest reviews a session-30 writer of look-alikes (w14h) wrote that read as threats or
# extortion, in the lead's own wordings of each kind: a playful warning of a visit to eat,
# friends brought to eat (Cantonese), a benefit named as what will NOT change the review,
# and others' word of the shop's offers retold.
PLAYED_AND_REFUSED = [
    "你们等着瞧，下周我带爸妈来吃火锅，这家的夫妻肺片太正了",
    "你们等着吧，我过年还要来尝尝别的菜，吃货的直觉不会错",
    "下个月一定再嚟，帶埋班兄弟嚟食宵夜",
    "我不会因为你们送的代金券就改成五星，这次加一星是因为上菜快了",
    "我的好评不是换的，是菜真的好吃",
    "评论区好多人说这家会送饮料换好评，我没遇到，单纯觉得好吃",
]


@pytest.mark.parametrize("text", PLAYED_AND_REFUSED)
def test_a_played_warning_a_refused_benefit_and_retold_offers_are_never_accused(text):
    for stars in STARS:
        assert reasons(text, stars) == (), stars
