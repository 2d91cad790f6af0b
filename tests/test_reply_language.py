"""Replies in the customer's script and language: Traditional for a Traditional review
(OpenCC, with the words plain conversion gets wrong fixed), English for an English review,
or marked for a person where the store answers English by hand."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from importlib import resources

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.normalize import to_simplified
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.app.contracts import draft_lines
from reviewbot.replies.script import _convert, script_variant, to_traditional
from tests.replies_support import STORE

SIMPLIFIED_ONLY = "们这说为后经让过会对么样还时"


def test_a_traditional_review_gets_a_traditional_reply(analyzer, drafter):
    review = ReviewText("t1", "送餐太慢，菜都涼了，服務員態度很差", 1)
    result = analyzer.analyze(review)
    assert result.script == "zh-Hant"
    draft = drafter.draft(review, result, STORE)
    assert draft.violations == ()
    assert not set(SIMPLIFIED_ONLY) & set(draft.text)
    assert "們" in draft.text and "涼" in draft.text
    assert "態度" in draft.text  # every complaint still answered


def test_the_traditional_signature_is_used_when_the_store_gives_one(analyzer, drafter):
    store = replace(STORE, localized={"zh-Hant": {"signature": "測試小館 店長阿明"}})
    review = ReviewText("t2", "菜都涼了", 2)
    draft = drafter.draft(review, analyzer.analyze(review), store)
    assert draft.text.endswith("店長阿明") or "店長阿明" in draft.text.splitlines()[-1]


def test_each_word_fix_is_still_needed_and_applied():
    data = tomllib.loads(
        resources.files("reviewbot.replies").joinpath("data/traditional.toml").read_text("utf-8")
    )
    assert data["all"]
    for section, fixes in data.items():
        configs = ("s2t", "s2hk", "s2tw") if section == "all" else (section,)
        for wrong, right in fixes.items():
            simple = to_simplified(right)
            plain = [c for c in configs if _convert(simple, c) == wrong]
            assert plain, f"{wrong!r}: OpenCC no longer writes it for {simple!r}; drop the fix"
            for config in plain:
                assert to_traditional(simple, config) == right


def test_the_review_s_own_forms_choose_taiwan_or_hong_kong():
    assert script_variant("菜裡有頭髮，服務員態度很差") == "s2tw"
    assert script_variant("老闆説馬上好，結果等咗一個鐘，啲菜都凍晒") == "s2hk"
    assert script_variant("送得太慢了") == "s2t"


def test_an_english_review_gets_an_english_reply_through_the_draft_contract(analyzer, drafter):
    line = json.dumps(
        {"id": "e1", "text": "The food was cold and the delivery was late.", "rating": 2}
    )
    (out,) = list(draft_lines([line], analyzer, drafter, STORE))
    reply = out["reply"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in reply)
    assert "late" in reply and ("cold" in reply or "temperature" in reply)
    assert "sorry" in reply.lower() or "apolog" in reply.lower()


def test_the_draft_contract_writes_to_the_review_platforms_length(analyzer, drafter):
    """reviewbot draft gives the reply the daemon would: Google allows 1300 characters, so
    three English points are each answered (under the 500-character default the wait went
    unsaid and the cold food was only named); Meituan allows 300."""
    text = "The food was cold and the waiter was rude. Waited 40 minutes for a bowl of noodles."
    line = json.dumps({"id": "e9", "text": text, "rating": 2, "platform": "google"})
    (out,) = list(draft_lines([line], analyzer, drafter, STORE))
    assert "wait" in out["reply"] and "rude" in out["reply"] and "cold" in out["reply"]
    assert len(out["reply"]) > 500
    long = "菜太咸了，米饭是夹生的，汤是凉的，包装也漏了，骑手还迟到了四十分钟，态度也很差。" * 3
    line = json.dumps({"id": "m1", "text": long, "rating": 1, "platform": "meituan"})
    (out,) = list(draft_lines([line], analyzer, drafter, STORE))
    assert 0 < len(out["reply"]) <= 300


def test_an_english_review_on_a_300_character_platform_gets_a_reply_that_fits(analyzer, drafter):
    """An English reply of three points on Ele.me (300 characters) was 411 long at its
    most compressed and could not be posted: the last level takes every part in its
    fewest words and names the lesser points in one short sentence, still naming them."""
    store = replace(
        STORE,
        localized={
            "en": {
                "signature": "Manager Wang, Laojiefang Sichuan Kitchen",
                "contact": "the manager's phone 028-6543 2100",
            }
        },
    )
    text = (
        "Ordered via Ele.me, took almost 2 hours. Fish was cold, and they forgot "
        "the rice. Won't order again."
    )
    line = json.dumps({"id": "e7", "text": text, "rating": 1, "platform": "eleme"})
    (out,) = list(draft_lines([line], analyzer, drafter, store))
    assert 0 < len(out["reply"]) <= 300, out
    assert "rice" in out["reply"] and "028-6543 2100" in out["reply"]
    assert "temperature" in out["reply"] or "cold" in out["reply"]
    # a fourth point (soggy): still within the limit, the lesser points still in the
    # customer's own words
    line = json.dumps({"id": "e7", "text": text.replace("cold,", "cold and soggy,"),
                       "rating": 1, "platform": "eleme"})  # fmt: skip
    (out,) = list(draft_lines([line], analyzer, drafter, store))
    assert 0 < len(out["reply"]) <= 300, out
    assert "late" in out["reply"] and "rice" in out["reply"], out


def test_an_english_food_safety_claim_gets_a_holding_statement(analyzer, drafter):
    """Like the Chinese crisis reply: the claim named and taken seriously, what is being
    checked, a way to talk; never an admission before the facts, nor an invitation back
    (the English reply used to be a thank-you and nothing else)."""
    review = ReviewText("e5", "I got food poisoning after eating here, was sick all night.", 1)
    analysis = analyzer.analyze(review)
    assert analysis.severity == "critical"
    reply = drafter.draft(review, analysis, STORE).text.lower()
    assert "food poisoning" in reply and "seriously" in reply and "checking" in reply
    assert "on us" not in reply and "responsib" not in reply
    assert "next time" not in reply and "another chance" not in reply


def test_english_praise_is_thanked_and_never_apologised_for(analyzer, drafter):
    """A 5-star English review of praise alone used to be answered as a complaint: its
    last clause quoted back ("You also wrote 'will come again', and we have noted it"),
    an apology and a fix to follow up. Praise is thanked, with or without stars."""
    for rating in (5, None):
        review = ReviewText(
            "e7", "Great food, friendly staff, lovely place, will come again!", rating
        )
        reply = drafter.draft(review, analyzer.analyze(review), STORE).text.lower()
        assert "sorry" not in reply and "apolog" not in reply and "you wrote" not in reply
        assert "enjoyed" in reply or "glad" in reply or "a good time" in reply


def test_an_english_malicious_review_keeps_its_careful_reply(analyzer, drafter):
    """A demand for money in English is not answered point by point: its threat is not
    quoted back as a point the store will "act on"."""
    text = "Food was cold. $300 and I take down all my reviews, otherwise one star every day."
    review = ReviewText("e8", text, 1)
    analysis = analyzer.analyze(review)
    assert "extortion" in analysis.malicious_reasons
    reply = drafter.draft(review, analysis, STORE).text.lower()
    assert "one star every day" not in reply and "act on it" not in reply


def test_an_english_signature_from_config_signs_the_english_reply(analyzer, drafter):
    store = replace(STORE, localized={"en": {"signature": "Manager Wang, Test Bistro"}})
    review = ReviewText("e2", "The waiter was rude.", 1)
    draft = drafter.draft(review, analyzer.analyze(review), store)
    assert "Manager Wang, Test Bistro" in draft.text
    # a configured fact is no invented one: the draft is postable (it was blocked as
    # 「Manager Wang,」不在本店资料里)
    assert draft.violations == ()


def test_a_store_that_answers_english_by_hand_gets_it_marked_for_a_person(analyzer, drafter):
    store = replace(STORE, english=False)
    line = json.dumps({"id": "e3", "text": "Cold food, very slow delivery.", "rating": 1})
    (out,) = list(draft_lines([line], analyzer, drafter, store))
    assert out["needs_person"] is True and out["reply"] == ""
    assert out["violations"][0]["code"] == "needs_person"


async def test_the_daemon_drafts_in_the_reviews_script_and_language(database_url, demo, clock):
    """End to end: the pipeline drafts through the same engine, so a Traditional review's
    alert carries a Traditional draft and an English review's an English one."""
    import io

    from reviewbot.app.daemon import Daemon
    from reviewbot.chat.console import ConsoleNotifier
    from tests.conftest import make_settings

    out = io.StringIO()
    settings = make_settings(database_url, demo_url=demo.base_url)
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(out), analyzer=AnalyzerV1())
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", "外賣送了一個多小時，飯菜全涼了", 1, anonymous=False)
        demo.platform.add_review("shop-1", "The delivery was late and the soup spilled.", 1)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
    finally:
        await daemon.stop()
        await daemon.close()
    shown = out.getvalue()
    assert "我們" in shown  # only a Traditional draft says 我們 (staff text is Simplified)
    assert "apolog" in shown or "sorry" in shown


