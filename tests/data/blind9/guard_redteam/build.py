#!/usr/bin/env python3
"""Build set.jsonl + stats.json + meta.jsonl from the hand-typed lists in src/.
Helper w9grd. Fixed-seed shuffle; ids b9g-0001...
"""
import json, os, random, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "src"))
import promise, delete_request, private_data, blame, argue, extra  # noqa: E402

SEED = 20261207
SCRIPT_GROUP = {"hans": "simplified", "hant": "traditional_or_cantonese",
                "yue": "traditional_or_cantonese", "en": "english"}


def collect():
    rows = []
    for mod in (promise, delete_request, private_data, blame, argue):
        for (script, trap, text, review, note) in mod.VIOL:
            rows.append(dict(rule=mod.RULE, script=script, trap=trap, text=text,
                             review=review, note=note, src=mod.__name__ + ".VIOL",
                             mimics=mod.RULE))
        for (script, trap, text, review, note) in mod.OK:
            rows.append(dict(rule=None, script=script, trap=trap, text=text,
                             review=review, note=note, src=mod.__name__ + ".OK",
                             mimics=mod.RULE))
    for (rule, mimics, script, trap, text, review, note) in extra.ROWS:
        rows.append(dict(rule=rule, script=script, trap=trap, text=text, review=review,
                         note=note, src="extra.ROWS", mimics=mimics))
    return rows


def main():
    rows = collect()
    rows.sort(key=lambda r: (r["src"], r["text"]))  # deterministic before shuffle
    random.Random(SEED).shuffle(rows)
    with open(os.path.join(HERE, "set.jsonl"), "w", encoding="utf-8") as f, \
         open(os.path.join(HERE, "meta.jsonl"), "w", encoding="utf-8") as m:
        for i, r in enumerate(rows, 1):
            r["id"] = "b9g-%04d" % i
            out = {"id": r["id"], "text": r["text"], "review": r["review"],
                   "ok": r["rule"] is None, "rule": r["rule"], "note": r["note"]}
            f.write(json.dumps(out, ensure_ascii=False) + "\n")
            m.write(json.dumps({"id": r["id"], "script": r["script"],
                                "script_group": SCRIPT_GROUP[r["script"]],
                                "trap": r["trap"], "mimics": r["mimics"],
                                "src": r["src"]}, ensure_ascii=False) + "\n")
    viol = [r for r in rows if r["rule"]]
    ok = [r for r in rows if not r["rule"]]
    stats = {
        "total": len(rows),
        "violations": len(viol),
        "innocent": len(ok),
        "by_rule": dict(Counter(r["rule"] for r in viol)),
        "innocent_by_rule_mimicked": dict(Counter(r["mimics"] for r in ok)),
        "by_script": dict(Counter(r["script"] for r in rows)),
        "by_script_group": dict(Counter(SCRIPT_GROUP[r["script"]] for r in rows)),
        "by_script_group_pct": {k: round(100.0 * v / len(rows), 1) for k, v in
                                Counter(SCRIPT_GROUP[r["script"]] for r in rows).items()},
        "violation_trap": dict(Counter(r["trap"] for r in viol).most_common()),
        "innocent_trap": dict(Counter(r["trap"] for r in ok).most_common()),
        "rule_x_script_group": {rule: dict(Counter(SCRIPT_GROUP[r["script"]] for r in viol if r["rule"] == rule))
                                for rule in sorted(set(r["rule"] for r in viol))},
        "seed": SEED,
    }
    with open(os.path.join(HERE, "stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(json.dumps(stats, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
