import json, random, collections, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from viol import PROMISE, DELETE, PRIVATE, BLAME, ARGUE
from ok import OK
rows = []
for rule, lst in [("promise", PROMISE), ("delete_request", DELETE), ("private_data", PRIVATE), ("blame", BLAME), ("argue", ARGUE)]:
    for lang, text, review, note in lst:
        rows.append(dict(lang=lang, trap=None, text=text, review=review, ok=False, rule=rule, note=note))
for lang, trap, text, review, note in OK:
    rows.append(dict(lang=lang, trap=trap, text=text, review=review, ok=True, rule=None, note=note))
texts = [r["text"] for r in rows]
dup = [t for t, c in collections.Counter(texts).items() if c > 1]
assert not dup, dup
random.Random(20261206).shuffle(rows)
base = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(base, "set.jsonl"), "w", encoding="utf-8") as f, open(os.path.join(base, "src", "meta.jsonl"), "w", encoding="utf-8") as m:
    for i, r in enumerate(rows, 1):
        rid = f"b6g-{i:04d}"
        f.write(json.dumps({"id": rid, "text": r["text"], "review": r["review"], "ok": r["ok"], "rule": r["rule"], "note": r["note"]}, ensure_ascii=False) + "\n")
        m.write(json.dumps({"id": rid, "lang": r["lang"], "trap": r["trap"]}) + "\n")
L = {"H": "Simplified", "T": "Traditional", "Y": "Cantonese", "E": "English"}
print("total", len(rows))
print("by rule", collections.Counter(r["rule"] or "ok" for r in rows))
print("lang all", {L[k]: v for k, v in collections.Counter(r["lang"] for r in rows).items()})
for ok in (False, True):
    print("lang ok=%s" % ok, {L[k]: v for k, v in collections.Counter(r["lang"] for r in rows if r["ok"] == ok).items()})
print("traps", collections.Counter(r["trap"] for r in rows if r["ok"]))
