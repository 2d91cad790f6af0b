import json
import random

rows = []
for f in ["a", "b", "c", "d", "e", "v"]:
    with open(f"src/{f}.txt", encoding="utf-8") as fh:
        lines = fh.readlines()
    for ln in lines:
        ln = ln.rstrip("\n")
        if not ln.strip():
            continue
        kind, rule, sc, note, text = ln.split("|", 4)
        assert kind in "IV" and sc in "STEH", ln
        if sc == "H":
            note = "Cantonese-flavoured; " + note
        rows.append(
            dict(
                text=text.strip(),
                violation=(kind == "V"),
                rule=None if rule == "-" else rule,
                note=note,
                script={"S": "zh-Hans", "T": "zh-Hant", "H": "zh-Hant", "E": "en"}[sc],
                _c=(sc == "H"),
            )
        )
random.Random(20261206).shuffle(rows)
texts = [r["text"] for r in rows]
assert len(set(texts)) == len(texts)
with open("set.jsonl", "w", encoding="utf-8") as o:
    for i, r in enumerate(rows, 1):
        r.pop("_c")
        o.write(json.dumps(dict(id=f"gi-{i:03d}", **r), ensure_ascii=False) + "\n")
