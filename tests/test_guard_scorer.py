"""The learned guard scorer: it catches wording the phrase rules miss, lets a negated
request through, names the words at fault, and is trained reproducibly from the dev edits."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.app.contracts import guard_line
from reviewbot.replies import scorer
from reviewbot.replies import scorer_training as st
from reviewbot.replies.guardrails import check_reply
from tests.replies_support import STORE, analysis

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ReviewText("s1", "水煮鱼太咸了，等了两个小时才送到", 2)
ORDINARY = analysis(("food", "negative"))
# A promise of food in words no rule family has (checked below: the rules let it through).
PARAPHRASED_PROMISE = "您能不能再来一次，我们给您好好安排一桌"


def test_short_texts_are_left_to_the_rules():
    assert check("写完就走开了，没确认。", learned=True) == []


def check(text: str, learned: bool) -> list:
    return check_reply(text, review=REVIEW, analysis=ORDINARY, store=STORE, learned=learned)


def test_the_package_ships_a_model_for_the_learned_families():
    model = scorer.default_model()
    assert model is not None
    assert model.families == st.FAMILIES
    assert all(0.5 <= t < 1 for t in model.threshold)


def test_a_paraphrased_promise_the_rules_miss_is_caught_and_its_words_named():
    assert check(PARAPHRASED_PROMISE, learned=False) == []
    found = check(PARAPHRASED_PROMISE, learned=True)
    assert [v.code for v in found] == ["promise"]
    violation = found[0]
    assert violation.family == "learned"
    assert violation.found and violation.found in "我们给您好好安排一桌"  # its clause
    assert violation.found in violation.message_zh
    assert "可以改成" in violation.suggestion or "可以删掉" in violation.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "我们不会要求您删除评价，您的意见我们都记下了。",
        "我们不会要求您修改评价，只希望下次能做得更好。",
        "非常抱歉让您久等了，是我们出餐太慢，已经调整了备餐流程。",
        "谢谢您的反馈，水煮鱼的咸度我们已经重新调整。",
    ],
)
def test_innocent_edits_pass_with_the_scorer_on(text):
    assert check(text, learned=True) == []


def test_the_guard_contract_asks_the_scorer():
    answer = guard_line(
        json.dumps({"id": 1, "text": PARAPHRASED_PROMISE}, ensure_ascii=False),
        lambda _: None,
        STORE,
    )
    assert answer["ok"] is False
    assert [v["rule"] for v in answer["violations"]] == ["promise"]
    assert answer["violations"][0]["suggestion"]


def test_the_engines_own_drafts_are_not_scored():
    """The template drafts are checked against the rules only (the template lint's)."""
    by_default = check_reply(PARAPHRASED_PROMISE, review=REVIEW, analysis=ORDINARY, store=STORE)
    assert by_default == []
    assert check(PARAPHRASED_PROMISE, learned=True) != []


def _small_edits() -> list[st.Edit]:
    edits = st.read_edits(ROOT / st.DEFAULT_DATA)
    return edits[::12]  # every family and innocent edits, quick to fit


def test_training_is_reproducible_byte_for_byte():
    cfg = scorer.ScorerConfig(hash_bits=14, folds=3, max_iter=60)
    first = scorer.save(st.train(_small_edits(), cfg))
    second = scorer.save(st.train(_small_edits(), cfg))
    assert first == second
    model = scorer.load(first)
    features = scorer.featurize("这顿我们请", (), cfg)
    assert model.probabilities(features).shape == (len(st.FAMILIES),)


def test_the_shipped_model_was_trained_on_the_dev_edits_as_they_are():
    """Changing the dev edits without retraining (python -m
    reviewbot.replies.scorer_training) leaves the shipped weights stale."""
    digest = hashlib.sha256()
    for edit in st.read_edits(ROOT / st.DEFAULT_DATA):
        digest.update(f"{edit.rule or 'ok'}\t{edit.text}\n".encode())
    model = scorer.default_model()
    assert model is not None
    assert model.meta["data_sha256"] == digest.hexdigest()
    assert model.meta["n_train"] == len(st.read_edits(ROOT / st.DEFAULT_DATA))
