import json, collections, statistics
rows = [json.loads(l) for l in open("../set.jsonl", encoding="utf-8")]
C = collections.Counter
sc = lambda r: r["script"] or "en"
out = []
out.append(f"total {len(rows)}")
out.append("setting x script: " + str(sorted(C((r["setting"], sc(r)) for r in rows).items())))
out.append("script: " + str(sorted(C(sc(r) for r in rows).items())))
out.append("setting: " + str(sorted(C(r["setting"] for r in rows).items())))
out.append("platform: " + str(sorted(C(r["platform"] for r in rows).items())))
out.append("rating: " + str(sorted(C(str(r["rating"]) for r in rows).items())))
out.append("complaints/review: " + str(sorted(C(len(r["complaints"]) for r in rows).items())))
cats = C(c["category"] for r in rows for c in r["complaints"])
out.append("total complaints %d" % sum(cats.values()))
out.append("category: " + str(cats.most_common()))
asp = C(c["aspect"] for r in rows for c in r["complaints"])
out.append("aspect: " + str(sorted(asp.items())))
for s in ["zh-Hans", "zh-Hant", "en"]:
    L = [len(r["text"]) for r in rows if sc(r) == s]
    out.append(f"len {s}: min {min(L)} median {statistics.median(L)} mean {statistics.mean(L):.0f} max {max(L)}")
L = [len(r["text"]) for r in rows]
out.append(f"len all: median {statistics.median(L)}")
print("\n".join(out))
