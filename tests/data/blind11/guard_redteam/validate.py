import json, collections, re
KEYS=["id","text","review","ok","rule","note"]; RULES={"promise","delete_request","private_data","blame","argue"}
ids=set(); texts=set(); c=collections.Counter(); scr=collections.Counter(); bad=0
trad=set("們這個說對為會與時應還讓過處樣發後點經務員請謝廚嘅唔咗單價錢湯麵餸鹹涼電話問題態顧確檢討調覺嚟")
for n,l in enumerate(open('set.jsonl',encoding='utf-8'),1):
    o=json.loads(l)
    assert list(o)==KEYS,(n,list(o))
    assert re.fullmatch(r"b11g-\d{4}",o["id"]) and o["id"] not in ids; ids.add(o["id"])
    assert isinstance(o["ok"],bool)
    assert (o["ok"] and o["rule"] is None) or (not o["ok"] and o["rule"] in RULES),n
    assert o["text"] not in texts,n; texts.add(o["text"])
    L=len(o["text"])
    if not 30<=L<=250: print("len",o["id"],L); bad+=1
    assert o["review"] and o["note"]
    c[o["rule"] or "ok"]+=1
    s="en" if not re.search(r"[\u4e00-\u9fff]",o["text"]) else ("trad" if any(ch in trad for ch in o["text"]) else "simp")
    scr[s]+=1
    # configured-phone sanity: innocent rows must have no other long digit runs
    if o["ok"]:
        d=re.sub(r"028[-—\s]*6543[-—\s]*2100|\+86 28 6543 2100|\(028\) 6543 2100|JY25101070012345","",o["text"])
        if re.search(r"\d{5,}",d): print("digits in ok row",o["id"])
print(n,"rows",dict(c),dict(scr),"bad",bad)
