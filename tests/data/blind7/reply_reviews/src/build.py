import json, random, statistics, collections, sys, importlib
from lib import ITEMS
BATCHES = ["b1","b2","b3","b4","b5","b6","b7","b8","b9"]
for b in BATCHES:
    try: importlib.import_module(b)
    except ModuleNotFoundError: pass
import p2
from p1 import PATCH
import p3
try:
    import p4, p5
except ModuleNotFoundError: pass
KEEP_SHORT = {4, 12, 15, 38, 264, 241, 284}
for k in KEEP_SHORT:
    p3.PATCH2.pop(k, None)
    if "p4" in sys.modules: sys.modules["p4"].PATCH3.pop(k, None)
NULL_RATING = {8, 33, 59, 92, 115, 147, 166, 192, 212, 226, 259, 283, 296, 313, 327}
for k in NULL_RATING: ITEMS[k]["rating"] = None
for P_ in (PATCH, p3.PATCH2, getattr(sys.modules.get("p4"), "PATCH3", {}), getattr(sys.modules.get("p5"), "PATCH4", {})):
  for i, (pre, suf, comps) in P_.items():
    it = ITEMS[i]
    it["text"] = pre + it["text"] + suf
    for c in comps:
        aspect, span, kw = c.split("|")
        it["complaints"].append({"category": aspect.split(".")[0], "aspect": aspect, "span": span, "keywords": [k for k in kw.split("/") if k]})
    it["complaints"].sort(key=lambda c: it["text"].find(c["span"]))
bad = 0
for it in ITEMS:
    t = it["text"]; spans = []
    for c in it["complaints"]:
        s = c["span"]
        if t.count(s) != 1: print("SPAN COUNT", t.count(s), repr(s), "|", t[:30]); bad += 1
        else: spans.append((t.index(s), t.index(s)+len(s)))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]: print("OVERLAP", t[:30]); bad += 1
    if not 2 <= len(it["complaints"]) <= 4: pass
print("bad", bad, "n", len(ITEMS))
random.Random(7).shuffle(ITEMS)
with open("../set.jsonl", "w", encoding="utf-8") as f:
    for i, it in enumerate(ITEMS, 1):
        f.write(json.dumps({"id": f"b7r-{i:04d}", **it}, ensure_ascii=False) + "\n")
