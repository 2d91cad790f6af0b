#!/usr/bin/env python3
"""Format check for the w6mal blind malice set: malicious.jsonl and honest.jsonl."""
import json, re, sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["id", "text", "rating", "platform", "reason", "script", "lang",
          "text_evidence", "reused_source", "source"]
PLATFORMS = {"meituan", "eleme", "dianping", "google", "yelp", "tripadvisor"}
REASONS = {"extortion", "threat", "honest"}
SCRIPTS = {"simplified", "traditional", None}
LANGS = {"zh", "yue", "en"}
OWN = "own writing by helper w6mal (no external text)"

def check(fn, prefix, allowed_reasons, errors, seen_ids, seen_texts):
    n = 0
    with open(os.path.join(HERE, fn), encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            where = f"{fn}:{ln}"
            try:
                o = json.loads(line)
            except Exception as e:
                errors.append(f"{where}: invalid JSON ({e})"); continue
            n += 1
            if list(o.keys()) != FIELDS:
                errors.append(f"{where}: fields/order {list(o.keys())}"); continue
            if not re.fullmatch(prefix + r"\d{3}", o["id"]):
                errors.append(f"{where}: bad id {o['id']}")
            if o["id"] in seen_ids: errors.append(f"{where}: duplicate id {o['id']}")
            seen_ids.add(o["id"])
            t = o["text"]
            if not isinstance(t, str) or not t.strip():
                errors.append(f"{where}: empty text")
            else:
                key = re.sub(r"\s+", "", t)
                if key in seen_texts: errors.append(f"{where}: duplicate text (also {seen_texts[key]})")
                seen_texts[key] = o["id"]
            r = o["rating"]
            if not (r is None or (isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= 5)):
                errors.append(f"{where}: bad rating {r!r}")
            if o["platform"] not in PLATFORMS: errors.append(f"{where}: bad platform")
            if o["reason"] not in allowed_reasons: errors.append(f"{where}: bad reason {o['reason']}")
            if o["script"] not in SCRIPTS: errors.append(f"{where}: bad script")
            if o["lang"] not in LANGS: errors.append(f"{where}: bad lang")
            if (o["lang"] == "en") != (o["script"] is None):
                errors.append(f"{where}: script must be null iff lang is en")
            if o["lang"] == "yue" and o["script"] != "traditional":
                errors.append(f"{where}: yue expected in traditional script")
            for b in ("text_evidence", "reused_source"):
                if not isinstance(o[b], bool): errors.append(f"{where}: {b} not bool")
            s = o["source"]
            if o["reason"] == "honest":
                if s != OWN: errors.append(f"{where}: honest source must be own-writing marker")
                if o["reused_source"]: errors.append(f"{where}: honest cannot reuse a source")
            elif not (isinstance(s, str) and s.startswith("http")):
                errors.append(f"{where}: malicious source must be a URL")
    return n

def main():
    errors, ids, texts = [], set(), {}
    nm = check("malicious.jsonl", "b6-m-", {"extortion", "threat"}, errors, ids, texts)
    nh = check("honest.jsonl", "b6-h-", {"honest"}, errors, ids, texts)
    print(f"malicious: {nm} rows, honest: {nh} rows")
    if errors:
        print(f"{len(errors)} problem(s):"); [print("  " + e) for e in errors[:50]]
        sys.exit(1)
    print("OK")

if __name__ == "__main__":
    main()
