# ruff: noqa  (written by helper replywriter; kept as written)
import json, collections, sys

rows = [json.loads(l) for l in open("reviews.jsonl", encoding="utf-8")]
ids = [r["id"] for r in rows]
assert len(ids) == len(set(ids)), "dup ids"
bad = 0
for r in rows:
    for k in ("id", "text", "rating", "platform", "channel", "script", "complaints", "praise"):
        assert k in r, (r["id"], k)
    assert 2 <= len(r["complaints"]) <= 5, r["id"]
    for c in r["complaints"]:
        assert c["aspect"].split(".")[0] == c["category"], r["id"]
        if c["span"] not in r["text"]:
            bad += 1
            print("span miss", r["id"], c["span"])
    for p in r["praise"]:
        if p["span"] not in r["text"]:
            bad += 1
            print("praise miss", r["id"], p["span"])
print("rows", len(rows), "span errors", bad)
C = collections.Counter
print("script", dict(C(r["script"] for r in rows)))
print("channel", dict(C(r["channel"] for r in rows)))
print("script x channel", dict(C((r["script"], r["channel"]) for r in rows)))
print("platform", dict(C(r["platform"] for r in rows)))
print("rating", dict(C(r["rating"] for r in rows)))
print("complaints/review", dict(C(len(r["complaints"]) for r in rows)))
print("with praise", sum(1 for r in rows if r["praise"]))
L = [len(r["text"]) for r in rows]
print("len min/max/mean", min(L), max(L), round(sum(L) / len(L)))
h = C(c["aspect"] for r in rows for c in r["complaints"])
print("total complaints", sum(h.values()))
for a, n in sorted(h.items(), key=lambda x: (-x[1], x[0])):
    print(f"  {a:28s} {n}")
sys.exit(1 if bad else 0)
