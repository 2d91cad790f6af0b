"""The learned guard scorer: it catches wording the phrase rules miss, lets a negated
request through, names the words at fault, and is trained reproducibly from the dev edits."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.app.contracts import guard_line
from reviewbot.replies import scorer
from reviewbot.replies import scorer_training as st
from reviewbot.replies.guardrails import check_reply, learned_near, learned_reading, normalise
from tests.replies_support import STORE, analysis

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ReviewText("s1", "水煮鱼太咸了，等了两个小时才送到", 2)
ORDINARY = analysis(("food", "negative"))
# A promise of food in words no rule family has (checked below: the rules let it through).
PARAPHRASED_PROMISE = "下次来店里找我，给您安排得妥妥的，账就别管了"


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
    # the words that weigh most: a clause of the promise, named in the message
    assert violation.found and violation.found in PARAPHRASED_PROMISE.split("，")
    assert violation.found in violation.message_zh
    # the scorer read the sentence: its rewording keeps no clause of it (session 30: the
    # retrained scorer named 下次来店里找我 and the clause rewording kept 账就别管了)
    assert "可以改成" in violation.suggestion or "可以删掉" in violation.suggestion
    assert not any(clause in violation.suggestion for clause in ("妥妥的", "账就别管了"))


@pytest.mark.parametrize(
    "text",
    [
        PARAPHRASED_PROMISE,  # the scorer names 给您安排: 账就别管了 is a promise too
        "下回您来店里，这桌菜就当我们赔个不是",
        "非常抱歉，您下次过来，酒水我们包了，再给您加个菜",
        "是我们的问题，麻烦您把评价改一下，下次来给您免单",
    ],
)
def test_a_suggested_rewording_is_never_refused_itself(text):
    """Staff who take the suggestion must get through: a rewording that keeps a promise
    the scorer or the rules would refuse is not offered; the sentence is dropped instead."""
    found = check(text, learned=True)
    assert found, "the edit itself must be refused"
    for violation in found:
        if "可以改成：「" in violation.suggestion:
            sentence = violation.suggestion.split("可以改成：「", 1)[1].rsplit("」", 1)[0]
            assert check(sentence, learned=True) == [], (violation.found, sentence)


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


def test_the_shipped_model_was_trained_on_every_writers_edits_as_they_are():
    """Changing an opened edit set without retraining (python -m
    reviewbot.replies.scorer_training) leaves the shipped weights stale."""
    edits = st.read_writers(ROOT)
    digest = hashlib.sha256()
    for edit in edits:
        digest.update(f"{edit.rule or 'ok'}\t{edit.text}\n".encode())
    model = scorer.default_model()
    assert model is not None
    assert model.meta["data_sha256"] == digest.hexdigest()
    assert model.meta["n_train"] == len(edits)
    assert model.meta["writers"] == sorted(w for w, _, _ in st.WRITERS)


def test_every_writer_is_read_once_and_no_unopened_set():
    edits = st.read_writers(ROOT)
    assert len({e.id for e in edits}) == len(edits)  # guardwriter's edits not twice
    assert {e.writer for e in edits} == {w for w, _, _ in st.WRITERS}
    assert not any(b in path for _, path, _ in st.WRITERS for b in ("blind11", "blind12"))


def test_thresholds_are_chosen_on_writers_the_model_did_not_read():
    edits = [st.Edit(f"{w}{i}", "x" * 20, None, w) for w in "abc" for i in range(3)]
    assert sorted(set(st.fold_plan(edits, scorer.ScorerConfig()).tolist())) == [0, 1, 2]
    # one writer: seeded folds of its edits
    alone = [st.Edit(f"a{i}", "x" * 20, None, "a") for i in range(10)]
    assert len(set(st.fold_plan(alone, scorer.ScorerConfig(folds=5)).tolist())) == 5


def test_each_writer_weighs_the_same():
    edits = [st.Edit("a1", "x", None, "a")] + [st.Edit(f"b{i}", "x", None, "b") for i in range(3)]
    w = st.writer_weights(edits, scorer.ScorerConfig())
    assert w.mean() == pytest.approx(1.0)
    assert w[0] == pytest.approx(3 * w[1])


def test_a_threshold_per_family_within_the_innocent_budget():
    """Family 0 separates its violations from the innocent edits, family 1 does not: family
    0's threshold goes down to catch them, family 1's stays above every innocent score."""
    texts = "x" * 20
    edits, rows, labels = [], [], []
    for i in range(100):  # innocent edits: family 1 scores some of them high
        edits.append(st.Edit(f"ok{i}", texts, None, "w"))
        rows.append([0.1, 0.95 if i < 10 else 0.2, 0, 0, 0])
        labels.append(-1)
    for i in range(20):
        edits.append(st.Edit(f"p{i}", texts, "promise", "w"))
        rows.append([0.8, 0.1, 0, 0, 0])
        labels.append(0)
    cfg = scorer.ScorerConfig(max_innocent_refused=0.02)
    t = st.choose_thresholds(np.asarray(rows), np.asarray(labels), edits, cfg)
    assert t[0] <= 0.8
    assert t[1] > 0.95
    assert ((np.asarray(rows) >= t).any(axis=1) & (np.asarray(labels) == -1)).sum() <= 2


def test_the_scorer_reads_the_stores_own_phone_as_blanks_however_written():
    """The configured 010-1234 5678 in Chinese digits reads as one run of digits; it is
    still the store's own number, not a phone for the scorer to weigh."""
    for text in ("请拨打店长电话 010-1234 5678。", "请拨打店长电话零一零-一二三四 五六七八。"):
        read = learned_reading(text, "", STORE)
        assert not any(ch.isdigit() for ch in read), read
    assert "13912345678" in learned_reading("请拨打 139 1234 5678。", "", STORE)


