"""Validate malicious.jsonl and honest.jsonl (format only; does not look at any model output)."""
import json, re, sys, os
D = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["id", "text", "rating", "platform", "reason", "script", "lang",
          "text_evidence", "reused_source", "source"]
PLAT = {"meituan", "eleme", "dianping", "google", "yelp", "tripadvisor"}
errs = []
texts = {}
ids = set()
for fname, prefix, reasons in (("malicious.jsonl", "b8-m-", {"extortion", "threat"}),
                               ("honest.jsonl", "b8-h-", {"honest"})):
    n = 0
    with open(os.path.join(D, fname), encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            n += 1
            try:
                obj = json.loads(line)
            except Exception as e:
                errs.append(f"{fname}:{ln} bad json {e}"); continue
            if list(obj.keys()) != FIELDS:
                errs.append(f"{fname}:{ln} field order {list(obj.keys())}")
            i = obj.get("id")
            if not re.fullmatch(re.escape(prefix) + r"\d{3}", str(i)):
                errs.append(f"{fname}:{ln} bad id {i}")
            if i in ids: errs.append(f"{fname}:{ln} dup id {i}")
            ids.add(i)
            t = obj.get("text")
            if not isinstance(t, str) or not t.strip():
                errs.append(f"{fname}:{ln} empty text")
            else:
                k = re.sub(r"\s+", "", t)
                if k in texts: errs.append(f"{fname}:{ln} duplicate text of {texts[k]}")
                texts[k] = i
            r = obj.get("rating")
            if r is not None and (not isinstance(r, int) or isinstance(r, bool) or not 1 <= r <= 5):
                errs.append(f"{fname}:{ln} bad rating {r}")
            if obj.get("platform") not in PLAT: errs.append(f"{fname}:{ln} bad platform")
            if obj.get("reason") not in reasons: errs.append(f"{fname}:{ln} bad reason")
            s, l = obj.get("script"), obj.get("lang")
            ok = (l == "en" and s is None) or (l == "zh" and s in ("simplified", "traditional")) or (l == "yue" and s == "traditional")
            if not ok: errs.append(f"{fname}:{ln} script/lang {s}/{l}")
            # crude script check
            if isinstance(t, str) and l == "en" and re.search(r"[\u4e00-\u9fff]", t):
                errs.append(f"{fname}:{ln} CJK in English item")
            if isinstance(t, str) and l in ("zh", "yue") and not re.search(r"[\u4e00-\u9fff]", t):
                errs.append(f"{fname}:{ln} no CJK in zh/yue item")
            te, ru = obj.get("text_evidence"), obj.get("reused_source")
            if not isinstance(te, bool) or not isinstance(ru, bool): errs.append(f"{fname}:{ln} non-bool flags")
            if fname == "honest.jsonl":
                if te or ru: errs.append(f"{fname}:{ln} honest with text_evidence/reused true")
                if obj.get("source") != "own writing by helper w8mal (no external text)":
                    errs.append(f"{fname}:{ln} honest source")
            else:
                if not str(obj.get("source", "")).startswith("http"): errs.append(f"{fname}:{ln} source not URL")
    print(fname, n, "rows")
# simplified/traditional sanity: characters that only appear in one script
SIMP_ONLY = set("这们说时来为个对会过还没发现样让么钱吗问给经")
TRAD_ONLY = set("這們說時來為個對會過還沒發現樣讓麼錢嗎問給經")
for fname in ("malicious.jsonl", "honest.jsonl"):
    for line in open(os.path.join(D, fname), encoding="utf-8"):
        o = json.loads(line)
        chars = set(o["text"])
        if o["script"] == "simplified" and chars & TRAD_ONLY:
            errs.append(f"{o['id']} simplified item has traditional chars {chars & TRAD_ONLY}")
        if o["script"] == "traditional" and chars & SIMP_ONLY:
            errs.append(f"{o['id']} traditional item has simplified chars {chars & SIMP_ONLY}")
if errs:
    print("\n".join(errs)); print("FAIL", len(errs)); sys.exit(1)
print("OK")
