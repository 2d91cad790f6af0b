"""Format check for the w7mal blind set: valid JSON, exact fields in order, unique ids, no duplicate texts, enums."""
import json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["id", "text", "rating", "platform", "reason", "script", "lang", "text_evidence", "reused_source", "source"]
PLATFORMS = {"meituan", "eleme", "dianping", "google", "yelp", "tripadvisor"}
OWN = "own writing by helper w7mal (no external text)"
errors = []
ids, texts = set(), {}

def err(msg):
    errors.append(msg)

for name, prefix, reasons in (("malicious.jsonl", "b7-m-", {"extortion", "threat"}), ("honest.jsonl", "b7-h-", {"honest"})):
    path = os.path.join(HERE, name)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"{name}:{n}"
            try:
                r = json.loads(line)
            except Exception as e:
                err(f"{where}: invalid JSON ({e})"); continue
            if list(r.keys()) != FIELDS:
                err(f"{where}: fields {list(r.keys())}"); continue
            if not re.fullmatch(re.escape(prefix) + r"\d{3}", r["id"]):
                err(f"{where}: bad id {r['id']}")
            if r["id"] in ids:
                err(f"{where}: duplicate id {r['id']}")
            ids.add(r["id"])
            t = r["text"]
            if not isinstance(t, str) or not t.strip():
                err(f"{where}: empty text")
            key = re.sub(r"\s+", " ", t.strip()) if isinstance(t, str) else t
            if key in texts:
                err(f"{where}: duplicate text of {texts[key]}")
            texts[key] = r["id"]
            if not (r["rating"] is None or (isinstance(r["rating"], int) and not isinstance(r["rating"], bool) and 1 <= r["rating"] <= 5)):
                err(f"{where}: bad rating {r['rating']}")
            if r["platform"] not in PLATFORMS:
                err(f"{where}: bad platform {r['platform']}")
            if r["reason"] not in reasons:
                err(f"{where}: bad reason {r['reason']}")
            if r["lang"] not in {"zh", "yue", "en"}:
                err(f"{where}: bad lang {r['lang']}")
            if r["script"] not in {"simplified", "traditional", None}:
                err(f"{where}: bad script {r['script']}")
            if (r["lang"] == "en") != (r["script"] is None):
                err(f"{where}: script/lang mismatch")
            if r["lang"] == "yue" and r["script"] != "traditional":
                err(f"{where}: yue must be traditional here")
            for b in ("text_evidence", "reused_source"):
                if not isinstance(r[b], bool):
                    err(f"{where}: {b} not bool")
            if r["reason"] == "honest":
                if r["text_evidence"] is not False or r["reused_source"] is not False:
                    err(f"{where}: honest must have text_evidence=false, reused_source=false")
                if r["source"] != OWN:
                    err(f"{where}: honest source must be own-writing string")
            else:
                if not (isinstance(r["source"], str) and r["source"].startswith("http")):
                    err(f"{where}: malicious source must be a URL")

if errors:
    print("\n".join(errors)); print(f"FAIL: {len(errors)} problem(s)"); sys.exit(1)
print(f"OK: {len(ids)} rows, {len(texts)} unique texts")
