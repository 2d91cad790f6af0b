#!/usr/bin/env python3
"""Format check for set.jsonl (b7r blind reply-drafting eval set). Usage: python3 validate.py [path]"""
import json, sys, collections
ASPECTS = """food.taste food.temperature food.portion food.freshness food.doneness food.look food.variety
service.attitude service.waiting service.wrong_item service.missing_item service.utensils service.attentiveness
service.order_handling service.rules delivery.late delivery.spilled delivery.cold_on_arrival delivery.rider
delivery.packaging environment.cleanliness environment.noise environment.space environment.decor environment.comfort
environment.location price.value price.expensive price.discount price.billing hygiene.foreign_object hygiene.illness
hygiene.spoiled hygiene.pests hygiene.kitchen""".split()
FIELDS = ["id", "text", "rating", "platform", "script", "language", "setting", "complaints"]
path = sys.argv[1] if len(sys.argv) > 1 else "set.jsonl"
errs = []; ids = set(); n = 0; asp = collections.Counter()
def err(i, m): errs.append(f"line {i}: {m}")
for i, line in enumerate(open(path, encoding="utf-8"), 1):
    try: r = json.loads(line)
    except Exception as e: err(i, f"bad JSON {e}"); continue
    n += 1
    if list(r.keys()) != FIELDS: err(i, f"fields/order {list(r.keys())}")
    if r.get("id") in ids: err(i, "duplicate id")
    ids.add(r.get("id"))
    if not (isinstance(r.get("id"), str) and r["id"].startswith("b7r-") and len(r["id"]) == 8): err(i, "id format")
    t = r.get("text")
    if not isinstance(t, str) or not t.strip(): err(i, "empty text"); continue
    if r.get("rating") not in (None, 1, 2, 3): err(i, "rating not in 1-3/null")
    if r.get("platform") not in ("meituan", "eleme", "dianping", "google"): err(i, "platform")
    if r.get("script") not in ("zh-Hans", "zh-Hant", None): err(i, "script")
    if r.get("language") not in ("zh", "en"): err(i, "language")
    if (r.get("language") == "en") != (r.get("script") is None): err(i, "language/script mismatch")
    if r.get("setting") not in ("delivery", "dine_in"): err(i, "setting")
    cs = r.get("complaints")
    if not isinstance(cs, list) or not 2 <= len(cs) <= 4: err(i, "complaints must be a list of 2-4")
    spans = []
    for c in cs or []:
        if set(c.keys()) != {"category", "aspect", "span", "keywords"}: err(i, f"complaint keys {list(c.keys())}")
        a = c.get("aspect"); asp[a] += 1
        if a not in ASPECTS: err(i, f"bad aspect {a}")
        elif c.get("category") != a.split(".")[0]: err(i, f"category {c.get('category')} != prefix of {a}")
        s = c.get("span", "")
        k = t.count(s) if s else 0
        if k != 1: err(i, f"span occurs {k} times: {s!r}")
        else: spans.append((t.index(s), t.index(s) + len(s)))
        kw = c.get("keywords")
        if not (isinstance(kw, list) and 1 <= len(kw) <= 3 and all(isinstance(x, str) and x for x in kw)):
            # Cantonese items may carry an extra Mandarin alternative (up to 3 words total still expected)
            err(i, f"keywords must be 1-3 non-empty strings: {kw}")
    spans.sort()
    for a_, b_ in zip(spans, spans[1:]):
        if b_[0] < a_[1]: err(i, "spans overlap/nest")
missing = [a for a in ASPECTS if asp[a] < 5]
if missing: errs.append(f"aspects used <5 times: {missing}")
print(f"{n} rows, {len(ids)} ids, {sum(asp.values())} complaints")
print("\n".join(errs) if errs else "OK")
sys.exit(1 if errs else 0)
