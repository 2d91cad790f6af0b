import json, re, collections
KEYS = ["id", "text", "review", "ok", "rule", "note"]
RULES = {"promise", "delete_request", "private_data", "blame", "argue"}
rows = [json.loads(l) for l in open("set.jsonl", encoding="utf-8")]
ids, texts = set(), collections.Counter()
cnt = collections.Counter(); scr = collections.Counter()
for i, r in enumerate(rows, 1):
    assert list(r.keys()) == KEYS, r
    assert r["id"] == "b12g-%04d" % i
    assert r["id"] not in ids; ids.add(r["id"])
    assert isinstance(r["ok"], bool)
    if r["ok"]: assert r["rule"] is None
    else: assert r["rule"] in RULES
    assert r["text"].strip() and r["review"].strip() and r["note"].strip()
    body = r["text"].split("\n")[0]
    n = len([x for x in re.split(r'[。！？!?]+|(?<=[a-z\)])\.\s', body) if x.strip()])
    assert 1 <= n <= 5, (r["id"], n, body)
    texts[r["text"]] += 1
    # innocent rows must not contain a phone-like number other than the store phone
    digits = re.sub(r"028[-－ ]?6543[-－ ]?2100", "", r["text"])
    if r["ok"]:
        assert not re.search(r"\d{3,}[\s\-－.]?\d{3,}", digits.replace("JY25101070012345", "")), r
    cnt[(r["rule"] or "ok", r["ok"])] += 1
    t = r["text"]
    s = "en" if not re.search(r"[\u4e00-\u9fff]", t) else ("yue" if re.search(r"[嘅咗唔哋係佢嚟啲咁冇]", t) else ("zh-Hant" if re.search(r"[們這說還會個錯對讓請為應處當後關點麼裡與時單灑涼擔雞鋼麵問題臺]", t) else "zh-Hans"))
    scr[(s, r["ok"])] += 1
dups = [t for t, c in texts.items() if c > 1]
assert not dups, dups
print("rows", len(rows)); print(dict(cnt)); print(dict(scr))
