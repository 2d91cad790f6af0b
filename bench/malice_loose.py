"""Would evidence pieces linked across a whole review (no combo) catch the extortion and threats
the combos miss, without accusing anyone? Measures candidate review-level rules.

    .venv/bin/python bench/malice_loose.py [--pairs] [--show RULE] [--heldout] [--data CSV]

For each review: the pieces present anywhere (MaliceRules.pieces_in on the folded text) and
those in sentences in the customer's own voice (no piece there that says someone else's words
are retold: shop_asks, shop_said, reported, offer_retold, told, told_already). For each
candidate rule (a demand piece AND a leverage piece, own voice, <= 3 stars or none, not
already flagged): the missed malicious rows it would add (per reason) and the honest rows it
would flag, on every opened set, the aggregate-only sets, and waimai_train.csv (all real
customers). Honest rows are counted at the worst of the stars settings malice_audit.py uses
(own, none, 1, 3): the rule ignores stars up to 3, so a row it matches is flagged at "none".
--pairs: every (piece, piece) own-voice pair, ranked by rows added with zero honest flags.
"clean": the rule, and no score-lowering piece (a story, a refusal, an offer) in the review.
--show RULE: the rows the rule's clean variant matches, opened sets only (never held-out, blind).
--heldout: the same counts on the held-out tests/data/dev/malice_t10* sets, aggregate only.

Findings (session 27): of 268 hostile rows the rules miss on these sets, 246 have some piece.
Every class rule flags honest rows (demand+lever: +50 rows, 257 honest incl. 24 of waimai;
+cond: +27, 55 honest; clean: +28, 33 honest). The only one clean everywhere here,
demand+harm-known clean (+8 rows), built as a [[loose]] rule in malice.toml, accused a written
honest look-alike of tests/test_malice.py (识相点就私下转我退款: pieces in one sentence the
combos had judged); kept to pieces in two sentences or more it added 3 opened rows and 0 of
686 held-out ones, so it was not kept. The 108 zero-honest pairs mined here flag 10 of 905
held-out honest rows: the pieces are slots of combos, too loose alone to accuse on.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from malice_audit import SETS, waimai  # noqa: E402
from malice_misses import labels  # noqa: E402

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DATA = ROOT / "tests" / "data"
OPENED = [*SETS, DATA / "dev" / "malice_mal7.jsonl", DATA / "dev" / "malice_threats_malr.jsonl"]
AGGREGATE = [
    DATA / "blind" / "malice_blind.jsonl",
    DATA / "dev" / "malice_fa8_heldout.jsonl",
    DATA / "dev" / "malice_mall_heldout.jsonl",
]
AGGREGATE_NAMES = tuple(str(p.relative_to(DATA)) for p in AGGREGATE)
RETOLD = ("shop_asks", "shop_said", "reported", "offer_retold", "told", "told_already")
SENTENCE = re.compile(r"[^。?;!\n]+")
DEMAND = frozenset(
    [
        "amount",
        "money",
        "compensation",
        "neg_demand",
        "neg_pay",
        "freebie",
        "pay",
        "ransom",
        "en_demand",
        "en_money",
        "x_pay_me",
        "x_price",
        "x_sum",
        "x_transfer",
        "unless_demand",
        "x_more_money",
        "x_my_price",
        "x_private_price",
        "x_peace_price",
        "sx_demand",
        "d_demand",
        "bargain",
        "x_small_sum",
        "x_terms",
    ]
)
LEVER = frozenset(
    [
        "action",
        "more",
        "bad_review",
        "report_you",
        "x_expose",
        "campaign",
        "ruin",
        "escalate",
        "en_action",
        "en_report",
        "sx_lever",
        "en_lever",
        "x_flood",
        "x_public",
        "x_report_campaign",
        "x_private_report",
        "x_police",
        "undo",
        "x_write",
    ]
)
HARM = frozenset(
    [
        "harm",
        "menace",
        "violence",
        "whereabouts",
        "arms",
        "private_fact",
        "known",
        "x_reach",
        "x_presence",
        "x_siege",
        "x_pester",
    ]
)
COND = frozenset(
    [
        "unless",
        "or_else",
        "either",
        "x_if_not",
        "x_else",
        "refuse_if",
        "x_settle_or",
        "x_until_paid",
        "en_if",
        "en_unless",
        "x_unpaid_if",
        "unless_demand",
        "en_then",
        "x_then_act",
    ]
)
SHOP = frozenset(["x_out", "fate", "d_fate", "en_fate", "x_worse", "boycott", "neighbour"])
RULES: dict[str, tuple[frozenset[str], ...]] = {
    "demand+lever+cond": (DEMAND, LEVER, COND),
    "demand+harm+cond": (DEMAND, HARM, COND),
    "lever+harm+cond": (LEVER, HARM, COND),
    "demand+lever": (DEMAND, LEVER),
    "demand+harm": (DEMAND, HARM),
    # without the two harm pieces the opened honest rows matched (everyone knows / 找我):
    # named after the held-out figures of demand+harm were seen, so not a held-out test
    "demand+harm-known": (DEMAND, HARM - {"known", "x_reach"}),
    "lever+harm": (LEVER, HARM),
    "harm+shop": (HARM, SHOP),
    "demand+shop": (DEMAND, SHOP),
}


class Row:
    __slots__ = ("anywhere", "flagged", "honest", "negative", "own", "reasons", "set", "text")

    def __init__(self, name: str, text: str, reasons: list[str], honest: bool) -> None:
        self.set, self.text, self.reasons, self.honest = name, text, reasons, honest
        self.anywhere: frozenset[str] = frozenset()
        self.own: frozenset[str] = frozenset()
        self.negative = False  # some piece scored below zero anywhere (a story, a refusal…)
        self.flagged: set[str] = set()


def read(rules, row: Row) -> None:
    folded = rules.fold(row.text).text
    row.anywhere = rules.pieces_in(folded)
    own: set[str] = set()
    for sentence in SENTENCE.findall(folded):
        if any(rules._piece(name).search(sentence) for name in RETOLD):
            continue
        own |= rules.pieces_in(sentence)
    row.own = frozenset(own)
    if any(all(own & part for part in rule) for rule in RULES.values()):
        negative = [n for n, score in rules.scores.items() if score < 0]
        row.negative = any(rules._piece(n).search(folded) for n in negative)


def matches(rule: tuple[frozenset[str], ...], row: Row) -> bool:
    return all(row.own & part for part in rule)


def clean(rule: tuple[frozenset[str], ...], row: Row) -> bool:
    """The rule, and no piece that lowers a score anywhere in the review."""
    return matches(rule, row) and not row.negative


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="waimai_train.csv (default: ../shared/data/)")
    parser.add_argument("--pairs", action="store_true")
    parser.add_argument("--show", choices=sorted(RULES))
    parser.add_argument(
        "--heldout", action="store_true", help="also the held-out t10 sets, aggregate only"
    )
    args = parser.parse_args()
    analyzer = AnalyzerV1()
    rules = analyzer.malice
    rows: list[Row] = []
    for path in OPENED + AGGREGATE:
        if not path.exists():
            continue
        name = str(path.relative_to(DATA))
        data = read_jsonl(path)
        here = [Row(name, r["text"], labels(r)[0], labels(r)[1]) for r in data]
        # flagged at the set's own stars (malicious) or at any setting (honest)
        for stars in ("own", None, 1, 3):
            reviews = [
                ReviewText(str(i), r["text"], r.get("rating") if stars == "own" else stars)
                for i, r in enumerate(data)
            ]
            for row, result in zip(here, analyze_all(analyzer, reviews), strict=True):
                if stars == "own" or row.honest:
                    row.flagged |= set(result.malicious_reasons)
        rows += here
    with waimai(args.data).open(encoding="utf-8") as handle:
        texts = [r["review"] for r in csv.DictReader(handle)]
    rows += [Row("waimai_train.csv", t, [], True) for t in texts]
    for row in rows:
        read(rules, row)
    hostile = [r for r in rows if {"extortion", "threat"} & set(r.reasons)]
    missed = [r for r in hostile if not {"extortion", "threat"} & set(r.reasons) & r.flagged]
    some = sum(bool(r.anywhere) for r in missed)
    print(f"hostile rows {len(hostile)}, missed {len(missed)}, with some piece {some}")
    honest = [r for r in rows if r.honest]
    print(f"honest rows {len(honest)} (waimai {len(texts)})")
    for label, rule in RULES.items():
        added = Counter(x for r in missed if matches(rule, r) for x in r.reasons)
        bad = Counter(r.set for r in honest if not r.flagged and matches(rule, r))
        print(f"{label}: adds {dict(added)}; honest flagged {sum(bad.values())} {dict(bad)}")
        added = Counter(x for r in missed if clean(rule, r) for x in r.reasons)
        bad = Counter(r.set for r in honest if not r.flagged and clean(rule, r))
        print(f"  {label} clean: adds {dict(added)}; honest {sum(bad.values())} {dict(bad)}")
        if args.show == label:
            for r in missed + [r for r in honest if not r.flagged]:
                if clean(rule, r) and not any(r.set.startswith(a) for a in AGGREGATE_NAMES):
                    kind = "HONEST" if r.honest else ",".join(r.reasons)
                    print(f"    [{kind}] {r.set} {sorted(r.own)}: {r.text[:120]}")
    mined: list[tuple[frozenset[str], ...]] = []
    if args.pairs or args.heldout:
        pieces = sorted({p for r in rows for p in r.own})
        table = []
        for i, a in enumerate(pieces):
            for b in pieces[i:]:
                rule = (frozenset({a}), frozenset({b}))
                add = sum(matches(rule, r) for r in missed)
                if not add:
                    continue
                bad = sum(matches(rule, r) for r in honest if not r.flagged)
                table.append((bad, -add, a, b))
        table.sort()
        for bad, add, a, b in table[:40] if args.pairs else ():
            print(f"  {a}+{b}: adds {-add}, honest {bad}")
        # every pair that flags no honest row anywhere and adds at least 2 missed rows
        mined = [
            (frozenset({a}), frozenset({b})) for bad, add, a, b in table if not bad and add <= -2
        ]
        union = [r for r in missed if any(matches(m, r) for m in mined)]
        print(f"union of {len(mined)} zero-honest pairs: adds {len(union)} on the opened sets")
    if args.heldout:
        both = {n + v: r for n, r in RULES.items() for v in ("", " clean")}
        heldout(analyzer, both | {"mined pairs": ()}, mined)


def heldout(analyzer, rules_by_name, mined) -> None:
    """Aggregate figures on the held-out sets: no row is printed."""
    plain = AnalyzerV1(learned=False)
    for learned, a in (("rules alone", plain), ("learned on", analyzer)):
        total: Counter[str] = Counter()
        caught: Counter[str] = Counter()
        added: Counter[tuple[str, str]] = Counter()
        bad: Counter[str] = Counter()
        honest = 0
        for n in ("news", "pers", "thr", "short", "buried"):
            folder = DATA / "dev" / f"malice_t10{n}"
            data = read_jsonl(folder / "malicious.jsonl") + read_jsonl(folder / "honest.jsonl")
            here = [Row(folder.name, r["text"], labels(r)[0], labels(r)[1]) for r in data]
            for stars in ("own", None, 1, 3):
                reviews = [
                    ReviewText(str(i), r["text"], r.get("rating") if stars == "own" else stars)
                    for i, r in enumerate(data)
                ]
                for row, result in zip(here, analyze_all(a, reviews), strict=True):
                    if stars == "own" or row.honest:
                        row.flagged |= set(result.malicious_reasons)
            for row in here:
                read(a.malice, row)
                honest += row.honest
                for name, rule in rules_by_name.items():
                    test = clean if name.endswith(" clean") else matches
                    hit = any(matches(m, row) for m in mined) if not rule else test(rule, row)
                    if not hit:
                        continue
                    if row.honest and not row.flagged:
                        bad[name] += 1
                    for reason in {"extortion", "threat"} & set(row.reasons):
                        added[(name, reason)] += reason not in row.flagged
                for reason in {"extortion", "threat"} & set(row.reasons):
                    total[reason] += 1
                    caught[reason] += reason in row.flagged
        base = ", ".join(f"{r} {caught[r]}/{total[r]}" for r in sorted(total))
        print(f"held-out [{learned}]: {base}; honest {honest}")
        for name in rules_by_name:
            adds = ", ".join(f"{r} +{added[(name, r)]}" for r in sorted(total))
            print(f"    {name}: {adds}; honest flagged +{bad[name]}")


if __name__ == "__main__":
    main()
