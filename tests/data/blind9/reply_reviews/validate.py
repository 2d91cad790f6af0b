"""Validate set.jsonl against brief/formats.md (reply_reviews) and brief/aspects.md. Helper w9rep."""
import json, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ASPECTS_MD = os.path.join(HERE, "..", "brief", "aspects.md")
KEYS = ["id", "text", "rating", "platform", "script", "language", "setting", "complaints"]
CKEYS = ["category", "aspect", "span", "keywords"]
PLATFORMS = {"meituan", "eleme", "dianping", "google"}
SCRIPTS = {"zh-Hans", "zh-Hant", "latin"}
LANGS = {"zh", "yue", "en"}
SETTINGS = {"delivery", "dine_in"}


def aspects():
    ids = set()
    for line in open(ASPECTS_MD, encoding="utf-8"):
        m = re.match(r"^- ([a-z_]+\.[a-z_]+):", line)
        if m:
            ids.add(m.group(1))
    return ids


def main(path=os.path.join(HERE, "set.jsonl")):
    ok_aspects = aspects()
    errs = []
    ids, texts = set(), set()
    n = 0
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        n += 1
        try:
            d = json.loads(line)
        except Exception as e:
            errs.append("%d: bad json %s" % (ln, e)); continue
        if list(d.keys()) != KEYS:
            errs.append("%d: keys/order %s" % (ln, list(d.keys())))
        if not re.fullmatch(r"b9r-\d{4}", d.get("id", "")):
            errs.append("%d: id format" % ln)
        if d["id"] in ids: errs.append("%d: dup id" % ln)
        ids.add(d["id"])
        t = d["text"]
        if not isinstance(t, str) or not t.strip(): errs.append("%d: empty text" % ln)
        if t in texts: errs.append("%d: dup text" % ln)
        texts.add(t)
        if d["rating"] not in (1, 2, 3, 4, 5): errs.append("%d: rating" % ln)
        if d["platform"] not in PLATFORMS: errs.append("%d: platform" % ln)
        if d["script"] not in SCRIPTS: errs.append("%d: script" % ln)
        if d["language"] not in LANGS: errs.append("%d: language" % ln)
        if d["setting"] not in SETTINGS: errs.append("%d: setting" % ln)
        if (d["script"] == "latin") != (d["language"] == "en"): errs.append("%d: script/lang mismatch" % ln)
        cs = d["complaints"]
        if not isinstance(cs, list) or not cs: errs.append("%d: no complaints" % ln); continue
        for j, c in enumerate(cs):
            where = "%d[%d]" % (ln, j)
            if list(c.keys()) != CKEYS: errs.append("%s: complaint keys %s" % (where, list(c.keys())))
            if c["aspect"] not in ok_aspects: errs.append("%s: unknown aspect %s" % (where, c["aspect"]))
            if c["category"] != c["aspect"].split(".")[0]: errs.append("%s: category mismatch" % where)
            if not c["span"] or c["span"] not in t: errs.append("%s: span not in text: %s" % (where, c["span"]))
            kw = c["keywords"]
            if not isinstance(kw, list) or not (2 <= len(kw) <= 3) or not all(isinstance(k, str) and k.strip() for k in kw):
                errs.append("%s: keywords %r" % (where, kw))
    for e in errs:
        print(e)
    print("rows", n, "errors", len(errs))
    return 1 if errs else 0



def stats(path=os.path.join(HERE, "set.jsonl")):
    rows = [json.loads(l) for l in open(path, encoding="utf-8")]
    comps = [c for r in rows for c in r["complaints"]]
    print("rows", len(rows), "complaints", len(comps))
    for k in ["rating", "platform", "script", "language", "setting"]:
        print(k, dict(sorted(Counter(r[k] for r in rows).items(), key=str)))
    print("script x setting", dict(Counter("%s/%s" % (r["script"], r["setting"]) for r in rows)))
    print("complaints per row", dict(sorted(Counter(len(r["complaints"]) for r in rows).items())))
    print("by category", dict(Counter(c["category"] for c in comps).most_common()))
    print("by aspect")
    for a, n in sorted(Counter(c["aspect"] for c in comps).items()):
        print("  %-28s %d" % (a, n))


if __name__ == "__main__":
    rc = main(*sys.argv[1:])
    stats(*sys.argv[1:])
    sys.exit(rc)
