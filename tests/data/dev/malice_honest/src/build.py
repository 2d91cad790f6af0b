import json
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
rows = []


def load(fn, script, mal, reason):
    with open(os.path.join(here, fn), encoding="utf-8") as fh:
        lines = fh.readlines()
    for ln in lines:
        ln = ln.rstrip("\n")
        if not ln.strip():
            continue
        r, note, text = ln.split("|", 2)
        sc = script
        if mal:
            if note.startswith(("HK", "TW")):
                sc = "zh-Hant"
            elif note.startswith("EN"):
                sc = "en"
        rows.append(
            dict(
                text=text.strip(),
                rating=int(r),
                malicious=mal,
                reason=reason,
                note=note.strip(),
                script=sc,
                src=fn,
            )
        )


for f in ["h1.txt", "h2.txt", "h3.txt", "h4.txt"]:
    load(f, "zh-Hans", False, None)
load("t1.txt", "zh-Hant", False, None)
load("c1.txt", "zh-Hant", False, None)
load("e1.txt", "en", False, None)
load("m1.txt", "zh-Hans", True, "extortion")
load("m2.txt", "zh-Hans", True, "threat")
random.Random(20261206).shuffle(rows)
texts = set()
with open(os.path.join(here, "..", "set.jsonl"), "w", encoding="utf-8") as out:
    for i, r in enumerate(rows, 1):
        assert 15 <= len(r["text"]) <= 250, (len(r["text"]), r["text"])
        assert 1 <= r["rating"] <= 3
        assert r["text"] not in texts, r["text"]
        texts.add(r["text"])
        src = r.pop("src")
        o = {"id": f"mh-{i:03d}", **r}
        out.write(json.dumps(o, ensure_ascii=False) + "\n")
print(len(rows))
