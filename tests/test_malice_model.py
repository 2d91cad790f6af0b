"""The learned malice reader (issue 11): shipped, reproducible to retrain, flagging only
with evidence, and never accusing the honest look-alikes, including wordings written for
this test that no set it was trained on holds."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from reviewbot.analysis import malice_model as mm
from reviewbot.analysis import malice_training as mt
from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.malice_data import FORBIDDEN, Row
from reviewbot.analysis.v1 import AnalyzerV1

# Written by helper mall (session 22) for this test, never trained on (malice_data.py does
# not list it): the first reading, patterns alone, was extortion 9/10, threat 5/8, honest
# 0/18.
HELD_OUT = Path(__file__).parent / "data" / "dev" / "malice_mall_heldout.jsonl"


@cache
def analyzer(learned: bool = True) -> AnalyzerV1:
    return AnalyzerV1(learned=learned)


def test_the_package_ships_a_model_with_a_threshold_per_reason():
    model = mm.default_model()
    assert model is not None
    assert model.heads == mm.HEADS == ("extortion", "threat")
    assert np.isfinite(model.threshold).all()
    assert model.meta["n_train"] > 3000


SMALL = [
    Row("a", "给我两百块就删差评", 1, frozenset({"extortion"})),
    Row("a", "转我五百，评价马上改成五星", 1, frozenset({"extortion"})),
    Row("a", "不给钱我就天天来写差评", None, frozenset({"extortion"})),
    Row("a", "菜里有头发，要求退款", 1, frozenset()),
    Row("b", "你们等着，我找人砸了你们的店", 1, frozenset({"threat"})),
    Row("b", "我知道老板住哪，晚上小心点", None, frozenset({"threat"})),
    Row("b", "商家让我删评，我不删，确实难吃", 1, frozenset()),
    Row("b", "已经向12315投诉了，吃完拉肚子", 1, frozenset()),
    Row("c", "一千块，差评就消失", None, frozenset({"extortion"})),
    Row("c", "不退钱我就去投诉，等着被罚款吧", 1, frozenset({"threat"})),
    Row("c", "退款申请了三天还没处理，差评", 2, frozenset()),
    Row("c", "等了一个小时，饭凉了，退钱", 1, frozenset(), 0.3),
]


def test_retraining_gives_the_same_bytes():
    cfg = replace(mm.ModelConfig(), hash_bits=12, folds=2, max_iter=40)
    rules = analyzer(False).malice
    blobs = []
    for _ in range(2):
        model, oof = mt.train(SMALL, mt.features_of(SMALL, rules, cfg), cfg)
        blobs.append(mm.save(model))
    assert blobs[0] == blobs[1]
    back = mm.load(blobs[0])
    assert back.heads == mm.HEADS and back.config == cfg
    assert np.allclose(back.threshold, model.threshold)
    assert oof.shape == (len(SMALL), 2)
    # the threshold accuses no honest row, out of fold or in the training data
    features = mt.features_of(SMALL, rules, cfg)
    honest = [i for i, r in enumerate(SMALL) if r.honest and features[i] is not None]
    assert len(honest) >= 3
    inside = mt.logits(mt.design([features[i] for i in honest]), model.w, model.bias)
    assert (inside <= model.threshold).all()
    assert (oof[honest] <= model.threshold).all()


def test_the_shipped_model_was_trained_on_the_current_data():
    """Change a labelled set and this fails until the model is retrained
    (`python -m reviewbot.analysis.malice_training`)."""
    rules = analyzer(False).malice
    # the rows training learns from: those the cue prefilter lets through (features_of's
    # None is exactly "not cued"; featurizing every row only to drop it costs 20 s)
    kept = [r for r in mt.all_rows() if rules.cued(r.text.strip())]
    assert mm.default_model().meta["data_sha256"] == mt.digest_of(kept)


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("row", [r for r in rows_of(HELD_OUT) if r["reason"] == "honest"], ids=str)
def test_honest_look_alikes_never_trained_on_are_not_accused(row):
    for stars in (row["rating"], None, 1, 3):
        result = analyzer().analyze(ReviewText("h", row["text"], stars))
        assert not result.malicious, (stars, result.malicious_evidence)


def test_the_held_out_wordings_are_caught_at_least_as_well_as_by_the_patterns():
    rows = [r for r in rows_of(HELD_OUT) if r["reason"] != "honest"]
    reviews = [ReviewText(r["id"], r["text"], r["rating"]) for r in rows]
    caught = {}
    for learned in (False, True):
        results = analyzer(learned).analyze_batch(reviews)
        caught[learned] = sum(
            r["reason"] in a.malicious_reasons for r, a in zip(rows, results, strict=True)
        )
    assert caught[True] >= caught[False] >= 14  # the first reading: 14 of 18


def test_the_model_alone_reads_extortion_it_never_saw_and_clears_the_look_alikes():
    """First reading of the shipped model on this file (session 22): 6 of its 10
    extortions over the threshold, every honest row at least 5 below it."""
    model = mm.default_model()
    rules = analyzer().malice

    def over(text: str) -> np.ndarray:
        folded = rules.fold(text).text
        pieces = rules.pieces_in(folded) | rules.counter_in(folded)
        return model.read(folded, pieces) - model.threshold

    rows = rows_of(HELD_OUT)
    extortion = [over(r["text"])[0] for r in rows if r["reason"] == "extortion"]
    assert sum(z > 0 for z in extortion) >= 5
    honest = [over(r["text"]).max() for r in rows if r["reason"] == "honest"]
    assert max(honest) < -2


def test_a_flag_of_the_learned_reader_carries_the_words_and_the_score():
    model = mm.default_model()
    rules = analyzer().malice
    # every head flags under a threshold this low
    text = "想让这条评论消失也简单，微信转我三百块，收到立马撤掉"
    low = replace(model, threshold=np.full(2, -50.0))
    folded = rules.fold(text)
    present = rules.pieces_in(folded.text)
    found = rules._learned(low, folded, present, {}, hurts=True, praise=False)
    assert [e.reason for e in found] == ["extortion", "threat"]
    for evidence in found:
        assert evidence.span and evidence.span in text
        assert evidence.facts[-1].startswith("模型评分")


def test_the_opened_blind8_trains_the_reader_and_the_unopened_blind11_is_refused(tmp_path):
    """blind8 was opened (its README): a writer of the training data; blind11 never is read."""
    from reviewbot.analysis import malice_data

    assert "blind8" in malice_data.MALICE_SETS
    sets = malice_data.MALICE_SETS.values()
    assert not any(b in f for files in sets for f in files for b in malice_data.FORBIDDEN)
    for name in malice_data.FORBIDDEN:
        unopened = tmp_path / name / "malice.jsonl"
        unopened.parent.mkdir()
        unopened.write_text('{"text": "x", "reason": "honest"}\n', encoding="utf-8")
        with pytest.raises(ValueError, match="unopened"):
            list(malice_data._jsonl(unopened))


def _spy(model: mm.MaliceModel, calls: list[str]) -> mm.MaliceModel:
    spy = replace(model)

    def read(folded, pieces, near=None):
        calls.append(folded)
        return model.read(folded, pieces, near)

    spy.read = read  # type: ignore[method-assign]
    return spy


def test_the_learned_reader_is_asked_only_about_reviews_with_an_evidence_piece():
    """Both are cued (一直, 好评 are cue words), only the second holds pieces of
    malice.toml: without their marks the reader's logits stay far below the thresholds
    (the next test), so the analyzer does not ask it."""
    from reviewbot.analysis.base import AnalysisContext

    rules = analyzer().malice
    calls: list[str] = []
    spy = _spy(mm.default_model(), calls)
    for text in ("一直很喜欢他家的东西,味好,便宜", "一直在订餐还不错好评"):
        assert rules.cued(text)
        rules.evidence(text, AnalysisContext(), hurts=True, rating=None, learned=spy)
    assert calls == ["一直在订餐还不错好评"]


def _labelled_texts() -> list[str]:
    """Every text of the opened labelled sets (never an unopened blind set) and of waimai."""
    import csv

    data = Path(__file__).parent / "data"
    files = sorted(data.glob("*.jsonl")) + sorted((data / "dev").rglob("*.jsonl"))
    for folder in sorted(data.glob("blind*")):
        if folder.name not in FORBIDDEN:  # unopened: not even listed
            files += sorted(folder.rglob("*.jsonl"))
    texts = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            texts += [row[f] for f in ("text", "review", "reply") if isinstance(row.get(f), str)]
    from reviewbot.analysis.malice_data import ROOT

    waimai = ROOT.parent / "shared" / "data" / "waimai_train.csv"
    with waimai.open(encoding="utf-8-sig", newline="") as handle:
        texts += [row["review"] for row in csv.DictReader(handle)]
    return texts


def test_without_an_evidence_piece_no_labelled_review_comes_near_a_threshold():
    """What makes skipping those reviews lossless: on every opened labelled set and the
    delivery corpus (about 2,600 cued reviews without a piece), the shipped model's logits
    stay more than 3 below each threshold (session 23: 3.2 extortion, 4.7 threat). A
    retrained model that reads such reviews near its threshold fails here: the skip in
    MaliceRules.evidence would then have to go."""
    model = mm.default_model()
    rules = analyzer().malice
    best = np.full(len(model.heads), -np.inf)
    seen = 0
    for text in _labelled_texts():
        text = text.strip()
        if not rules.cued(text):
            continue
        folded = rules.fold(text).text
        if rules.pieces_in(folded):
            continue
        seen += 1
        best = np.maximum(best, model.read(folded, frozenset()) - model.threshold)
    assert seen > 2000
    assert (best < -2).all(), best


# The honest rows that set the extortion threshold out of fold were the shop's offer retold
# and refused (商家…说转我20块让我删评，我没收): their combo pieces are an extortion's, and the
# pieces that tell them apart (offer_retold, refusal…) are bonus pieces no combo names,
# which the model did not see until session 30 (malm).
RETOLD = "商家加我微信说转我20块让我删评,我没收,差评继续挂着,菜里有虫就是有虫"


def test_the_counter_evidence_is_found_apart_from_the_combo_pieces():
    rules = analyzer(False).malice
    folded = rules.fold(RETOLD).text
    counter = rules.counter_in(folded)
    assert {"offer_retold", "x9_bribe_refused"} <= counter
    assert counter.isdisjoint(rules.pieces_in(folded))
    assert rules.counter_in(rules.fold("菜凉了，等了一个小时").text) == frozenset()


def test_the_shipped_model_weighs_the_counter_evidence():
    model = mm.default_model()
    assert model.config.counter
    rules = analyzer(False).malice
    cfg = model.config
    (features,) = mt.features_of([Row("x", RETOLD, 1, frozenset())], rules, cfg)
    assert mm._hash("\x01p:offer_retold", cfg.hash_bits) in set(features.buckets.tolist())
    # the retold offer pulls extortion's score down
    folded = rules.fold(RETOLD).text
    present = rules.pieces_in(folded)
    with_counter = model.read(folded, present | rules.counter_in(folded))
    assert with_counter[0] < model.read(folded, present)[0]


def test_the_analyzer_reads_the_counter_evidence_with_the_model():
    """_learned scores the pieces and the counter-evidence, as training did."""
    model = mm.default_model()
    rules = analyzer().malice
    folded = rules.fold(RETOLD)
    present = rules.pieces_in(folded.text)
    z = model.read(folded.text, present | rules.counter_in(folded.text))
    at = replace(model, threshold=z - 1e-9)  # just under this text's own logits
    found = rules._learned(at, folded, present, {}, hurts=True, praise=False)
    assert [e.reason for e in found] == ["extortion", "threat"]
    above = replace(model, threshold=z + 1e-9)
    assert rules._learned(above, folded, present, {}, hurts=True, praise=False) == []


def test_a_model_file_from_before_the_counter_evidence_reads_without_it():
    from reviewbot.analysis import weights

    model = mm.default_model()
    config = {**model.config.__dict__, "margins": list(model.config.margins)}
    del config["counter"]
    header = {
        "config": config,
        "heads": list(model.heads),
        "bias": [float(b) for b in model.bias],
        "threshold": [float(t) for t in model.threshold],
        "meta": model.meta,
    }
    back = mm.load(weights.pack(mm.FORMAT_MAGIC, header, model.w[:, :8]))
    assert back.config.counter is False
