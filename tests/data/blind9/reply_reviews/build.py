"""Build set.jsonl from the hand-typed lists in src/ (helper w9rep).
No template expansion: each row in src/ is one hand-written review.
Fixed-seed shuffle, ids b9r-0001..."""
import importlib.util, json, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
PLATFORMS = {"m": "meituan", "e": "eleme", "d": "dianping", "g": "google"}


def load(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    rows = []
    for fn in sorted(os.listdir(SRC)):
        if not fn.endswith(".py"):
            continue
        mod = load(os.path.join(SRC, fn))
        for r in mod.ROWS:
            if len(r) == 5:
                plat, rating, text, comps, lang = r
            else:
                plat, rating, text, comps = r
                lang = mod.LANG
            rows.append({
                "text": text,
                "rating": rating,
                "platform": PLATFORMS[plat],
                "script": mod.SCRIPT,
                "language": lang,
                "setting": mod.SETTING,
                "complaints": [
                    {"category": a.split(".")[0], "aspect": a, "span": s,
                     "keywords": [k for k in kw.split("|") if k]}
                    for (a, s, kw) in comps
                ],
            })
    random.Random(20261207).shuffle(rows)
    out = []
    for i, r in enumerate(rows, 1):
        d = {"id": "b9r-%04d" % i}
        d.update(r)
        out.append(d)
    with open(os.path.join(HERE, "set.jsonl"), "w", encoding="utf-8") as f:
        for d in out:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print("wrote", len(out), "rows")


if __name__ == "__main__":
    main()
