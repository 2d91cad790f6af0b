"""Aggregate figures for README (no texts printed)."""
import json, collections, statistics, pathlib
items = [json.loads(l) for l in (pathlib.Path(__file__).resolve().parent / "set.jsonl").read_text(encoding="utf-8").splitlines()]
sc = lambda it: it["script"] or "en"
def table(title, counter, keys=None):
    keys = keys or sorted(counter, key=lambda k: (-counter[k], str(k)))
    print(f"\n### {title}\n\n| value | n | % |\n|---|---|---|")
    tot = sum(counter.values())
    for k in keys: print(f"| {k} | {counter[k]} | {100*counter[k]/tot:.1f} |")
print(f"items: {len(items)}; complaints: {sum(len(i['complaints']) for i in items)}")
print("\n### setting × script\n\n| setting | zh-Hans | zh-Hant | en | total |\n|---|---|---|---|---|")
for s in ("delivery", "dine_in"):
    row = [sum(1 for i in items if i["setting"] == s and sc(i) == x) for x in ("zh-Hans", "zh-Hant", "en")]
    print(f"| {s} | {' | '.join(map(str,row))} | {sum(row)} |")
row = [sum(1 for i in items if sc(i) == x) for x in ("zh-Hans", "zh-Hant", "en")]
print(f"| total | {' | '.join(map(str,row))} | {sum(row)} |")
table("complaints per review", collections.Counter(len(i["complaints"]) for i in items), [2, 3, 4])
table("rating", collections.Counter(i["rating"] for i in items), [1, 2, 3, None])
table("platform", collections.Counter(i["platform"] for i in items))
table("platform × script", collections.Counter(f"{i['platform']} / {sc(i)}" for i in items))
print("\n### text length (characters)\n\n| script | n | min | median | mean | max |\n|---|---|---|---|---|---|")
for x in ("zh-Hans", "zh-Hant", "en"):
    L = [len(i["text"]) for i in items if sc(i) == x]
    print(f"| {x} | {len(L)} | {min(L)} | {statistics.median(L)} | {statistics.mean(L):.1f} | {max(L)} |")
L = [len(i["text"].split()) for i in items if sc(i) == "en"]
print(f"\nEnglish words: min {min(L)}, median {statistics.median(L)}, max {max(L)}")
table("by category", collections.Counter(c["category"] for i in items for c in i["complaints"]))
table("by aspect", collections.Counter(c["aspect"] for i in items for c in i["complaints"]))
