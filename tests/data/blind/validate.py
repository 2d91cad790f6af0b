#!/usr/bin/env python3
"""Validate the blind evaluation sets for reviewbot.

Checks, per file: every line parses as JSON; keys are exactly the expected
ones and in the expected order; ids are unique and follow the prefix+3-digit
pattern in sequence; ratings are integers 1-5 (dine-in, hotel) or null
(delivery); labels are 0/1; category names and values are valid; no
duplicate texts (within a file and across the three files); text lengths.
Prints counts per label and rating. Exits non-zero on any error.

Usage: python3 validate.py   (run from any directory)
"""

import json
import os
import statistics
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

SPECS = {
    "dinein_blind.jsonl": {
        "prefix": "d",
        "n": 200,
        "keys": ["id", "text", "rating", "label", "categories"],
        "rating": "int",
        "len": (15, 300),
    },
    "hotel_blind.jsonl": {
        "prefix": "h",
        "n": 120,
        "keys": ["id", "text", "rating", "label"],
        "rating": "int",
        "len": (1, 400),
    },
    "delivery_blind.jsonl": {
        "prefix": "w",
        "n": 200,
        "keys": ["id", "text", "rating", "label"],
        "rating": "null",
        "len": (4, 80),
    },
}
CAT_NAMES = {"food", "service", "environment", "price", "hygiene"}
CAT_VALUES = {"positive", "negative", "neutral"}

errors = []


def err(fname, lineno, msg):
    errors.append(f"{fname}:{lineno}: {msg}")


all_texts = {}
summary = {}

for fname, spec in SPECS.items():
    path = os.path.join(HERE, fname)
    if not os.path.exists(path):
        err(fname, 0, "file missing")
        continue
    ids, texts, labels, ratings, lengths = set(), {}, Counter(), Counter(), []
    cat_counts = Counter()
    label_by_rating = Counter()
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    if not raw.endswith("\n"):
        err(fname, 0, "file does not end with newline")
    lines = raw.split("\n")[:-1] if raw.endswith("\n") else raw.split("\n")
    for ln, line in enumerate(lines, 1):
        if not line.strip():
            err(fname, ln, "blank line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            err(fname, ln, f"JSON parse error: {e}")
            continue
        if not isinstance(obj, dict):
            err(fname, ln, "not an object")
            continue
        keys = list(obj.keys())
        if keys != spec["keys"]:
            err(fname, ln, f"keys {keys} != {spec['keys']}")
            continue
        # id
        oid = obj["id"]
        expected_id = f"{spec['prefix']}{ln:03d}"
        if oid != expected_id:
            err(fname, ln, f"id {oid!r} != expected {expected_id!r}")
        if oid in ids:
            err(fname, ln, f"duplicate id {oid}")
        ids.add(oid)
        # text
        t = obj["text"]
        if not isinstance(t, str) or not t.strip():
            err(fname, ln, "empty or non-string text")
            continue
        if t != t.strip():
            err(fname, ln, "text has leading/trailing whitespace")
        lo, hi = spec["len"]
        if not lo <= len(t) <= hi:
            err(fname, ln, f"text length {len(t)} outside {lo}-{hi}")
        lengths.append(len(t))
        if t in texts:
            err(fname, ln, f"duplicate text (same as line {texts[t]})")
        texts[t] = ln
        if t in all_texts and all_texts[t][0] != fname:
            err(fname, ln, f"text duplicated in {all_texts[t][0]}")
        all_texts.setdefault(t, (fname, ln))
        # rating
        r = obj["rating"]
        if spec["rating"] == "null":
            if r is not None:
                err(fname, ln, f"rating must be null, got {r!r}")
        else:
            if type(r) is not int or not 1 <= r <= 5:
                err(fname, ln, f"rating must be int 1-5, got {r!r}")
        ratings[r] += 1
        # label
        lab = obj["label"]
        if type(lab) is not int or lab not in (0, 1):
            err(fname, ln, f"label must be 0 or 1, got {lab!r}")
        labels[lab] += 1
        label_by_rating[(r, lab)] += 1
        # categories
        if "categories" in spec["keys"]:
            c = obj["categories"]
            if not isinstance(c, dict) or not c:
                err(fname, ln, "categories must be a non-empty object")
            else:
                for k, v in c.items():
                    if k not in CAT_NAMES:
                        err(fname, ln, f"bad category name {k!r}")
                    if v not in CAT_VALUES:
                        err(fname, ln, f"bad category value {v!r} for {k}")
                    cat_counts[(k, v)] += 1
    if len(lines) != spec["n"]:
        err(fname, 0, f"expected {spec['n']} lines, found {len(lines)}")
    summary[fname] = (len(lines), labels, ratings, label_by_rating, lengths, cat_counts)

for fname, (n, labels, ratings, lbr, lengths, cc) in summary.items():
    print(f"== {fname}: {n} records")
    tot = sum(labels.values()) or 1
    print("  label: " + ", ".join(f"{k}={labels[k]} ({labels[k] / tot:.0%})" for k in (1, 0)))
    rkeys = sorted(ratings, key=lambda x: (x is None, x))
    print("  rating: " + ", ".join(f"{k}={ratings[k]}" for k in rkeys))
    if rkeys != [None]:
        print(
            "  rating x label: "
            + ", ".join(f"{r}★ L1={lbr[(r, 1)]} L0={lbr[(r, 0)]}" for r in rkeys)
        )
        mism = sum(
            v for (r, lab), v in lbr.items() if (lab == 0 and r >= 4) or (lab == 1 and r <= 3)
        )
        print(f"  stars/label disagree (L0 with 4-5★, or L1 with 1-3★): {mism}")
    if lengths:
        print(
            f"  text length: min={min(lengths)} median={statistics.median(lengths)}"
            f" max={max(lengths)}"
        )
    if cc:
        for name in ["food", "service", "environment", "price", "hygiene"]:
            print(
                f"  {name:12s} "
                + ", ".join(f"{v}={cc[(name, v)]}" for v in ("positive", "negative", "neutral"))
            )

if errors:
    print(f"\nFAILED: {len(errors)} error(s)")
    for e in errors[:200]:
        print("  " + e)
    sys.exit(1)
print("\nOK: all checks passed")
