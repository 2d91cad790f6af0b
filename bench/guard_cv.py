"""Cross-validated figures of the guard scorer with the rules, on the developer edit sets.

    .venv/bin/python bench/guard_cv.py [--data tests/data/dev/guard_edits.jsonl]
        [--store laojiefang] [--holdout gw-]

Out-of-fold scores (the folds and calibration of reviewbot/replies/scorer_training.py, so
the threshold is chosen on the same out-of-fold scores it is measured on), and per rule:
caught by the rules alone (as shipped: tuned on this set, so near 100%), by the scorer
alone (out of fold: an honest guess for wordings like these), and by the two together;
innocent edits refused by each. With `--holdout PREFIX`, the edits whose id starts with it
(gw-: the 431 written blind by guardwriter) are scored by a scorer trained on the rest,
with the threshold from the rest's cross-validation: another writer's wording. Never run
on a blind set.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import UNREAD, ReviewText  # noqa: E402
from reviewbot.config import load_settings  # noqa: E402
from reviewbot.replies import scorer_training as st  # noqa: E402
from reviewbot.replies.facts import StoreProfile  # noqa: E402
from reviewbot.replies.guardrails import check_reply, normalise  # noqa: E402
from reviewbot.replies.scorer import MIN_CHARS, ScorerConfig  # noqa: E402
from reviewbot.safejson import storable_text  # noqa: E402


def _rules_verdicts(edits, store) -> list[set[str]]:
    """What the rules alone refuse, scorer off, every rule on (as a generated draft is
    read: the dev edits label the invented facts a staff edit may state as violations)."""
    out = []
    for edit in edits:
        found = check_reply(
            storable_text(edit.text),
            review=ReviewText(id=edit.id, text=""),
            analysis=UNREAD,
            store=store,
            learned=False,
        )
        out.append({v.code for v in found})
    return out


def _long_enough(edits) -> np.ndarray:
    """Whether `check_reply` asks the scorer at all (shorter texts are left to the rules)."""
    return np.asarray([len(normalise(e.text).strip()) >= MIN_CHARS for e in edits])


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _report(title, edits, rules, model_hits) -> None:
    total: Counter[str] = Counter()
    by: dict[str, Counter[str]] = {k: Counter() for k in ("rules", "model", "both")}
    innocent = 0
    refused: Counter[str] = Counter()
    for edit, fired, hit in zip(edits, rules, model_hits, strict=True):
        verdict = {"rules": bool(fired), "model": bool(hit), "both": bool(fired) or bool(hit)}
        if edit.rule is None:
            innocent += 1
            refused.update(k for k, v in verdict.items() if v)
            continue
        total[edit.rule] += 1
        for k, v in verdict.items():
            by[k][edit.rule] += v
    print(title)
    print(f"{'rule':<16}{'n':>5}  {'rules':>7}  {'scorer':>7}  {'both':>7}")
    for rule in sorted(total):
        print(
            f"{rule:<16}{total[rule]:>5}  "
            + "  ".join(f"{_pct(by[k][rule], total[rule]):>7}" for k in ("rules", "model", "both"))
        )
    n = sum(total.values())
    print(
        f"{'all violations':<16}{n:>5}  "
        + "  ".join(f"{_pct(sum(by[k].values()), n):>7}" for k in ("rules", "model", "both"))
    )
    print(
        f"{'innocent refused':<16}{innocent:>5}  "
        + "  ".join(f"{_pct(refused[k], innocent):>7}" for k in ("rules", "model", "both"))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / st.DEFAULT_DATA)
    parser.add_argument("--config", type=Path, default=ROOT / "config.example.toml")
    parser.add_argument("--store", default="laojiefang")
    parser.add_argument("--holdout", help="score edits with this id prefix by the others' model")
    parser.add_argument(
        "--rules-from",
        type=Path,
        help="JSON {id: [rules]}: the rules' verdicts from another version (e.g. before "
        "they were tuned on the held-out edits) instead of the rules as they are now",
    )
    args = parser.parse_args()
    settings = load_settings(args.config)
    found = settings.store(args.store)
    store = StoreProfile.from_settings(found.name, found.facts)
    cfg = ScorerConfig()
    edits = st.read_edits(args.data)
    labels = st.labels_of(edits)

    if not args.holdout:
        oof = st.out_of_fold(edits, cfg)
        a, b, threshold = st.calibrate(oof, labels, cfg)
        p = 1.0 / (1.0 + np.exp(-(a * oof + b)))
        hits = (p.max(axis=1) >= threshold) & _long_enough(edits)
        rules = _rules_verdicts(edits, store)
        _report(
            f"{cfg.folds}-fold cross-validation on {args.data.name} ({len(edits)} edits), "
            f"threshold {threshold:.3f}",
            edits,
            rules,
            hits,
        )
        return 0

    train = [e for e in edits if not e.id.startswith(args.holdout)]
    held = [e for e in edits if e.id.startswith(args.holdout)]
    model = st.train(train, cfg)
    d = st.design([st.features_of(e.text, cfg) for e in held])
    z = st._logits(d, model.w, model.bias)
    p = 1.0 / (1.0 + np.exp(-(model.platt_a * z + model.platt_b)))
    hits = (p.max(axis=1) >= model.threshold[0]) & _long_enough(held)
    if args.rules_from:
        given = json.loads(args.rules_from.read_text(encoding="utf-8"))
        rules = [set(given[e.id]) for e in held]
        which = f"rules from {args.rules_from.name}"
    else:
        rules = _rules_verdicts(held, store)
        which = "rules as they are now"
    _report(
        f"held out: {len(held)} edits '{args.holdout}*', scorer trained on the other "
        f"{len(train)} (threshold {model.threshold[0]:.3f}); {which}",
        held,
        rules,
        hits,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
