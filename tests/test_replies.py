"""The 5S reply engine, path by path: what a draft says for each kind of review, that it names
what the customer named, and that replies to one store do not repeat."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.platforms.demo.corpus import load_corpus
from reviewbot.replies.engine import HISTORY, MAX_OVERLAP, TemplateDrafter, variety_exempt
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import check_reply
from reviewbot.replies.templates import load_library
from reviewbot.replies.variety import overlap
from reviewbot.resources import default_templates_dir
from tests.replies_support import STORE, analysis


@pytest.fixture(scope="module")
def drafter() -> TemplateDrafter:
    return TemplateDrafter()


def draft(drafter: TemplateDrafter, text: str, result, *, rating=None, store=STORE, rid="r1"):
    review = ReviewText(rid, text, rating)
    made = drafter.draft(review, result, store)
    assert made.violations == ()  # a clean draft was possible, so one was returned
    assert check_reply(made.text, review=review, analysis=result, store=store) == []
    return made


# -- ordinary negative reviews, one per category -------------------------------------------


@pytest.mark.parametrize(
    ("category", "text", "named", "fix"),
    [
        ("food", "水煮鱼太咸了，没法下口", ("水煮鱼", "咸"), ("调味", "盐", "试味")),
        ("delivery", "等了一个半小时才送到", ("慢", "久", "等了"), ("出餐",)),
        ("delivery", "汤洒了一袋子，没法吃", ("洒",), ("封口", "装袋", "套袋")),
        ("service", "少送了一份米饭，打电话也没人管", ("漏", "少送"), ("核对",)),
        ("environment", "店里太吵了，说话都听不见", ("吵",), ("音乐", "座位", "秩序")),
        ("price", "太贵了，一点都不值", ("价格", "不值", "不划算"), ("分量", "定价")),
    ],
)
def test_an_ordinary_complaint_is_named_and_answered_with_its_fix(
    drafter, category, text, named, fix
):
    made = draft(drafter, text, analysis((category, "negative")))
    assert made.situation == "negative" and made.template_id == f"negative/{category}"
    assert any(word in made.text for word in named), made.text
    assert any(word in made.text for word in fix), made.text
    assert {"shoulder", "sincerity", "system", "speed"} <= set(made.principles)
    assert STORE.contact in made.text and made.text.endswith(
        (STORE.signature, f"{STORE.signature} 敬上")
    )
    assert made.requires_role is None and made.appeal is None


def test_a_menu_dish_is_named_but_no_dish_is_ever_invented(drafter):
    store = StoreProfile(name="小馆", menu=("水煮鱼",))
    named = draft(drafter, "水煮鱼太咸了", analysis(("food", "negative")), store=store)
    assert "水煮鱼" in named.text
    unnamed = draft(drafter, "菜太咸了", analysis(("food", "negative")), store=store)
    assert "水煮鱼" not in unnamed.text  # on the menu, but the customer did not name it


def test_a_second_complaint_is_acknowledged_too(drafter):
    made = draft(
        drafter,
        "水煮鱼太咸了，而且送了一个多小时",
        analysis(("food", "negative"), ("delivery", "negative")),
    )
    assert "咸" in made.text and any(word in made.text for word in ("慢", "久"))


def test_a_complaint_without_category_asks_instead_of_guessing(drafter):
    made = draft(drafter, "不会再点了", analysis())
    assert made.template_id == "negative/general"
    assert STORE.contact in made.text


# -- the other situations ---------------------------------------------------------------


def test_a_mixed_review_thanks_for_the_praise_then_answers_the_complaint(drafter):
    made = draft(
        drafter,
        "味道很好，就是送得太慢了",
        analysis(("food", "positive", ("味道",)), ("delivery", "negative", ("送得",))),
    )
    assert made.situation == "mixed" and made.template_id == "mixed/delivery"
    assert "口味" in made.text or "菜品" in made.text  # what was praised
    assert "慢" in made.text or "久" in made.text  # what went wrong


def test_praise_the_customer_did_not_write_is_not_thanked(drafter):
    # The classifier calls delivery positive, but nothing in the text praises it.
    made = draft(
        drafter,
        "耽误了好几个小时，菜也难吃",
        analysis(("delivery", "positive", ("耽误",)), ("food", "negative", ("菜",))),
    )
    assert made.situation == "negative"


def test_a_positive_review_gets_a_short_warm_thank_you(drafter):
    made = draft(
        drafter, "麻婆豆腐很好吃，下次还来", analysis(("food", "positive"), polarity="positive")
    )
    assert made.situation == "positive"
    assert "麻婆豆腐" in made.text or "口味" in made.text
    assert not any(word in made.text for word in ("抱歉", "道歉", "对不起"))
    assert STORE.contact not in made.text and len(made.text) < 80


def test_a_star_only_review_asks_what_went_wrong(drafter):
    made = draft(drafter, "", analysis(), rating=1)
    assert made.situation == "star_only" and made.template_id == "star_only"
    assert STORE.contact in made.text
    # It does not guess a problem the customer never named.
    for template in load_library().templates.values():
        for aspect in template.aspects:
            assert not any(name in made.text for name in aspect.complaint)


def test_a_follow_up_escalates_to_the_manager(drafter):
    made = draft(
        drafter,
        "酸辣汤不够酸\n追评：第二次点还是一样，而且汤洒了一袋子",
        analysis(("food", "negative"), ("delivery", "negative")),
    )
    assert made.situation == "follow_up" and made.template_id.startswith("follow_up/")
    assert "店长" in made.text and STORE.contact in made.text


def test_a_malicious_review_gets_a_note_for_readers_and_an_appeal(drafter):
    text = "给我返现50块我就把差评改成好评"
    made = draft(drafter, text, analysis(malicious=("extortion",)), rating=1)
    assert made.situation == "malicious" and made.template_id == "malicious"
    assert made.text.startswith("各位")  # addressed to the other readers
    assert STORE.contact in made.text  # a genuine customer can still reach us
    appeal = made.appeal
    assert appeal is not None and appeal.reasons == ("extortion",)
    assert text in appeal.text and STORE.name in appeal.text
    checklist = "\n".join(appeal.evidence)
    assert "订单记录" in checklist and "聊天记录" in checklist
    assert all(proof in checklist for proof in STORE.proofs)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("吃完拉肚子了一晚上，肚子疼", ("就医",)),
        ("汤里有一根头发，恶心", ("头发",)),
        ("鱼是臭的，已经变质了", ("变质", "进货")),
    ],
)
def test_a_food_safety_claim_gets_a_careful_statement_a_manager_approves(drafter, text, words):
    result = analysis(("hygiene", "negative"), severity="critical")
    made = draft(drafter, text, result)
    assert made.situation == "crisis" and made.requires_role == "manager"
    assert any(word in made.text for word in words), made.text
    assert "核" in made.text or "查" in made.text  # states the check being done
    assert STORE.contact in made.text  # invites direct contact
    assert all(proof in made.text for proof in STORE.proofs)  # cites the configured proof
    assert "standard" in made.principles
    invitations = [v for v in load_library().common["invite"] if v]
    assert not any(v in made.text for v in invitations)  # no "come again" after illness


def test_a_food_safety_word_takes_the_careful_path_even_if_the_classifier_missed_it(drafter):
    made = draft(drafter, "米饭里吃出一根头发", analysis(("food", "negative")))
    assert made.situation == "crisis" and made.requires_role == "manager"


def test_a_hygiene_flag_on_an_ambiguous_word_is_not_a_crisis(drafter):
    made = draft(drafter, "空调坏了，店里太热", analysis(("hygiene", "negative", ("坏了",))))
    assert made.situation != "crisis" and made.requires_role is None


def test_a_missing_contact_falls_back_to_the_platform_inbox(drafter):
    made = draft(
        drafter, "菜里有头发", analysis(("hygiene", "negative")), store=StoreProfile("小馆")
    )
    assert "平台私信" in made.text and "本店资质" not in made.text  # no proof to cite


# -- reproducible, regenerable ----------------------------------------------------------


def test_drafts_are_reproducible_and_regenerate_differently(drafter):
    review = ReviewText("r7", "送餐太慢了", None)
    result = analysis(("delivery", "negative"))
    first = drafter.draft(review, result, STORE)
    assert drafter.draft(review, result, STORE) == first
    others = {drafter.draft(review, result, STORE, attempt=n).text for n in range(1, 6)}
    assert first.text not in others and len(others) > 1


# -- the variety guard ------------------------------------------------------------------

DELIVERY_COMPLAINTS = [
    "送餐太慢了",
    "等了一个多小时才送到",
    "太慢了，饭都快凉了",
    "送得也太慢了吧",
    "超时了四十分钟",
]
THANKS = ["很好吃，下次还来", "味道不错，好吃", "好吃，推荐", "很满意，好吃"]


def stream(drafter: TemplateDrafter, texts, result, *, remember: bool = True) -> list[str]:
    """Drafts for 200 similar reviews to one store, newest reply first in `recent`."""
    recent: list[str] = []
    replies = []
    for i in range(200):
        made = drafter.draft(
            ReviewText(f"s{i}", texts[i % len(texts)], None),
            result,
            STORE,
            recent=recent if remember else (),
        )
        replies.append(made.text)
        recent.insert(0, made.text)
        del recent[HISTORY:]
    return replies


def facts_left_out(a: str, b: str) -> float:
    return overlap(a, b, variety_exempt(STORE))


@pytest.mark.parametrize(
    ("texts", "result"),
    [
        (DELIVERY_COMPLAINTS, analysis(("delivery", "negative"))),
        (THANKS, analysis(("food", "positive"), polarity="positive")),
    ],
    ids=["complaints", "thanks"],
)
def test_replies_to_200_similar_reviews_never_repeat_and_overlap_little(drafter, texts, result):
    replies = stream(drafter, texts, result)
    for i, reply in enumerate(replies):
        assert reply not in replies[max(0, i - HISTORY) : i], f"reply {i} repeats a recent one"
    consecutive = [facts_left_out(replies[i - 1], replies[i]) for i in range(1, len(replies))]
    assert max(consecutive) <= MAX_OVERLAP
    assert sum(consecutive) / len(consecutive) < 0.35


def test_without_the_stores_recent_replies_the_same_reviews_do_repeat(drafter):
    """What the guard prevents: the same templates, drawn without memory, collide."""
    replies = stream(
        drafter, THANKS, analysis(("food", "positive"), polarity="positive"), remember=False
    )
    repeats = sum(reply in replies[max(0, i - HISTORY) : i] for i, reply in enumerate(replies))
    assert repeats > 0


# -- guardrails apply to the engine's own drafts --------------------------------------------


def test_every_demo_corpus_review_gets_a_clean_specific_draft(drafter):
    """The demo corpus carries hand labels; drafted with them, no draft breaks a guardrail."""
    corpus = load_corpus()
    store = StoreProfile(
        name="老街坊川菜馆",
        signature="老街坊川菜馆 店长老王",
        contact="店长电话 028-6543 2100",
        menu=corpus.menu,
        proofs=STORE.proofs,
    )
    recent: list[str] = []
    for i, item in enumerate(corpus.reviews):
        text = f"{item.text}\n追评：{item.follow_up}" if item.follow_up else item.text
        polarity = {"positive": "positive", "neutral": "neutral"}.get(item.kind, "negative")
        result = analysis(
            *item.categories.items(), polarity=polarity, malicious=item.malicious_reasons
        )
        review = ReviewText(str(i), text, item.rating)
        made = drafter.draft(review, result, store, recent=recent)
        assert made.violations == (), (text, made.text, made.violations)
        assert store.signature in made.text
        if item.malicious_reasons and made.situation != "crisis":
            assert made.situation == "malicious" and made.appeal is not None
        recent.insert(0, made.text)
        del recent[HISTORY:]


@pytest.fixture
def poisoned(tmp_path: Path) -> Path:
    """A copy of the library where an owner added promises a reply must not make."""
    directory = tmp_path / "replies"
    shutil.copytree(default_templates_dir(), directory)
    food = directory / "negative" / "food.toml"
    text = food.read_text(encoding="utf-8")
    food.write_text(
        text.replace(
            "sincerity = [\n", 'sincerity = [\n  "下次来给您免单，真诚地向您道歉。",\n', 1
        ),
        encoding="utf-8",
    )
    return directory


def test_a_variant_breaking_a_guardrail_is_never_drafted(poisoned):
    drafter = TemplateDrafter(load_library(poisoned))
    for i in range(40):
        made = drafter.draft(ReviewText(f"p{i}", "菜太咸了"), analysis(("food", "negative")), STORE)
        assert "免单" not in made.text and made.violations == ()


def test_when_every_variant_breaks_a_guardrail_the_draft_says_why(poisoned):
    food = poisoned / "negative" / "food.toml"
    text = re.sub(
        r"sincerity = \[\n(.*?)\n\]",
        'sincerity = ["下次来给您免单。", "送您一张优惠券。"]',
        food.read_text(encoding="utf-8"),
        count=1,
        flags=re.S,
    )
    food.write_text(text, encoding="utf-8")
    made = TemplateDrafter(load_library(poisoned)).draft(
        ReviewText("p", "菜太咸了"), analysis(("food", "negative")), STORE
    )
    assert made.violations and {v.code for v in made.violations} == {"remedy"}
    assert any(word in v.message_zh for v in made.violations for word in ("免单", "优惠券"))


def test_an_authorised_remedy_may_be_offered(drafter):
    store = StoreProfile(
        name="小馆", contact="店长电话 010-1234 5678", remedy="这一单我们可以为您重做或退款"
    )
    texts = {
        drafter.draft(ReviewText(f"m{i}", "菜太咸了"), analysis(("food", "negative")), store).text
        for i in range(60)
    }
    offered = [t for t in texts if store.remedy in t]
    assert offered and all(
        check_reply(t, review=ReviewText("m", "菜太咸了"), analysis=analysis(), store=store) == []
        for t in offered
    )


# -- reading what the customer wrote, whatever the classifier says ------------------------


def test_a_complaint_the_classifier_scored_positive_is_still_answered_as_one(drafter):
    made = draft(drafter, "送了两个小时才到，饭都凉了", analysis(polarity="positive"))
    assert made.situation == "negative" and made.category in ("delivery", "food")
    assert not made.text.startswith("谢谢您的好评")


def test_topic_words_in_praise_are_not_taken_for_complaints(drafter):
    made = draft(
        drafter,
        "包装很严实，骑手小哥也很客气，餐具给得齐全",
        analysis(("delivery", "positive"), ("service", "positive"), polarity="positive"),
        rating=5,
    )
    assert made.situation == "positive"


def test_a_happy_review_complains_only_after_a_but(drafter):
    happy = analysis(("food", "positive", ("好吃",)), polarity="positive")
    made = draft(drafter, "水煮鱼很好吃，就是送得太慢了", happy, rating=5)
    assert made.situation == "mixed" and made.category == "delivery"
    praise = draft(drafter, "以前送得太慢，现在快多了，水煮鱼也很好吃", happy, rating=5)
    assert praise.situation == "positive"


DRAFT_ALL = """
import sys
from reviewbot.analysis.base import ReviewText
from reviewbot.platforms.demo.corpus import load_corpus
from reviewbot.replies.engine import TemplateDrafter
from tests.replies_support import STORE, analysis
# Dishes of the same length off the menu, where only a stable order picks the same one.
reviews = [(item.text, item.rating, item.categories) for item in load_corpus().reviews]
reviews += [("饺子和包子都太咸了", 2, {"food": "negative"}), ("披萨和汉堡都很好吃", 5, {})]
drafter, recent = TemplateDrafter(), []
for i, (text, rating, categories) in enumerate(reviews):
    result = analysis(*categories.items())
    made = drafter.draft(ReviewText(str(i), text, rating), result, STORE, recent=recent)
    recent.insert(0, made.text)
    del recent[20:]
    sys.stdout.write(made.text + "\\n")
"""


def test_drafts_do_not_depend_on_the_interpreters_hash_seed():
    """`reviewbot draft` is reproducible: nothing may hang on set or dict order."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", DRAFT_ALL],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
