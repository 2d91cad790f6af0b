import json,glob,re,collections,sys
asp=set(re.findall(r'- ([a-z_]+\.[a-z_]+):',open('/work/blindwork12/brief/aspects.md').read()))
SC={'H':('zh-Hans','zh'),'T':('zh-Hant','zh'),'Y':('zh-Hant','yue'),'E':('latin','en')}
rows=[];errs=[]
for f in sorted(glob.glob('src/*.txt')):
    for blk in open(f,encoding='utf-8').read().strip().split('\n\n'):
        L=[l for l in blk.strip().split('\n') if l.strip()]
        if not L: continue
        h=L[0].split()
        assert h[0].startswith('#'),(f,L[0])
        sc,st,rt,pf=h[0][1:],h[1],int(h[2]),h[3]
        tl=[l for l in L[1:] if not l.startswith('@')]
        cl=[l for l in L[1:] if l.startswith('@')]
        text='\n'.join(tl)
        comps=[]
        for c in cl:
            a,s,k=c[1:].split('|')
            comps.append({"category":a.split('.')[0],"aspect":a,"span":s,"keywords":[x.strip() for x in k.split(',')]})
        rows.append({"id":None,"text":text,"rating":rt,"platform":pf,"script":SC[sc][0],"language":SC[sc][1],
          "setting":{'d':'dine_in','w':'delivery'}[st],"complaints":comps})
import random; random.Random(12).shuffle(rows)
for i,r in enumerate(rows,1):
    r['id']=f"b12r-{i:04d}"
with open('set.jsonl','w',encoding='utf-8') as o:
    for r in rows: o.write(json.dumps(r,ensure_ascii=False)+'\n')
# validate
K=["id","text","rating","platform","script","language","setting","complaints"]
for line in open('set.jsonl',encoding='utf-8'):
    r=json.loads(line)
    if list(r)!=K: errs.append((r['id'],'keys'))
    if r['rating'] not in range(1,6): errs.append((r['id'],'rating'))
    if r['platform'] not in ('meituan','eleme','dianping','google'): errs.append((r['id'],'platform'))
    if r['setting']=='delivery' and r['platform'] not in ('meituan','eleme'): errs.append((r['id'],'deliv platform'))
    if not r['complaints']: errs.append((r['id'],'nocomp'))
    for c in r['complaints']:
        if c['aspect'] not in asp: errs.append((r['id'],'aspect',c['aspect']))
        if c['category']!=c['aspect'].split('.')[0]: errs.append((r['id'],'cat'))
        if not c['span'] or c['span'] not in r['text']: errs.append((r['id'],'span',c['span']))
        if not 2<=len(c['keywords'])<=3 or any(not k for k in c['keywords']): errs.append((r['id'],'kw',c['keywords']))
    if len(set(c['span'] for c in r['complaints']))!=len(r['complaints']): errs.append((r['id'],'dupspan'))
texts=collections.Counter(r['text'] for r in rows)
for t,n in texts.items():
    if n>1: errs.append(('dup text',t[:30]))
for e in errs: print('ERR',e)
print('rows',len(rows))
C=collections.Counter
print('setting',C(r['setting'] for r in rows))
print('script/lang',C((r['script'],r['language']) for r in rows))
print('rating',sorted(C(r['rating'] for r in rows).items()))
print('platform',C(r['platform'] for r in rows))
print('ncomp',sorted(C(len(r['complaints']) for r in rows).items()))
if '-a' in sys.argv:
    ac=C(c['aspect'] for r in rows for c in r['complaints'])
    for a in sorted(asp): print(a,ac.get(a,0))
