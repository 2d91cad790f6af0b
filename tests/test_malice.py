"""Malice from evidence (issue 11): real extortion and threats caught in their short,
colloquial, Traditional or spaced-out forms; honest customers never accused; every flag
carries the customer's own words and the facts behind it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from reviewbot.analysis.base import AnalysisContext, ReviewText
from reviewbot.analysis.evaluation import analyze_all, malice_check, read_jsonl
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.v1 import AnalyzerV1

DEV = Path(__file__).parent / "data" / "dev" / "malice.jsonl"
# Real reviews and messages quoted in news and court reports (tests/data/dev/malice_real)
REAL = Path(__file__).parent / "data" / "dev" / "malice_real"


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def read(text: str, rating: float | None = 1, **context):
    return analyzer().analyze(ReviewText("t", text, rating), AnalysisContext(**context))


@pytest.mark.parametrize(
    ("text", "reason", "span"),
    [
        ("给200就删", "extortion", "200就删"),
        ("不退钱就天天差评", "extortion", "不退钱就天天差评"),
        ("給 2 O O 就 刪", "extortion", "2 O O 就 刪"),
        ("菜太咸了。補償我兩百塊我就改好評", "extortion", "補償我兩百塊我就改好評"),
        ("再不处理就打12315让你罚款", "threat", "让你罚款"),
        ("不给钱你们就等着关门吧", "threat", "不给钱你们就等着关门"),
        ("再不處理就打12315讓你罰款", "threat", "讓你罰款"),
        ("不赔1000我就去市场监管局举报你们，让你们停业整顿", "threat", "让你们停业整顿"),
    ],
)
def test_short_real_forms_are_caught_with_the_customers_words(text, reason, span):
    result = read(text)
    assert reason in result.malicious_reasons
    evidence = next(e for e in result.malicious_evidence if e.reason == reason)
    assert evidence.span == span  # quoted as written, not as normalised
    assert evidence.facts  # what each piece proves, in Chinese


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        # issue 11: 附近, 家 and the 去 of 看上去 made this 3-star story a competitor
        ("出差到了南京，在高铁站附近挑选了一家，看上去还挺干净，结果菜又咸又贵", 3),
        ("商家让我删评我不删", 1),
        ("老板说给我两百块让我删差评，我没要", 1),
        ("吃完全家拉肚子，医院的诊断书都在，已经向12315投诉", 1),
        ("菜里有头发，要求退款，不然就打12315", 1),
        ("不给退款就去12315投诉，看你们怎么说", 1),
        ("打包盒漏了，一袋子都是汤，要求退钱", 1),
        ("送得快一点我就给好评了，可惜晚了四十分钟", 3),
        ("比隔壁那家差远了，还不如去隔壁吃沙县", 2),
        ("给我记住，以后不点这家了", 1),
        # a curse on the shop, not the writer's own doing and nothing asked for
        ("菜太难吃了，服务员还爱答不理，你们等着关门吧", 1),
        ("这么脏的店，等着倒闭吧", 1),
    ],
)
def test_honest_customers_are_not_accused(text, rating):
    assert not read(text, rating).malicious


def test_the_dev_set_has_no_false_accusation_and_catches_extortion_and_threats():
    check = malice_check(analyzer(), read_jsonl(DEV))
    assert check.false_accusations == []
    assert check.honest >= 150
    caught = sum(c for r, (c, _) in check.recall.items() if r in ("extortion", "threat"))
    total = sum(t for r, (_, t) in check.recall.items() if r in ("extortion", "threat"))
    assert total >= 150 and caught / total >= 0.9


def test_the_prefilter_never_changes_a_verdict():
    rows = read_jsonl(DEV)
    reviews = [ReviewText(r["id"], r["text"], r["rating"]) for r in rows]
    fast = analyze_all(analyzer(), reviews)
    slow_analyzer = AnalyzerV1()
    slow_analyzer.malice = MaliceRules(slow_analyzer.lexicon, prefilter=False)
    slow = analyze_all(slow_analyzer, reviews)
    assert [a.malicious_evidence for a in fast] == [a.malicious_evidence for a in slow]
    # and it does skip: most ordinary reviews have no cue at all
    rules = analyzer().malice
    plain = ["味道不错，送得很快", "太难吃了", "米饭有点硬", "包装很好，分量足"]
    assert not any(rules.cued(text) for text in plain)


def test_phrase_reasons_carry_their_words_too():
    (evidence,) = read("老板是傻逼，菜也难吃").malicious_evidence
    assert evidence.reason == "abuse" and evidence.span == "傻逼"
    assert evidence.facts == ("辱骂他人：「傻逼」",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # a demand for more than a refund, tied by a refusal to a report
        ("饭菜里吃出蟑螂了，给我免单再赔钱，不然我就举报你们违反食品安全法。", "threat"),
        ("赶紧赔偿，不赔我就发到网上曝光，再去相关部门举报你们。", "threat"),
        ("不给钱的话我就把你们店的卫生问题曝光出去。", "threat"),
        ("今天消费370，给我们免单再按10倍赔偿，不然我们就向相关部门投诉。", "threat"),
        ("我要免单，我要举报你", "threat"),
        ("我要投诉，赔我600元。", "threat"),
        ("如果不同意的话后果自负、你等着", "threat"),
        ("這次拿2萬出來，這事就算了。", "extortion"),
        ("給我免單，不然就去消委會投訴你們", "threat"),
        # written Cantonese is read as Mandarin (唔畀錢 → 不给钱); 著 as the particle 着
        ("你哋唔賠錢，我就去食環署舉報你哋", "threat"),
        ("唔畀錢就日日俾差評", "extortion"),
        ("不給錢就等著關門吧", "threat"),
        ("不给免单我就报警", "threat"),
        ("五百块钱买个安心，不然你们店别想好过", "threat"),
        ("付款即停，否則繼續", "extortion"),
        ("给我三百块钱，这事就过去了", "extortion"),
        ("请我喝一杯饮料，不然给你一星", "extortion"),
        ("不給我免費，我就留一星負評", "extortion"),
        ("拿五千出来，不然我就把视频发到网上", "threat"),
        ("不想被举报就拿钱来", "threat"),
        ("唔賠錢就放上網", "threat"),
    ],
)
def test_colloquial_real_demands_are_caught(text, reason):
    result = read(text, None)
    assert reason in result.malicious_reasons
    assert next(e for e in result.malicious_evidence if e.reason == reason).facts


@pytest.mark.parametrize(
    "text",
    [
        "要求赔偿医药费300元，不然就去12315投诉",  # a real harm's cost
        "老板主动给我们免单，不然我肯定打12315了",  # the shop paid: a story
        "后来商家赔了我200，不然我就去市场监管局投诉了",
        "赔钱的店就是不一样，不然早被举报了",  # what would have happened
        "要不是看在老板赔偿的份上，否则我早曝光了",
        "免单都不要，我就要曝光你们这种黑店",  # money turned down
        "吃出虫子，商家说给我们免单，我说不用了，我要举报你们",
        "如果不给我退款，我就投诉到12315",  # a refund of the order is no extortion
        "花了200，这事就算了",
        "商家不赔钱，我已经向市场监管局投诉了",
        "我要投诉，赔我的钱呢？等了两个小时",
        "刚付款就撤单了，商家也不接",
        "退了300块钱，这事就过去了",
        "这么脏，等着关门吧",
        "不给免单我也不会再来了",
        "赔我们钱，不然以后再也不来了",
        "不赔偿的话我们就走法律程序",
        "你不送到楼上，我就给差评",
        "菜拿出来都凉了，不然还能给个好评",
        "不想被投诉就好好做菜",
        "上网一查全是差评",
    ],
)
def test_look_alikes_of_real_demands_are_not_accused(text):
    assert not read(text, 1).malicious


def test_real_cases_from_news_reports_recall_and_no_honest_accused():
    """The dev half of a set collected from news and court reports by someone who did not
    read these rules (tuned on: the blind half is the measure)."""
    malicious = malice_check(analyzer(), read_jsonl(REAL / "malicious.jsonl"))
    honest = malice_check(analyzer(), read_jsonl(REAL / "honest.jsonl"))
    assert honest.false_accusations == [] and honest.honest >= 50
    caught, total = malicious.flagged
    assert total >= 20 and caught / total >= 0.75
