#!/usr/bin/env python3
"""Validate malice_blind.jsonl (blind malicious-review evaluation set).

Usage: python3 validate_malice.py [path]   (default: malice_blind.jsonl next to this script)
Exits non-zero on any error and prints counts on success.
"""

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

KEYS = ["id", "text", "rating", "malicious", "reasons"]
REASONS = [
    "extortion",
    "abuse",
    "spam_ad",
    "irrelevant",
    "competitor",
    "no_order",
    "flood",
    "threat",
]
MIN_LEN, MAX_LEN = 5, 200


def main():
    path = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("malice_blind.jsonl")
    )
    errors = []
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"line {n}: blank line")
                continue
            try:
                pairs = json.loads(line, object_pairs_hook=lambda p: p)
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: JSON error: {e}")
                continue
            if not isinstance(pairs, list):
                errors.append(f"line {n}: not a JSON object")
                continue
            keys = [k for k, _ in pairs]
            if keys != KEYS:
                errors.append(f"line {n}: keys {keys} != {KEYS}")
                continue
            rec = dict(pairs)
            rec["_line"] = n
            rows.append(rec)

    ids = Counter()
    for r in rows:
        n = r["_line"]
        rid, text, rating, mal, reasons = (r[k] for k in KEYS)
        if not isinstance(rid, str) or not re.fullmatch(r"m\d{3}", rid):
            errors.append(f"line {n}: bad id {rid!r}")
        ids[rid] += 1
        if not isinstance(text, str) or not text.strip():
            errors.append(f"line {n}: empty/non-string text")
        elif not (MIN_LEN <= len(text) <= MAX_LEN):
            errors.append(f"line {n}: text length {len(text)} outside {MIN_LEN}-{MAX_LEN}")
        if type(rating) is not int or not 1 <= rating <= 5:
            errors.append(f"line {n}: rating {rating!r} not an integer 1-5")
        if type(mal) is not bool:
            errors.append(f"line {n}: malicious {mal!r} not a bool")
        if not isinstance(reasons, list):
            errors.append(f"line {n}: reasons not a list")
            continue
        bad = [x for x in reasons if x not in REASONS]
        if bad:
            errors.append(f"line {n}: invalid reasons {bad}")
        if len(set(reasons)) != len(reasons):
            errors.append(f"line {n}: duplicated reason in {reasons}")
        if mal is True and not reasons:
            errors.append(f"line {n}: malicious but reasons empty")
        if mal is False and reasons:
            errors.append(f"line {n}: not malicious but reasons {reasons}")

    for rid, c in ids.items():
        if c > 1:
            errors.append(f"id {rid} appears {c} times")
    expected = [f"m{i:03d}" for i in range(1, len(rows) + 1)]
    if [r["id"] for r in rows] != expected:
        errors.append(f"ids are not sequential m001..m{len(rows):03d} in file order")

    by_text = defaultdict(list)
    for r in rows:
        by_text[r["text"]].append(r)
    flood_groups = 0
    for text, group in by_text.items():
        if len(group) > 1:
            flood_groups += 1
            for r in group:
                if "flood" not in (r["reasons"] if isinstance(r["reasons"], list) else []):
                    errors.append(
                        f"line {r['_line']}: duplicated text not labelled flood: {text[:30]}"
                    )
            labels = {
                (r["malicious"], tuple(r["reasons"]) if isinstance(r["reasons"], list) else None)
                for r in group
            }
            if len(labels) > 1:
                errors.append(f"duplicated text has inconsistent labels: {text[:30]}")
    for r in rows:
        if (
            isinstance(r["reasons"], list)
            and "flood" in r["reasons"]
            and len(by_text[r["text"]]) < 2
        ):
            errors.append(f"line {r['_line']}: labelled flood but text occurs only once")

    if errors:
        print(f"FAIL: {len(errors)} error(s)")
        for e in errors:
            print("  " + e)
        sys.exit(1)

    mal = [r for r in rows if r["malicious"]]
    reason_counts = Counter(x for r in mal for x in r["reasons"])
    print(f"OK: {path.name}")
    print(f"lines: {len(rows)}")
    print(f"malicious: {len(mal)}   not malicious: {len(rows) - len(mal)}")
    print(f"multi-reason lines: {sum(1 for r in mal if len(r['reasons']) > 1)}")
    print("reason counts (a line may have several):")
    for reason in REASONS:
        print(f"  {reason:<11} {reason_counts.get(reason, 0)}")
    print(f"flood groups: {flood_groups}  (lines: {reason_counts.get('flood', 0)})")
    print("rating distribution  malicious / not malicious:")
    for s in range(1, 6):
        a = sum(1 for r in mal if r["rating"] == s)
        b = sum(1 for r in rows if not r["malicious"] and r["rating"] == s)
        print(f"  {s}: {a:>3} / {b:>3}")
    lens = [len(r["text"]) for r in rows]
    print(f"text length min/max/mean: {min(lens)}/{max(lens)}/{sum(lens) / len(lens):.1f}")


if __name__ == "__main__":
    main()
