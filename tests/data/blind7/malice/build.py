"""Build malicious.jsonl and honest.jsonl from the hand-written item lists (helper w7mal)."""
import json, random, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import src_mal
from src_hon1 import H1
from src_hon2 import H2
from src_hon3 import H3
from src_hon4 import H4

OUT = os.path.dirname(os.path.abspath(__file__))
OWN = "own writing by helper w7mal (no external text)"

mal = []
for (text, rating, platform, reason, script, lang, te, key) in src_mal.ITEMS:
    url, title, reused = src_mal.SOURCES[key]
    mal.append(dict(text=text, rating=rating, platform=platform, reason=reason, script=script,
                    lang=lang, text_evidence=te, reused_source=reused, source=url))
hon = []
for (text, rating, platform, script, lang) in H1 + H2 + H3 + H4:
    hon.append(dict(text=text, rating=rating, platform=platform, reason="honest", script=script,
                    lang=lang, text_evidence=False, reused_source=False, source=OWN))

FIELDS = ["id", "text", "rating", "platform", "reason", "script", "lang", "text_evidence", "reused_source", "source"]
for name, rows, prefix, seed in (("malicious.jsonl", mal, "b7-m-", 7071), ("honest.jsonl", hon, "b7-h-", 7072)):
    random.Random(seed).shuffle(rows)
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for i, r in enumerate(rows, 1):
            r["id"] = f"{prefix}{i:03d}"
            f.write(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    print(name, len(rows))
