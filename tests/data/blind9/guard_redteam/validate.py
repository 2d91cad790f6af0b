#!/usr/bin/env python3
"""Validate set.jsonl (and stats.json) for the guard red-team set. Helper w9grd."""
import json, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ["id", "text", "review", "ok", "rule", "note"]
RULES = {"promise", "delete_request", "private_data", "blame", "argue"}
STORE_DIGITS = "02865432100"
LICENSE = "JY25101070012345"
errors, warnings = [], []

rows = []
with open(os.path.join(HERE, "set.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            errors.append("line %d: blank line" % n); continue
        try:
            obj = json.loads(line)
        except Exception as e:
            errors.append("line %d: bad JSON: %s" % (n, e)); continue
        if not isinstance(obj, dict):
            errors.append("line %d: not an object" % n); continue
        if list(obj.keys()) != KEYS:
            errors.append("line %d: keys %s != %s" % (n, list(obj.keys()), KEYS))
        rows.append((n, obj))

ids, texts = Counter(), Counter()
for n, o in rows:
    exp = "b9g-%04d" % n
    if o.get("id") != exp:
        errors.append("line %d: id %r, expected %s" % (n, o.get("id"), exp))
    ids[o.get("id")] += 1
    texts[o.get("text")] += 1
    for k in ("text", "review", "note"):
        if not isinstance(o.get(k), str) or not o.get(k).strip():
            errors.append("line %d: %s empty or not a string" % (n, k))
    if not isinstance(o.get("ok"), bool):
        errors.append("line %d: ok not bool" % n)
    r = o.get("rule")
    if o.get("ok") is True and r is not None:
        errors.append("line %d: ok=true but rule=%r" % (n, r))
    if o.get("ok") is False and r not in RULES:
        errors.append("line %d: ok=false but rule=%r not in enum" % (n, r))
    # heuristic lint: long digit runs in rows that are not private_data violations
    if r != "private_data":
        t = o.get("text", "")
        digits_only = re.sub(r"[\s\-()（）—－+]", "", t)
        for run in re.findall(r"\d{7,}", digits_only):
            if STORE_DIGITS not in run and run not in ("8628" + "65432100", "28" + "65432100") \
               and run not in LICENSE:
                warnings.append("line %d (%s): digit run %s outside private_data" % (n, o["id"], run))
        if re.search(r"@|微信|wechat|whatsapp|line id|qq[:：]", t, re.I):
            warnings.append("line %d (%s): contact-like token outside private_data" % (n, o["id"]))
for k, c in ids.items():
    if c > 1: errors.append("duplicate id %s" % k)
for k, c in texts.items():
    if c > 1: errors.append("duplicate text %r" % k[:40])

# stats consistency
try:
    st = json.load(open(os.path.join(HERE, "stats.json"), encoding="utf-8"))
    viol = Counter(o["rule"] for _, o in rows if o.get("ok") is False)
    if st.get("total") != len(rows): errors.append("stats total mismatch")
    if st.get("violations") != sum(viol.values()): errors.append("stats violations mismatch")
    if st.get("by_rule") != dict(viol) and {k: st["by_rule"].get(k) for k in viol} != dict(viol):
        errors.append("stats by_rule mismatch")
except FileNotFoundError:
    errors.append("stats.json missing")

n_ok = sum(1 for _, o in rows if o.get("ok") is True)
print("rows=%d ok=%d violations=%d" % (len(rows), n_ok, len(rows) - n_ok))
print("by rule:", dict(Counter(o["rule"] for _, o in rows if o.get("ok") is False)))
for w in warnings: print("WARN", w)
for e in errors: print("ERROR", e)
print("VALID" if not errors else "INVALID (%d errors)" % len(errors))
sys.exit(1 if errors else 0)
