"""Validate set.jsonl: JSON, field order, unique ids/texts, enums, spans, complaint counts, aspect/category."""
import json, sys, pathlib

PATH = pathlib.Path(__file__).resolve().parent / "set.jsonl"
FIELDS = ["id", "text", "rating", "platform", "script", "language", "setting", "complaints"]
CFIELDS = ["category", "aspect", "span", "keywords"]
ASPECTS = set("""food.taste food.temperature food.portion food.freshness food.doneness food.look food.variety
delivery.late delivery.spilled delivery.cold_on_arrival delivery.rider delivery.packaging
service.attitude service.waiting service.wrong_item service.missing_item service.utensils service.attentiveness service.order_handling service.rules
environment.cleanliness environment.noise environment.space environment.decor environment.comfort environment.location
price.value price.expensive price.discount price.billing
hygiene.foreign_object hygiene.illness hygiene.spoiled hygiene.kitchen hygiene.pests""".split())

def main():
    errs, ids, texts, n = [], set(), set(), 0
    aspect_count = {a: 0 for a in ASPECTS}
    for ln, raw in enumerate(PATH.read_text(encoding="utf-8").splitlines(), 1):
        n += 1
        def err(m): errs.append(f"line {ln}: {m}")
        try:
            it = json.loads(raw)
        except Exception as e:
            err(f"bad JSON {e}"); continue
        if list(it) != FIELDS: err(f"field order {list(it)}"); continue
        if not (isinstance(it["id"], str) and it["id"].startswith("b8r-") and len(it["id"]) == 8): err("id format")
        if it["id"] in ids: err("dup id")
        ids.add(it["id"])
        t = it["text"]
        if not isinstance(t, str) or not t.strip(): err("empty text")
        if t in texts: err("dup text")
        texts.add(t)
        if it["rating"] not in (1, 2, 3, None): err("rating")
        if it["platform"] not in ("meituan", "eleme", "dianping", "google"): err("platform")
        if it["script"] not in ("zh-Hans", "zh-Hant", None): err("script")
        if it["language"] != ("en" if it["script"] is None else "zh"): err("language/script mismatch")
        if it["setting"] not in ("delivery", "dine_in"): err("setting")
        cs = it["complaints"]
        if not isinstance(cs, list) or not 2 <= len(cs) <= 4: err("complaint count"); continue
        spans, seen_aspects = [], set()
        for c in cs:
            if list(c) != CFIELDS: err(f"complaint fields {list(c)}"); continue
            a = c["aspect"]
            if a not in ASPECTS: err(f"aspect {a}"); continue
            aspect_count[a] += 1
            if c["category"] != a.split(".")[0]: err(f"category {c['category']} vs {a}")
            if a in seen_aspects: err(f"repeated aspect {a}")
            seen_aspects.add(a)
            s = c["span"]
            if not isinstance(s, str) or not s or t.count(s) != 1: err(f"span not unique substring: {s!r}"); continue
            i = t.index(s); spans.append((i, i + len(s)))
            kw = c["keywords"]
            if not (isinstance(kw, list) and 1 <= len(kw) <= 3 and all(isinstance(k, str) and k.strip() for k in kw)): err(f"keywords {kw}")
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1: err("overlapping spans")
    low = {a: c for a, c in aspect_count.items() if c < 6}
    if low: errs.append(f"aspects with <6 uses: {low}")
    if errs:
        print("\n".join(errs)); print(f"FAIL ({len(errs)} problems, {n} items)"); sys.exit(1)
    print(f"OK: {n} items, {sum(aspect_count.values())} complaints, all 35 aspects >= {min(aspect_count.values())}")

if __name__ == "__main__":
    main()
