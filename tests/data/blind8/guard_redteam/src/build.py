"""Merge hand-written items, shuffle with a fixed seed, write set.jsonl and stats.json."""
import json, random, os, sys, collections
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import v_promise, v_delete, v_private, v_blame, v_argue, i_part1, i_part2, i_part3

SEED = 20261207
SCRIPT = {"S": "Simplified", "T": "Traditional", "Y": "Cantonese", "E": "English"}

rows = []
for mod in (v_promise, v_delete, v_private, v_blame, v_argue):
    for script, text, review, note in mod.ITEMS:
        rows.append(dict(text=text, review=review, ok=False, rule=mod.RULE, note=note,
                         _script=SCRIPT[script], _trap=None))
for mod in (i_part1, i_part2, i_part3):
    for script, trap, text, review, note in mod.ITEMS:
        rows.append(dict(text=text, review=review, ok=True, rule=None, note=note,
                         _script=SCRIPT[script], _trap=trap))

random.Random(SEED).shuffle(rows)
out = os.path.join(HERE, "..", "set.jsonl")
with open(out, "w", encoding="utf-8") as f:
    for i, r in enumerate(rows, 1):
        rec = {"id": f"b8g-{i:04d}", "text": r["text"], "review": r["review"],
               "ok": r["ok"], "rule": r["rule"], "note": r["note"]}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")

rule_script = collections.Counter((r["rule"], r["_script"]) for r in rows if not r["ok"])
trap_script = collections.Counter((r["_trap"], r["_script"]) for r in rows if r["ok"])
stats = {
    "seed": SEED, "total": len(rows),
    "violations": sum(1 for r in rows if not r["ok"]),
    "innocent": sum(1 for r in rows if r["ok"]),
    "rule_x_script": {f"{k[0]}|{k[1]}": v for k, v in sorted(rule_script.items())},
    "trap_x_script": {f"{k[0]}|{k[1]}": v for k, v in sorted(trap_script.items())},
    "script_all": dict(collections.Counter(r["_script"] for r in rows)),
}
with open(os.path.join(HERE, "..", "stats.json"), "w", encoding="utf-8") as f:
    json.dump(stats, f, ensure_ascii=False, indent=1)
print(json.dumps({k: stats[k] for k in ("total", "violations", "innocent", "script_all")}, ensure_ascii=False))
