"""Collect hand-typed items from src/*.py, check, shuffle (fixed seed), write set.jsonl."""
import json, random, importlib.util, pathlib, collections, sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "set.jsonl"
SEED = 20261207
ASPECTS = """food.taste food.temperature food.portion food.freshness food.doneness food.look food.variety
delivery.late delivery.spilled delivery.cold_on_arrival delivery.rider delivery.packaging
service.attitude service.waiting service.wrong_item service.missing_item service.utensils service.attentiveness service.order_handling service.rules
environment.cleanliness environment.noise environment.space environment.decor environment.comfort environment.location
price.value price.expensive price.discount price.billing
hygiene.foreign_object hygiene.illness hygiene.spoiled hygiene.kitchen hygiene.pests""".split()
FILES = {"hans_delivery": "zh-Hans", "hans_dinein": "zh-Hans", "hant": "zh-Hant", "en": None}

def load(name):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m.R

def main():
    items, errs = [], []
    for fname, script in FILES.items():
        for i, (rating, platform, setting, text, comps) in enumerate(load(fname)):
            where = f"{fname}[{i}] {text[:20]}"
            cl = []
            if len({c[0] for c in comps}) != len(comps): errs.append(f"{where}: repeated aspect")
            if not 2 <= len(comps) <= 4: errs.append(f"{where}: {len(comps)} complaints")
            for asp, span, kws in comps:
                if asp not in ASPECTS: errs.append(f"{where}: bad aspect {asp}")
                if text.count(span) != 1: errs.append(f"{where}: span x{text.count(span)} {span!r}")
                kw = [k for k in kws.split("|") if k]
                if not 1 <= len(kw) <= 3: errs.append(f"{where}: kw count {kws}")
                cl.append({"category": asp.split(".")[0], "aspect": asp, "span": span, "keywords": kw})
            items.append({"text": text, "rating": rating, "platform": platform, "script": script,
                          "language": "en" if script is None else "zh", "setting": setting, "complaints": cl})
    if errs:
        print("\n".join(errs)); sys.exit(1)
    random.Random(SEED).shuffle(items)
    with open(OUT, "w", encoding="utf-8") as f:
        for n, it in enumerate(items, 1):
            f.write(json.dumps({"id": f"b8r-{n:04d}", **it}, ensure_ascii=False) + "\n")
    print(f"wrote {len(items)} items to {OUT}")
    c = collections.Counter(x["aspect"] for it in items for x in it["complaints"])
    print("aspects under 6:", {a: c[a] for a in ASPECTS if c[a] < 6})
    print("by script x setting:", collections.Counter((it["script"], it["setting"]) for it in items))
    print("n complaints:", collections.Counter(len(it["complaints"]) for it in items))
    print("ratings:", collections.Counter(it["rating"] for it in items))

if __name__ == "__main__":
    main()