def test_config_turns_english_drafts_off_and_gives_facts_per_language():
    from pathlib import Path

    from reviewbot.config import StoreSettings, load_settings
    from reviewbot.workflow.directory import Directory

    settings = load_settings(Path(__file__).resolve().parents[1] / "config.example.toml")
    raw = settings.stores[0].model_dump()
    raw["replies"] = {"english": False}
    raw["facts"]["signature_en"] = "Manager Wang"
    store = StoreSettings.model_validate(raw)
    settings = settings.model_copy(update={"stores": [store, *settings.stores[1:]]})
    profile = Directory(settings).profile(store.id)
    assert profile.english is False
    assert profile.facts_in("en") == {
        "signature": "Manager Wang",
        "contact": raw["facts"]["contact_en"],  # the example's own, kept
    }
    assert (
        Directory(load_settings(Path(__file__).resolve().parents[1] / "config.example.toml"))
        .profile(store.id)
        .english
        is True
    )


# Forty English complaints of every kind, drafted to one store one after another.
ENGLISH_STREAM = [
    "The noodles were stone cold and the waiter ignored us.",
    "Found a hair in my soup. Disgusting.",
    "Delivery took almost two hours and the fries were soggy.",
    "Way too salty, and the portion was tiny for the price.",
    "The driver was rude and the bag was torn.",
    "Our table was sticky and the restroom had no soap.",
    "They forgot my drink and the rice was undercooked.",
    "Overpriced, bland curry. Never again.",
    "Waited 40 minutes for a table even with a booking.",
    "Got sick after the seafood platter.",
    "The music was so loud we could not talk, and the chairs were broken.",
    "Wrong order delivered, and nobody answered the phone.",
    "The chicken was dry and the sauce was missing.",
    "They charged us twice for the rice.",
    "Fish smelled off and the staff argued with me.",
    "Soup spilled all over the bag, lid was not sealed.",
    "Tiny portions, and the dumplings were stuck together.",
    "Manager was dismissive when I complained about the cockroach.",
    "Food arrived lukewarm and an hour late.",
    "Burnt garlic in everything, and no napkins or chopsticks in the bag.",
] * 2


def test_a_stream_of_english_replies_keeps_the_variety_guard(analyzer, drafter):
    """English replies are compared by pairs of words, not of letters: letter pairs made
    any two English replies look alike (about 0.5), so the guard flagged most of them."""
    recent: list[str] = []
    flagged = 0
    for i, text in enumerate(ENGLISH_STREAM):
        review = ReviewText(f"en{i}", text, 1 + i % 2)
        draft = drafter.draft(review, analyzer.analyze(review), STORE, recent=recent)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in draft.text)
        flagged += draft.similarity > 0
        recent.insert(0, draft.text)
        del recent[20:]
    assert flagged <= 2
