#!/usr/bin/env python3
"""Format check for set.jsonl (blind reply eval set b6r). Usage: python3 validate.py [set.jsonl]"""
import json, sys, collections
ASPECTS = """food.taste food.temperature food.portion food.freshness food.doneness food.look food.variety
service.attitude service.waiting service.wrong_item service.missing_item service.utensils service.attentiveness
service.order_handling service.rules delivery.late delivery.spilled delivery.cold_on_arrival delivery.rider
delivery.packaging environment.cleanliness environment.noise environment.space environment.decor environment.comfort
environment.location price.value price.expensive price.discount price.billing hygiene.foreign_object hygiene.illness
hygiene.spoiled hygiene.pests hygiene.kitchen""".split()
FIELDS = ["id","text","rating","platform","script","language","setting","complaints"]
CFIELDS = ["category","aspect","span","keywords"]
def main(path):
    errs = []; ids = set(); texts = set(); n = 0
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        def E(m): errs.append(f"line {ln}: {m}")
        try: r = json.loads(line)
        except Exception as e: E(f"bad JSON {e}"); continue
        n += 1
        if list(r.keys()) != FIELDS: E(f"fields/order {list(r.keys())}")
        if r.get("id") in ids: E("duplicate id")
        ids.add(r.get("id"))
        if not str(r.get("id","")).startswith("b6r-"): E("id prefix")
        t = r.get("text")
        if not isinstance(t, str) or not t.strip(): E("empty text"); continue
        if t in texts: E("duplicate text")
        texts.add(t)
        if r["rating"] not in (1, 2, 3, None): E(f"rating {r['rating']}")
        if r["platform"] not in ("meituan","eleme","dianping","google"): E("platform")
        if r["language"] not in ("zh","en"): E("language")
        if r["language"] == "en" and r["script"] is not None: E("en must have script null")
        if r["language"] == "zh" and r["script"] not in ("zh-Hans","zh-Hant"): E("script")
        if r["setting"] not in ("delivery","dine_in"): E("setting")
        cs = r["complaints"]
        if not isinstance(cs, list) or not (2 <= len(cs) <= 4): E("need 2-4 complaints"); continue
        spans = []
        for c in cs:
            if list(c.keys()) != CFIELDS: E(f"complaint fields {list(c.keys())}")
            a = c.get("aspect")
            if a not in ASPECTS: E(f"aspect {a}")
            elif c.get("category") != a.split(".")[0]: E(f"category {c.get('category')} != prefix of {a}")
            s = c.get("span")
            if not isinstance(s, str) or not s: E("empty span")
            elif t.count(s) != 1: E(f"span occurs {t.count(s)}x: {s!r}")
            spans.append(s)
            k = c.get("keywords")
            if not (isinstance(k, list) and 1 <= len(k) <= 3 and all(isinstance(x, str) and x.strip() for x in k)): E("keywords must be 1-3 non-empty strings")
        for i, a in enumerate(spans):
            for j, b in enumerate(spans):
                if i != j and a and b and a in b: E(f"span nested in another span: {a!r}")
    print(f"{n} records, {len(errs)} errors")
    for e in errs[:50]: print(" ", e)
    return 1 if errs else 0
if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "set.jsonl"))
