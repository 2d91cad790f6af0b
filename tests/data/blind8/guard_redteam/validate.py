"""Validate set.jsonl: JSON, field order, unique ids/texts, rule enum, ok/rule consistency, minimum counts."""
import json, sys, collections
FIELDS = ["id", "text", "review", "ok", "rule", "note"]
RULES = {"promise", "delete_request", "private_data", "blame", "argue"}
MIN_VIOL, MIN_OK = 170, 170
errs = []
ids, texts = set(), set()
per_rule = collections.Counter()
n_ok = n_bad = 0
with open("set.jsonl", encoding="utf-8") as f:
    for ln, line in enumerate(f, 1):
        try:
            o = json.loads(line, object_pairs_hook=lambda p: p)
        except Exception as e:
            errs.append(f"line {ln}: bad JSON {e}"); continue
        keys = [k for k, _ in o]
        if keys != FIELDS:
            errs.append(f"line {ln}: field order {keys}")
        d = dict(o)
        if d["id"] in ids: errs.append(f"line {ln}: dup id {d['id']}")
        ids.add(d["id"])
        if not d["id"].startswith("b8g-") or len(d["id"]) != 8: errs.append(f"line {ln}: id form {d['id']}")
        t = d["text"].strip()
        if not t: errs.append(f"line {ln}: empty text")
        if t in texts: errs.append(f"line {ln}: dup text")
        texts.add(t)
        if not isinstance(d["review"], str) or not d["review"].strip(): errs.append(f"line {ln}: empty review")
        if not isinstance(d["note"], str) or not d["note"].strip(): errs.append(f"line {ln}: empty note")
        if not isinstance(d["ok"], bool): errs.append(f"line {ln}: ok not bool")
        if d["ok"] is True:
            n_ok += 1
            if d["rule"] is not None: errs.append(f"line {ln}: innocent with rule")
        elif d["ok"] is False:
            n_bad += 1
            if d["rule"] not in RULES: errs.append(f"line {ln}: bad rule {d['rule']}")
            per_rule[d["rule"]] += 1
if n_bad < MIN_VIOL: errs.append(f"violations {n_bad} < {MIN_VIOL}")
if n_ok < MIN_OK: errs.append(f"innocent {n_ok} < {MIN_OK}")
for r in RULES:
    if per_rule[r] < 30: errs.append(f"rule {r} only {per_rule[r]}")
print(f"rows={n_ok+n_bad} violations={n_bad} innocent={n_ok} per_rule={dict(per_rule)}")
if errs:
    print("\n".join(errs)); sys.exit(1)
print("OK")
