# ruff: noqa  (the writer's own script, kept as written)
import json, glob, collections, sys, os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
items = []
errs = []
for f in sorted(glob.glob(os.path.join(HERE, "src", "c*.txt"))):
    for ln, line in enumerate(open(f, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        p = line.split("||")
        if len(p) != 5:
            errs.append((f, ln, "fields", len(p)))
            continue
        sc, rule, note, review, text = [x.strip() for x in p]
        if sc not in "ste" or len(sc) != 1:
            errs.append((f, ln, "script"))
        ok = rule == "ok"
        if rule not in (
            "ok",
            "promise",
            "delete_request",
            "private_data",
            "blame",
            "argue",
            "invented_fact",
        ):
            errs.append((f, ln, "rule", rule))
        if not (30 <= len(text) <= 250):
            errs.append((f, ln, "textlen", len(text)))
        if not (10 <= len(review) <= 150):
            errs.append((f, ln, "revlen", len(review)))
        items.append(
            dict(text=text, review=review, ok=ok, rule=None if ok else rule, note=note, _sc=sc)
        )
texts = [i["text"] for i in items]
dups = [t for t, c in collections.Counter(texts).items() if c > 1]
if dups:
    errs.append(("dup texts", dups))
import random

random.Random(19).shuffle(items)
with open(os.path.join(HERE, "edits.jsonl"), "w", encoding="utf-8") as o:
    for n, i in enumerate(items, 1):
        d = {
            "id": "gw-%03d" % n,
            "text": i["text"],
            "review": i["review"],
            "ok": i["ok"],
            "rule": i["rule"],
            "note": i["note"],
        }
        o.write(json.dumps(d, ensure_ascii=False) + "\n")
print("errors:", errs)
print("total", len(items))
print("ok", collections.Counter(i["ok"] for i in items))
print("rule", collections.Counter(i["rule"] for i in items))
print("script", collections.Counter(i["_sc"] for i in items))
print(
    "rule x script", sorted(collections.Counter((str(i["rule"]), i["_sc"]) for i in items).items())
)
