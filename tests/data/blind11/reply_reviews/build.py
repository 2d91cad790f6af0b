import json, glob, re, sys, collections
ASPECTS = set(re.findall(r'- ([a-z_]+\.[a-z_]+):', open('/work/blindwork11/brief/aspects.md').read()))
SC = {'s':'zh-Hans','t':'zh-Hant','l':'latin'}
ST = {'d':'delivery','i':'dine_in'}
rows=[]; errs=[]
def R(setting, script, lang, platform, rating, text, *comps):
    cl=[]
    for c in comps:
        a, span, kw = c.split('|')
        if a not in ASPECTS: errs.append(('bad aspect', a, text[:30]))
        if span not in text: errs.append(('span', span, text[:30]))
        kws=[k.strip() for k in kw.split(',')]
        if not 2<=len(kws)<=3: errs.append(('kw', kw))
        cl.append({"category":a.split('.')[0],"aspect":a,"span":span,"keywords":kws})
    if not cl: errs.append(('nocomp', text[:30]))
    rows.append({"text":text,"rating":rating,"platform":platform,"script":SC[script],"language":lang,"setting":ST[setting],"complaints":cl})
for f in sorted(glob.glob('src/*.py')):
    exec(open(f).read(), {'R':R})
for e in errs: print(e)
texts=collections.Counter(r['text'] for r in rows)
for t,n in texts.items():
    if n>1: print('dup', t[:30])
for r in rows:
    L=len(r['text'])
    if r['setting']=='dine_in' and not 80<=L<=400: print('len dine', L, r['text'][:30])
    if r['setting']=='delivery' and not 15<=L<=200: print('len deliv', L, r['text'][:30])
    assert r['platform'] in ('meituan','eleme','dianping','google')
    assert 1<=r['rating']<=5
out=[]
for i,r in enumerate(rows,1):
    out.append({"id":f"b11r-{i:04d}", **r})
with open('set.jsonl','w',encoding='utf-8') as f:
    for r in out: f.write(json.dumps(r,ensure_ascii=False)+'\n')
# re-validate
keys=["id","text","rating","platform","script","language","setting","complaints"]
ids=set()
for line in open('set.jsonl',encoding='utf-8'):
    o=json.loads(line); assert list(o)==keys; assert o['id'] not in ids; ids.add(o['id'])
    for c in o['complaints']:
        assert list(c)==["category","aspect","span","keywords"]; assert c['aspect'] in ASPECTS; assert c['category']==c['aspect'].split('.')[0]; assert c['span'] in o['text']
C=collections.Counter
print('total',len(out))
print(C(r['setting'] for r in out)); print(C((r['setting'],r['script'],r['language']) for r in out))
print(C(r['platform'] for r in out)); print(C(r['rating'] for r in out))
ac=C(c['aspect'] for r in out for c in r['complaints']); print(len(ac), sorted(ac.items(), key=lambda x:-x[1]))
print('missing aspects', ASPECTS-set(ac))
