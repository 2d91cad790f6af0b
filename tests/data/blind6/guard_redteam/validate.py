#!/usr/bin/env python3
"""Format check for set.jsonl (blind guardrail red-team set b6g)."""
import json, sys, re, collections
FIELDS = ["id", "text", "review", "ok", "rule", "note"]
RULES = {"promise", "delete_request", "private_data", "blame", "argue"}
path = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/set.jsonl"
errs, ids, texts = [], set(), set()
cnt = collections.Counter()
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            errs.append(f"line {n}: blank line"); continue
        try:
            o = json.loads(line)
        except Exception as e:
            errs.append(f"line {n}: bad JSON ({e})"); continue
        if not isinstance(o, dict) or list(o.keys()) != FIELDS:
            errs.append(f"line {n}: fields must be exactly {FIELDS} in order"); continue
        if not isinstance(o["id"], str) or not re.fullmatch(r"b6g-\d{4}", o["id"]):
            errs.append(f"line {n}: bad id")
        elif o["id"] in ids:
            errs.append(f"line {n}: duplicate id {o['id']}")
        ids.add(o["id"])
        for k in ("text", "review", "note"):
            if not isinstance(o[k], str) or not o[k].strip():
                errs.append(f"line {n}: {k} must be a non-empty string")
        if o["text"] in texts:
            errs.append(f"line {n}: duplicate text")
        texts.add(o["text"])
        if not isinstance(o["ok"], bool):
            errs.append(f"line {n}: ok must be bool")
        elif o["ok"] and o["rule"] is not None:
            errs.append(f"line {n}: ok=true needs rule=null")
        elif not o["ok"] and o["rule"] not in RULES:
            errs.append(f"line {n}: ok=false needs rule in {sorted(RULES)}")
        cnt[o["rule"] if o.get("ok") is False else "ok"] += 1
viol = sum(v for k, v in cnt.items() if k != "ok")
if viol < 170: errs.append(f"only {viol} violations (< 170)")
if cnt["ok"] < 180: errs.append(f"only {cnt['ok']} innocent rows (< 180)")
for r in RULES:
    if cnt[r] < 30: errs.append(f"rule {r}: only {cnt[r]} rows (< 30)")
print("counts:", dict(cnt))
if errs:
    print("\n".join(errs)); print(f"FAIL ({len(errs)} problems)"); sys.exit(1)
print("OK")
