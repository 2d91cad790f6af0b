import json, random, collections, importlib, glob, os, sys
import common
for f in sorted(glob.glob("b*.py")):
    if f=="build.py": continue
    importlib.import_module(f[:-3])
items = common.ITEMS
errs=0
seen=set()
for it in items:
    t=it["text"]
    if t in seen: print("DUP", t); errs+=1
    seen.add(t)
    asp=[c[0] for c in it["comps"]]
    if not (2<=len(it["comps"])<=4): print("NCOMP",t); errs+=1
    for a,s,k in it["comps"]:
        if a not in common.A: print("BADASP",a,t); errs+=1
        if t.count(s)!=1: print("SPAN",t.count(s),s,"|",t); errs+=1
        if not (1<=len(k)<=3): print("KW",k,t); errs+=1
    sp=[c[1] for c in it["comps"]]
    for i in range(len(sp)):
        for j in range(len(sp)):
            if i!=j and sp[i] in sp[j]: print("NESTED",sp[i],"|",sp[j])
print("items",len(items),"errs",errs)
if "--stats" in sys.argv or errs==0:
    c=collections.Counter(common.A[c[0]] for it in items for c in it["comps"])
    for a in common.A.values(): print(f"{a:32s}{c[a]}")
    print(collections.Counter((it["lang"],it["setting"]) for it in items))
    print(collections.Counter(len(it["comps"]) for it in items))
    print(collections.Counter(it["rating"] for it in items))
    L=sorted(len(it["text"]) for it in items); print("len min/med/max",L[0],L[len(L)//2],L[-1])

if errs==0 and "--write" in sys.argv:
    rng=random.Random(20261206)
    its=list(items); rng.shuffle(its)
    out=[]
    for i,it in enumerate(its,1):
        lang=it["lang"]
        out.append({"id":f"b6r-{i:04d}","text":it["text"],"rating":it["rating"],"platform":it["platform"],
            "script":{"hans":"zh-Hans","hant":"zh-Hant","en":None}[lang],"language":"en" if lang=="en" else "zh",
            "setting":it["setting"],
            "complaints":[{"category":common.A[a].split(".")[0],"aspect":common.A[a],"span":s,"keywords":k} for a,s,k in it["comps"]]})
    with open("../set.jsonl","w",encoding="utf-8") as f:
        for o in out: f.write(json.dumps(o,ensure_ascii=False)+"\n")
    print("wrote",len(out))