def test_training_reads_an_edit_as_check_reply_gives_it_to_the_scorer():
    """Its store's phone and the customer's words named back are blanks in training too."""
    edit = st.Edit("x", "您说“汤是凉的”，店长电话 028-6543 2100。", None, "w", "汤是凉的")
    read = learned_reading(edit.text, edit.review, st.training_store())
    assert "汤是凉的" not in read and "2100" not in read
    cfg = scorer.ScorerConfig(hash_bits=14)
    expected = scorer.featurize(read, st.words_of(read), cfg)
    got = st.features_of(edit.text, cfg, edit.review)
    assert got.buckets.tolist() == expected.buckets.tolist()


def test_cue_features_mark_word_classes_and_negation():
    read = normalise("我们不会要求您删除评价")
    names = {name for name, _, _ in scorer.cues(read, st.words_of(read))}
    assert "C:we" in names and "N:review" in names
    read = normalise("麻烦您把差评改一下")
    names = {name for name, _, _ in scorer.cues(read, st.words_of(read))}
    assert "P:C:ask>C:review" in names


def test_an_average_budget_may_cap_each_writer():
    """On average 5% of innocent edits may be refused, but no writer above `writer_cap`:
    writer b's innocent edits all score high, so the family stays above them."""
    edits, rows, labels = [], [], []
    for w, high in (("a", 0.1), ("b", 0.9)):
        for i in range(20):
            edits.append(st.Edit(f"{w}ok{i}", "x" * 20, None, w))
            rows.append([0.1, high if i < 2 else 0.1, 0, 0, 0])
            labels.append(-1)
        for i in range(10):
            edits.append(st.Edit(f"{w}p{i}", "x" * 20, "delete_request", w))
            rows.append([0.1, 0.8, 0, 0, 0])
            labels.append(1)
    p, y = np.asarray(rows), np.asarray(labels)
    loose = scorer.ScorerConfig(max_innocent_refused=0.05, budget_each_writer=False)
    assert st.choose_thresholds(p, y, edits, loose)[1] <= 0.8
    capped = scorer.ScorerConfig(
        max_innocent_refused=0.05, budget_each_writer=False, writer_cap=0.05
    )
    assert st.choose_thresholds(p, y, edits, capped)[1] > 0.9


def test_with_units_each_sentence_is_read_alone_too():
    text = "谢谢您的反馈，我们已经调整。下次来给您好好安排一桌！"
    assert [text[a:b] for a, b in scorer.sentences(text)] == [
        "谢谢您的反馈，我们已经调整。",
        "下次来给您好好安排一桌！",
    ]
    assert scorer.sentences("只有一句话，没有别的。") == []
    cfg = scorer.ScorerConfig(hash_bits=14, units=True)
    reads = scorer.readings(text, st.words_of, cfg)
    assert [(at, part) for at, part, _ in reads] == [
        (0, text),
        (0, "谢谢您的反馈，我们已经调整。"),
        (14, "下次来给您好好安排一桌！"),
    ]
    assert len(scorer.readings(text, st.words_of, scorer.ScorerConfig(hash_bits=14))) == 1


def test_near_misses_are_a_feature_group_only_when_asked():
    """A rule's hit let through (negated, owned …) is evidence the scorer may read beside
    the words; off by default, so a model without the group reads as before."""
    text, review = "我们不会要求您删除评价，抱歉让您失望了。", "难吃"
    near = learned_near(text, review, st.training_store())
    assert "delete_request/delete:negated" in near
    off = scorer.ScorerConfig(hash_bits=14)
    on = scorer.ScorerConfig(hash_bits=14, near_weight=0.5)
    read = learned_reading(text, review, st.training_store())
    assert st.features_of(text, off, review).buckets.tolist() == (
        scorer.featurize(read, st.words_of(read), off).buckets.tolist()
    )
    assert len(st.features_of(text, on, review).buckets) > len(
        st.features_of(text, off, review).buckets
    )
